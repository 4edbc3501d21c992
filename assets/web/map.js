// Enhances every `.hromada-map` (templates/web/map/map.html, src/web/map.rs) with Leaflet: the district
// outlines (and shading) from Hromada's GeoJSON, the public reports as keyboard-operable markers, and,
// on a picking map, a click that fills the latitude/longitude fields. Base tiles only when configured.
// Loaded by hromada.js only on pages with a map; without JavaScript the server-drawn picture stays.
import "../vendor/leaflet/dist/leaflet.js";

const L = window.L;
const PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

function addLeafletStyles() {
  if (document.querySelector("link[data-leaflet]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("../vendor/leaflet/dist/leaflet.css", import.meta.url).href;
  link.dataset.leaflet = "";
  document.head.append(link);
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

function districtsLayer(geojson, shading) {
  return L.geoJSON(geojson, {
    style: (feature) => {
      const step = shading[String(feature.id)];
      return { color: "#0b0c0c", weight: 2, fillColor: step === undefined ? "#ffffff" : PALETTE[step], fillOpacity: 0.6 };
    },
    onEachFeature: (feature, layer) => layer.bindTooltip(feature.properties.name),
  });
}

function pickInto(map, element) {
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
  fromFields();
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  map.on("click", (event) => {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
  });
}

async function enhance(element) {
  const canvas = document.createElement("div");
  canvas.className = "hromada-map__canvas";
  canvas.setAttribute("role", "region");
  canvas.setAttribute("aria-label", element.dataset.label || "");
  element.prepend(canvas);
  const { tiles, attribution } = element.dataset;
  const map = L.map(canvas, { attributionControl: Boolean(tiles), zoomControl: false });
  L.control.zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut }).addTo(map);
  if (tiles) L.tileLayer(tiles, { attribution, maxZoom: 19 }).addTo(map);
  const districts = districtsLayer(await json(element.dataset.districts), JSON.parse(element.dataset.shading || "{}"));
  districts.addTo(map);
  map.fitBounds(districts.getBounds());
  element.classList.add("hromada-map--enhanced");
  if (element.dataset.pickLat) pickInto(map, element);
  if (element.dataset.points) {
    const points = await json(element.dataset.points);
    L.geoJSON(points, {
      pointToLayer: (feature, latlng) => marker(latlng, feature.properties.subject, false),
      onEachFeature: (feature, layer) => layer.bindPopup(reportPopup(feature, element.dataset.openReport)),
    }).addTo(map);
  }
}

addLeafletStyles();
for (const element of document.querySelectorAll(".hromada-map")) {
  // A map that cannot load keeps the server-drawn picture: nothing is lost.
  enhance(element).catch((error) => {
    element.classList.remove("hromada-map--enhanced");
    element.querySelector(".hromada-map__canvas")?.remove();
    console.warn("map not enhanced", error);
  });
}
