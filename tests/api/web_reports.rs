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

/// The key of the draft a page carries in its hidden field (the draft itself is kept on the server).
fn draft_of(page: &Page) -> String {
    let start = page.html.find("name=\"draft\" value=\"").expect("a draft field") + 20;
    page.html[start..].split('"').next().unwrap().to_owned()
}

/// The address of step `name` of the draft with `key`.
fn step_of(name: &str, key: &str) -> String {
    format!("/reports/new/{name}?draft={key}")
}

/// Answers the category (a pothole) and the place steps as a browser does; the photos step's address.
async fn placed(app: &TestApp, browser: &mut Browser<'_>, place: &[(&str, &str)]) -> String {
    let pothole = category_id(app, "pothole").await.to_string();
    let category = [("category_id", pothole.as_str())];
    let place_step = next(&step(browser, "/reports/new/category", "/reports/new/category", &category).await);
    next(&step(browser, &place_step, "/reports/new/place", place).await)
}

/// Oksana, signed in, with a draft answered up to its place (`place`): her browser, the photos step's
/// address and the draft's key.
async fn oksanas_draft<'a>(app: &'a TestApp, place: &[(&str, &str)]) -> (Browser<'a>, String, String) {
    let (mut browser, _) = citizen(app, "Oksana Melnyk", "oksana@example.org").await;
    let photos = placed(app, &mut browser, place).await;
    let key = draft_of(&browser.get(&photos).await);
    (browser, photos, key)
}

/// From the photos step's page, on with the photos kept: the description, no duplicate followed;
/// the check-your-answers page.
async fn checked(browser: &mut Browser<'_>, photos: &Page, (subject, description): (&str, &str)) -> Page {
    let described = next(&post_photos(browser, photos, ("action", "continue"), &[]).await);
    described_check(browser, &described, &[("subject", subject), ("description", description)]).await
}

/// Posts the description step at `described` with `fields`, follows no duplicate; the check page.
async fn described_check(browser: &mut Browser<'_>, described: &str, fields: &[(&str, &str)]) -> Page {
    let duplicates = next(&step(browser, described, "/reports/new/description", fields).await);
    let check = next(&step(browser, &duplicates, "/reports/new/duplicates", &[("duplicate", "")]).await);
    let page = browser.get(&check).await;
    assert_eq!(page.status, 200, "{}", page.html);
    page
}

