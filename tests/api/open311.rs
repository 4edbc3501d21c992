//! Open311 GeoReport v2 at `/open311/v2`: an administrator issues a key, a city app discovers the
//! services, files issue reports with the key (form-encoded, JSON and XML) and follows them, and no
//! personal data ever comes back.
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestAppBuilder};

/// The example city: `pothole` goes to this enterprise; `council_work` is not for reports.
const ROAD_REPAIR: &str = "КП «Шляхрембуд» (Road Repair)";
const EMAIL: &str = "olena.petrenko@example.org";
const PHONE: &str = "+380501234567";
const FIRST_NAME: &str = "Олена";
const LAST_NAME: &str = "Петренко";

/// A response as text: Open311 bodies are JSON or XML.
#[derive(Debug)]
struct Raw {
    status: u16,
    content_type: String,
    text: String,
}

impl Raw {
    async fn from(response: reqwest::Response) -> Raw {
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        Raw { status, content_type, text: response.text().await.unwrap() }
    }

    fn json(&self) -> Value {
        assert_eq!(self.content_type, "application/json; charset=utf-8", "{}", self.text);
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn xml<T: for<'de> Deserialize<'de>>(&self) -> T {
        assert_eq!(self.content_type, "text/xml; charset=utf-8", "{}", self.text);
        assert_well_formed(&self.text);
        quick_xml::de::from_str(&self.text).unwrap_or_else(|e| panic!("unexpected XML ({e}): {}", self.text))
    }

    /// Asserts an Open311 JSON error document with `status`; returns its description.
    fn assert_json_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        let body = self.json();
        let errors = body.as_array().expect("an array of errors");
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!(errors[0]["code"], status);
        let description = errors[0]["description"].as_str().expect("a description").to_owned();
        assert!(!description.is_empty());
        description
    }

    /// Asserts an Open311 XML error document with `status`; returns its description.
    fn assert_xml_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        assert!(self.text.contains("<errors><error><code>"), "{}", self.text);
        let errors: XmlErrors = self.xml();
        assert_eq!(errors.error.len(), 1);
        assert_eq!(errors.error[0].code, status);
        errors.error[0].description.clone()
    }
}

/// Reads the whole document; quick-xml checks that every end tag matches its start tag.
fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("malformed XML ({e}): {xml}"),
        }
    }
    assert_eq!(depth, 0, "unclosed elements: {xml}");
}

#[derive(Debug, Deserialize)]
struct XmlErrors {
    error: Vec<XmlError>,
}

#[derive(Debug, Deserialize)]
struct XmlError {
    code: u16,
    description: String,
}

#[derive(Debug, Deserialize)]
struct XmlServices {
    service: Vec<XmlService>,
}

#[derive(Debug, Deserialize)]
struct XmlService {
    service_code: String,
    service_name: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: String,
    group: String,
}

#[derive(Debug, Deserialize)]
struct XmlDefinition {
    service_code: String,
}

#[derive(Debug, Deserialize)]
struct XmlDiscovery {
    endpoints: XmlEndpoints,
}

#[derive(Debug, Deserialize)]
struct XmlEndpoints {
    endpoint: Vec<XmlEndpoint>,
}

#[derive(Debug, Deserialize)]
struct XmlEndpoint {
    specification: String,
    url: String,
    formats: XmlFormats,
}

