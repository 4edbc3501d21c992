// Enhances every `.hromada-map` (templates/web/map/map.html, src/web/map.rs) with Leaflet: the district
// outlines (and shading) from Hromada's GeoJSON, the public reports as keyboard-operable markers grouped
// into numbered clusters per zoom level (leaflet.markercluster), the page's own markers (data-markers), an
// outline being checked (data-outline), and, on a picking map, a click (or, by keyboard, the arrow keys
// and Enter on the cross at the centre) that fills the latitude/longitude fields. Base tiles only when
// configured. Loaded by hromada.js only on pages with a map; without JavaScript the server-drawn picture
// stays.
import "../vendor/leaflet/dist/leaflet.js";
// Needs window.L from the line above: modules are evaluated in the order they are imported.
import "../vendor/leaflet.markercluster/dist/leaflet.markercluster.js";

const L = window.L;
const PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

function addLeafletStyles() {
  if (document.querySelector("link[data-leaflet]")) return;
  for (const file of ["../vendor/leaflet/dist/leaflet.css", "../vendor/leaflet.markercluster/dist/MarkerCluster.css"]) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL(file, import.meta.url).href;
    link.dataset.leaflet = "";
    document.head.append(link);
  }
}

async function json(url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json, application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function marker(latlng, title, chosen) {
  const className = chosen ? "hromada-map__marker hromada-map__marker--chosen" : "hromada-map__marker";
  const icon = L.divIcon({ className, iconSize: [22, 22] });
  return L.marker(latlng, { icon, title, alt: title, keyboard: true });
}

// A popup with the report's subject and a link to its page, built from text nodes (never HTML).
function reportPopup(feature, linkText) {
  const box = document.createElement("div");
  const subject = document.createElement("p");
  subject.textContent = feature.properties.subject;
  const link = document.createElement("a");
  link.className = "govuk-link";
  link.href = `/reports/${encodeURIComponent(feature.id)}`;
  link.textContent = linkText;
  box.append(subject, link);
  return box;
}

function districtsLayer(geojson, shading, replaces) {
  return L.geoJSON(geojson, {
    filter: (feature) => String(feature.id) !== replaces,
    style: (feature) => {
      const step = shading[String(feature.id)];
      return { color: "#0b0c0c", weight: 2, fillColor: step === undefined ? "#ffffff" : PALETTE[step], fillOpacity: 0.6 };
    },
    onEachFeature: (feature, layer) => layer.bindTooltip(feature.properties.name),
  });
}

// A cluster of reports: its number, named for screen readers ("Reports: 12"); text nodes, never HTML.
function clusterIcon(label) {
  return (cluster) => {
    const box = document.createElement("span");
    const name = document.createElement("span");
    name.className = "govuk-visually-hidden";
    name.textContent = `${label} `;
    box.append(name, String(cluster.getChildCount()));
    return L.divIcon({ html: box, className: "hromada-map__cluster", iconSize: [36, 36] });
  };
}

function text(tag, className, content) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = content;
  return node;
}

// Picking without a mouse: the map (focused with Tab) moves with the arrow keys under a cross at its
// centre; Enter, or the button under the map, chooses the point under the cross. A live region says
// which point was chosen, whichever way.
function keyboardPicking(map, canvas, element, choose) {
  const cross = document.createElement("div");
  cross.className = "hromada-map__crosshair";
  cross.setAttribute("aria-hidden", "true");
  canvas.append(cross);
  const hint = text("p", "govuk-hint hromada-map__hint", element.dataset.pickHint || "");
  hint.id = `${element.dataset.pickLat}-map-hint`;
  canvas.setAttribute("aria-describedby", hint.id);
  const button = text("button", "govuk-button govuk-button--secondary hromada-map__centre", element.dataset.pickCentre || "");
  button.type = "button";
  const status = text("p", "govuk-body hromada-map__status", "");
  status.setAttribute("role", "status");
  canvas.after(hint, button, status);
  const atCentre = () => choose(map.getCenter());
  button.addEventListener("click", atCentre);
  canvas.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === canvas) {
      event.preventDefault();
      atCentre();
    }
  });
  return (latlng) => {
    status.textContent = `${element.dataset.picked || ""} ${latlng.lat.toFixed(6)}, ${latlng.lng.toFixed(6)}`;
  };
}

