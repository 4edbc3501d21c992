//! The administration pages as a browser without JavaScript uses them: every form with its CSRF token,
//! its errors in the summary with what was typed kept, POST → 303 → GET with a notice; every page and
//! form refused with the 403 page to anyone but an administrator, nothing changed.
use std::time::Duration;

use serde_json::json;

use crate::{
    city,
    helpers::{TestApp, spawn_app_with_smtp},
    web_accounts::{Browser, Page},
};

const ADMIN_EMAIL: &str = "admin@rada.example.org";
const ADMIN_PASSWORD: &str = "administrator password";

/// An administrator signed in on the pages (created as `hromada admin create` does it).
async fn admin_browser(app: &TestApp) -> (Browser<'_>, String) {
    let token = app.administrator().await;
    (logged_in_admin(app).await, token)
}

/// The administrator that exists (`city::build` makes one) signed in on the pages.
async fn logged_in_admin(app: &TestApp) -> Browser<'_> {
    let mut browser = Browser::new(app);
    let login = browser.submit("/account/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(login.status, 303, "{}", login.html);
    browser
}

/// Signs `browser` in with an account the test made.
async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let login = browser.submit("/account/login", &[("email", email), ("password", "a long enough password")]).await;
    assert_eq!(login.status, 303, "{}", login.html);
    browser
}

fn assert_error(page: &Page, field: &str, words: &str) {
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.title().starts_with("Error:"), "{}", page.title());
    assert!(page.html.contains("govuk-error-summary"), "{}", page.html);
    assert!(page.html.contains(&format!("href=\"#{field}\"")), "the summary links to #{field}: {}", page.html);
    assert!(page.html.contains(words), "`{words}` in {}", page.html);
}

/// Opens the form at `path` and posts `fields` with the form's token and its key (`form_key`), as a
/// browser posts a form that creates something.
async fn create(browser: &mut Browser<'_>, path: &str, fields: &[(&str, &str)]) -> Page {
    let form = browser.get(path).await;
    let (token, key) = (form.csrf_token(), hidden(&form.html, "form_key"));
    let mut all = vec![("csrf_token", token.as_str()), ("form_key", key.as_str())];
    all.extend_from_slice(fields);
    browser.post(path, &all).await
}

fn assert_see_other(page: &Page, to: &str) {
    assert_eq!((page.status, page.location.as_deref().unwrap_or_default()), (303, to), "{}", page.html);
}

/// Whether the page's navigation links the administration (the layout escapes `/` as `&#x2f;`).
fn links_admin(html: &str) -> bool {
    html.contains("href=\"/admin\"") || html.contains("href=\"&#x2f;admin\"")
}

const PAGES: [&str; 17] = [
    "/admin",
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/organisations/1",
    "/admin/districts",
    "/admin/districts/new",
    "/admin/districts/1",
    "/admin/categories",
    "/admin/categories/new",
    "/admin/categories/1",
    "/admin/statutes",
    "/admin/calendar",
    "/admin/api-keys",
    "/admin/api-keys/issued",
    "/admin/accounts",
    "/admin/events",
    "/admin/mail",
];

const FORMS: [&str; 16] = [
    "/admin/organisations/new",
    "/admin/organisations/1",
    "/admin/organisations/1/members",
    "/admin/organisations/1/members/1/remove",
    "/admin/districts/save",
    "/admin/categories/new",
    "/admin/categories/1",
    "/admin/statutes",
    "/admin/calendar",
    "/admin/calendar/remove",
    "/admin/calendar/martial-law",
    "/admin/api-keys",
    "/admin/api-keys/1/revoke",
    "/admin/accounts/1/role",
    "/admin/mail/retry",
    "/admin/mail/1/retry",
];

