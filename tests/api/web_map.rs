//! The shared map platform over HTTP: the districts as GeoJSON for Leaflet, the server-drawn picture of
//! the picking form, the home page's map of recent reports, the tile setting and the CSP, the weight.
use reqwest::header::{ACCEPT_ENCODING, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, TestAppBuilder},
    web::asset_urls,
};

/// The example city: three districts with areas, its categories and organisations.
pub async fn example_city() -> TestApp {
    TestAppBuilder::new().await.with_smtp().configure(|s| s.example_directory = true).spawn().await
}

pub async fn category_id(app: &TestApp, code: &str) -> i64 {
    let all = app.get("/api/v1/directory/categories", None).await.body;
    let list = all.get("items").unwrap_or(&all).as_array().unwrap().clone();
    list.iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("no {code} in {all}"))["id"].as_i64().unwrap()
}

/// A report filed through the API by `citizen`, at (`lat`, `lon`).
pub async fn filed_report(app: &TestApp, citizen: &str, category: i64, subject: &str, lat: f64, lon: f64) -> i64 {
    let body = json!({"kind": "issue_report", "subject": subject, "text": "Seen this morning, still there.",
                      "category_id": category, "location": {"latitude": lat, "longitude": lon}});
    let filed = app.post("/api/v1/appeals", Some(citizen), body).await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    filed.body["id"].as_i64().unwrap()
}

async fn text(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app.client.get(app.url(path)).header("accept-language", "en").send().await.unwrap();
    let kind = response.headers().get(CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    // Templates escape `/` as `&#x2f;`, which a browser reads back as `/`.
    (response.status().as_u16(), kind, response.text().await.unwrap().replace("&#x2f;", "/"))
}

#[tokio::test]
async fn leaflet_gets_the_districts_as_geojson_with_their_names() {
    let app = example_city().await;
    let (status, kind, body) = text(&app, "/map/districts.geojson").await;
    assert_eq!((status, kind.as_str()), (200, "application/geo+json"));
    let collection: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(collection["type"], "FeatureCollection");
    let names: Vec<&str> =
        collection["features"].as_array().unwrap().iter().map(|f| f["properties"]["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("Північний")));
    assert_eq!(collection["features"][0]["geometry"]["type"], "Polygon");
}

#[tokio::test]
async fn the_picking_picture_draws_every_district_and_marks_the_chosen_place() {
    let app = example_city().await;
    let (status, kind, plain) = text(&app, "/map/districts.svg").await;
    assert_eq!((status, kind.as_str()), (200, "image/svg+xml"));
    assert_eq!(plain.matches("<path d=\"M").count(), 3, "{plain}");
    assert!(plain.contains("width=\"320\""), "a fixed width: the click is posted in displayed pixels");
    assert!(!plain.contains("#ffdd00"), "nothing chosen yet");
    let (_, _, chosen) = text(&app, "/map/districts.svg?lat=48.71&lon=37.55").await;
    assert!(chosen.contains("#ffdd00"), "the chosen place is marked");
    let (_, _, outside) = text(&app, "/map/districts.svg?lat=123&lon=37.55").await;
    assert!(!outside.contains("#ffdd00"), "an impossible point is not drawn");
}

#[tokio::test]
async fn without_districts_there_is_no_picture_and_the_home_page_has_no_map() {
    let app = TestAppBuilder::new().await.spawn().await;
    assert_eq!(text(&app, "/map/districts.svg").await.0, 404);
    let (status, _, home) = text(&app, "/").await;
    assert_eq!(status, 200);
    assert!(!home.contains("hromada-map"), "no empty map");
}

#[tokio::test]
async fn the_home_page_shows_recent_reports_on_the_map_with_their_subjects_only() {
    let app = example_city().await;
    let citizen = app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let pothole = category_id(&app, "pothole").await;
    filed_report(&app, &citizen, pothole, "Pothole <by> the school", 48.71, 37.55).await;

    let (_, _, home) = text(&app, "/").await;
    assert!(home.contains("class=\"hromada-map\""), "{home}");
    assert!(home.contains("data-districts=\"/map/districts.geojson\""));
    assert!(home.contains("data-points=\"/api/v1/reports/geojson?limit=200\""));
    assert!(home.contains("<title>Pothole &lt;by&gt; the school</title>"), "the subject, escaped");
    assert!(home.contains("Map of recent problem reports"));
    assert!(!home.contains("Oksana") && !home.contains("oksana@example.org"), "no personal data");
    assert!(!home.contains("data-tiles"), "no tiles unless configured");
}

#[tokio::test]
async fn configured_tiles_are_offered_to_leaflet_and_allowed_by_the_csp() {
    let app = TestAppBuilder::new()
        .await
        .configure(|s| {
            s.example_directory = true;
            s.web.map_tile_url = Some("https://tiles.example.org/{z}/{x}/{y}.png".into());
            s.web.map_tile_attribution = "© Example tiles".into();
        })
        .spawn()
        .await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("img-src 'self' data: https://tiles.example.org;"), "{csp}");
    assert!(csp.contains("script-src 'self';"), "scripts still only from here: {csp}");
    let home = response.text().await.unwrap().replace("&#x2f;", "/");
    assert!(home.contains("data-tiles=\"https://tiles.example.org/{z}/{x}/{y}.png\""), "{home}");
    assert!(home.contains("data-attribution=\"© Example tiles\""));

    let plain = example_city().await;
    let csp = plain.client.get(plain.url("/")).send().await.unwrap().headers()["content-security-policy"].clone();
    assert!(csp.to_str().unwrap().contains("img-src 'self' data:;"), "no other image source without tiles");
}

#[test]
fn a_tile_url_without_its_placeholders_is_refused_at_start() {
    let mut settings = hromada::config::Settings::default();
    settings.web.map_tile_url = Some("https://tiles.example.org/tile.png".into());
    let refused = settings.validate().unwrap_err().to_string();
    assert!(refused.contains("web.map_tile_url"), "{refused}");
    settings.web.map_tile_url = Some("javascript:alert(1)//{z}{x}{y}".into());
    assert!(settings.validate().is_err());
}

/// The budget of a page with a map: ≤ 120 KB gzipped with everything it loads, Leaflet and its CSS included.
#[tokio::test]
async fn a_page_with_a_map_weighs_at_most_120_kb_gzipped_with_leaflet() {
    let app = example_city().await;
    let citizen = app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let pothole = category_id(&app, "pothole").await;
    for i in 0..20 {
        filed_report(&app, &citizen, pothole, &format!("Pothole number {i}"), 48.70 + f64::from(i) * 0.003, 37.55)
            .await;
    }
    let gzip = [(ACCEPT_ENCODING.as_str(), "gzip")];
    let get = |path: String| {
        let mut request = app.client.get(app.url(&path));
        for (name, value) in gzip {
            request = request.header(name, value);
        }
        request.send()
    };
    let html = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    let mut total = get("/".into()).await.unwrap().bytes().await.unwrap().len();
    let mut urls = asset_urls(&html);
    assert!(urls.iter().any(|u| u.ends_with("map.js")), "a map page counts Leaflet: {urls:?}");
    urls.extend(["/map/districts.geojson".to_owned(), "/api/v1/reports/geojson?limit=200".to_owned()]);
    for url in urls {
        let answer = get(url.clone()).await.unwrap();
        assert_eq!(answer.status(), 200, "{url}");
        total += answer.bytes().await.unwrap().len();
    }
    eprintln!("the home page with its map weighs {total} bytes gzipped");
    assert!(total <= 120 * 1024, "the home page with its map weighs {total} bytes gzipped");
}