function pickInto(map, canvas, element) {
  const lat = document.getElementById(element.dataset.pickLat);
  const lon = document.getElementById(element.dataset.pickLon);
  if (!lat || !lon) return;
  let chosen = null;
  const place = (latlng) => {
    if (chosen) chosen.setLatLng(latlng);
    else chosen = marker(latlng, element.dataset.chosen, true).addTo(map);
  };
  const fromFields = () => {
    const [y, x] = [Number.parseFloat(lat.value), Number.parseFloat(lon.value)];
    if (Number.isFinite(y) && Number.isFinite(x) && Math.abs(y) <= 90 && Math.abs(x) <= 180) place(L.latLng(y, x));
  };
  let announce = () => {};
  const choose = (latlng) => {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    place(latlng);
    announce(latlng);
  };
  announce = keyboardPicking(map, canvas, element, choose);
  fromFields();
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  map.on("click", (event) => choose(event.latlng));
}

function reportPoints(points, element) {
  const clusters = L.markerClusterGroup({
    iconCreateFunction: clusterIcon(element.dataset.clusterLabel || ""),
    showCoverageOnHover: false,
  });
  clusters.addLayer(
    L.geoJSON(points, {
      pointToLayer: (feature, latlng) => marker(latlng, feature.properties.subject, false),
      onEachFeature: (feature, layer) => layer.bindPopup(reportPopup(feature, element.dataset.openReport)),
    }),
  );
  return clusters;
}

async function enhance(element) {
  const canvas = document.createElement("div");
  canvas.className = "hromada-map__canvas";
  canvas.setAttribute("role", "region");
  canvas.setAttribute("aria-label", element.dataset.label || "");
  element.prepend(canvas);
  const { tiles, attribution } = element.dataset;
  // A top zoom is needed by markercluster even without tiles (it clusters per zoom level up to it).
  const map = L.map(canvas, { attributionControl: Boolean(tiles), zoomControl: false, maxZoom: 19 });
  L.control.zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut }).addTo(map);
  if (tiles) L.tileLayer(tiles, { attribution, maxZoom: 19 }).addTo(map);
  const shading = JSON.parse(element.dataset.shading || "{}");
  const districts = districtsLayer(await json(element.dataset.districts), shading, element.dataset.replaces);
  districts.addTo(map);
  const bounds = districts.getBounds();
  // An outline being checked before it is saved: dashed, on yellow, over the others.
  if (element.dataset.outline) {
    const style = { color: "#0b0c0c", weight: 3, dashArray: "6 4", fillColor: "#ffdd00", fillOpacity: 0.5 };
    const outline = L.geoJSON(JSON.parse(element.dataset.outline), { style, interactive: false }).addTo(map);
    bounds.extend(outline.getBounds());
  }
  map.fitBounds(bounds);
  element.classList.add("hromada-map--enhanced");
  if (element.dataset.pickLat) pickInto(map, canvas, element);
  // The picture's own markers (a case's place): drawn from the page, never fetched.
  for (const m of JSON.parse(element.dataset.markers || "[]")) {
    marker(L.latLng(m.lat, m.lon), m.label, m.chosen).addTo(map);
  }
  if (element.dataset.points) reportPoints(await json(element.dataset.points), element).addTo(map);
}

addLeafletStyles();
for (const element of document.querySelectorAll(".hromada-map")) {
  // A map that cannot load keeps the server-drawn picture: nothing is lost.
  enhance(element).catch((error) => {
    element.classList.remove("hromada-map--enhanced");
    for (const added of element.querySelectorAll(".hromada-map__canvas, .hromada-map__hint, .hromada-map__centre, .hromada-map__status")) {
      added.remove();
    }
    console.warn("map not enhanced", error);
  });
}