#[tokio::test]
async fn every_admin_page_and_form_is_refused_with_the_403_page_to_everyone_but_administrators() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let moderator = app.verified_citizen("Marta Moderenko", "moderator@example.org").await;
    let moderator_id = app.get("/api/v1/accounts/me", Some(&moderator)).await.body["id"].as_i64().unwrap();
    let role = app
        .put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&city.admin), json!({"role": "moderator"}))
        .await;
    assert_eq!(role.status, 200, "{}", role.body);
    let events_before = hromada::storage::events::recent(&app.db, &hromada::service::audit::ADMINISTERED, None, 200)
        .await
        .unwrap()
        .len();

    let visitor = Browser::new(&app);
    let people = [
        ("visitor", visitor),
        ("citizen", signed_in(&app, city::CITIZEN).await),
        ("moderator", signed_in(&app, "moderator@example.org").await),
        ("officer", signed_in(&app, city::ROADS_OFFICER).await),
        ("head", signed_in(&app, city::HOUSING_HEAD).await),
    ];
    for (who, mut browser) in people {
        // A page they may open gives them a valid form token: the refusal is for who they are.
        let token = browser.get("/").await;
        assert_eq!(token.status, 200);
        assert!(!links_admin(&token.html), "{who} is not offered the administration");
        for path in PAGES {
            let page = browser.get(path).await;
            assert_eq!(page.status, 403, "{who} GET {path}");
            assert!(page.html.contains("<html"), "{who} GET {path} gets the error page");
        }
        let csrf = browser.get("/account/login").await.csrf_token();
        for path in FORMS {
            let page =
                browser.post(path, &[("csrf_token", &csrf), ("name", "Forbidden"), ("role", "administrator")]).await;
            assert_eq!(page.status, 403, "{who} POST {path}");
        }
        let district =
            browser.post_multipart("/admin/districts/new", &[("csrf_token", &csrf), ("name", "X")], &[]).await;
        assert_eq!(district.status, 403, "{who} POST /admin/districts/new");
    }
    let events_after = hromada::storage::events::recent(&app.db, &hromada::service::audit::ADMINISTERED, None, 200)
        .await
        .unwrap()
        .len();
    assert_eq!(events_before, events_after, "nothing changed");

    // A form of the administrator's without its token is refused.
    let mut admin = logged_in_admin(&app).await;
    // The layout's "Desk" leads staff to their desk, whose sub-navigation links the administration.
    assert!(admin.get("/").await.html.contains("govuk-service-navigation__link\" href=\"/desk"), "the desk is offered");
    assert_eq!(admin.get("/admin").await.status, 200);
    for path in FORMS {
        let forged = admin.post(path, &[("csrf_token", "forged"), ("name", "Forged")]).await;
        assert_eq!(forged.status, 403, "POST {path} with a forged token");
    }
    let no_token = admin.post_multipart("/admin/districts/new", &[("name", "X")], &[]).await;
    assert_eq!(no_token.status, 403);
}

const SQUARE: &str = r#"{"type": "Polygon", "coordinates": [[[37.50, 48.70], [37.60, 48.70], [37.60, 48.80], [37.50, 48.80], [37.50, 48.70]]]}"#;

