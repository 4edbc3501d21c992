//! The directory and routing, as an administrator sets them up and as anyone reads them.
use serde_json::{Value, json};

use crate::helpers::{TestAppBuilder, spawn_app_with_smtp};

fn by_code<'a>(categories: &'a Value, code: &str) -> &'a Value {
    categories.as_array().unwrap().iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("no category {code}"))
}

fn by_name_prefix<'a>(list: &'a Value, prefix: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|o| o["name"].as_str().unwrap().starts_with(prefix)).unwrap()
}

#[tokio::test]
async fn a_fresh_installation_has_an_example_city_that_routes_by_district() {
    let app = TestAppBuilder::new().await.configure(|s| s.example_directory = true).spawn().await;

    let organisations = app.get("/api/v1/directory/organisations", None).await.body;
    let heating = by_name_prefix(&organisations, "КП «Міськтепломережа»");
    assert_eq!(heating["kind"], "municipal_enterprise");
    assert_eq!(heating["in_c03_scope"], true);
    assert_eq!(by_name_prefix(&organisations, "ТОВ «Чисте місто»")["in_c03_scope"], true, "51% is in scope");
    assert_eq!(by_name_prefix(&organisations, "ТОВ «Ліфтсервіс»")["in_c03_scope"], false, "25% is not");
    assert_eq!(by_name_prefix(&organisations, "Управління освіти")["in_c03_scope"], false, "departments are A07/other");

    let categories = app.get("/api/v1/directory/categories", None).await.body;
    assert!(categories.as_array().unwrap().len() >= 20);
    assert_eq!(by_code(&categories, "no_heating")["urgency"], json!({"class": "emergency", "hours": 24}));
    let districts = app.get("/api/v1/directory/districts", None).await.body;
    assert_eq!(districts.as_array().unwrap().len(), 3);
    let south = by_name_prefix(&districts, "Південний")["id"].clone();

    let maintenance = by_code(&categories, "building_maintenance")["id"].clone();
    // A point in the northern district's polygon goes to the northern maintenance enterprise.
    let north = app
        .post(
            "/api/v1/directory/routing",
            None,
            json!({"category_id": maintenance, "latitude": 48.77, "longitude": 37.55}),
        )
        .await;
    assert_eq!(north.status, 200, "{}", north.body);
    assert!(north.body["executor_name"].as_str().unwrap().contains("Північ"));
    assert_eq!(north.body["rule"]["rule"], "district_override");
    assert_eq!(north.body["rule"]["located_by"], "point_in_polygon");

    // An explicit district wins over the point.
    let explicit = app
        .post(
            "/api/v1/directory/routing",
            None,
            json!({"category_id": maintenance, "district_id": south, "latitude": 48.77, "longitude": 37.55}),
        )
        .await;
    assert!(explicit.body["executor_name"].as_str().unwrap().contains("Південь"));
    assert_eq!(explicit.body["rule"]["located_by"], "explicit_district");

    // Outside every district, and with no location: the category's default executor, saying why.
    let outside = app
        .post(
            "/api/v1/directory/routing",
            None,
            json!({"category_id": maintenance, "latitude": 50.45, "longitude": 30.52}),
        )
        .await;
    assert!(outside.body["executor_name"].as_str().unwrap().starts_with("Управління житлово-комунального"));
    assert_eq!(outside.body["rule"]["reason"], "point_outside_all_districts");
    let nowhere = app.post("/api/v1/directory/routing", None, json!({"category_id": maintenance})).await;
    assert_eq!(nowhere.body["rule"]["reason"], "no_location");
    assert!(!nowhere.body["explanation"].as_str().unwrap().is_empty());

    // The council can take petitions at once: its statute terms are adopted with the example city.
    let statutes = app.get("/api/v1/petitions/statutes", None).await.body;
    assert_eq!(statutes[0]["signature_threshold"], 250, "{statutes}");
    assert_eq!(statutes[0]["council_id"], by_name_prefix(&organisations, "Міська рада")["id"]);

    // It is never loaded twice.
    let again = hromada::storage::directory::load_example_city(&app.db, chrono::Utc::now()).await.unwrap();
    assert!(!again);
    assert_eq!(
        app.get("/api/v1/directory/categories", None).await.body.as_array().unwrap().len(),
        categories.as_array().unwrap().len()
    );
}