#[derive(Debug, Deserialize)]
struct XmlFormats {
    format: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct XmlRequests {
    #[serde(default)]
    request: Vec<XmlRequest>,
}

#[derive(Debug, Deserialize)]
struct XmlRequest {
    service_request_id: String,
    token: Option<String>,
    status: Option<String>,
    service_code: Option<String>,
    agency_responsible: Option<String>,
    expected_datetime: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
}

/// The example city, an administrator, and a key for the Open311 client.
async fn city_with_key() -> (TestApp, String, String) {
    let app = TestAppBuilder::new()
        .await
        .configure(|s| {
            s.example_directory = true;
            s.photos.dir = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
        })
        .spawn()
        .await;
    let admin = app.administrator().await;
    let (_, key) = issue_key(&app, &admin, "Kyiv Digital app").await;
    (app, admin, key)
}

async fn issue_key(app: &TestApp, admin: &str, name: &str) -> (i64, String) {
    let issued = app.post("/api/v1/api-keys", Some(admin), json!({ "name": name })).await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    (issued.body["id"].as_i64().unwrap(), issued.body["key"].as_str().unwrap().to_owned())
}

async fn open311_get(app: &TestApp, path: &str) -> Raw {
    Raw::from(app.client.get(app.url(&format!("/open311/v2{path}"))).send().await.unwrap()).await
}

async fn open311_post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Raw {
    Raw::from(app.client.post(app.url(&format!("/open311/v2{path}"))).form(fields).send().await.unwrap()).await
}

/// A complete submission: a person with a name and an e-mail, a pothole at a point.
fn report<'a>(key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("api_key", key),
        ("service_code", "pothole"),
        ("lat", "48.7389"),
        ("long", "37.5844"),
        ("address_string", "вул. Шкільна, 12"),
        ("email", EMAIL),
        ("first_name", FIRST_NAME),
        ("last_name", LAST_NAME),
        ("phone", PHONE),
        ("description", description),
    ]
}

/// Files a report in JSON and returns its id.
async fn file_report(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let created = open311_post(app, "/requests.json", fields).await;
    assert_eq!(created.status, 200, "{}", created.text);
    created.json()[0]["service_request_id"].as_str().expect("the id is a string").to_owned()
}

fn assert_no_personal_data(text: &str) {
    for secret in [EMAIL, PHONE, FIRST_NAME, LAST_NAME, "olena"] {
        assert!(!text.to_lowercase().contains(&secret.to_lowercase()), "`{secret}` leaked in: {text}");
    }
}

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("not a datetime: {value}")))
        .unwrap_or_else(|e| panic!("{value}: {e}"))
        .with_timezone(&Utc)
}

/// Makes the administrator an officer of the organisation handling report `id`, so they may handle it.
async fn become_handler(app: &TestApp, admin: &str, id: &str) {
    let me = app.get("/api/v1/accounts/me", Some(admin)).await.body["id"].clone();
    let executor = app.get(&format!("/api/v1/appeals/{id}"), None).await.body["executor"]["id"].clone();
    let joined = app
        .put(
            &format!("/api/v1/directory/organisations/{executor}/members/{me}"),
            Some(admin),
            json!({"role": "officer"}),
        )
        .await;
    assert_eq!(joined.status, 204, "{}", joined.body);
}

