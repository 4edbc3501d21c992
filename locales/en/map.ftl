# The shared map (src/web/map.rs, templates/web/map/map.html, assets/web/map.js).
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-open-report = Open the report
map-chosen-place = The chosen place
map-cluster-label = Reports:
map-pick-hint = Without a mouse: move the map with the arrow keys until the cross in its middle is on the place (+ and − zoom), then press Enter.
map-pick-centre = Use the middle of the map as the place
map-picked = Chosen place (latitude, longitude):
map-recent-reports = Map of recent problem reports
home-map-heading = Recent problem reports
home-reports-all = All problem reports, as a list and on the map
home-petitions-heading = Petitions collecting signatures
home-petitions-all = Petitions
home-petitions-more = { $count ->
    [one] The { $count } petition collecting signatures
   *[other] All { $count } petitions collecting signatures
}