#[tokio::test]
async fn an_administrator_adds_a_district_by_polygon_and_a_category_and_a_new_report_is_routed_by_them() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut browser = logged_in_admin(&app).await;

    // The district: pasted, refused while it is wrong, checked, then saved.
    let new_form = browser.get("/admin/districts/new").await;
    let (csrf, key) = (new_form.csrf_token(), hidden(&new_form.html, "form_key"));
    let post = |area: &'static str| {
        vec![("csrf_token", csrf.clone()), ("name", "Staryi Misto".to_owned()), ("area", area.to_owned())]
    };
    let cases = [
        ("", "Paste the district"),
        ("{not json", "This is not GeoJSON (JSON text): reading stopped at line 1, column 2"),
        (r#"{"type": "Point", "coordinates": [37.5, 48.7]}"#, "cannot describe a district"),
        (
            r#"{"type": "Polygon", "coordinates": [[[37.5, 48.7], [37.6, 48.7], [37.6, 48.8], [37.5, 48.8]]]}"#,
            "Ring 0 of polygon 0 is not closed",
        ),
        (
            r#"{"type": "Polygon", "coordinates": [[[48.7, 137.5], [48.8, 137.5], [48.8, 137.6], [48.7, 137.5]]]}"#,
            "Position 0 of ring 0 of polygon 0 has latitude 137.5, outside -90..90",
        ),
    ];
    for (area, words) in cases {
        let fields = post(area);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.post_multipart("/admin/districts/new", &fields, &[]).await;
        assert_error(&page, "area", words);
        assert!(page.html.contains("value=\"Staryi Misto\""), "the name is kept");
    }
    let nameless = browser
        .post_multipart("/admin/districts/new", &[("csrf_token", &csrf), ("name", " "), ("area", SQUARE)], &[])
        .await;
    assert_error(&nameless, "name", "Enter the district");

    // An uploaded file is used instead of the text.
    let check = browser
        .post_multipart(
            "/admin/districts/new",
            &[("csrf_token", &csrf), ("form_key", &key), ("name", "Staryi Misto"), ("area", "")],
            &[("file", "misto.geojson", SQUARE)],
        )
        .await;
    assert_eq!(check.status, 200, "{}", check.html);
    assert!(check.html.contains("Check the district before saving"), "{}", check.html);
    assert!(
        check.html.contains("from 48.70000, 37.50000 (south-west) to 48.80000, 37.60000 (north-east)"),
        "{}",
        check.html
    );
    assert!(check.html.contains(">4<"), "four corner points: {}", check.html);
    assert!(check.html.contains("<svg") && check.html.contains("Map of the districts with Staryi Misto"), "the map");
    let area = hidden(&check.html, "area");
    let saved = browser
        .post(
            "/admin/districts/save",
            &[
                ("csrf_token", &check.csrf_token()),
                ("form_key", &hidden(&check.html, "form_key")),
                ("name", "Staryi Misto"),
                ("area", &area),
            ],
        )
        .await;
    assert_see_other(&saved, "/admin/districts?done=district-saved");
    let list = browser.get("/admin/districts?done=district-saved").await;
    assert!(list.html.contains("The district is saved.") && list.html.contains("Staryi Misto"), "{}", list.html);
    let districts = app.get("/api/v1/directory/districts", None).await;
    let district = districts.body.as_array().unwrap().iter().find(|d| d["name"] == "Staryi Misto").unwrap().clone();
    let district_id = district["id"].as_i64().unwrap();

    // The category: refused while it is wrong (what was typed is kept), then saved with a district's executor.
    let form = "/admin/categories/new";
    let district_field = format!("district_{district_id}");
    let (roads, housing) = (city.roads.to_string(), city.housing.to_string());
    let emergency = create(
        &mut browser,
        form,
        &[
            ("code", "broken_bench"),
            ("name_uk", "Зламана лавка"),
            ("name_en", "Broken bench"),
            ("urgency_class", "emergency"),
            ("urgency_hours", ""),
            ("default_executor_id", &roads),
        ],
    )
    .await;
    assert_error(&emergency, "urgency_hours", "Enter the term of an emergency: a whole number of hours from 1 to 720");
    assert!(emergency.html.contains("value=\"Зламана лавка\""), "kept: {}", emergency.html);
    let no_executor = create(
        &mut browser,
        form,
        &[("code", "broken_bench"), ("name_uk", "Лавка"), ("name_en", "Bench"), ("urgency_class", "normal")],
    )
    .await;
    assert_error(&no_executor, "default_executor_id", "Choose the organisation that handles the category by default");
    let created = create(
        &mut browser,
        form,
        &[
            ("code", "broken_bench"),
            ("name_uk", "Зламана лавка"),
            ("name_en", "Broken bench"),
            ("urgency_class", "normal"),
            ("default_executor_id", &roads),
            (&district_field, &housing),
            ("for_reports", "yes"),
            ("for_appeals", "yes"),
            ("active", "yes"),
        ],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let location = created.location.unwrap();
    assert!(location.ends_with("?done=category-saved"), "{location}");
    let edit = browser.get(&location).await;
    assert!(edit.html.contains("The category is saved."), "{}", edit.html);
    let category_id: i64 =
        location.trim_start_matches("/admin/categories/").split('?').next().unwrap().parse().unwrap();
    let twice = create(
        &mut browser,
        form,
        &[
            ("code", "broken_bench"),
            ("name_uk", "Інша"),
            ("name_en", "Other"),
            ("urgency_class", "normal"),
            ("default_executor_id", &roads),
        ],
    )
    .await;
    assert_error(&twice, "code", "");

    // A new report inside the district goes to the district's executor; one outside to the default.
    let report = |lat: f64| {
        json!({"kind": "issue_report", "subject": "Broken bench", "text": "The bench by the fountain is broken.",
               "category_id": category_id, "location": {"latitude": lat, "longitude": 37.55}})
    };
    let inside = app.post("/api/v1/appeals", Some(&city.citizen), report(48.75)).await;
    assert_eq!(inside.status, 201, "{}", inside.body);
    assert_eq!(inside.body["executor"]["id"], city.housing);
    let outside = app.post("/api/v1/appeals", Some(&city.citizen), report(48.90)).await;
    assert_eq!(outside.body["executor"]["id"], city.roads);

    // Both changes are in the event history.
    let events = browser.get("/admin/events").await;
    assert!(events.html.contains("District") && events.html.contains("Category"), "{}", events.html);
    let districts_only = browser.get("/admin/events?subject=district").await;
    assert!(districts_only.html.contains("Staryi Misto") && !districts_only.html.contains("broken_bench"));
}

/// The value of the hidden field `name` in `html`, as a browser would post it.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("a hidden {name}")) + marker.len();
    let raw = html[start..].split('"').next().unwrap();
    raw.replace("&quot;", "\"").replace("&#x2f;", "/").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
}

