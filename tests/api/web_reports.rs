//! Report a problem as a browser without JavaScript does it: each step's form (CSRF, what is missing,
//! kept values), the map picture's click turned into a point, nearby duplicates offered, check your
//! answers, one report per form key, the confirmation, and the public page without personal data.
use crate::{
    helpers::TestApp,
    web_accounts::{Browser, Page},
    web_map::{category_id, example_city, filed_report},
};

const PASSWORD: &str = "a long enough password";

/// A signed-in browser of a verified citizen in the example city.
async fn citizen<'a>(app: &'a TestApp, name: &str, email: &str) -> (Browser<'a>, String) {
    let token = app.verified_citizen(name, email).await;
    let mut browser = Browser::new(app);
    let login = browser.submit("/account/login", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(login.status, 303, "{}", login.html);
    (browser, token)
}

/// The draft a page carries in its hidden field.
fn draft_of(page: &Page) -> String {
    let start = page.html.find("name=\"draft\" value=\"").expect("a draft field") + 20;
    let raw = page.html[start..].split('"').next().unwrap();
    raw.replace("&quot;", "\"").replace("&#x2f;", "/").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
}

/// Posts a step's form (from the page at `from`) with the page's token and draft.
async fn step(browser: &mut Browser<'_>, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let page = browser.get(from).await;
    assert_eq!(page.status, 200, "{from}: {}", page.html);
    let (token, draft) = (page.csrf_token(), draft_of(&page));
    let mut all = vec![("csrf_token", token.as_str()), ("draft", draft.as_str())];
    all.extend_from_slice(fields);
    browser.post(action, &all).await
}

fn next(page: &Page) -> String {
    assert_eq!(page.status, 303, "{}", page.html);
    page.location.clone().unwrap()
}

#[tokio::test]
async fn a_citizen_reports_a_pothole_through_every_step_and_gets_a_reference_and_due_date() {
    let app = example_city().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let pothole = category_id(&app, "pothole").await.to_string();

    let start = browser.get("/reports/new").await;
    assert!(start.html.contains("href=\"/reports/new/category\""), "{}", start.html);
    let place =
        next(&step(&mut browser, "/reports/new/category", "/reports/new/category", &[("category_id", &pothole)]).await);
    assert!(place.starts_with("/reports/new/place?draft="), "{place}");

    // No JavaScript: a click on the map picture posts place.x/place.y; the page shows the chosen point.
    let page = browser.get(&place).await;
    assert!(page.html.contains("type=\"image\" name=\"place\""), "{}", page.html);
    let clicked =
        next(&step(&mut browser, &place, "/reports/new/place", &[("place.x", "100"), ("place.y", "200")]).await);
    assert!(clicked.starts_with("/reports/new/place?draft="), "back to the place step to confirm: {clicked}");
    let confirm = browser.get(&clicked).await;
    assert!(confirm.html.contains("Chosen point: 48.7"), "{}", confirm.html);
    assert!(confirm.html.contains("lat=48.7"), "the picture marks it");
    let described = next(&step(&mut browser, &clicked, "/reports/new/place", &[("address", "By the school")]).await);
    assert!(described.starts_with("/reports/new/description"), "{described}");

    let fields = [("subject", "Deep pothole"), ("description", "At the crossing, since Monday.")];
    let duplicates = next(&step(&mut browser, &described, "/reports/new/description", &fields).await);
    let none_near = browser.get(&duplicates).await;
    assert!(none_near.html.contains("There are no open reports of this kind nearby"), "{}", none_near.html);
    let check = next(&step(&mut browser, &duplicates, "/reports/new/duplicates", &[("duplicate", "")]).await);
    let page = browser.get(&check).await;
    assert!(page.html.contains("Check your report") && page.html.contains("Deep pothole"));
    assert!(page.html.contains("By the school") && page.html.contains("Pothole"));
    assert!(page.html.replace("&#x2f;", "/").contains("href=\"/reports/new/place?draft="), "a change link per answer");

    // Sending twice with the same form key files one report.
    let form_key = page.html.split("name=\"form_key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let fields = [("csrf_token", page.csrf_token()), ("draft", draft_of(&page)), ("form_key", form_key)];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let filed = next(&browser.post("/reports/new/submit", &fields).await);
    let again = next(&browser.post("/reports/new/submit", &fields).await);
    assert_eq!(filed, again, "the retry lands on the same report");
    let id: i64 = filed.trim_start_matches("/reports/").trim_end_matches("/filed").parse().unwrap();
    let mine = app.get("/api/v1/reports/geojson", None).await.body;
    assert_eq!(mine["features"].as_array().unwrap().len(), 1, "one report filed");

    let confirmation = browser.get(&filed).await;
    assert!(confirmation.html.contains(&format!("<strong id=\"reference\">{id}</strong>")), "{}", confirmation.html);
    assert!(confirmation.html.contains("Road Repair"), "the executor of potholes in the example city");
    assert!(confirmation.html.contains("<time id=\"due-date\" datetime=\"20"), "the due date in words");
}

#[tokio::test]
async fn each_step_refuses_a_missing_answer_with_the_error_summary_and_keeps_what_was_typed() {
    let app = example_city().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;

    let no_category = step(&mut browser, "/reports/new/category", "/reports/new/category", &[]).await;
    assert_eq!(no_category.status, 200);
    assert!(no_category.title().starts_with("Error:"), "{}", no_category.title());
    assert!(no_category.html.contains("govuk-error-summary") && no_category.html.contains("href=\"#category_id\""));

    let nowhere = step(&mut browser, "/reports/new/place", "/reports/new/place", &[("address", "  ")]).await;
    assert!(nowhere.html.contains("Choose the place on the map, or give an address or a district"), "{}", nowhere.html);
    let half = step(&mut browser, "/reports/new/place", "/reports/new/place", &[("latitude", "48.7")]).await;
    assert!(half.html.contains("href=\"#latitude\""), "{}", half.html);

    let no_text =
        step(&mut browser, "/reports/new/description", "/reports/new/description", &[("subject", "Dark street")]).await;
    assert!(
        no_text.html.contains("href=\"#description\"") && no_text.html.contains("value=\"Dark street\""),
        "{}",
        no_text.html
    );

    // Without the form token nothing moves on.
    let forged = browser.post("/reports/new/category", &[("category_id", "1")]).await;
    assert_eq!(forged.status, 403);
    let forged = browser.post("/reports/new/submit", &[("draft", "{}"), ("form_key", "k")]).await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn a_visitor_is_asked_to_log_in_before_reporting() {
    let app = example_city().await;
    let mut browser = Browser::new(&app);
    let start = browser.get("/reports/new").await;
    assert!(start.html.contains("Log in to report a problem"), "{}", start.html);
    assert!(start.html.contains("login?return=%2Freports%2Fnew\""), "the login link comes back here: {}", start.html);
    assert_eq!(browser.get("/reports/new/category").await.location.as_deref(), Some("/reports/new"));
    let token = browser.get("/account/login").await.csrf_token();
    let posted = browser.post("/reports/new/category", &[("csrf_token", &token), ("category_id", "1")]).await;
    assert_eq!(posted.location.as_deref(), Some("/account/login?return=%2Freports%2Fnew%2Fcategory"));
}

#[tokio::test]
async fn a_nearby_open_report_of_the_same_kind_is_offered_and_following_it_files_nothing() {
    let app = example_city().await;
    let pothole = category_id(&app, "pothole").await;
    let first = app.verified_citizen("Petro Sosed", "petro@example.org").await;
    let existing = filed_report(&app, &first, pothole, "Pothole at the crossing", 48.7100, 37.5500).await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;

    let draft = format!(
        r#"{{"category_id":{pothole},"latitude":48.7101,"longitude":37.5501,"subject":"Hole","description":"Big hole"}}"#
    );
    let encoded: String = url::form_urlencoded::byte_serialize(draft.as_bytes()).collect();
    let path = format!("/reports/new/duplicates?draft={encoded}");
    let page = browser.get(&path).await;
    assert!(
        page.html.contains("Pothole at the crossing") && page.html.contains(&format!("value=\"{existing}\"")),
        "{}",
        page.html
    );
    let followed =
        next(&step(&mut browser, &path, "/reports/new/duplicates", &[("duplicate", &existing.to_string())]).await);
    assert_eq!(followed, format!("/reports/{existing}?followed=1"));
    let shown = browser.get(&followed).await;
    assert!(shown.html.contains("You follow this report"), "{}", shown.html);
    let all = app.get("/api/v1/reports/geojson", None).await.body;
    assert_eq!(all["features"].as_array().unwrap().len(), 1, "no second report");
}

#[tokio::test]
async fn the_public_page_shows_the_report_without_its_author_and_signed_in_people_follow_it() {
    let app = example_city().await;
    let pothole = category_id(&app, "pothole").await;
    let author = app.verified_citizen("Hanna Authorenko", "hanna@example.org").await;
    let id = filed_report(&app, &author, pothole, "Pothole by the park", 48.7100, 37.5500).await;

    let mut visitor = Browser::new(&app);
    let page = visitor.get(&format!("/reports/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Pothole by the park") && page.html.contains("Road Repair"), "{}", page.html);
    assert!(page.html.contains("Received") && page.html.contains("Answer due by"));
    assert!(page.html.contains("class=\"hromada-map\""), "the place on the map");
    assert!(!page.html.contains("Hanna") && !page.html.contains("hanna@example.org"), "no personal data");
    assert!(page.html.contains("Log in to follow this report"));
    let list = visitor.get("/reports").await;
    assert!(list.html.contains(&format!("href=\"/reports/{id}\"")), "{}", list.html);
    assert_eq!(visitor.get("/reports/999999").await.status, 404);

    let (mut neighbour, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let path = format!("/reports/{id}");
    let token = neighbour.get(&path).await.csrf_token();
    let follow = neighbour.post(&format!("{path}/follow"), &[("csrf_token", &token), ("follow", "1")]).await;
    assert_eq!(follow.location, Some(format!("{path}?followed=1")));
    let unfollow = neighbour.post(&format!("{path}/follow"), &[("csrf_token", &token), ("follow", "0")]).await;
    assert_eq!(unfollow.location, Some(format!("{path}?followed=0")));
    assert_eq!(neighbour.post(&format!("{path}/follow"), &[("follow", "1")]).await.status, 403);
}

#[tokio::test]
async fn the_home_page_lists_petitions_collecting_signatures_and_links_reporting() {
    let app = crate::helpers::spawn_app_with_smtp().await;
    let council = crate::petitions::council(&app, 3, "verified_account").await;
    let id = crate::petitions::submitted(&app, &council).await;
    crate::petitions::step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), serde_json::json!({}))
        .await;
    let mut browser = Browser::new(&app);
    let home = browser.get("/").await;
    let html = home.html.replace("&#x2f;", "/");
    assert!(html.contains(&format!("href=\"/petitions/{id}\"")) && html.contains("0 signatures"), "{html}");
    assert!(html.contains("The 1 petition collecting signatures"), "{html}");
    assert!(html.contains("href=\"/reports/new\""));
}