#[tokio::test]
async fn an_administrator_builds_the_directory_and_routing_follows_it() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let citizen = app.verified_citizen("Ivan Franko", "ivan@example.org").await;

    let department = json!({"name": "Roads Department", "kind": "department"});
    app.post("/api/v1/directory/organisations", Some(&citizen), department.clone()).await.assert_problem(403);
    let roads = app.post("/api/v1/directory/organisations", Some(&admin), department).await;
    assert_eq!(roads.status, 201, "{}", roads.body);
    let roads_id = roads.body["id"].as_i64().unwrap();
    let repair = app
        .post(
            "/api/v1/directory/organisations",
            Some(&admin),
            json!({"name": "Road Repair Enterprise", "kind": "municipal_enterprise", "parent_id": roads_id, "community_share_percent": 50}),
        )
        .await;
    assert_eq!(repair.body["in_c03_scope"], true);
    let repair_id = repair.body["id"].as_i64().unwrap();

    // Bad values are refused with the field named.
    let share = app
        .post(
            "/api/v1/directory/organisations",
            Some(&admin),
            json!({"name": "X", "kind": "municipal_enterprise", "community_share_percent": 120}),
        )
        .await;
    share.assert_problem(422);
    assert_eq!(share.body["field"], "community_share_percent");
    let kind =
        app.post("/api/v1/directory/organisations", Some(&admin), json!({"name": "X", "kind": "ministry"})).await;
    assert!(kind.assert_problem(422).contains("ministry"));
    app.post(
        "/api/v1/directory/organisations",
        Some(&admin),
        json!({"name": "Roads Department", "kind": "department"}),
    )
    .await
    .assert_problem(409);

    // A district with a polygon; an unclosed ring is refused with a message that says so.
    let open_ring =
        json!({"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.1]]]});
    let refused =
        app.post("/api/v1/directory/districts", Some(&admin), json!({"name": "Podil", "area": open_ring})).await;
    assert!(refused.assert_problem(422).contains("not closed"));
    let square = json!({"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.1, 50.0], [30.1, 50.1], [30.0, 50.1], [30.0, 50.0]]]});
    let podil = app.post("/api/v1/directory/districts", Some(&admin), json!({"name": "Podil", "area": square})).await;
    assert_eq!(podil.status, 201, "{}", podil.body);
    let podil_id = podil.body["id"].as_i64().unwrap();

    let category = json!({
        "code": "pothole", "name_uk": "Яма на дорозі", "name_en": "Pothole",
        "urgency": {"class": "normal"}, "default_executor_id": roads_id,
        "district_executors": [{"district_id": podil_id, "executor_id": repair_id}]
    });
    let created = app.post("/api/v1/directory/categories", Some(&admin), category.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let pothole = created.body["id"].as_i64().unwrap();
    app.post("/api/v1/directory/categories", Some(&admin), category).await.assert_problem(409);
    let unknown_executor = app
        .post(
            "/api/v1/directory/categories",
            Some(&admin),
            json!({"code": "x", "name_uk": "x", "name_en": "x", "urgency": {"class": "emergency"}, "default_executor_id": roads_id}),
        )
        .await;
    assert_eq!(unknown_executor.body["field"], "urgency.hours");

    let in_podil = app
        .post("/api/v1/directory/routing", None, json!({"category_id": pothole, "latitude": 50.05, "longitude": 30.05}))
        .await;
    assert_eq!(in_podil.body["executor_id"], repair_id);
    let elsewhere = app
        .post("/api/v1/directory/routing", None, json!({"category_id": pothole, "latitude": 49.0, "longitude": 30.05}))
        .await;
    assert_eq!(elsewhere.body["executor_id"], roads_id);

    // The enterprise is deactivated: its district falls back to the default, and the reason says so.
    let deactivated = app
        .put(
            &format!("/api/v1/directory/organisations/{repair_id}"),
            Some(&admin),
            json!({"name": "Road Repair Enterprise", "kind": "municipal_enterprise", "parent_id": roads_id, "community_share_percent": 50, "active": false}),
        )
        .await;
    assert_eq!(deactivated.body["active"], false);
    let fallback = app
        .post("/api/v1/directory/routing", None, json!({"category_id": pothole, "latitude": 50.05, "longitude": 30.05}))
        .await;
    assert_eq!(fallback.body["executor_id"], roads_id);
    assert_eq!(fallback.body["rule"]["reason"], "override_executor_inactive");

    app.post("/api/v1/directory/routing", None, json!({"category_id": 999})).await.assert_problem(404);
    app.post("/api/v1/directory/routing", None, json!({"category_id": pothole, "latitude": 50.0}))
        .await
        .assert_problem(422);

    // Every change is in the history.
    let history = hromada::storage::events::history(&app.db, "category", &pothole.to_string()).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "created");
}

#[tokio::test]
async fn officers_and_heads_are_members_of_one_organisation() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let org = app
        .post(
            "/api/v1/directory/organisations",
            Some(&admin),
            json!({"name": "Heating", "kind": "municipal_enterprise"}),
        )
        .await;
    let org_id = org.body["id"].as_i64().unwrap();
    let officer = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let head = app.verified_citizen("Lesia Ukrainka", "lesia@example.org").await;
    let officer_id = app.get("/api/v1/accounts/me", Some(&officer)).await.body["id"].as_i64().unwrap();
    let head_id = app.get("/api/v1/accounts/me", Some(&head)).await.body["id"].as_i64().unwrap();

    let members = format!("/api/v1/directory/organisations/{org_id}/members");
    let set = app.put(&format!("{members}/{officer_id}"), Some(&admin), json!({"role": "officer"})).await;
    assert_eq!(set.status, 204, "{}", set.body);
    app.put(&format!("{members}/{head_id}"), Some(&admin), json!({"role": "head"})).await;
    app.put(&format!("{members}/{head_id}"), Some(&admin), json!({"role": "boss"})).await.assert_problem(422);
    app.put(&format!("{members}/{head_id}"), Some(&officer), json!({"role": "head"})).await.assert_problem(403);

    // The head sees the members (names, no e-mails); the officer may not list them.
    let listed = app.get(&members, Some(&head)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let names: Vec<_> = listed.body.as_array().unwrap().iter().map(|m| m["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ivan Franko", "Lesia Ukrainka"]);
    assert!(!listed.body.to_string().contains("@example.org"));
    app.get(&members, Some(&officer)).await.assert_problem(403);

    // A membership change counts from the very next request, though sessions are cached briefly.
    app.put(&format!("{members}/{officer_id}"), Some(&admin), json!({"role": "head"})).await;
    assert_eq!(app.get(&members, Some(&officer)).await.status, 200);
    app.put(&format!("{members}/{officer_id}"), Some(&admin), json!({"role": "officer"})).await;
    app.get(&members, Some(&officer)).await.assert_problem(403);

    let removed = app.delete(&format!("{members}/{officer_id}"), Some(&admin)).await;
    assert_eq!(removed.status, 204);
    assert_eq!(app.get(&members, Some(&head)).await.body.as_array().unwrap().len(), 1);
    app.delete(&format!("{members}/{officer_id}"), Some(&admin)).await.assert_problem(404);
}

/// Directory writes read before they write (the name is unique, the parent must exist): on one SQLite
/// file each must take the write lock at BEGIN, or it fails with "database is locked" when another
/// write holds it. Every writing endpoint of the directory, side by side with other writes.
#[tokio::test]
async fn directory_writes_beside_other_writes_on_one_database_file_never_fail() {
    let database_url = crate::helpers::fresh_persistent_database_url().await;
    let app = TestAppBuilder::new().await.configure(|s| s.database_url = database_url).spawn().await;
    let admin = app.administrator().await;
    let created =
        app.post("/api/v1/directory/organisations", Some(&admin), json!({"name": "Roads", "kind": "department"})).await;
    let org = created.body["id"].as_i64().unwrap();
    let square = json!({"type": "Polygon", "coordinates": [[[37.0, 48.0], [37.1, 48.0], [37.1, 48.1], [37.0, 48.0]]]});
    let district = app.post("/api/v1/directory/districts", Some(&admin), json!({"name": "D", "area": square})).await;
    let district = district.body["id"].as_i64().unwrap();
    let category = |code: String| json!({"code": code, "name_uk": "Ями", "name_en": "Potholes", "urgency": {"class": "normal"}, "default_executor_id": org});
    let made = app.post("/api/v1/directory/categories", Some(&admin), category("pothole".into())).await;
    let category_id = made.body["id"].as_i64().unwrap();
    let me = app.get("/api/v1/accounts/me", Some(&admin)).await.body["id"].as_i64().unwrap();

    let writes = (0..48).map(|i| {
        let (app, admin, category) = (&app, &admin, &category);
        async move {
            match i % 8 {
                0 => app.put(&format!("/api/v1/directory/organisations/{org}"), Some(admin), json!({"name": format!("Roads {i}"), "kind": "department"})).await,
                1 => app.post("/api/v1/directory/organisations", Some(admin), json!({"name": format!("Org {i}"), "kind": "department", "parent_id": org})).await,
                2 => app.put(&format!("/api/v1/directory/districts/{district}"), Some(admin), json!({"name": format!("D {i}")})).await,
                3 => app.post("/api/v1/directory/districts", Some(admin), json!({"name": format!("District {i}")})).await,
                4 => app.put(&format!("/api/v1/directory/categories/{category_id}"), Some(admin), category(format!("pothole_{i}"))).await,
                5 => app.post("/api/v1/directory/categories", Some(admin), category(format!("c{i}"))).await,
                6 => app.put(&format!("/api/v1/directory/organisations/{org}/members/{me}"), Some(admin), json!({"role": if i % 16 == 6 { "head" } else { "officer" }})).await,
                _ => app.post("/api/v1/accounts", None, json!({"full_name": "Ivan Franko", "email": format!("ivan{i}@example.org"), "password": "long password 1"})).await,
            }
        }
    });
    for answer in futures::future::join_all(writes).await {
        assert!(answer.status < 500, "{} {}", answer.status, answer.body);
    }
    let removed = app.delete(&format!("/api/v1/directory/organisations/{org}/members/{me}"), Some(&admin)).await;
    assert!(removed.status < 300, "{}", removed.body);
}