#[tokio::test]
async fn an_administrator_edits_an_organisation_and_adds_and_removes_its_members() {
    let app = spawn_app_with_smtp().await;
    let citizen = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let citizen_id = app.get("/api/v1/accounts/me", Some(&citizen)).await.body["id"].as_i64().unwrap();
    let (mut browser, _) = admin_browser(&app).await;

    let form = "/admin/organisations/new";
    let share = create(
        &mut browser,
        form,
        &[("name", "Teplo"), ("kind", "municipal_enterprise"), ("community_share_percent", "120")],
    )
    .await;
    assert_error(&share, "community_share_percent", "");
    assert!(share.html.contains("value=\"Teplo\"") && share.html.contains("value=\"120\""), "kept");
    let nameless = create(&mut browser, form, &[("name", ""), ("kind", "department")]).await;
    assert_error(&nameless, "name", "");
    let no_kind = create(&mut browser, form, &[("name", "Teplo")]).await;
    assert_error(&no_kind, "kind", "");
    let created = create(
        &mut browser,
        form,
        &[("name", "Teplo"), ("kind", "municipal_enterprise"), ("community_share_percent", "75,5"), ("active", "yes")],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let location = created.location.unwrap();
    let path = location.split('?').next().unwrap().to_owned();
    let id: i64 = path.trim_start_matches("/admin/organisations/").parse().unwrap();
    let api = app.get(&format!("/api/v1/directory/organisations/{id}"), None).await;
    assert_eq!((api.body["community_share_percent"].as_f64(), &api.body["in_c03_scope"]), (Some(75.5), &json!(true)));
    let list = browser.get("/admin/organisations").await;
    assert!(list.html.contains("Teplo") && list.html.contains("Municipal enterprise"));
    let renamed = browser
        .submit(&path, &[("name", "Teplo City"), ("kind", "municipal_enterprise"), ("community_share_percent", "75.5")])
        .await;
    assert_see_other(&renamed, &format!("{path}?done=organisation-saved"));
    assert_eq!(app.get(&format!("/api/v1/directory/organisations/{id}"), None).await.body["active"], false);

    // Members by e-mail or number; an unknown one is refused with the field named.
    let members = format!("{path}/members");
    let csrf = browser.get(&path).await.csrf_token();
    let unknown =
        browser.post(&members, &[("csrf_token", &csrf), ("account", "nobody@example.org"), ("role", "officer")]).await;
    assert_error(&unknown, "account", "Enter the number or the e-mail address of an existing account");
    assert!(unknown.html.contains("value=\"nobody@example.org\""), "kept");
    let bad_role =
        browser.post(&members, &[("csrf_token", &csrf), ("account", "ivan@example.org"), ("role", "boss")]).await;
    assert_error(&bad_role, "role", "Choose the role: officer or head");
    let added =
        browser.post(&members, &[("csrf_token", &csrf), ("account", "ivan@example.org"), ("role", "head")]).await;
    assert_see_other(&added, &format!("{path}?done=member-saved#members"));
    let page = browser.get(&format!("{path}?done=member-saved")).await;
    assert!(
        page.html.contains("The member is saved.") && page.html.contains("Ivan Franko") && page.html.contains("Head")
    );
    let as_head = app.get(&format!("/api/v1/directory/organisations/{id}/members"), Some(&citizen)).await;
    assert_eq!(as_head.status, 200, "the head now sees the members");
    let by_number = browser
        .post(&members, &[("csrf_token", &csrf), ("account", &citizen_id.to_string()), ("role", "officer")])
        .await;
    assert_eq!(by_number.status, 303);
    let removed = browser.post(&format!("{members}/{citizen_id}/remove"), &[("csrf_token", &csrf)]).await;
    assert_see_other(&removed, &format!("{path}?done=member-removed#members"));
    assert!(browser.get(&path).await.html.contains("Nobody works here yet."));
}

#[tokio::test]
async fn an_administrator_keeps_the_calendar_and_the_petition_statutes() {
    let app = spawn_app_with_smtp().await;
    let admin_token = app.administrator().await;
    let council = app
        .post("/api/v1/directory/organisations", Some(&admin_token), json!({"name": "City Council", "kind": "council"}))
        .await;
    let council_id = council.body["id"].as_i64().unwrap().to_string();
    let mut browser = Browser::new(&app);
    browser.submit("/account/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]).await;

    let calendar = "/admin/calendar";
    let not_a_date = browser
        .submit(
            calendar,
            &[("date_day", "31"), ("date_month", "2"), ("date_year", "2026"), ("working", "no"), ("note", "X")],
        )
        .await;
    assert_error(&not_a_date, "date", "Enter a real date");
    assert!(not_a_date.html.contains("value=\"31\""), "kept");
    let no_note = browser
        .submit(
            calendar,
            &[("date_day", "2"), ("date_month", "1"), ("date_year", "2026"), ("working", "no"), ("note", "")],
        )
        .await;
    assert_error(&no_note, "note", "Name the decision");
    let no_choice = browser
        .submit(calendar, &[("date_day", "2"), ("date_month", "1"), ("date_year", "2026"), ("note", "Resolution 1")])
        .await;
    assert_error(&no_choice, "working", "");
    let saved = browser
        .submit(
            calendar,
            &[
                ("date_day", "2"),
                ("date_month", "1"),
                ("date_year", "2026"),
                ("working", "no"),
                ("note", "Cabinet resolution No. 1 of 1 December 2025"),
            ],
        )
        .await;
    assert_see_other(&saved, "/admin/calendar?done=override-saved");
    let day = app.get("/api/v1/calendar/days/2026-01-02", None).await;
    assert_eq!(day.body["working"], false, "{}", day.body);
    let page = browser.get("/admin/calendar?done=override-saved").await;
    assert!(page.html.contains("The day is recorded.") && page.html.contains("Cabinet resolution No. 1"));
    let removed =
        browser.post("/admin/calendar/remove", &[("csrf_token", &page.csrf_token()), ("date", "2026-01-02")]).await;
    assert_see_other(&removed, "/admin/calendar?done=override-removed");
    assert_eq!(app.get("/api/v1/calendar/days/2026-01-02", None).await.body["working"], true);

    let martial_law = "/admin/calendar/martial-law";
    let csrf = browser.get(calendar).await.csrf_token();
    let no_note = browser.post(martial_law, &[("csrf_token", &csrf), ("martial_law_note", "")]).await;
    assert_error(&no_note, "martial_law_note", "Name the decision");
    let continues = browser
        .post(martial_law, &[("csrf_token", &csrf), ("martial_law_note", "Presidential Decree No. 1/2026")])
        .await;
    assert_see_other(&continues, "/admin/calendar?done=martial-law-saved");

    let statutes = "/admin/statutes";
    let typed = |threshold: &'static str| {
        vec![
            ("council_id", council_id.clone()),
            ("effective_from_day", "1".into()),
            ("effective_from_month", "1".into()),
            ("effective_from_year", "2026".into()),
            ("signature_threshold", threshold.into()),
            ("collection_days", "60".into()),
            ("title_max_chars", "200".into()),
            ("text_max_chars", "10000".into()),
            ("signing_mode", "verified_account".into()),
        ]
    };
    let fields = typed("0");
    let too_few =
        create(&mut browser, statutes, &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_error(&too_few, "signature_threshold", "a whole number from 1 to 1,000,000");
    // The rule's words are the page's language, not the domain's English.
    browser.get("/language?lang=uk&return=/admin/statutes").await;
    let ukrainian =
        create(&mut browser, statutes, &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert!(ukrainian.html.contains("href=\"#signature_threshold\""), "{}", ukrainian.html);
    assert!(ukrainian.html.contains("ціле число від 1 до 1 000 000"), "{}", ukrainian.html);
    browser.get("/language?lang=en&return=/admin/statutes").await;
    // Sent twice from one form (a double click): adopted once, both answered as adopted.
    let form = browser.get(statutes).await;
    let (csrf, key) = (form.csrf_token(), hidden(&form.html, "form_key"));
    let mut fields: Vec<(&str, String)> = vec![("csrf_token", csrf), ("form_key", key)];
    fields.extend(typed("250"));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for _ in 0..2 {
        assert_see_other(&browser.post(statutes, &fields).await, "/admin/statutes?done=statute-saved");
    }
    let listed = app.get("/api/v1/petitions/statutes", None).await;
    assert!(listed.body.to_string().contains("\"signature_threshold\":250"), "{}", listed.body);
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "adopted once: {}", listed.body);
    // The same form sent again with other content is a form to open again, not a date to change
    // (a new form with the same date is).
    let mut changed: Vec<(&str, &str)> = fields.clone();
    changed.retain(|(name, _)| *name != "signature_threshold");
    changed.push(("signature_threshold", "300"));
    let resent = browser.post(statutes, &changed).await;
    assert_error(&resent, "council_id", "open the form again to send this");
    assert!(!resent.html.contains("enter another date"), "{}", resent.html);
    let same_date =
        create(&mut browser, statutes, &typed("300").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_error(&same_date, "effective_from", "This council already has terms from that date; enter another date");
    browser.get("/language?lang=uk&return=/admin/statutes").await;
    let resent = browser.post(statutes, &changed).await;
    assert!(resent.html.contains("відкрийте форму знову"), "{}", resent.html);
    let same_date =
        create(&mut browser, statutes, &typed("300").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert!(same_date.html.contains("href=\"#effective_from\""), "{}", same_date.html);
    assert!(same_date.html.contains("Ця рада вже має умови з цієї дати"), "{}", same_date.html);
    browser.get("/language?lang=en&return=/admin/statutes").await;
    let listed = app.get("/api/v1/petitions/statutes", None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "nothing more adopted: {}", listed.body);

    let events = browser.get("/admin/events").await;
    assert!(
        events.html.contains("Calendar day")
            && events.html.contains("Petition statute")
            && events.html.contains("Martial law")
    );
}

#[tokio::test]
async fn the_ukrainian_admin_pages_word_a_bad_border_and_a_bad_statute_council_in_ukrainian() {
    let app = spawn_app_with_smtp().await;
    let admin_token = app.administrator().await;
    let roads = app
        .post(
            "/api/v1/directory/organisations",
            Some(&admin_token),
            json!({"name": "Roads Department", "kind": "department"}),
        )
        .await;
    let roads = roads.body["id"].as_i64().unwrap().to_string();
    let mut browser = logged_in_admin(&app).await;
    browser.get("/language?lang=uk&return=/admin").await;

    let form = browser.get("/admin/districts/new").await;
    let csrf = form.csrf_token();
    let open_ring = r#"{"type": "Polygon", "coordinates": [[[37.5, 48.7], [37.6, 48.7], [37.6, 48.8], [37.5, 48.8]]]}"#;
    let cases = [
        (open_ring, "Кільце 0 полігона 0 не замкнене: його перша й остання позиції різні"),
        (r#"{"type": "Point", "coordinates": [37.5, 48.7]}"#, "не може описати район"),
        ("{not json", "Це не GeoJSON (текст JSON): читання зупинилося в рядку 1, позиція 2"),
        ("", "Вставте полігон району у форматі GeoJSON"),
    ];
    for (area, words) in cases {
        let fields = [("csrf_token", csrf.as_str()), ("name", "Старе місто"), ("area", area)];
        let page = browser.post_multipart("/admin/districts/new", &fields, &[]).await;
        assert!(page.title().starts_with("Помилка:"), "{}", page.title());
        assert!(page.html.contains(words), "`{words}` in {}", page.html);
        assert!(!page.html.contains("ring 0 of polygon 0"), "no English left: {}", page.html);
    }
    let nameless = browser
        .post_multipart("/admin/districts/new", &[("csrf_token", &csrf), ("name", " "), ("area", SQUARE)], &[])
        .await;
    assert!(nameless.html.contains("Введіть назву району"), "{}", nameless.html);

    // Terms for an organisation that is not a council, or for none.
    let terms = |council: &str| {
        vec![
            ("council_id", council.to_owned()),
            ("effective_from_day", "1".into()),
            ("effective_from_month", "1".into()),
            ("effective_from_year", "2026".into()),
            ("signature_threshold", "250".into()),
            ("collection_days", "60".into()),
            ("title_max_chars", "200".into()),
            ("text_max_chars", "10000".into()),
            ("signing_mode", "verified_account".into()),
        ]
    };
    for council in [roads.as_str(), "999999", ""] {
        let fields = terms(council);
        let page =
            create(&mut browser, "/admin/statutes", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
                .await;
        assert!(page.html.contains("href=\"#council_id\""), "{}", page.html);
        assert!(page.html.contains("Оберіть раду, для якої ці умови"), "council `{council}`: {}", page.html);
        assert!(!page.html.contains("is not a council") && !page.html.contains("there is no organisation"));
    }

    // The directory forms too: an organisation's share, a member's account.
    let share = create(
        &mut browser,
        "/admin/organisations/new",
        &[("name", "Vodokanal"), ("kind", "municipal_enterprise"), ("community_share_percent", "many")],
    )
    .await;
    assert!(share.html.contains("Введіть частку громади числом від 0 до 100"), "{}", share.html);
    let path = format!("/admin/organisations/{roads}");
    let csrf = browser.get(&path).await.csrf_token();
    let members = format!("{path}/members");
    let unknown =
        browser.post(&members, &[("csrf_token", &csrf), ("account", "nobody@example.org"), ("role", "officer")]).await;
    assert!(unknown.html.contains("Введіть номер або адресу електронної пошти наявного"), "{}", unknown.html);
}

#[tokio::test]
async fn an_api_key_is_shown_once_on_the_next_page_and_can_be_revoked() {
    let app = spawn_app_with_smtp().await;
    let (mut browser, admin_token) = admin_browser(&app).await;

    let nameless = create(&mut browser, "/admin/api-keys", &[("name", "  ")]).await;
    assert_error(&nameless, "name", "");
    let form = browser.get("/admin/api-keys").await;
    let (token, key) = (form.csrf_token(), hidden(&form.html, "form_key"));
    let fields = [("csrf_token", token.as_str()), ("form_key", key.as_str()), ("name", "City dashboard")];
    let issued = browser.post("/admin/api-keys", &fields).await;
    assert_see_other(&issued, "/admin/api-keys/issued");
    let shown = browser.get("/admin/api-keys/issued").await;
    assert!(shown.html.contains("Key for City dashboard"), "{}", shown.html);
    let start = shown.html.find("id=\"secret\">").unwrap() + 13;
    let secret = shown.html[start..].split('<').next().unwrap().to_owned();
    assert!(secret.len() >= 32, "{secret}");
    let again = browser.get("/admin/api-keys/issued").await;
    assert!(!again.html.contains(&secret) && again.html.contains("cannot be shown again"), "shown once only");
    let list = browser.get("/admin/api-keys").await;
    assert!(list.html.contains("City dashboard") && list.html.contains("In use") && !list.html.contains(&secret));

    // The same form sent again (a retry) issues no second key and shows no secret.
    let retried = browser.post("/admin/api-keys", &fields).await;
    assert_see_other(&retried, "/admin/api-keys/issued");
    assert!(browser.get("/admin/api-keys/issued").await.html.contains("cannot be shown again"));
    let keys = app.get("/api/v1/api-keys", Some(&admin_token)).await;
    assert_eq!(keys.body.as_array().unwrap().len(), 1, "{}", keys.body);
    let id = keys.body[0]["id"].as_i64().unwrap();
    let revoked = browser.post(&format!("/admin/api-keys/{id}/revoke"), &[("csrf_token", &list.csrf_token())]).await;
    assert_see_other(&revoked, "/admin/api-keys?done=key-revoked");
    let after = browser.get("/admin/api-keys?done=key-revoked").await;
    assert!(after.html.contains("The key is revoked.") && after.html.contains("Revoked "));
    assert!(app.get("/api/v1/api-keys", Some(&admin_token)).await.body[0]["revoked_at"].is_string());
}

#[tokio::test]
async fn an_administrator_finds_an_account_and_makes_it_a_moderator_but_not_their_own() {
    let app = spawn_app_with_smtp().await;
    app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    app.verified_citizen("Lesia Ukrainka", "lesia@example.org").await;
    let (mut browser, _) = admin_browser(&app).await;

    let found = browser.get("/admin/accounts?q=LESIA").await;
    assert!(
        found.html.contains("1 account found.")
            && found.html.contains("Lesia Ukrainka")
            && !found.html.contains("Ivan Franko")
    );
    let all = browser.get("/admin/accounts").await;
    assert!(all.html.contains("3 accounts found.") && all.html.contains("You cannot change your own role"));
    // Searched in the database, Cyrillic as typed in lower case or capitals; `%` and `_` are only text.
    app.verified_citizen("Олена Петренко", "olena@example.org").await;
    for typed in
        ["%D0%BF%D0%B5%D1%82%D1%80%D0%B5%D0%BD%D0%BA%D0%BE", "%D0%9F%D0%95%D0%A2%D0%A0%D0%95%D0%9D%D0%9A%D0%9E"]
    {
        let found = browser.get(&format!("/admin/accounts?q={typed}")).await;
        assert!(found.html.contains("1 account found.") && found.html.contains("Олена Петренко"), "{}", found.html);
    }
    for literal in ["%25", "_"] {
        let none = browser.get(&format!("/admin/accounts?q={literal}")).await;
        assert!(!none.html.contains("Lesia Ukrainka"), "`{literal}` matched as a wildcard");
    }
    let lesia = app.db.clone();
    let lesia_id = hromada::storage::accounts::list(&lesia)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email == "lesia@example.org")
        .unwrap()
        .id;
    let admin_id = hromada::storage::accounts::list(&lesia)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email == ADMIN_EMAIL)
        .unwrap()
        .id;
    let csrf = all.csrf_token();
    let set = browser
        .post(
            &format!("/admin/accounts/{lesia_id}/role"),
            &[("csrf_token", &csrf), ("role", "moderator"), ("q", "lesia")],
        )
        .await;
    assert_see_other(&set, &format!("/admin/accounts?done=role-saved&q=lesia#account-{lesia_id}"));
    let page = browser.get("/admin/accounts?done=role-saved&q=lesia").await;
    assert!(page.html.contains("The role is saved.") && page.html.contains("Moderator"));
    let own =
        browser.post(&format!("/admin/accounts/{admin_id}/role"), &[("csrf_token", &csrf), ("role", "citizen")]).await;
    assert_eq!(own.status, 403, "the domain refuses an administrator's own role change");
    assert!(browser.get("/admin").await.status == 200, "still an administrator");
    let events = browser.get("/admin/events?subject=account").await;
    assert!(events.html.contains("moderator"), "{}", events.html);
}

#[tokio::test]
async fn an_account_is_found_by_its_cyrillic_name_in_any_mix_of_cases() {
    let app = spawn_app_with_smtp().await;
    app.verified_citizen("Олена Петренко", "olena@example.org").await;
    app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let (mut browser, _) = admin_browser(&app).await;
    // Some of these a variant of the term (as typed, capitals, each word capitalised) could find;
    // "лена петренко" (mid-word, across words) only folding both sides does.
    for typed in ["олена петренко", "ОЛЕНА", "оЛеНа", "Петренко", "лена петренко", "OLENA@EXAMPLE"]
    {
        let query: String = url::form_urlencoded::byte_serialize(typed.as_bytes()).collect();
        let found = browser.get(&format!("/admin/accounts?q={query}")).await;
        assert!(
            found.html.contains("1 account found.") && found.html.contains("Олена Петренко"),
            "`{typed}` finds Олена Петренко: {}",
            found.html
        );
    }
    app.verified_citizen("МАРІЯ ЗАНЬКОВЕЦЬКА", "maria@example.org").await;
    let capitals = browser.get("/admin/accounts?q=%D0%BC%D0%B0%D1%80%D1%96%D1%8F").await;
    assert!(capitals.html.contains("МАРІЯ ЗАНЬКОВЕЦЬКА"), "`марія` finds a name stored in capitals: {}", capitals.html);
    let other = browser.get("/admin/accounts?q=%D0%86%D0%B2%D0%B0%D0%BD").await;
    assert!(other.html.contains("0 accounts found."), "`Іван` is not Ivan: {}", other.html);
}

#[tokio::test]
async fn an_administrator_sees_failed_mail_with_the_servers_reason_and_retries_it() {
    let app = spawn_app_with_smtp().await;
    let (mut browser, admin_token) = admin_browser(&app).await;
    let empty = browser.get("/admin/mail").await;
    assert!(empty.html.contains("No mail has failed."));

    app.smtp().answer_next(550, "5.7.1 Relaying denied for this sender");
    app.post("/api/v1/password-reset", None, json!({"email": ADMIN_EMAIL})).await;
    let mut failed = browser.get("/admin/mail").await;
    for _ in 0..100 {
        if failed.html.contains("Relaying denied") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        failed = browser.get("/admin/mail").await;
    }
    let table = failed.html.find("<main").map(|at| &failed.html[at..]).unwrap_or_default();
    assert!(failed.html.contains("Relaying denied for this sender") && failed.html.contains(ADMIN_EMAIL), "{table}");
    assert!(!failed.html.contains("token="), "no message body");
    let mails = app.get("/api/v1/mails", Some(&admin_token)).await;
    let id = mails.body[0]["id"].as_i64().unwrap();
    let retried = browser.post(&format!("/admin/mail/{id}/retry"), &[("csrf_token", &failed.csrf_token())]).await;
    assert_see_other(&retried, "/admin/mail?done=mail-retried&count=1");
    assert!(browser.get("/admin/mail?done=mail-retried&count=1").await.html.contains("1 mail is back in the queue."));
    app.smtp().nth_mail_to(ADMIN_EMAIL, 1).await;
    let again = browser.post(&format!("/admin/mail/{id}/retry"), &[("csrf_token", &failed.csrf_token())]).await;
    assert_eq!(again.status, 409, "it has not failed any more");
    let all = browser.post("/admin/mail/retry", &[("csrf_token", &failed.csrf_token())]).await;
    assert_see_other(&all, "/admin/mail?done=mail-retried&count=0");
}

#[tokio::test]
async fn every_admin_page_weighs_at_most_60_kb_gzipped_with_its_assets() {
    let app = spawn_app_with_smtp().await;
    city::build(&app).await;
    let mut browser = logged_in_admin(&app).await;
    for path in PAGES {
        let html = browser.get(path).await.html;
        let mut total = browser.gzipped_size(path).await;
        for url in crate::web::asset_urls(&html) {
            total += browser.gzipped_size(&url).await;
        }
        assert!(total <= 60 * 1024, "{path} weighs {total} bytes gzipped");
        println!("{path}: {total} bytes gzipped with its assets");
    }
}

/// The event history's page is read from its index, not sorted from every event of its kind (SQLite
/// shows the plan as such; PostgreSQL's planner picks by table size, so there the index is only found).
#[tokio::test]
async fn the_event_history_is_read_a_page_at_a_time_from_its_index() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = spawn_app_with_smtp().await;
    let backend = app.db.get_database_backend();
    let index = migration::ADMIN_EVENTS_INDEX;
    if backend == DbBackend::Sqlite {
        let plan = app
            .db
            .query_all_raw(Statement::from_string(
                backend,
                "EXPLAIN QUERY PLAN SELECT * FROM events WHERE subject_type IN ('district') AND id < 1000 \
                 ORDER BY id DESC LIMIT 50",
            ))
            .await
            .unwrap();
        let steps: Vec<String> = plan.iter().map(|row| row.try_get::<String>("", "detail").unwrap()).collect();
        assert!(steps.iter().any(|s| s.contains(index)), "{steps:?}");
        assert!(!steps.iter().any(|s| s.contains("TEMP B-TREE")), "no sort of every event: {steps:?}");
    } else {
        let found = app
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM pg_indexes WHERE indexname = '{index}'"),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.try_get::<i64>("", "n").unwrap(), 1);
    }
}
