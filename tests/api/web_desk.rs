//! The staff's desk as a browser without JavaScript uses it: the work queue (urgency order, filters,
//! search, counts, "since your last visit"), the case page and each action form, registering a paper
//! appeal with its check step, the head's overview — and every refusal, with nothing changed.
use serde_json::{Value, json};

use crate::{
    city::{self, CITIZEN, HOUSING_HEAD, HOUSING_OFFICER, ROADS_HEAD, ROADS_OFFICER, paper_appeal},
    helpers::{TestApp, spawn_app_with_smtp},
    web_accounts::{Browser, Page},
};

const PASSWORD: &str = "a long enough password";

async fn signed_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let login = browser.submit("/account/login", &[("email", email), ("password", password)]).await;
    assert_eq!(login.status, 303, "{}", login.html);
    browser
}

/// Where `needle` is on the page (panics when it is not there).
fn at(page: &Page, needle: &str) -> usize {
    page.html.find(needle).unwrap_or_else(|| panic!("`{needle}` is not on the page: {}", page.html))
}

async fn act(browser: &mut Browser<'_>, id: i64, action: &str, fields: &[(&str, &str)]) -> Page {
    let token = browser.get(&format!("/desk/appeals/{id}")).await.csrf_token();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    browser.post(&format!("/desk/appeals/{id}/{action}"), &all).await
}

async fn status(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/appeals/{id}"), Some(token)).await.body["status"].clone()
}

#[tokio::test]
async fn the_queue_shows_the_most_urgent_first_with_counts_filters_search_and_what_changed() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let later = paper_appeal(&app, &city.roads_officer, "Faded zebra crossing", 0, city.lift, false).await;
    let overdue = paper_appeal(&app, &city.roads_officer, "Pothole by the school", 40, city.pothole, false).await;
    let privileged = paper_appeal(&app, &city.roads_officer, "Broken kerb", 0, city.lift, true).await;
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;

    let queue = officer.get("/desk").await;
    assert_eq!(queue.status, 200, "{}", queue.html);
    assert!(queue.html.contains("href=\"/desk\""), "the layout shows staff the Desk link");
    assert!(at(&queue, "id=\"group-overdue\"") < at(&queue, "id=\"group-later\""));
    assert!(at(&queue, &format!("id=\"appeal-{overdue}\"")) < at(&queue, &format!("id=\"appeal-{privileged}\"")));
    assert!(
        at(&queue, &format!("id=\"appeal-{privileged}\"")) < at(&queue, &format!("id=\"appeal-{later}\"")),
        "privileged authors first within a group (art. 20)"
    );
    assert!(queue.html.contains("3 items") && queue.html.contains("overdue by"), "{}", queue.html);
    assert!(queue.html.contains("days left"));

    // Filters and search narrow the list; a number finds that appeal.
    let found = officer.get("/desk?q=zebra").await;
    assert!(found.html.contains(&format!("appeal-{later}")) && !found.html.contains(&format!("appeal-{overdue}")));
    let by_number = officer.get(&format!("/desk?q=%E2%84%96{overdue}")).await;
    assert!(by_number.html.contains("1 item") && by_number.html.contains(&format!("appeal-{overdue}")));
    let category = officer.get(&format!("/desk?category={}", city.pothole)).await;
    assert!(category.html.contains("1 item"), "{}", category.html);
    let mine = officer.get("/desk?mine=1").await;
    assert!(mine.html.contains("Nothing here"), "nobody took any yet");
    let privileged_first = officer.get("/desk?privileged=1").await;
    assert!(
        at(&privileged_first, &format!("appeal-{privileged}")) < at(&privileged_first, &format!("appeal-{overdue}"))
    );

    // Someone who works in two organisations switches between their queues.
    let me = app.get("/api/v1/accounts/me", Some(&city.roads_officer)).await.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/directory/organisations/{}/members/{me}", city.housing);
    assert_eq!(app.put(&path, Some(&city.admin), json!({"role": "officer"})).await.status, 204);
    let two = officer.get("/desk").await;
    assert!(two.html.contains("id=\"org\"") && two.html.contains("Housing Enterprise"), "{}", two.html);
    let housing = officer.get(&format!("/desk?org={}", city.housing)).await;
    assert!(housing.html.contains("0 items") && !housing.html.contains(&format!("appeal-{overdue}")));

    // A new item arrives: the next visit says so.
    paper_appeal(&app, &city.roads_officer, "Dark street lamp", 0, city.lift, false).await;
    let again = officer.get("/desk").await;
    assert!(again.html.contains("Since your last visit") && again.html.contains("1 new item"), "{}", again.html);
}

