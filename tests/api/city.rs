//! A small city for the appeal stories: a roads department, a housing enterprise, their staff, and a citizen.
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub struct City {
    /// The administrator's token.
    pub admin: String,
    pub roads: i64,
    pub housing: i64,
    /// Issue reports, "normal" urgency (15 days), handled by the roads department.
    pub pothole: i64,
    /// Appeals and reports, "complex" (one month); set up (wrongly) with the roads department.
    pub lift: i64,
    /// Issue reports, emergency: 24 hours, handled by the housing enterprise.
    pub no_heating: i64,
    pub roads_officer: String,
    pub housing_officer: String,
    pub housing_head: String,
    pub citizen: String,
}

pub const CITIZEN: &str = "olena@example.org";
pub const ROADS_OFFICER: &str = "roads.officer@rada.example.org";
pub const ROADS_HEAD: &str = "roads.head@rada.example.org";
pub const HOUSING_OFFICER: &str = "housing.officer@kp.example.org";
pub const HOUSING_HEAD: &str = "housing.head@kp.example.org";
pub const HOUSING_MAILBOX: &str = "office@kp.example.org";

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let answer = app.post(path, Some(token), body).await;
    assert_eq!(answer.status, 201, "{path}: {}", answer.body);
    answer.body["id"].as_i64().unwrap()
}

async fn member(app: &TestApp, admin: &str, organisation: i64, token: &str, role: &str) -> i64 {
    let id = app.get("/api/v1/accounts/me", Some(token)).await.body["id"].as_i64().unwrap();
    let set = app
        .put(
            &format!("/api/v1/directory/organisations/{organisation}/members/{id}"),
            Some(admin),
            json!({"role": role}),
        )
        .await;
    assert_eq!(set.status, 204, "{}", set.body);
    id
}

pub async fn build(app: &TestApp) -> City {
    let admin = app.administrator().await;
    let organisations = "/api/v1/directory/organisations";
    let roads = created(app, &admin, organisations, json!({"name": "Roads Department", "kind": "department"})).await;
    let housing = created(
        app,
        &admin,
        organisations,
        json!({"name": "Housing Enterprise", "kind": "municipal_enterprise", "community_share_percent": 100, "email": HOUSING_MAILBOX}),
    )
    .await;
    let categories = "/api/v1/directory/categories";
    let pothole = created(
        app,
        &admin,
        categories,
        json!({"code": "pothole", "name_uk": "Яма", "name_en": "Pothole", "urgency": {"class": "normal"}, "default_executor_id": roads}),
    )
    .await;
    let lift = created(
        app,
        &admin,
        categories,
        json!({"code": "lift", "name_uk": "Ліфт", "name_en": "Lift", "urgency": {"class": "complex"}, "default_executor_id": roads}),
    )
    .await;
    let no_heating = created(
        app,
        &admin,
        categories,
        json!({"code": "no_heating", "name_uk": "Немає тепла", "name_en": "No heating", "urgency": {"class": "emergency", "hours": 24}, "default_executor_id": housing}),
    )
    .await;
    let roads_officer = app.verified_citizen("Ivan Franko", ROADS_OFFICER).await;
    let roads_head = app.verified_citizen("Taras Shevchenko", ROADS_HEAD).await;
    let housing_officer = app.verified_citizen("Lesia Ukrainka", HOUSING_OFFICER).await;
    let housing_head = app.verified_citizen("Marko Vovchok", HOUSING_HEAD).await;
    let citizen = app.verified_citizen("Olena Petrenko", CITIZEN).await;
    member(app, &admin, roads, &roads_officer, "officer").await;
    member(app, &admin, roads, &roads_head, "head").await;
    member(app, &admin, housing, &housing_officer, "officer").await;
    member(app, &admin, housing, &housing_head, "head").await;
    City { admin, roads, housing, pothole, lift, no_heating, roads_officer, housing_officer, housing_head, citizen }
}

/// Waits until `address` has received a mail whose subject contains `needle`, and returns it.
pub async fn mail_about(app: &TestApp, address: &str, needle: &str) -> crate::helpers::ReceivedMail {
    for _ in 0..300 {
        if let Some(mail) = app.smtp().mails_to(address).into_iter().find(|m| m.subject().contains(needle)) {
            return mail;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let subjects: Vec<String> = app.smtp().mails_to(address).iter().map(|m| m.subject()).collect();
    panic!("no mail to {address} about `{needle}`; got {subjects:?}");
}

/// A paper appeal `officer` registers through the API, received `days_ago`, in `category`; its id.
pub async fn paper_appeal(
    app: &TestApp,
    officer: &str,
    subject: &str,
    days_ago: i64,
    category: i64,
    privileged: bool,
) -> i64 {
    let received_at = (chrono::Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339();
    let paper = json!({
        "channel": "paper", "received_at": received_at, "kind": "application", "category_id": category,
        "subject": subject, "text": format!("{subject}: please see to it, it has been like this for weeks."),
        "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Myru 5", "privileged": privileged,
    });
    created(app, officer, "/api/v1/appeals/registrations", paper).await
}

/// The citizen's report of a pothole with its place (Myru 1, at 48.73, 37.58, inside [`mapped_district`]),
/// as the desk's case page shows it on the map; its id.
pub async fn pothole_with_place(app: &TestApp, city: &City) -> i64 {
    let report = json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                        "category_id": city.pothole, "address": "Myru 1", "location": {"latitude": 48.73, "longitude": 37.58}});
    created(app, &city.citizen, "/api/v1/appeals", report).await
}

/// A district whose outline holds the city's example places (around 48.73, 37.58), so pages that show
/// a place draw it on the map; its id.
pub async fn mapped_district(app: &TestApp, admin: &str) -> i64 {
    let square = json!({"type": "Polygon", "coordinates": [[[37.55, 48.70], [37.62, 48.70], [37.62, 48.76], [37.55, 48.76], [37.55, 48.70]]]});
    created(app, admin, "/api/v1/directory/districts", json!({"name": "Tsentralnyi", "area": square})).await
}
