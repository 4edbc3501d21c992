# Спільна мапа (src/web/map.rs, templates/web/map/map.html, assets/web/map.js).
map-zoom-in = Збільшити
map-zoom-out = Зменшити
map-open-report = Відкрити повідомлення
map-chosen-place = Вибране місце
map-cluster-label = Повідомлень:
map-pick-hint = Без миші: рухайте мапу стрілками, доки хрестик посередині не стане на місце (+ і − змінюють масштаб), тоді натисніть Enter.
map-pick-centre = Вибрати середину мапи як місце
map-picked = Вибране місце (широта, довгота):
map-recent-reports = Мапа останніх повідомлень про проблеми
home-map-heading = Останні повідомлення про проблеми
home-reports-all = Усі повідомлення про проблеми — списком і на мапі
home-petitions-heading = Петиції, що збирають підписи
home-petitions-all = Петиції
home-petitions-more = { $count ->
    [one] Усі { $count } петиція, що збирає підписи
    [few] Усі { $count } петиції, що збирають підписи
   *[many] Усі { $count } петицій, що збирають підписи
}