#[tokio::test]
async fn an_officer_acknowledges_answers_and_a_returned_item_comes_back_with_the_new_deadline() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let id = paper_appeal(&app, &city.roads_officer, "Pothole by the school", 2, city.pothole, false).await;
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;

    let case = officer.get(&format!("/desk/appeals/{id}")).await;
    assert_eq!(case.status, 200, "{}", case.html);
    assert!(case.html.contains("Hryhorii Skovoroda") && case.html.contains("Kramatorsk, Myru 5"), "author (private)");
    assert!(case.html.contains("Who will be told:") && case.html.contains("Only the head of the organisation extends"));

    let acknowledged = act(&mut officer, id, "acknowledge", &[]).await;
    assert_eq!(
        acknowledged.location.as_deref(),
        Some(format!("/desk/appeals/{id}?done=acknowledge#main-content").as_str())
    );
    let page = officer.get(&format!("/desk/appeals/{id}?done=acknowledge")).await;
    assert!(page.html.contains("Acknowledged") && page.html.contains("answer it in writing"), "{}", page.html);
    assert_eq!(status(&app, &city.roads_officer, id).await, "in_progress");

    // An answer without words goes back to the form with the error summary; nothing changes.
    let empty = act(&mut officer, id, "answer", &[("resolution", "resolved"), ("text", "")]).await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.html.contains("govuk-error-summary") && empty.html.contains("href=\"#answer-text\""),
        "{}",
        empty.html
    );
    assert!(empty.title().starts_with("Error:"));
    let no_body =
        act(&mut officer, id, "answer", &[("resolution", "not_competent"), ("text", "Not ours at all.")]).await;
    assert!(no_body.html.contains("href=\"#answer-competent_body\""), "{}", no_body.html);
    assert_eq!(status(&app, &city.roads_officer, id).await, "in_progress");

    let answered =
        act(&mut officer, id, "answer", &[("resolution", "resolved"), ("text", "The pothole was filled on Monday.")])
            .await;
    assert_eq!(answered.status, 303, "{}", answered.html);
    assert_eq!(status(&app, &city.roads_officer, id).await, "answered");
    let queue = officer.get("/desk").await;
    assert!(!queue.html.contains(&format!("appeal-{id}\"")), "answered items leave the open queue");

    // A registered author has no account here, so the return goes through the domain as the author
    // would: a citizen's own report, answered and returned.
    let report = city::pothole_with_place(&app, &city).await;
    act(&mut officer, report, "answer", &[("resolution", "resolved"), ("text", "Filled with asphalt today.")]).await;
    let returned = app
        .post(&format!("/api/v1/appeals/{report}/return"), Some(&city.citizen), json!({"reason": "It is still there."}))
        .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    let queue = officer.get("/desk").await;
    assert!(queue.html.contains(&format!("appeal-{report}\"")) && queue.html.contains("Returned for rework"));
    assert!(queue.html.contains("returned for rework"), "the since-last-visit panel says so: {}", queue.html);

    // The same pothole reported again nearby: the case page offers the open report, and links it.
    let again = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole again", "text": "The same deep pothole by the bus stop.",
                   "category_id": city.pothole, "location": {"latitude": 48.7301, "longitude": 37.58}}),
        )
        .await;
    let again = again.body["id"].as_i64().unwrap();
    let case = officer.get(&format!("/desk/appeals/{again}")).await;
    assert!(
        case.html.contains("48.73010, 37.58000") && case.html.contains(&format!("№ {report}: Pothole on Myru")),
        "{}",
        case.html
    );
    let linked = act(&mut officer, again, "duplicate-of", &[("duplicate_of", &report.to_string())]).await;
    assert_eq!(linked.status, 303, "{}", linked.html);
    assert_eq!(status(&app, &city.roads_officer, again).await, "duplicate");
    let _ = CITIZEN;
}