#[tokio::test]
async fn an_administrator_issues_lists_and_revokes_keys() {
    let app = TestAppBuilder::new().await.spawn().await;
    let admin = app.administrator().await;

    app.post("/api/v1/api-keys", None, json!({"name": "x"})).await.assert_problem(401);
    app.post("/api/v1/api-keys", Some(&admin), json!({"name": "   "})).await.assert_problem(422);

    let issued = app.post("/api/v1/api-keys", Some(&admin), json!({"name": "  Kyiv   Digital app "})).await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    assert_eq!(issued.body["name"], "Kyiv Digital app");
    let key = issued.body["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 64);
    let id = issued.body["id"].as_i64().unwrap();

    let listed = app.get("/api/v1/api-keys", Some(&admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body[0]["id"], id);
    assert!(listed.body[0]["revoked_at"].is_null());
    assert!(!listed.body.to_string().contains(&key), "the key is shown once only");

    let revoked = app.delete(&format!("/api/v1/api-keys/{id}"), Some(&admin)).await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    let again = app.delete(&format!("/api/v1/api-keys/{id}"), Some(&admin)).await;
    assert_eq!(again.status, 204, "revoking twice is not an error: {}", again.body);
    app.delete("/api/v1/api-keys/9999", Some(&admin)).await.assert_problem(404);

    let listed = app.get("/api/v1/api-keys", Some(&admin)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "a revoked key is kept: {}", listed.body);
    assert!(listed.body[0]["revoked_at"].is_string());

    let history = hromada::storage::events::history(&app.db, "api_key", &id.to_string()).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["issued", "revoked"]);
    assert!(history.iter().all(|e| !e.details.contains(&key)));
}

#[tokio::test]
async fn a_client_discovers_the_endpoint_and_reads_services_in_json_and_xml() {
    let (app, _, _) = city_with_key().await;

    let discovery = open311_get(&app, "/discovery.json").await;
    assert_eq!(discovery.status, 200, "{}", discovery.text);
    let endpoint = &discovery.json()["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], format!("{}/open311/v2", app.settings.public_url));
    assert_eq!(endpoint["type"], "production");
    assert_eq!(endpoint["formats"], json!(["application/json", "text/xml"]));
    let discovery: XmlDiscovery = open311_get(&app, "/discovery.xml").await.xml();
    assert_eq!(discovery.endpoints.endpoint[0].specification, "http://wiki.open311.org/GeoReport_v2");
    assert!(discovery.endpoints.endpoint[0].url.ends_with("/open311/v2"));
    assert_eq!(discovery.endpoints.endpoint[0].formats.format, ["application/json", "text/xml"]);

    let services = open311_get(&app, "/services.json").await.json();
    let services = services.as_array().unwrap();
    let pothole = services.iter().find(|s| s["service_code"] == "pothole").expect("pothole is a service");
    assert_eq!(pothole["service_name"], "Яма на дорозі");
    assert_eq!(pothole["metadata"], false);
    assert_eq!(pothole["type"], "realtime");
    assert_eq!(pothole["group"], ROAD_REPAIR);
    assert!(pothole["description"].as_str().unwrap().contains("15"), "{pothole}");
    assert!(services.iter().all(|s| s["service_code"].is_string()));
    assert!(services.iter().all(|s| s["service_code"] != "council_work"), "not offered for reports");
    let english = open311_get(&app, "/services.json?locale=en").await.json();
    assert!(english.as_array().unwrap().iter().any(|s| s["service_name"] == "Pothole"));

    let xml: XmlServices = open311_get(&app, "/services.xml").await.xml();
    assert_eq!(xml.service.len(), services.len());
    let pothole = xml.service.iter().find(|s| s.service_code == "pothole").unwrap();
    assert_eq!((pothole.service_name.as_str(), pothole.metadata), ("Яма на дорозі", false));
    assert_eq!((pothole.kind.as_str(), pothole.group.as_str()), ("realtime", ROAD_REPAIR));

    let definition = open311_get(&app, "/services/pothole.json").await;
    assert_eq!(definition.status, 200, "{}", definition.text);
    assert_eq!(definition.json(), json!({"service_code": "pothole", "attributes": []}));
    let definition = open311_get(&app, "/services/pothole.xml").await;
    assert!(definition.text.contains("<service_definition>"), "{}", definition.text);
    assert_eq!(definition.xml::<XmlDefinition>().service_code, "pothole");

    open311_get(&app, "/services/no_such_thing.json").await.assert_json_error(404);
    open311_get(&app, "/services/council_work.xml").await.assert_xml_error(404);
    open311_get(&app, "/services.csv").await.assert_json_error(400);
    open311_get(&app, "/services").await.assert_json_error(400);
    open311_get(&app, "/nothing/here.xml").await.assert_xml_error(404);
    open311_get(&app, "/weather.json").await.assert_json_error(404);
    let wrong_method = Raw::from(app.client.delete(app.url("/open311/v2/requests.json")).send().await.unwrap()).await;
    wrong_method.assert_json_error(405);
}

#[tokio::test]
async fn a_client_files_a_report_with_its_key_and_follows_it_without_personal_data() {
    let (app, admin, key) = city_with_key().await;
    let mut bodies = Vec::new();

    let created = open311_post(&app, "/requests.json", &report(&key, "Глибока яма посеред дороги біля школи")).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let body = created.json();
    assert_eq!(body.as_array().unwrap().len(), 1);
    let id = body[0]["service_request_id"].as_str().expect("the id is a string").to_owned();
    let token = body[0]["token"].as_str().expect("a token").to_owned();
    assert!(body[0]["service_notice"].as_str().unwrap().contains(ROAD_REPAIR), "{body}");
    bodies.push(created.text);

    // The same report through the regular API: an issue report that came by Open311, with a deadline.
    let internal = app.get(&format!("/api/v1/appeals/{id}"), None).await;
    assert_eq!(internal.status, 200, "{}", internal.body);
    assert_eq!(internal.body["channel"], "open311");
    assert_eq!(internal.body["kind"], "issue_report");
    assert_eq!(internal.body["executor"]["name"], ROAD_REPAIR);

    let got = open311_get(&app, &format!("/requests/{id}.json")).await;
    assert_eq!(got.status, 200, "{}", got.text);
    let request = got.json()[0].clone();
    assert_eq!(request["service_request_id"], id.as_str());
    assert_eq!(request["status"], "open");
    assert_eq!(request["service_code"], "pothole");
    assert_eq!(request["service_name"], "Яма на дорозі");
    assert_eq!(request["description"], "Глибока яма посеред дороги біля школи");
    assert_eq!(request["agency_responsible"], ROAD_REPAIR);
    assert_eq!(request["address"], "вул. Шкільна, 12");
    assert_eq!((request["lat"].as_f64(), request["long"].as_f64()), (Some(48.7389), Some(37.5844)));
    assert_eq!(instant(&request["expected_datetime"]), instant(&internal.body["deadline"]["due_at"]));
    // Open311 datetimes are to the second.
    let received = instant(&internal.body["received_at"]).trunc_subsecs(0);
    assert_eq!(instant(&request["requested_datetime"]), received);
    assert!(request["media_url"].is_null());
    bodies.push(got.text);

    let by_token = open311_get(&app, &format!("/tokens/{token}.json")).await;
    assert_eq!(by_token.json(), json!([{ "token": token, "service_request_id": id }]));
    let by_token: XmlRequests = open311_get(&app, &format!("/tokens/{token}.xml")).await.xml();
    assert_eq!(by_token.request[0].service_request_id, id);
    assert_eq!(by_token.request[0].token.as_deref(), Some(token.as_str()));
    open311_get(&app, "/tokens/unknown.json").await.assert_json_error(404);

    // XML in, XML out.
    let created = open311_post(&app, "/requests.xml", &report(&key, "Вибоїна на тротуарі, небезпечно ввечері")).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let created_xml: XmlRequests = created.xml();
    let xml_id = created_xml.request[0].service_request_id.clone();
    assert!(xml_id.parse::<i32>().is_ok());
    assert_eq!(created_xml.request[0].token.as_ref().map(String::len), Some(64));
    bodies.push(created.text);
    let got = open311_get(&app, &format!("/requests/{xml_id}.xml")).await;
    let got_xml: XmlRequests = got.xml();
    let request = &got_xml.request[0];
    assert_eq!(request.service_request_id, xml_id);
    assert_eq!(request.status.as_deref(), Some("open"));
    assert_eq!(request.service_code.as_deref(), Some("pothole"));
    assert_eq!(request.agency_responsible.as_deref(), Some(ROAD_REPAIR));
    assert_eq!((request.lat, request.long), (Some(48.7389), Some(37.5844)));
    let due = app.get(&format!("/api/v1/appeals/{xml_id}"), None).await.body["deadline"]["due_at"].clone();
    assert_eq!(instant(&json!(request.expected_datetime.clone().unwrap())), instant(&due));
    bodies.push(got.text);

    // A photo added later is linked, not copied.
    let me = app.get("/api/v1/accounts/me", Some(&admin)).await.body["id"].as_i64().unwrap() as i32;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let new = hromada::storage::appeals::NewPhoto { bytes: png, content_type: "image/png", extension: "png" };
    let photo = hromada::storage::appeals::add_photo(
        &app.db,
        &app.settings.photos,
        id.parse().unwrap(),
        me,
        new,
        Utc::now(),
        &Default::default(),
    )
    .await
    .unwrap();
    let got = open311_get(&app, &format!("/requests/{id}.json")).await;
    assert_eq!(
        got.json()[0]["media_url"],
        format!("{}/api/v1/appeals/{id}/photos/{}", app.settings.public_url, photo.id)
    );
    bodies.push(got.text);

    let listed = open311_get(&app, "/requests.json").await;
    assert_eq!(listed.json().as_array().unwrap().len(), 2);
    bodies.push(listed.text);
    bodies.push(open311_get(&app, "/requests.xml").await.text);
    for body in &bodies {
        assert_no_personal_data(body);
    }
}

#[tokio::test]
async fn requests_are_listed_with_the_specification_filters() {
    let (app, admin, key) = city_with_key().await;
    let first = file_report(&app, &report(&key, "Яма на перехресті Шкільної та Садової")).await;
    let second = file_report(&app, &report(&key, "Ще одна яма на тій самій вулиці, ближче до парку")).await;
    let mut light = report(&key, "Не світить ліхтар біля під'їзду номер два");
    light[1] = ("service_code", "street_lighting");
    let third = file_report(&app, &light).await;
    let duplicate = file_report(&app, &report(&key, "Та сама яма на перехресті Шкільної та Садової")).await;

    // An officer of the road enterprise answers the first report and links the duplicate to the second.
    become_handler(&app, &admin, &first).await;
    let answered = app
        .post(
            &format!("/api/v1/appeals/{first}/answer"),
            Some(&admin),
            json!({"resolution": "resolved", "text": "Яму залатано 12 числа бригадою підприємства."}),
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    let linked = app
        .post(
            &format!("/api/v1/appeals/{duplicate}/duplicate-of"),
            Some(&admin),
            json!({"duplicate_of": second.parse::<i32>().unwrap()}),
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.body);

    // A private appeal filed in the same period never shows here.
    let private = private_appeal(&app).await;
    open311_get(&app, &format!("/requests/{private}.json")).await.assert_json_error(404);

    let ids = |raw: Raw| -> Vec<String> {
        let body = raw.json();
        let mut ids: Vec<String> =
            body.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    let everything = sorted(vec![&first, &second, &third, &duplicate]);
    assert_eq!(ids(open311_get(&app, "/requests.json").await), everything);
    assert_eq!(ids(open311_get(&app, "/requests.json?status=open,closed").await), everything);
    assert_eq!(
        ids(open311_get(&app, "/requests.json?service_code=pothole").await),
        sorted(vec![&first, &second, &duplicate])
    );
    assert_eq!(ids(open311_get(&app, "/requests.json?service_code=street_lighting,pothole").await), everything);
    assert_eq!(ids(open311_get(&app, "/requests.json?status=closed").await), vec![first.clone()]);
    assert_eq!(
        ids(open311_get(&app, "/requests.json?status=open").await),
        sorted(vec![&second, &third, &duplicate]),
        "a duplicate follows the open report it duplicates"
    );
    assert_eq!(
        ids(open311_get(&app, "/requests.json?service_code=pothole&status=open").await),
        sorted(vec![&second, &duplicate])
    );
    let one = open311_get(&app, &format!("/requests/{first}.json")).await.json();
    assert_eq!(one[0]["status"], "closed");
    assert_eq!(one[0]["status_notes"], "Яму залатано 12 числа бригадою підприємства.");
    let dup = open311_get(&app, &format!("/requests/{duplicate}.json")).await.json();
    assert_eq!(dup[0]["status"], "open");
    assert!(dup[0]["status_notes"].as_str().unwrap().contains(&second), "{dup}");

    // Dates bound the time of receipt.
    let now = Utc::now();
    let w3 = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let window =
        format!("/requests.json?start_date={}&end_date={}", w3(now - Duration::hours(1)), w3(now + Duration::hours(1)));
    assert_eq!(ids(open311_get(&app, &window).await), everything);
    let later = format!("/requests.json?start_date={}", w3(now + Duration::hours(1)));
    assert!(ids(open311_get(&app, &later).await).is_empty());
    let earlier = format!("/requests.json?end_date={}", w3(now - Duration::days(2)));
    assert!(ids(open311_get(&app, &earlier).await).is_empty());
    let kyiv_offset = (now - Duration::hours(1)).with_timezone(&chrono_tz::Europe::Kyiv).to_rfc3339();
    let encoded: String = url::form_urlencoded::byte_serialize(kyiv_offset.as_bytes()).collect();
    assert_eq!(ids(open311_get(&app, &format!("/requests.json?start_date={encoded}")).await), everything);

    // Ids override every other filter.
    let by_ids = format!("/requests.json?service_request_id={first},{third}&status=open&service_code=pothole");
    assert_eq!(ids(open311_get(&app, &by_ids).await), sorted(vec![&first, &third]));
    let with_private = format!("/requests.json?service_request_id={first},{private}");
    assert_eq!(ids(open311_get(&app, &with_private).await), vec![first.clone()]);

    // The same in XML.
    let xml: XmlRequests = open311_get(&app, "/requests.xml?status=closed").await.xml();
    assert_eq!(xml.request.len(), 1);
    assert_eq!(xml.request[0].service_request_id, first);
    assert_eq!(xml.request[0].status.as_deref(), Some("closed"));
    let later_xml = format!("/requests.xml?start_date={}", w3(now + Duration::hours(1)));
    let none: XmlRequests = open311_get(&app, &later_xml).await.xml();
    assert!(none.request.is_empty());

    open311_get(&app, "/requests.json?status=answered").await.assert_json_error(400);
    open311_get(&app, "/requests.xml?service_code=no_such_service").await.assert_xml_error(400);
    open311_get(&app, "/requests.json?start_date=yesterday").await.assert_json_error(400);
    open311_get(&app, "/requests.json?service_request_id=abc").await.assert_json_error(400);
    let too_wide = format!("/requests.json?start_date={}&end_date={}", w3(now - Duration::days(100)), w3(now));
    let description = open311_get(&app, &too_wide).await.assert_json_error(400);
    assert!(description.contains("90"), "{description}");
    open311_get(&app, "/requests/abc.json").await.assert_json_error(404);
    open311_get(&app, "/requests/99999.xml").await.assert_xml_error(404);
}

/// An ordinary (private) appeal, filed the way the web form files one.
async fn private_appeal(app: &TestApp) -> String {
    use hromada::domain::accounts::Language;
    use hromada::{
        domain::appeals::{AppealKind, Author, Channel, NewAppeal, intake},
        storage::appeals::{Filing, stored_precision},
    };
    let calendar = hromada::storage::calendar::calendar(&app.db, None).await.unwrap();
    let directory = hromada::storage::directory::intake_directory(&app.db).await.unwrap();
    let now = stored_precision(Utc::now());
    let categories = hromada::storage::directory::list_categories(&app.db).await.unwrap();
    let school = categories.iter().find(|c| c.category.code == "school").unwrap().category.id;
    let new = NewAppeal {
        kind: AppealKind::Application,
        channel: Channel::Web,
        subject: "Ремонт спортзалу".into(),
        text: "Прошу відремонтувати спортзал школи № 3.".into(),
        category_id: Some(school),
        addressee_id: None,
        point: None,
        place_address: None,
        district_id: None,
        author: Author {
            account_id: None,
            name: "Іваненко Іван".into(),
            address: Some("вул. Садова, 1".into()),
            email: Some("ivanenko@example.org".into()),
            phone: None,
            language: Language::Uk,
        },
        show_author_name: false,
        privileged: false,
        cosigners: vec![],
        received_at: now,
        registered_by: None,
        open311_token: None,
    };
    let accepted = intake(new, directory.as_ref(), &calendar, now).expect("intake accepts it");
    let filed = hromada::storage::appeals::file(&app.db, &app.settings.public_url, Filing::new(accepted, now)).await;
    filed.unwrap().row.id.to_string()
}

#[tokio::test]
async fn filing_needs_a_valid_key_a_full_name_an_email_and_a_known_service() {
    let (app, admin, key) = city_with_key().await;
    let description = "Яма на дорозі біля зупинки";
    let without = |name: &str| -> Vec<(&str, &str)> {
        report(&key, description).into_iter().filter(|(field, _)| *field != name).collect()
    };
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        report(&key, description).into_iter().map(|(f, v)| if f == name { (f, value) } else { (f, v) }).collect()
    };

    let missing = open311_post(&app, "/requests.json", &without("api_key")).await.assert_json_error(403);
    assert!(missing.contains("api_key"), "{missing}");
    open311_post(&app, "/requests.json", &with("api_key", "not-a-key")).await.assert_json_error(403);
    open311_post(&app, "/requests.xml", &with("api_key", "not-a-key")).await.assert_xml_error(403);

    let (revoked_id, revoked_key) = issue_key(&app, &admin, "Old app").await;
    assert!(!file_report(&app, &report(&revoked_key, description)).await.is_empty());
    let revoked = app.delete(&format!("/api/v1/api-keys/{revoked_id}"), Some(&admin)).await;
    assert_eq!(revoked.status, 204);
    let refused = open311_post(&app, "/requests.xml", &report(&revoked_key, description)).await;
    assert!(refused.assert_xml_error(403).contains("revoked"));

    let unknown = open311_post(&app, "/requests.json", &with("service_code", "weather")).await.assert_json_error(400);
    assert!(unknown.contains("weather"), "{unknown}");
    open311_post(&app, "/requests.json", &with("service_code", "council_work")).await.assert_json_error(400);
    open311_post(&app, "/requests.xml", &without("service_code")).await.assert_xml_error(400);

    let anonymous = open311_post(&app, "/requests.json", &without("last_name")).await.assert_json_error(400);
    assert!(anonymous.contains("anonymous"), "{anonymous}");
    open311_post(&app, "/requests.json", &without("first_name")).await.assert_json_error(400);
    let no_email = open311_post(&app, "/requests.json", &without("email")).await.assert_json_error(400);
    assert!(no_email.contains("email"), "{no_email}");
    open311_post(&app, "/requests.json", &with("email", "not an address")).await.assert_json_error(400);
    let short = open311_post(&app, "/requests.json", &with("description", "Яма")).await.assert_json_error(400);
    assert!(short.contains("description"), "{short}");

    let nowhere: Vec<(&str, &str)> =
        report(&key, description).into_iter().filter(|(f, _)| !["lat", "long", "address_string"].contains(f)).collect();
    open311_post(&app, "/requests.json", &nowhere).await.assert_json_error(400);
    let mut address_id_only = nowhere.clone();
    address_id_only.push(("address_id", "123"));
    let unsupported = open311_post(&app, "/requests.json", &address_id_only).await.assert_json_error(400);
    assert!(unsupported.contains("address_id"), "{unsupported}");
    open311_post(&app, "/requests.json", &without("long")).await.assert_json_error(400);
    open311_post(&app, "/requests.json", &with("lat", "north")).await.assert_json_error(400);
    open311_post(&app, "/requests.json", &with("lat", "123")).await.assert_json_error(400);
    let mut bad_media = report(&key, description);
    bad_media.push(("media_url", "javascript:alert(1)"));
    open311_post(&app, "/requests.json", &bad_media).await.assert_json_error(400);

    let as_json = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .json(&json!({"api_key": key, "service_code": "pothole"}))
        .send()
        .await
        .unwrap();
    let as_json = Raw::from(as_json).await.assert_json_error(400);
    assert!(as_json.contains("x-www-form-urlencoded"), "{as_json}");
    open311_post(&app, "/services.json", &report(&key, description)).await.assert_json_error(405);

    // Only the report filed with the key that was still valid exists.
    let listed = open311_get(&app, "/requests.json").await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}

/// A GeoReport v2 client library from PyPI that this project did not write drives the server.
#[tokio::test]
async fn an_external_open311_client_library_works_against_the_server() {
    if std::env::var_os("HROMADA_SKIP_PY_CLIENT").is_some() {
        println!("HROMADA_SKIP_PY_CLIENT is set: the Python Open311 client story was skipped");
        return;
    }
    let (app, _, key) = city_with_key().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/open311_client/run.py");
    let address = app.address.clone();
    let output = tokio::task::spawn_blocking(move || {
        let deps = client_dependencies();
        std::process::Command::new("python3").arg(script).arg(&address).arg(&key).env("PYTHONPATH", deps).output()
    })
    .await
    .unwrap()
    .expect("python3 runs (install the client with tests/open311_client/requirements.txt)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "the Python client failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("0 failed"), "{stdout}");
}

/// Where the pinned Python client lives: installed by CI system-wide, or else (a newcomer's machine)
/// installed once by this test into the target folder, so `cargo test` alone is enough.
fn client_dependencies() -> std::path::PathBuf {
    let deps = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("open311-client");
    let importable = |path: &std::path::Path| {
        std::process::Command::new("python3")
            .args(["-c", "import georeport, xmltodict, requests"])
            .env("PYTHONPATH", path)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !importable(&deps) {
        let requirements = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/open311_client/requirements.txt");
        let installed = std::process::Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&deps)
            .args(["-r", requirements])
            .status()
            .expect("python3 with pip is installed");
        assert!(installed.success(), "pip could not install {requirements}");
    }
    deps
}