/// Sends the check page's form as a browser does; where it lands.
async fn send(browser: &mut Browser<'_>, check: &Page) -> String {
    let form_key = check.html.split("name=\"form_key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let fields = [("csrf_token", check.csrf_token()), ("draft", draft_of(check)), ("form_key", form_key)];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    next(&browser.post("/reports/new/submit", &fields).await)
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
    let photos = next(&step(&mut browser, &clicked, "/reports/new/place", &[("address", "By the school")]).await);
    assert!(photos.starts_with("/reports/new/photos"), "{photos}");
    // Photos are optional: "Continue" with none chosen goes on (a plain form post is enough to skip).
    let skip = browser.get(&photos).await;
    let (token, draft) = (skip.csrf_token(), draft_of(&skip));
    let fields = [("csrf_token", token.as_str()), ("draft", draft.as_str()), ("action", "continue")];
    let described = next(&browser.post_files("/reports/new/photos", &fields, &[]).await);
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

    let pothole = category_id(&app, "pothole").await.to_string();
    let category = [("category_id", pothole.as_str())];
    let place = next(&step(&mut browser, "/reports/new/category", "/reports/new/category", &category).await);
    let nowhere = step(&mut browser, &place, "/reports/new/place", &[("address", "  ")]).await;
    assert!(nowhere.html.contains("Choose the place on the map, or give an address or a district"), "{}", nowhere.html);
    let half = step(&mut browser, &place, "/reports/new/place", &[("latitude", "48.7")]).await;
    assert!(half.html.contains("href=\"#latitude\""), "{}", half.html);

    let photos = next(&step(&mut browser, &place, "/reports/new/place", &[("address", "By the school")]).await);
    let description = photos.replace("/photos?", "/description?");
    let no_text = step(&mut browser, &description, "/reports/new/description", &[("subject", "Dark street")]).await;
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
    let step = browser.get("/reports/new/category").await.location.unwrap();
    assert_eq!(step, "/account/login?return=%2Freports%2Fnew%2Fcategory");
    let token = browser.get("/account/login").await.csrf_token();
    let posted = browser.post("/reports/new/category", &[("csrf_token", &token), ("category_id", "1")]).await;
    assert_eq!(
        posted.location.unwrap(),
        "/account/login?return=%2Freports%2Fnew%2Fcategory",
        "back to the step (nothing is kept for a visitor who is not signed in)"
    );
}

#[tokio::test]
async fn a_long_cyrillic_description_never_lengthens_an_address_even_when_the_session_ends() {
    let app = example_city().await;
    let description = "Глибока вибоїна біля школи. ".repeat(400);
    assert!(description.chars().count() >= 10_000);

    // Every address of the journey names the draft by its key, whatever was typed.
    let (mut browser, _, key) = oksanas_draft(&app, &[("address", "біля школи")]).await;
    let description_step = step_of("description", &key);
    let fields = [("subject", "Вибоїна"), ("description", description.as_str())];
    let duplicates = next(&step(&mut browser, &description_step, "/reports/new/description", &fields).await);
    assert_eq!(duplicates, step_of("duplicates", &key));
    let check = next(&step(&mut browser, &duplicates, "/reports/new/duplicates", &[("duplicate", "")]).await);
    let page = browser.get(&check).await;
    assert!(page.html.contains("Глибока вибоїна біля школи. Глибока"), "the description is kept on the server");
    let links: Vec<&str> = page.html.split("href=\"").skip(1).map(|l| l.split('"').next().unwrap()).collect();
    assert!(links.iter().all(|l| l.len() < 200), "no long link on the check page: {links:?}");

    // The session ends; the description posted then sends to log in with a short address, and after
    // logging in the draft is there: the check page still shows what was kept.
    let mut ended = Browser::new(&app);
    let token = ended.get("/account/login").await.csrf_token();
    let fields = [
        ("csrf_token", token.as_str()),
        ("draft", key.as_str()),
        ("subject", "Вибоїна"),
        ("description", description.as_str()),
    ];
    let login = next(&ended.post("/reports/new/description", &fields).await);
    assert!(login.len() <= 2048, "a proxy answers 414 to a long address: {} bytes", login.len());
    let back = next(&log_in_at(&mut ended, &login, "oksana@example.org").await);
    assert_eq!(back, description_step, "back to the step with the draft");
    assert_eq!(draft_of(&ended.get(&back).await), key);
    let kept = ended.get(&check).await;
    assert!(kept.html.contains("біля школи") && kept.html.contains("Глибока вибоїна"), "{}", kept.html);
}

#[tokio::test]
async fn a_draft_that_is_lost_expired_or_someone_elses_starts_the_journey_again_saying_so() {
    let app = example_city().await;
    let (mut browser, photos, key) = oksanas_draft(&app, &[("address", "By the school")]).await;

    // Another account's browser with Oksana's key finds nothing of hers, on a page or in a post.
    let (mut stranger, _) = citizen(&app, "Petro Sosed", "petro@example.org").await;
    let started_again = "/reports/new/category?lost=1";
    for name in ["place", "photos", "description", "duplicates", "check"] {
        let page = stranger.get(&step_of(name, &key)).await;
        assert_eq!(page.location.as_deref(), Some(started_again), "{name}: {}", page.html);
    }
    let token = stranger.get("/reports/new/category").await.csrf_token();
    let posted = [("csrf_token", token.as_str()), ("draft", key.as_str()), ("subject", "Mine"), ("description", "x")];
    assert_eq!(stranger.post("/reports/new/description", &posted).await.location.as_deref(), Some(started_again));
    let sent = [("csrf_token", token.as_str()), ("draft", key.as_str()), ("form_key", "stolen-key-1")];
    assert_eq!(stranger.post("/reports/new/submit", &sent).await.location.as_deref(), Some(started_again));
    let page = stranger.get(started_again).await;
    assert!(page.html.contains("id=\"draft-lost\"") && page.html.contains("no longer kept"), "{}", page.html);
    assert!(!page.html.contains("By the school"), "nothing of Oksana's");
    let fresh = draft_of(&page);
    assert!(!fresh.is_empty() && fresh != key, "a new draft: {fresh}");
    assert!(!stranger.get("/reports/new/category").await.html.contains("draft-lost"), "said only when it happened");

    // A made-up key, then Oksana's own once its retention has ended.
    assert_eq!(browser.get(&step_of("check", "no-such-draft")).await.location.as_deref(), Some(started_again));
    assert_eq!(browser.get(&step_of("check", &"x".repeat(300))).await.location.as_deref(), Some(started_again));
    assert_eq!(browser.get(&photos).await.status, 200, "still kept");
    use sea_orm::{EntityTrait, sea_query::Expr};
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    entity::web_drafts::Entity::update_many()
        .col_expr(entity::web_drafts::Column::ExpiresAt, Expr::value(past))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(browser.get(&photos).await.location.as_deref(), Some(started_again), "expired");
    let none = app.get("/api/v1/reports/geojson", None).await.body;
    assert_eq!(none["features"].as_array().unwrap().len(), 0, "nothing was filed");
}

/// The value of the login form's hidden `return` field.
fn return_field(page: &Page) -> String {
    const FIELD: &str = "name=\"return\" value=\"";
    let start = page.html.find(FIELD).expect("a return field") + FIELD.len();
    unescaped(page.html[start..].split('"').next().unwrap()).replace("&quot;", "\"")
}

/// Logs in on the page the journey sent the visitor to, as the form there posts it.
async fn log_in_at(browser: &mut Browser<'_>, login: &str, email: &str) -> Page {
    let page = browser.get(login).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let (token, back) = (page.csrf_token(), return_field(&page));
    let fields = [("csrf_token", token.as_str()), ("email", email), ("password", PASSWORD), ("return", &back)];
    browser.post("/account/login", &fields).await
}

#[tokio::test]
async fn a_visitor_sent_to_log_in_mid_journey_comes_back_to_the_step_they_were_on() {
    let app = example_city().await;
    let (_, photos, key) = oksanas_draft(&app, &[("address", "By the school")]).await;

    // Each step, opened after the session ended (a new browser), sends to log in and back to itself
    // with the draft, which the server kept.
    for name in ["category", "place", "photos", "description", "duplicates", "check"] {
        let mut ended = Browser::new(&app);
        let login = ended.get(&step_of(name, &key)).await.location.unwrap();
        let back = next(&log_in_at(&mut ended, &login, "oksana@example.org").await);
        assert_eq!(back, step_of(name, &key), "{name}: from {login}");
        let step = ended.get(&back).await;
        assert_eq!(step.status, 200, "{name}: {}", step.html);
        assert_eq!(draft_of(&step), key, "{name}: the same draft");
        if matches!(name, "place" | "check") {
            assert!(step.html.contains("By the school"), "{name}: the draft's place is still there");
        }
    }

    // A photos step posted after the session ended: to log in, back to the step with its draft,
    // nothing read.
    let mut ended = Browser::new(&app);
    let posted = ended.post_files(&photos, &[("csrf_token", "x")], &[("photo", "p.png", "image/png", PNG)]).await;
    let back = next(&log_in_at(&mut ended, &posted.location.unwrap(), "oksana@example.org").await);
    assert_eq!(back, photos);
}

#[tokio::test]
async fn logging_in_never_sends_the_visitor_to_another_site() {
    let app = example_city().await;
    app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    for hostile in crate::helpers::HOSTILE_RETURNS {
        let mut browser = Browser::new(&app);
        let login = format!(
            "/account/login?return={}",
            url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect::<String>()
        );
        let page = browser.get(&login).await;
        assert!(!page.html.contains("evil.example"), "{hostile:?} is not kept on the form: {}", page.html);
        let token = page.csrf_token();
        let fields = [
            ("csrf_token", token.as_str()),
            ("email", "oksana@example.org"),
            ("password", PASSWORD),
            ("return", hostile),
        ];
        let posted = browser.post("/account/login", &fields).await;
        assert_eq!(next(&posted), "/account", "{hostile:?} must not be followed");
    }
}

#[tokio::test]
async fn a_nearby_open_report_of_the_same_kind_is_offered_and_following_it_files_nothing() {
    let app = example_city().await;
    let pothole = category_id(&app, "pothole").await;
    let first = app.verified_citizen("Petro Sosed", "petro@example.org").await;
    let existing = filed_report(&app, &first, pothole, "Pothole at the crossing", 48.7100, 37.5500).await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;

    let photos = placed(&app, &mut browser, &[("latitude", "48.7101"), ("longitude", "37.5501")]).await;
    let description = photos.replace("/photos?", "/description?");
    let fields = [("subject", "Hole"), ("description", "Big hole")];
    let path = next(&step(&mut browser, &description, "/reports/new/description", &fields).await);
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
async fn an_author_who_agrees_is_named_on_the_public_page_and_never_their_contacts() {
    let app = example_city().await;
    let (mut browser, photos, _) = oksanas_draft(&app, &[("address", "By the school")]).await;
    let description = photos.replace("/photos?", "/description?");
    let page = browser.get(&description).await;
    assert!(page.html.contains("name=\"show_name\" type=\"checkbox\" value=\"yes\""), "{}", page.html);
    assert!(!page.html.contains("value=\"yes\" aria-describedby=\"show_name-hint\" checked"), "not ticked at first");
    let fields = [("subject", "Broken bench"), ("description", "In the park."), ("show_name", "yes")];
    let check = described_check(&mut browser, &description, &fields).await;
    assert!(check.html.contains("Your name on the public page") && check.html.contains("Shown (never your contact"));
    assert!(check.html.contains("the public sees the report with your name"), "{}", check.html);
    let filed = send(&mut browser, &check).await;
    let id = filed.trim_start_matches("/reports/").trim_end_matches("/filed").to_owned();

    let public = Browser::new(&app).get(&format!("/reports/{id}")).await;
    assert!(
        public.html.contains("Reported by") && public.html.contains("id=\"author\">Oksana Melnyk<"),
        "{}",
        public.html
    );
    assert!(!public.html.contains("oksana@example.org"), "never the contacts");
    let api = app.get(&format!("/api/v1/appeals/{id}"), None).await.body;
    assert_eq!(api["author_name"], "Oksana Melnyk", "the API's public view says the same: {api}");

    // Unticked (the box sends nothing): not named, on the check page or the public page.
    let photos = placed(&app, &mut browser, &[("address", "By the park")]).await;
    let description = photos.replace("/photos?", "/description?");
    let fields = [("subject", "Dark path"), ("description", "No lights.")];
    let check = described_check(&mut browser, &description, &fields).await;
    assert!(check.html.contains("Not shown"), "{}", check.html);
    let filed = send(&mut browser, &check).await;
    let id = filed.trim_start_matches("/reports/").trim_end_matches("/filed").to_owned();
    let public = Browser::new(&app).get(&format!("/reports/{id}")).await;
    assert!(!public.html.contains("Oksana") && !public.html.contains("Reported by"), "{}", public.html);
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

/// The example city, its photos kept in a folder of the test's own (at most 4 KB each, 5 a report).
async fn city_with_photo_folder() -> (TestApp, std::path::PathBuf) {
    city_with_photo_limits(|s| {
        s.photos.max_bytes = 4096;
        s.photos.max_per_appeal = 5;
    })
    .await
}

/// The example city, its photos kept in a folder of the test's own, under the limits `limit` sets.
async fn city_with_photo_limits(limit: impl FnOnce(&mut hromada::config::Settings)) -> (TestApp, std::path::PathBuf) {
    let folder = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let dir = folder.clone();
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(move |s| {
            s.example_directory = true;
            s.photos.dir = dir;
            limit(s);
        })
        .spawn()
        .await;
    (app, folder)
}

/// A small real PNG (tests/fixtures), the photo of the stories.
const PNG: &[u8] = include_bytes!("../fixtures/pothole.png");

/// The photos step of a draft that has its category and place.
async fn photos_step(app: &TestApp, browser: &mut Browser<'_>) -> Page {
    let photos = placed(app, browser, &[("latitude", "48.7101"), ("longitude", "37.5501")]).await;
    let page = browser.get(&photos).await;
    assert_eq!(page.status, 200, "{}", page.html);
    page
}

/// Posts the photos step's form as a browser without JavaScript: its token, its draft, the button
/// pressed, the chosen files.
async fn post_photos(browser: &mut Browser<'_>, page: &Page, button: (&str, &str), files: &[&[u8]]) -> Page {
    let (token, draft) = (page.csrf_token(), draft_of(page));
    let fields = [("csrf_token", token.as_str()), ("draft", draft.as_str()), button];
    let files: Vec<_> = files.iter().map(|bytes| ("photo", "pothole.png", "image/png", *bytes)).collect();
    browser.post_files("/reports/new/photos", &fields, &files).await
}

fn unescaped(html: &str) -> String {
    html.replace("&#x2f;", "/").replace("&amp;", "&")
}

/// The addresses of the photos a page shows.
fn photo_sources(html: &str) -> Vec<String> {
    unescaped(html)
        .split("class=\"hromada-photo\" src=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_photo_added_without_javascript_is_kept_to_check_your_answers_and_filed_with_the_report() {
    let (app, folder) = city_with_photo_folder().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;

    let first = photos_step(&app, &mut browser).await;
    assert!(first.html.contains("enctype=\"multipart/form-data\""), "{}", first.html);
    assert!(first.html.contains("type=\"file\" accept=\"image/jpeg,image/png,image/webp\" multiple"));
    let shown = next(&post_photos(&mut browser, &first, ("action", "upload"), &[PNG]).await);
    assert!(shown.starts_with("/reports/new/photos?draft="), "the step again, with the photo: {shown}");
    let with_photo = browser.get(&shown).await;
    assert!(
        with_photo.html.contains("alt=\"Photo 1 of the report\"") && with_photo.html.contains("name=\"remove\""),
        "{}",
        with_photo.html
    );
    let kept = photo_sources(&with_photo.html);
    assert_eq!(kept.len(), 1, "{}", with_photo.html);
    let image = browser.get(&kept[0]).await;
    assert_eq!(image.status, 200);
    let (mut stranger, _) = citizen(&app, "Petro Sosed", "petro@example.org").await;
    assert_eq!(stranger.get(&kept[0]).await.status, 404, "a draft's photo is its author's only");

    // Continue with no more files: on to the description, then check your answers.
    let described = next(&post_photos(&mut browser, &with_photo, ("action", "continue"), &[]).await);
    assert!(described.starts_with("/reports/new/description?draft="), "{described}");
    let fields = [("subject", "Deep pothole"), ("description", "At the crossing, since Monday.")];
    let duplicates = next(&step(&mut browser, &described, "/reports/new/description", &fields).await);
    let check = next(&step(&mut browser, &duplicates, "/reports/new/duplicates", &[("duplicate", "")]).await);
    let page = browser.get(&check).await;
    assert_eq!(photo_sources(&page.html), kept, "check your answers shows the photo: {}", page.html);
    assert!(unescaped(&page.html).contains("href=\"/reports/new/photos?draft="), "with a change link");

    // Sent twice with one form key: one report, one set of photos.
    let form_key = page.html.split("name=\"form_key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let fields = [("csrf_token", page.csrf_token()), ("draft", draft_of(&page)), ("form_key", form_key)];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let filed = next(&browser.post("/reports/new/submit", &fields).await);
    assert_eq!(next(&browser.post("/reports/new/submit", &fields).await), filed);
    let id: i64 = filed.trim_start_matches("/reports/").trim_end_matches("/filed").parse().unwrap();
    let report = app.get(&format!("/api/v1/appeals/{id}"), None).await.body;
    assert_eq!(report["photo_ids"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1, "the kept file became the report's");
    assert_eq!(browser.get(&kept[0]).await.status, 404, "no longer a draft's photo");

    // The public page shows it, and anyone may open it.
    let mut visitor = Browser::new(&app);
    let public = visitor.get(&format!("/reports/{id}")).await;
    assert!(public.html.contains("alt=\"Photo 1 of the report\""), "{}", public.html);
    let shown = photo_sources(&public.html);
    assert_eq!(shown, vec![format!("/reports/{id}/photos/{}", report["photo_ids"][0])]);
    let response = app.client.get(app.url(&shown[0])).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
}

#[tokio::test]
async fn a_photo_too_big_not_an_image_or_one_too_many_is_refused_with_the_message_and_nothing_kept() {
    let (app, folder) = city_with_photo_folder().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let step = photos_step(&app, &mut browser).await;

    let mut big = PNG.to_vec();
    big.resize(4097, 0);
    let refused = post_photos(&mut browser, &step, ("action", "upload"), &[PNG, &big]).await;
    assert_eq!(refused.status, 200);
    assert!(refused.title().starts_with("Error:"), "{}", refused.title());
    assert!(
        refused.html.contains("href=\"#photo\"") && refused.html.contains("id=\"photo-error\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("A photo must be at most"), "{}", refused.html);
    assert!(photo_sources(&refused.html).is_empty(), "one bad file keeps none of them");

    let text = post_photos(&mut browser, &step, ("action", "upload"), &[b"GIF89a? no, just text"]).await;
    assert!(text.html.contains("The file must be a photo: JPEG, PNG or WebP"), "{}", text.html);
    assert!(std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0) == 0, "nothing stored");

    let five = next(&post_photos(&mut browser, &step, ("action", "upload"), &[PNG; 5]).await);
    let step = browser.get(&five).await;
    assert_eq!(photo_sources(&step.html).len(), 5);
    let sixth = post_photos(&mut browser, &step, ("action", "upload"), &[PNG]).await;
    assert!(sixth.html.contains("A report can have at most 5 photos"), "{}", sixth.html);
    assert_eq!(photo_sources(&sixth.html).len(), 5, "the five are still listed");

    // Remove one: four left, and its file is gone.
    let first = step.html.split("name=\"remove\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let removed = next(&post_photos(&mut browser, &step, ("remove", &first), &[]).await);
    assert_eq!(photo_sources(&browser.get(&removed).await.html).len(), 4);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 4);

    // Without the form token nothing is kept.
    let draft = draft_of(&step);
    let forged =
        browser.post_files("/reports/new/photos", &[("draft", &draft)], &[("photo", "p.png", "image/png", PNG)]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 4);
}

#[tokio::test]
async fn a_photo_of_an_appeal_that_is_not_public_is_not_served_to_the_public() {
    let (app, _folder) = city_with_photo_folder().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let step = photos_step(&app, &mut browser).await;
    let shown = next(&post_photos(&mut browser, &step, ("action", "upload"), &[PNG]).await);
    let step = browser.get(&shown).await;
    let check = checked(&mut browser, &step, ("Pothole", "Deep, at the crossing, since Monday.")).await;
    let filed = send(&mut browser, &check).await;
    let id: i64 = filed.trim_start_matches("/reports/").trim_end_matches("/filed").parse().unwrap();
    let photo = &photo_sources(&browser.get(&format!("/reports/{id}")).await.html)[0];
    assert_eq!(Browser::new(&app).get(photo).await.status, 200, "a public report's photo is public");

    // The same photo on an appeal of another kind (its content is not disclosed, art. 10).
    use sea_orm::ConnectionTrait;
    let backend = app.db.get_database_backend();
    let hide = format!("UPDATE appeals SET kind = 'application' WHERE id = {id}");
    app.db.execute_raw(sea_orm::Statement::from_string(backend, hide)).await.unwrap();
    assert_eq!(Browser::new(&app).get(photo).await.status, 404, "not for the public");
    assert_eq!(browser.get(photo).await.status, 200, "its author still sees it");
}

#[tokio::test]
async fn the_list_of_reports_is_narrowed_by_category_status_and_district_and_paged() {
    let app = example_city().await;
    let author = app.verified_citizen("Hanna Authorenko", "hanna@example.org").await;
    let (pothole, lighting) = (category_id(&app, "pothole").await, category_id(&app, "street_lighting").await);
    for i in 0..21 {
        filed_report(&app, &author, pothole, &format!("Pothole number {i}"), 48.70 + f64::from(i) * 0.001, 37.55).await;
    }
    let dark = filed_report(&app, &author, lighting, "Dark street", 48.71, 37.56).await;
    let mut visitor = Browser::new(&app);

    let first = visitor.get("/reports").await;
    assert_eq!(first.status, 200, "{}", first.html);
    assert!(first.html.contains("22 reports") && first.html.contains("Page 1 of 2"), "{}", first.html);
    assert!(unescaped(&first.html).contains("href=\"/reports?page=2\" rel=\"next\""), "{}", first.html);
    assert!(first.html.contains(&format!("href=\"/reports/{dark}\"")), "newest first");
    let second = visitor.get("/reports?page=2").await;
    assert_eq!(second.html.matches("<tr class=\"govuk-table__row\"><td").count(), 2, "{}", second.html);

    let lit = visitor.get(&format!("/reports?category={lighting}&status=&district=")).await;
    assert!(lit.html.contains("1 report") && lit.html.contains("Dark street"), "{}", lit.html);
    assert!(!lit.html.contains("Pothole number"), "{}", lit.html);
    assert!(lit.html.contains(&format!("<option value=\"{lighting}\" selected>")), "the choice stays chosen");
    let answered = visitor.get("/reports?status=answered").await;
    assert!(answered.html.contains("No reports match these choices") && !answered.html.contains("Pothole number"));
    let placed = visitor.get("/reports?district=").await;
    assert!(placed.html.contains("22 reports"), "an empty choice is any");

    // A choice that is not offered: the page again with the error, 422.
    for (query, field, words) in [
        ("district_id=999999", "district_id", "Choose a district from the list"),
        ("status=lost", "status", "Choose a status from the list"),
        ("category_id=abc", "category_id", "Choose a category from the list"),
        ("district=999999", "district_id", "Choose a district from the list"),
    ] {
        let refused = visitor.get(&format!("/reports?{query}")).await;
        assert_eq!(refused.status, 422, "{query}");
        assert!(refused.title().starts_with("Error:"), "{}", refused.title());
        assert!(
            refused.html.contains(&format!("href=\"#{field}\"")) && refused.html.contains(words),
            "{}",
            refused.html
        );
        assert!(refused.html.contains(&format!("id=\"{field}-error\"")), "beside the field");
    }
    assert_eq!(visitor.get("/reports?page=0").await.status, 422);
}

/// The citizen page budget (≤ 60 KB gzipped without a map, ≤ 120 KB with it, everything it loads
/// included): the signed-in pages, every step of the journey with a photo kept, and the report's
/// public page with its photo.
#[tokio::test]
async fn the_citizens_signed_in_pages_and_the_report_with_a_photo_weigh_within_the_budget() {
    let (app, _folder) = city_with_photo_folder().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let step = photos_step(&app, &mut browser).await;
    let with_photo = next(&post_photos(&mut browser, &step, ("action", "upload"), &[PNG]).await);
    let with_photo = browser.get(&with_photo).await;
    let key = draft_of(&with_photo);
    let check = checked(&mut browser, &with_photo, ("Deep pothole", "At the crossing, since Monday.")).await;
    // The steps are weighed before sending: once filed, the draft's photo is the report's.
    let steps = ["category", "place", "photos", "description", "duplicates", "check"];
    let mut paths: Vec<String> = steps.iter().map(|s| step_of(s, &key)).collect();
    let mut weighed = Vec::new();
    for path in &paths {
        weighed.push((path.clone(), weigh(&mut browser, path).await));
    }
    let filed = send(&mut browser, &check).await;
    let id = filed.trim_start_matches("/reports/").trim_end_matches("/filed").to_owned();
    paths.clear();
    paths.extend([
        "/my".into(),
        format!("/my/appeals/{id}"),
        filed.clone(),
        format!("/reports/{id}"),
        "/reports".into(),
    ]);
    for path in &paths {
        weighed.push((path.clone(), weigh(&mut browser, path).await));
    }
    for (path, weight) in weighed {
        crate::web_desk::assert_within_budget(&path, weight);
    }
}

/// What a page weighs with everything it loads (`web_desk::weight`), the photos it shows included (the
/// fixture's few hundred bytes; a camera's are the user's), and whether it has a map.
async fn weigh(browser: &mut Browser<'_>, path: &str) -> (usize, bool) {
    let (mut total, with_map) = crate::web_desk::weight(browser, path).await;
    for photo in photo_sources(&browser.get(path).await.html) {
        total += browser.get(&photo).await.html.len();
    }
    (total, with_map)
}

/// Posts the start of a photos step's form, its `fields` then the head of a file part, to `path`,
/// declaring a body far longer and never sending the rest: the answer comes only if the step answers
/// without reading the files (else it waits for them, and the test's timeout ends it).
async fn post_stalled(app: &TestApp, browser: &Browser<'_>, path: &str, fields: &[(&str, &str)]) -> Option<u16> {
    let boundary = "hromada-stalled-7d3a";
    let mut head = String::new();
    for (name, value) in fields {
        head.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n"
    ));
    use futures::StreamExt as _;
    let first: Result<Vec<u8>, std::io::Error> = Ok(head.into_bytes());
    let body = futures::stream::iter([first]).chain(futures::stream::pending());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let request = client
        .post(app.url(path))
        .header("cookie", browser.cookie_header())
        .header("accept-language", "en")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("content-length", "10000")
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let answer = tokio::time::timeout(std::time::Duration::from_secs(5), request).await.ok()?;
    Some(answer.unwrap().status().as_u16())
}

#[tokio::test]
async fn an_anonymous_or_forged_photos_post_is_refused_before_its_files_are_read() {
    let (app, folder) = city_with_photo_folder().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let step = photos_step(&app, &mut browser).await;
    let (token, draft) = (step.csrf_token(), draft_of(&step));

    // Logged out: to log in, before a byte of the file.
    let anonymous = Browser::new(&app);
    assert_eq!(post_stalled(&app, &anonymous, "/reports/new/photos", &[("csrf_token", "x")]).await, Some(303));
    // A wrong token, or none first: refused before the file.
    let forged = [("csrf_token", "forged"), ("draft", draft.as_str())];
    assert_eq!(post_stalled(&app, &browser, "/reports/new/photos", &forged).await, Some(403));
    let late = [("draft", draft.as_str()), ("csrf_token", token.as_str())];
    assert_eq!(post_stalled(&app, &browser, "/reports/new/photos", &late).await, Some(403));

    // The token must come first: after the files it is not read, and nothing is kept.
    let boundary = "hromada-late-token";
    let mut body = Vec::new();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n").bytes());
    body.extend_from_slice(PNG);
    for (name, value) in [("csrf_token", token.as_str()), ("draft", draft.as_str()), ("action", "upload")] {
        body.extend(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}").bytes(),
        );
    }
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let response = app
        .client
        .post(app.url("/reports/new/photos"))
        .header("cookie", browser.cookie_header())
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0), 0, "nothing kept");

    // The form as a browser sends it (the token first) still works.
    let kept = next(&post_photos(&mut browser, &step, ("action", "upload"), &[PNG]).await);
    assert_eq!(photo_sources(&browser.get(&kept).await.html).len(), 1);
}

#[tokio::test]
async fn a_photos_post_over_the_size_limit_gets_the_step_again_with_the_error_not_the_apis_problem() {
    let (app, folder) = city_with_photo_limits(|s| {
        s.photos.max_bytes = 200 * 1024;
        s.photos.max_per_appeal = 1;
        s.max_body_bytes = 4096;
    })
    .await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    let step = photos_step(&app, &mut browser).await;
    let mut big = PNG.to_vec();
    big.resize(300 * 1024, 0);
    let (token, draft) = (step.csrf_token(), draft_of(&step));
    let action = unescaped(step.html.split("enctype").next().unwrap().rsplit("action=\"").next().unwrap());
    let action = action.split('"').next().unwrap().to_owned();
    assert_eq!(action, step_of("photos", &draft), "the form's address carries the draft's key");
    let fields = [("csrf_token", token.as_str()), ("draft", draft.as_str()), ("action", "upload")];
    let refused = browser.post_files(&action, &fields, &[("photo", "big.png", "image/png", &big)]).await;
    assert_eq!(refused.status, 413);
    assert!(refused.title().starts_with("Error:"), "{}", refused.title());
    assert!(
        refused.html.contains("href=\"#photo\"") && refused.html.contains("id=\"photo-error\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("Choose one photo of at most 0.2 MB"), "{}", refused.html);
    assert_eq!(draft_of(&refused), draft, "the same draft");
    assert!(refused.html.contains("type=\"file\""), "the step again: {}", refused.html);
    // Two photos, each under the photo limit, over the body's: the same words, not "a photo is too big".
    let mut under = PNG.to_vec();
    under.resize(150 * 1024, 0);
    let files = [("photo", "a.png", "image/png", under.as_slice()), ("photo", "b.png", "image/png", under.as_slice())];
    let refused = browser.post_files(&action, &fields, &files).await;
    assert_eq!(refused.status, 413);
    assert!(refused.html.contains("Choose one photo of at most 0.2 MB"), "{}", refused.html);
    assert!(!refused.html.contains("A photo must be at most"), "each photo was small enough: {}", refused.html);
    assert_eq!(std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0), 0, "nothing kept");

    // Sent in chunks without a declared length (as a proxy may pass it on): the same page, not the API's
    // problem.
    let boundary = "hromada-chunked";
    let mut head = Vec::new();
    for (name, value) in fields {
        head.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    head.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n").bytes());
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(head), Ok(big.clone()), Ok(format!("\r\n--{boundary}--\r\n").into_bytes())];
    let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let html = refused_page(&app, &browser, (&action, "en"), boundary, body).await;
    assert!(html.contains("Choose one photo of at most 0.2 MB") && html.contains("href=\"#photo\""), "{html}");
    assert_eq!(std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0), 0, "nothing kept");

    // In Ukrainian too.
    let body = [
        format!("--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").into_bytes(),
        b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"big.png\"\r\n\r\n".to_vec(),
        big.clone(),
        b"\r\n--b--\r\n".to_vec(),
    ]
    .concat();
    let html = refused_page(&app, &browser, (&action, "uk"), "b", body.into()).await;
    assert!(html.contains("0,2") || html.contains("0.2"), "{html}");
}

/// Posts a multipart `body` to the photos step at `action` in `lang` as `browser`; asserts the answer
/// is the page refusing it as too large (413, HTML) and gives that page.
async fn refused_page(
    app: &TestApp,
    browser: &Browser<'_>,
    (action, lang): (&str, &str),
    boundary: &str,
    body: reqwest::Body,
) -> String {
    let response = app
        .client
        .post(app.url(action))
        .header("cookie", browser.cookie_header())
        .header("accept-language", lang)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_watcher_sweep_removes_the_photos_of_drafts_past_their_retention_and_keeps_filed_ones() {
    use hromada::watcher::DeadlineWatcher;
    let (app, folder) = city_with_photo_folder().await;
    let (mut browser, _) = citizen(&app, "Oksana Melnyk", "oksana@example.org").await;
    // One draft's photo filed with its report, another's left behind, a third's still fresh.
    let filed_step = photos_step(&app, &mut browser).await;
    next(&post_photos(&mut browser, &filed_step, ("action", "upload"), &[PNG]).await);
    let abandoned = photos_step(&app, &mut browser).await;
    let abandoned_url = next(&post_photos(&mut browser, &abandoned, ("action", "upload"), &[PNG]).await);
    let fresh = photos_step(&app, &mut browser).await;
    let fresh_url = next(&post_photos(&mut browser, &fresh, ("action", "upload"), &[PNG]).await);
    let filing = checked(&mut browser, &filed_step, ("Deep pothole", "At the crossing.")).await;
    send(&mut browser, &filing).await;
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 3);

    // The abandoned draft's retention ends (and, to be sure, the filed photo's created time is old too).
    let abandoned_src = photo_sources(&browser.get(&abandoned_url).await.html)[0].clone();
    let abandoned_id = abandoned_src.split("/photos/").nth(1).unwrap().split('?').next().unwrap().to_owned();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    let id: i32 = abandoned_id.parse().unwrap();
    entity::web_pending_photos::Entity::update_many()
        .col_expr(entity::web_pending_photos::Column::ExpiresAt, Expr::value(past))
        .filter(entity::web_pending_photos::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    entity::appeal_photos::Entity::update_many()
        .col_expr(entity::appeal_photos::Column::CreatedAt, Expr::value(past - chrono::Duration::days(30)))
        .exec(&app.db)
        .await
        .unwrap();

    // A new upload no longer sweeps; the watcher's tick does.
    let watcher = DeadlineWatcher::new(
        app.db.clone(),
        std::sync::Arc::new(app.settings.clone()),
        std::sync::Arc::new(tokio::sync::Notify::new()),
    );
    watcher.sweep().await.unwrap();
    assert_eq!(browser.get(&abandoned_src).await.status, 404, "the abandoned draft's photo is gone");
    assert_eq!(photo_sources(&browser.get(&fresh_url).await.html).len(), 1, "the fresh draft keeps its photo");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2, "its file went; the filed and the fresh stay");
    let report = app.get("/api/v1/reports/geojson", None).await.body;
    let id =
        report["features"][0]["id"].as_i64().or_else(|| report["features"][0]["properties"]["id"].as_i64()).unwrap();
    let filed = app.get(&format!("/api/v1/appeals/{id}"), None).await.body;
    let photo = &filed["photo_ids"][0];
    assert_eq!(app.client.get(app.url(&format!("/reports/{id}/photos/{photo}"))).send().await.unwrap().status(), 200);
}