#[tokio::test]
async fn the_head_extends_within_45_days_and_an_officer_forwards_and_loses_sight_of_it() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let id = paper_appeal(&app, &city.roads_officer, "Lift in block 12", 1, city.lift, false).await;

    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    // An officer without head rights: the form is not offered, and a forged post changes nothing.
    let refused =
        act(&mut officer, id, "extend", &[("total_days", "45"), ("reason", "The motor must be ordered.")]).await;
    assert_eq!(refused.status, 403);
    let api = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.roads_officer)).await;
    assert!(api.body["deadline"]["extended_due_at"].is_null());

    let mut head = signed_in(&app, ROADS_HEAD, PASSWORD).await;
    let case = head.get(&format!("/desk/appeals/{id}")).await;
    assert!(case.html.contains("may not exceed 45 days from receipt"), "{}", case.html);
    let no_reason = act(&mut head, id, "extend", &[("total_days", "40"), ("reason", "")]).await;
    assert!(no_reason.html.contains("href=\"#extend-reason\""), "{}", no_reason.html);
    let extended =
        act(&mut head, id, "extend", &[("total_days", "45"), ("reason", "The motor must be ordered.")]).await;
    assert_eq!(extended.status, 303, "{}", extended.html);
    let api = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.roads_officer)).await;
    assert!(!api.body["deadline"]["extended_due_at"].is_null());

    let team = head.get("/desk/team").await;
    assert_eq!(team.status, 200, "{}", team.html);
    assert!(team.html.contains("Not assigned") && team.html.contains("Ivan Franko"), "{}", team.html);
    assert_eq!(officer.get("/desk/team").await.status, 403, "the overview is for the head");

    // Forwarding needs a reason; then the item leaves the roads department's sight.
    let housing = city.housing.to_string();
    let bare = act(&mut officer, id, "forward", &[("organisation_id", &housing), ("reason", "")]).await;
    assert!(bare.html.contains("href=\"#forward-reason\""), "{}", bare.html);
    let forwarded = act(
        &mut officer,
        id,
        "forward",
        &[("organisation_id", &housing), ("reason", "Lifts are the housing enterprise's.")],
    )
    .await;
    assert_eq!(forwarded.location.as_deref(), Some(format!("/desk?forwarded={id}").as_str()));
    let queue = officer.get(&format!("/desk?forwarded={id}")).await;
    assert!(queue.html.contains("no longer in your queue") && !queue.html.contains(&format!("appeal-{id}\"")));
    assert_eq!(
        officer.get(&format!("/desk/appeals/{id}")).await.status,
        404,
        "a private appeal of others is not shown"
    );
    let mut housing_officer = signed_in(&app, HOUSING_OFFICER, PASSWORD).await;
    assert!(housing_officer.get("/desk").await.html.contains(&format!("appeal-{id}\"")));
    let _ = HOUSING_HEAD;
}

