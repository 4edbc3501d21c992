// Progressive enhancement only: every page works without this file. It runs only in browsers that
// support ES modules, which is exactly govuk-frontend's own test, so it marks the body for its styles
// (instead of the inline script govuk-frontend suggests, which our CSP forbids) and starts its components.
import { initAll } from "../vendor/govuk-frontend/dist/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// The map platform (Leaflet, ~45 KB gzipped) loads only on pages that show a map.
if (document.querySelector(".hromada-map")) {
  import("./map.js");
}