#[tokio::test]
async fn an_officer_registers_a_paper_appeal_after_seeing_its_deadline_once_per_form() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let form = officer.get("/desk/registrations/new").await;
    assert_eq!(form.status, 200, "{}", form.html);
    let token = form.csrf_token();
    let key = form.html.split("name=\"form_key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let pothole = city.pothole.to_string();
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("form_key", key.as_str()),
        ("channel", "phone"),
        ("day", "31"),
        ("month", "2"),
        ("year", "2026"),
        ("kind", "application"),
        ("category_id", pothole.as_str()),
        ("subject", "Pothole on Myru"),
        ("text", "A deep pothole by the bus stop on Myru street."),
        ("author_name", "Hryhorii Skovoroda"),
        ("author_address", "Kramatorsk, Myru 5"),
    ];
    let bad_date = officer.post("/desk/registrations/new", &fields).await;
    assert_eq!(bad_date.status, 422);
    assert!(bad_date.html.contains("href=\"#day\"") && bad_date.html.contains("Pothole on Myru"), "{}", bad_date.html);

    let today = chrono::Utc::now().date_naive() - chrono::Duration::days(2);
    let (day, month, year) =
        (today.format("%d").to_string(), today.format("%m").to_string(), today.format("%Y").to_string());
    fields[3] = ("day", &day);
    fields[4] = ("month", &month);
    fields[5] = ("year", &year);
    let check = officer.post("/desk/registrations/new", &fields).await;
    assert_eq!(check.status, 200, "{}", check.html);
    assert!(check.html.contains("Deadline:") && check.html.contains("Handled by Roads Department"), "{}", check.html);

    let first = officer.post("/desk/registrations/new/submit", &fields).await;
    assert_eq!(first.status, 303, "{}", first.html);
    let second = officer.post("/desk/registrations/new/submit", &fields).await;
    assert_eq!(first.location, second.location, "a retried post registers one appeal");
    let page = officer.get(first.location.as_deref().unwrap()).await;
    assert!(page.html.contains("Registered") && page.html.contains("by phone"), "{}", page.html);
    let list = app.get(&format!("/api/v1/appeals?organisation_id={}", city.roads), Some(&city.roads_officer)).await;
    assert_eq!(list.body["total"], 1, "{}", list.body);

    // Without its form token nothing is registered.
    let forged = officer.post("/desk/registrations/new/submit", &fields[1..]).await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn everyone_the_authorization_refuses_gets_the_403_page_and_nothing_changes() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let report = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                   "category_id": city.pothole, "address": "Myru 1"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let moderator = app.verified_citizen("Mykola Moderator", "moderator@rada.example.org").await;
    let moderator_id = app.get("/api/v1/accounts/me", Some(&moderator)).await.body["id"].as_i64().unwrap();
    app.put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&city.admin), json!({"role": "moderator"})).await;

    let people = [
        (CITIZEN, PASSWORD, "citizen"),
        (HOUSING_OFFICER, PASSWORD, "officer of another organisation"),
        ("moderator@rada.example.org", PASSWORD, "moderator"),
        ("admin@rada.example.org", "administrator password", "administrator"),
    ];
    for (email, password, who) in people {
        let member = email == HOUSING_OFFICER;
        let mut browser = signed_in(&app, email, password).await;
        let roads = city.roads;
        let mut paths =
            vec![format!("/desk?org={roads}"), format!("/desk/appeals/{report}"), format!("/desk/team?org={roads}")];
        if !member {
            paths.extend(["/desk".to_owned(), "/desk/team".into(), "/desk/registrations/new".into()]);
        }
        for path in paths {
            let page = browser.get(&path).await;
            assert_eq!(page.status, 403, "{who} on {path}");
        }
        let home = browser.get("/").await;
        assert_eq!(home.html.contains("href=\"/desk\""), member, "{who}: the queue link is for members only");
        for (action, fields) in [
            ("acknowledge", vec![]),
            ("answer", vec![("resolution", "resolved"), ("text", "Filled it in.")]),
            ("refuse", vec![("code", "anonymous"), ("reason", "No name was given.")]),
        ] {
            let token = home.csrf_token();
            let mut all = vec![("csrf_token", token.as_str())];
            all.extend(fields);
            let page = browser.post(&format!("/desk/appeals/{report}/{action}"), &all).await;
            assert_eq!(page.status, 403, "{who} {action}");
        }
    }
    assert_eq!(status(&app, &city.citizen, report).await, "received", "nothing changed");
    // No session at all: the same.
    let mut visitor = Browser::new(&app);
    assert_eq!(visitor.get("/desk").await.status, 403);
    // Without the form token, even the right officer changes nothing.
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    assert_eq!(officer.post(&format!("/desk/appeals/{report}/acknowledge"), &[]).await.status, 403);
    assert_eq!(status(&app, &city.citizen, report).await, "received");
}

#[tokio::test]
async fn what_changed_since_the_last_visit_follows_the_account_from_one_browser_to_another() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut at_work = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let first = at_work.get("/desk").await;
    assert!(!first.html.contains("Since your last visit"), "nothing to compare the first visit with");
    assert!(
        !at_work.set_cookies.iter().any(|c| c.starts_with("hromada-desk-seen")),
        "the visit is kept with the account, not in this browser: {:?}",
        at_work.set_cookies
    );

    // A new item arrives while the officer is away; they open the desk on their phone.
    paper_appeal(&app, &city.roads_officer, "Dark street lamp", 0, city.lift, false).await;
    let mut phone = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let on_phone = phone.get("/desk").await;
    assert!(
        on_phone.html.contains("Since your last visit") && on_phone.html.contains("1 new item"),
        "{}",
        on_phone.html
    );

    // Back at work the same item is not news any more: the phone's visit counts for the account.
    let back = at_work.get("/desk").await;
    assert!(back.html.contains("Since your last visit") && back.html.contains("Nothing new."), "{}", back.html);

    // Another officer's visits are their own.
    let mut head = signed_in(&app, ROADS_HEAD, PASSWORD).await;
    assert!(!head.get("/desk").await.html.contains("Since your last visit"), "the head never opened the queue");
}

/// The Kyiv time of day of `at`, as the desk writes it ("09:05").
fn kyiv_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&hromada::domain::calendar::KYIV).format("%H:%M").to_string()
}

#[tokio::test]
async fn turning_pages_or_filtering_keeps_what_changed_and_the_summary_says_when_the_last_visit_was() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let before = chrono::Utc::now();
    officer.get("/desk").await;
    let after = chrono::Utc::now();
    paper_appeal(&app, &city.roads_officer, "Dark street lamp", 0, city.lift, false).await;

    // Paging, filtering, searching and reordering are looks at the same visit, not new visits.
    for path in ["/desk?page=2", "/desk?status=received", "/desk?q=lamp", "/desk?privileged=1", "/desk?mine=1"] {
        let page = officer.get(path).await;
        assert!(page.html.contains("1 new item"), "{path} still says what is new: {}", page.html);
    }
    let first = officer.get("/desk").await;
    assert!(first.html.contains("1 new item"), "{}", first.html);
    let times = [kyiv_time(before), kyiv_time(after)];
    assert!(
        times.iter().any(|t| first.html.contains(&format!(", {t})"))),
        "the summary names the time of the last visit ({times:?}), not only its day: {}",
        first.html
    );
    // The queue's first page as it opens was the visit.
    assert!(officer.get("/desk").await.html.contains("Nothing new."));

    let mut uk = signed_in(&app, ROADS_HEAD, PASSWORD).await;
    uk.get("/language?lang=uk").await;
    let before = chrono::Utc::now();
    uk.get("/desk").await;
    let times = [kyiv_time(before), kyiv_time(chrono::Utc::now())];
    let again = uk.get("/desk").await;
    assert!(
        times.iter().any(|t| again.html.contains(&format!(" р. о {t})"))),
        "Від вашого останнього візиту (… р. о {times:?}): {}",
        again.html
    );
}

#[tokio::test]
async fn a_deadline_missed_since_the_last_visit_is_news_even_though_it_passed_long_before() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    officer.get("/desk").await;
    // A paper appeal received 40 days ago: its month passed long before this visit, unnoticed until now.
    paper_appeal(&app, &city.roads_officer, "Lift in block 12", 40, city.lift, false).await;
    let watcher = hromada::watcher::DeadlineWatcher::new(
        app.db.clone(),
        std::sync::Arc::new(app.settings.clone()),
        std::sync::Arc::new(tokio::sync::Notify::new()),
    );
    watcher.sweep().await.unwrap();
    let queue = officer.get("/desk").await;
    assert!(queue.html.contains("1 item became overdue"), "{}", queue.html);
}

#[tokio::test]
async fn search_by_words_finds_cyrillic_text_whatever_its_case() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let hole = paper_appeal(&app, &city.roads_officer, "ЯМА на дорозі", 0, city.pothole, false).await;
    let lamp = paper_appeal(&app, &city.roads_officer, "Ліхтар не світить", 0, city.lift, false).await;
    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let search =
        |words: &str| format!("/desk?q={}", url::form_urlencoded::byte_serialize(words.as_bytes()).collect::<String>());

    for words in ["Яма", "яма", "ЯМА НА", "дорозі", "ДОРОЗІ"] {
        let found = officer.get(&search(words)).await;
        assert!(found.html.contains(&format!("id=\"appeal-{hole}\"")), "`{words}` finds the pothole: {}", found.html);
        assert!(!found.html.contains(&format!("id=\"appeal-{lamp}\"")), "`{words}` leaves the lamp out");
    }
    let in_text = officer.get(&search("ЛІХТАР НЕ СВІТИТЬ: PLEASE")).await;
    assert!(in_text.html.contains(&format!("id=\"appeal-{lamp}\"")), "the text is searched too: {}", in_text.html);
    let literal = officer.get(&search("%")).await;
    assert!(literal.html.contains("0 items"), "a typed % is a character, not a wildcard: {}", literal.html);
}

#[tokio::test]
async fn the_head_extends_an_overdue_item_which_stays_late_in_the_figures() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    // Received 40 days ago: the 30-day term has passed, the 45 days of art. 20 have not.
    let id = paper_appeal(&app, &city.roads_officer, "Lift in block 12", 40, city.lift, false).await;
    let mut head = signed_in(&app, ROADS_HEAD, PASSWORD).await;

    let case = head.get(&format!("/desk/appeals/{id}")).await;
    assert!(case.html.contains("overdue by"), "{}", case.html);
    assert!(case.html.contains("The deadline has already passed. You may still extend it"), "{}", case.html);
    let extended =
        act(&mut head, id, "extend", &[("total_days", "45"), ("reason", "The motor must be ordered.")]).await;
    assert_eq!(extended.status, 303, "{}", extended.html);

    let api = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.roads_officer)).await;
    let deadline = &api.body["deadline"];
    assert!(!deadline["extended_due_at"].is_null(), "{deadline}");
    assert!(!deadline["overdue_at"].is_null(), "the missed term stays on record: {deadline}");
    let due: chrono::DateTime<chrono::Utc> = deadline["due_at"].as_str().unwrap().parse().unwrap();
    assert!(due > chrono::Utc::now(), "the new deadline lies ahead");
    let page = head.get(&format!("/desk/appeals/{id}")).await;
    assert!(page.html.contains("deadline extended after the deadline"), "the history says so: {}", page.html);

    // Answered within the extension, it is still answered late.
    let answered = act(&mut head, id, "answer", &[("resolution", "resolved"), ("text", "The lift works again.")]).await;
    assert_eq!(answered.status, 303, "{}", answered.html);
    let metrics = app.get(&format!("/api/v1/metrics/appeals?{}", crate::metrics::recent()), None).await;
    let roads = metrics.body["rows"].as_array().unwrap().iter().find(|r| r["organisation_id"] == city.roads).unwrap();
    let figures = &roads["figures"];
    assert_eq!((&figures["answered"], &figures["answered_on_time"]), (&json!(1), &json!(0)), "{figures}");
    assert_eq!(figures["extended"], 1);

    // Past the 45 days nothing can be extended any more: the form is not offered, and a post is refused.
    let too_old = paper_appeal(&app, &city.roads_officer, "Old lift", 50, city.lift, false).await;
    let case = head.get(&format!("/desk/appeals/{too_old}")).await;
    assert!(case.html.contains("the 45 days from receipt (art. 20) have run out"), "{}", case.html);
    let refused = act(&mut head, too_old, "extend", &[("total_days", "45"), ("reason", "Too late now.")]).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("has already passed"), "{}", refused.html);
}

/// What `path` weighs gzipped with everything it loads (the map's outlines too, when it shows one).
pub(crate) async fn weight(browser: &mut Browser<'_>, path: &str) -> (usize, bool) {
    let html = browser.get(path).await.html;
    let with_map = html.contains("class=\"hromada-map\"");
    let mut total = browser.gzipped_size(path).await;
    let mut urls = crate::web::asset_urls(&html);
    if with_map {
        urls.push("/map/districts.geojson".to_owned());
    }
    for url in urls {
        total += browser.gzipped_size(&url).await;
    }
    (total, with_map)
}

/// Asserts the budget: ≤ 60 KB gzipped without a map, ≤ 120 KB with it (Leaflet included).
pub(crate) fn assert_within_budget(path: &str, (total, with_map): (usize, bool)) {
    let budget = if with_map { 120 * 1024 } else { 60 * 1024 };
    println!("{path}: {total} bytes gzipped with its assets{}", if with_map { " and its map" } else { "" });
    assert!(total <= budget, "{path} weighs {total} bytes gzipped (budget {budget})");
}

#[tokio::test]
async fn every_desk_page_weighs_within_the_budget_with_its_assets() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    for i in 0..30 {
        paper_appeal(&app, &city.roads_officer, &format!("Pothole number {i}"), i % 40, city.pothole, i % 7 == 0).await;
    }
    city::mapped_district(&app, &city.admin).await;
    let report = city::pothole_with_place(&app, &city).await;
    let mut head = signed_in(&app, ROADS_HEAD, PASSWORD).await;
    let case = format!("/desk/appeals/{report}");
    for path in ["/desk", "/desk?status=received&q=pothole", case.as_str(), "/desk/registrations/new", "/desk/team"] {
        let measured = weight(&mut head, path).await;
        if path == case {
            assert!(measured.1, "the case page shows the place on the map");
        }
        assert_within_budget(path, measured);
    }
}

#[tokio::test]
async fn the_case_page_shows_a_reports_photos_to_the_officer_who_handles_it() {
    let folder = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let app =
        crate::helpers::TestAppBuilder::new().await.with_smtp().configure(|s| s.photos.dir = folder).spawn().await;
    let city = city::build(&app).await;
    let report = app.post("/api/v1/appeals", Some(&city.citizen), crate::appeals::broken_bench(&city)).await;
    let id = report.body["id"].as_i64().unwrap();
    let png = include_bytes!("../fixtures/pothole.png");
    let upload = app
        .client
        .post(app.url(&format!("/api/v1/appeals/{id}/photos")))
        .bearer_auth(&city.citizen)
        .header("content-type", "image/png")
        .body(png.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 201);
    let photo_id = upload.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let case = officer.get(&format!("/desk/appeals/{id}")).await;
    let src = format!("/reports/{id}/photos/{photo_id}");
    assert!(
        case.html.replace("&#x2f;", "/").contains(&format!("src=\"{src}\" alt=\"Photo 1 of the report\"")),
        "{}",
        case.html
    );
    let photo = officer.get(&src).await;
    assert_eq!(photo.status, 200, "the officer opens it under the API's rule");
}

#[tokio::test]
async fn the_case_map_never_asks_the_tile_provider_about_a_private_place() {
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(|s| s.web.map_tile_url = Some("https://tiles.example.org/{z}/{x}/{y}.png".into()))
        .spawn()
        .await;
    let city = city::build(&app).await;
    city::mapped_district(&app, &city.admin).await;
    let id = city::pothole_with_place(&app, &city).await;
    let public = Browser::new(&app).get(&format!("/reports/{id}")).await;
    assert!(public.html.contains("data-tiles="), "a public page may use the base tiles: {}", public.html);

    let mut officer = signed_in(&app, ROADS_OFFICER, PASSWORD).await;
    let case = officer.get(&format!("/desk/appeals/{id}")).await;
    assert!(case.html.contains("class=\"hromada-map\""), "the case page shows the place: {}", case.html);
    assert!(!case.html.contains("data-tiles="), "the case map loads no base tiles: {}", case.html);
}
