//! The watchdog's pages as a browser meets them over HTTP: every figure shown equals the API's for the
//! same period, a bad period is explained, the CSV holds the table's numbers, and only the widgets may be
//! framed by other sites.
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, spawn_app, spawn_app_with_smtp},
    metrics::{busy_city, recent},
};

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).header("accept-language", "en").send().await.unwrap();
    // Templates escape '/' as an entity; a browser reads it as '/'.
    (response.status().as_u16(), response.text().await.unwrap().replace("&#x2f;", "/"))
}

/// The part of the page from the element carrying `marker` to the end of that table row or card.
fn section<'a>(page: &'a str, marker: &str, end: &str) -> &'a str {
    let start = page.find(marker).unwrap_or_else(|| panic!("{marker} is on the page"));
    let rest = &page[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The text of the element with `data-figure="name"` inside `part`.
fn figure(part: &str, name: &str) -> String {
    let marker = format!("data-figure=\"{name}\">");
    let start = part.find(&marker).unwrap_or_else(|| panic!("figure {name} in {part}")) + marker.len();
    part[start..start + part[start..].find('<').unwrap()].trim().to_owned()
}

/// How a page writes a share (0.875 → "87.5%") or a missing figure ("—").
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Number(n) if n.is_f64() => {
            let percent = (n.as_f64().unwrap() * 1000.0).round() / 10.0;
            if percent.fract() == 0.0 { format!("{percent:.1}%") } else { format!("{percent}%") }
        }
        other => other.to_string(),
    }
}

fn api_row<'a>(rows: &'a Value, key: &str, id: i64) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r[key] == id).unwrap_or_else(|| panic!("{key} {id} in {rows}"))
}

#[tokio::test]
async fn every_figure_on_the_statistics_pages_is_the_apis_for_the_same_period() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let period = recent();

    let api = app.get(&format!("/api/v1/metrics/appeals?{period}"), None).await.body;
    let (status, page) = html(&app, &format!("/statistics?{period}")).await;
    assert_eq!(status, 200, "{page}");
    let totals = section(&page, "id=\"appeal-totals\"", "</dl>");
    assert_eq!(figure(totals, "received"), api["total"]["received"].to_string());
    assert_eq!(figure(totals, "overdue"), api["total"]["overdue"].to_string());
    assert_eq!(figure(totals, "on_time_share"), shown(&api["total"]["on_time_share"]));
    for organisation in [busy.city.roads, busy.city.housing] {
        let expected = &api_row(&api["rows"], "organisation_id", organisation)["figures"];
        let row = section(&page, &format!("data-organisation=\"{organisation}\""), "</tr>");
        for name in ["received", "overdue"] {
            assert_eq!(figure(row, name), expected[name].to_string(), "{name} of {organisation}");
        }
        assert_eq!(figure(row, "on_time_share"), shown(&expected["on_time_share"]));
        assert_eq!(figure(row, "median_days_to_answer"), shown(&expected["median_days_to_answer"]));
    }

    let petitions = app.get(&format!("/api/v1/metrics/petitions?{period}"), None).await.body;
    let council = &api_row(&petitions["councils"], "council_id", busy.council)["figures"];
    let row = section(&page, &format!("data-council=\"{}\"", busy.council), "</tr>");
    assert_eq!(figure(row, "reached_threshold"), council["reached_threshold"].to_string());
    assert_eq!(figure(row, "considered_within_term"), council["considered_within_term"].to_string());
    let (_, petitions_page) = html(&app, &format!("/statistics/petitions?{period}")).await;
    let table = section(&petitions_page, &format!("data-council=\"{}\"", busy.council), "</table>");
    for name in ["submitted", "moderated_within_term", "published", "refused", "reached_threshold", "answers_published"]
    {
        assert_eq!(figure(table, name), council[name].to_string(), "petitions: {name}");
    }
    assert_eq!(figure(table, "decision-supported"), council["decisions"]["supported"].to_string());

    let indicators = app.get(&format!("/api/v1/indicators?{period}"), None).await.body;
    let (_, a07) = html(&app, &format!("/statistics/a07?{period}")).await;
    let card = section(&a07, &format!("data-council=\"{}\"", busy.council), "</table>");
    let evidence = &api_row(&indicators["a07"], "council_id", busy.council)["evidence"];
    for name in ["submitted", "moderated_within_term", "considered_within_term", "became_appeals_late_or_overdue"] {
        assert_eq!(figure(card, name), evidence[name].to_string(), "A07: {name}");
    }
    let (_, c03) = html(&app, &format!("/statistics/c03?{period}")).await;
    for enterprise in [busy.city.housing, busy.water] {
        let expected = api_row(&indicators["c03"], "organisation_id", enterprise);
        // From the card's title to the next card.
        let card = section(&c03, &format!("data-organisation=\"{enterprise}\""), "class=\"govuk-summary-card\"");
        assert!(card.contains(&format!("data-score=\"{}\"", expected["score"]["outcome"].as_str().unwrap())), "{card}");
        for name in ["received", "answered_on_time", "overdue", "returned_for_rework"] {
            assert_eq!(figure(card, name), expected["evidence"][name].to_string(), "C03 {enterprise}: {name}");
        }
    }

    let rankings = app.get(&format!("/api/v1/metrics/rankings?{period}"), None).await.body;
    let (_, ranked) = html(&app, &format!("/statistics/rankings?{period}")).await;
    for row in rankings["rows"].as_array().unwrap() {
        let shown_row = section(&ranked, &format!("data-organisation=\"{}\"", row["organisation_id"]), "</tr>");
        assert_eq!(figure(shown_row, "sample"), row["sample"].to_string());
        assert_eq!(figure(shown_row, "score"), shown(&row["score"]));
    }
}

#[tokio::test]
async fn an_organisation_page_and_its_widget_show_the_apis_figures_and_its_c03_card() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let housing = busy.city.housing;
    let this_year = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Kyiv).format("%Y").to_string();
    let api = app.get(&format!("/api/v1/metrics/appeals?period={this_year}&organisation_id={housing}"), None).await;
    let expected = &api.body["total"];

    let (status, page) = html(&app, &format!("/statistics/organisations/{housing}?period={this_year}")).await;
    assert_eq!(status, 200, "{page}");
    let figures = section(&page, "<dl class=\"govuk-summary-list\">", "</dl>");
    for name in ["received", "answered", "answered_on_time", "overdue", "forwarded", "rated"] {
        assert_eq!(figure(figures, name), expected[name].to_string(), "{name}");
    }
    assert_eq!(figure(figures, "satisfaction"), format!("{:?}", expected["satisfaction"].as_f64().unwrap()));
    assert!(page.contains("id=\"months\"") && page.contains("data-score="), "a trend and the C03 card");

    let months = app.client.get(app.url(&format!("/statistics/organisations/{housing}?period={this_year}&format=csv")));
    let csv = months.send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().count(), 13, "a header and twelve months: {csv}");
    let received: i64 = csv.lines().skip(1).map(|l| l.split(',').nth(1).unwrap().parse::<i64>().unwrap()).sum();
    assert_eq!(received, expected["received"].as_i64().unwrap(), "the months add up to the year");

    let (status, widget) = html(&app, &format!("/widgets/organisations/{housing}")).await;
    assert_eq!(status, 200);
    assert_eq!(figure(&widget, "received"), expected["received"].to_string());
    assert_eq!(figure(&widget, "on_time_share"), shown(&expected["on_time_share"]));
    assert!(widget.contains("&lt;iframe src=\"http"), "a snippet to copy with the widget's full address");

    let (status, _) = html(&app, "/statistics/organisations/99999").await;
    assert_eq!(status, 404);
}

/// Each month of an organisation's trend, as its CSV gives it, equals `GET /metrics/appeals` for that month
/// clipped to the period (`from`..`to`): the page reads all months at once, the API one at a time.
#[tokio::test]
async fn an_organisations_monthly_trend_equals_the_apis_figures_month_by_month() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Kyiv).date_naive();
    // 60 days back: three or four months, the first and the last only partly in the period.
    let (from, to) = (today - chrono::Days::new(60), today);
    for organisation in [busy.city.housing, busy.city.roads] {
        let path = format!("/statistics/organisations/{organisation}?from={from}&to={to}&format=csv");
        let csv = app.client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        let mut busy_months = 0;
        for line in csv.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let first = chrono::NaiveDate::parse_from_str(&format!("{}-01", cells[0]), "%Y-%m-%d").unwrap();
            let last = first.checked_add_months(chrono::Months::new(1)).unwrap().pred_opt().unwrap();
            let (month_from, month_to) = (first.max(from), last.min(to));
            let query = format!("from={month_from}&to={month_to}&organisation_id={organisation}");
            let expected = &app.get(&format!("/api/v1/metrics/appeals?{query}"), None).await.body["total"];
            for (i, name) in ["received", "answered_on_time", "answered_late", "overdue"].iter().enumerate() {
                assert_eq!(cells[i + 1], expected[name].to_string(), "{name} of {organisation} in {}", cells[0]);
            }
            busy_months += usize::from(expected["received"].as_i64().unwrap() > 0);
        }
        assert!(busy_months >= 2, "appeals of today and of 40 days ago fall in two months: {csv}");
    }
}

#[tokio::test]
async fn the_overview_table_sorts_and_downloads_the_same_numbers_as_csv() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let period = recent();
    let api = app.get(&format!("/api/v1/metrics/appeals?{period}"), None).await.body;
    let csv = app.client.get(app.url(&format!("/statistics?{period}&sort=overdue&format=csv"))).send().await.unwrap();
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let expected = &api_row(&api["rows"], "organisation_id", cells[0].parse().unwrap())["figures"];
        assert_eq!(cells[2], expected["received"].to_string(), "{line}");
        assert_eq!(cells[5], expected["overdue"].to_string(), "{line}");
    }
    let overdue: Vec<i64> = csv.lines().skip(1).map(|l| l.split(',').nth(5).unwrap().parse().unwrap()).collect();
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "most overdue first: {overdue:?}");
    let (_, page) = html(&app, &format!("/statistics?{period}&sort=received")).await;
    assert!(page.contains("aria-sort=\"descending\""), "the sorted column says so");
    assert!(page.contains(&format!("data-organisation=\"{}\"", busy.city.roads)));
}

#[tokio::test]
async fn a_bad_period_is_explained_next_to_the_form() {
    let app = spawn_app().await;
    for (query, field) in
        [("period=2026-13", "period"), ("from=2026-02-01", "to"), ("from=2026-05-01&to=2026-01-01", "to")]
    {
        for path in ["/statistics", "/statistics/a07", "/statistics/rankings", "/open-data"] {
            let (status, page) = html(&app, &format!("{path}?{query}")).await;
            assert_eq!(status, 422, "{path}?{query}");
            assert!(page.contains("<title>Error:"), "{path}?{query}: the title says there is an error");
            assert!(page.contains(&format!("href=\"#{field}\"")), "{path}?{query}: the summary links to {field}");
        }
    }
    // Empty fields, as a form sends them, mean "the current year".
    let (status, _) = html(&app, "/statistics?period=&from=&to=").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_audit_page_shows_the_apis_head_and_verifies_the_chain() {
    let app = spawn_app_with_smtp().await;
    busy_city(&app).await;
    let (_, page) = html(&app, "/audit").await;
    let head = app.get("/api/v1/audit/head", None).await.body;
    assert_eq!(figure(&page, "seq"), head["seq"].to_string());
    assert_eq!(figure(&page, "hash"), head["hash"].as_str().unwrap());
    let (status, verified) = html(&app, "/audit?verify=1").await;
    assert_eq!(status, 200);
    assert!(verified.contains("id=\"verification\" data-valid=\"true\""), "{verified}");
}

#[tokio::test]
async fn the_open_data_page_links_every_download_for_the_chosen_period() {
    let app = spawn_app().await;
    let (status, page) = html(&app, "/open-data?from=2026-01-01&to=2026-03-31").await;
    assert_eq!(status, 200);
    for file in ["appeals", "transitions", "petitions"] {
        for format in ["csv", "json"] {
            let link = format!("/api/v1/open-data/{file}.{format}?from=2026-01-01&amp;to=2026-03-31");
            assert!(page.contains(&link), "{link}");
            let fetched = app.client.get(app.url(&link.replace("&amp;", "&"))).send().await.unwrap();
            assert_eq!(fetched.status(), 200, "{link}");
        }
    }
}

#[tokio::test]
async fn only_the_widgets_may_be_framed_by_other_sites() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let widget = app.client.get(app.url(&format!("/widgets/organisations/{}", busy.city.roads))).send().await.unwrap();
    let csp = widget.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors *") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(widget.headers().get("x-frame-options").is_none());
    for path in ["/statistics", "/statistics/a07", "/audit", "/open-data", "/"] {
        let page = app.client.get(app.url(path)).send().await.unwrap();
        let csp = page.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(page.headers()["x-frame-options"], "DENY", "{path}");
    }
    // A petition in moderation has no widget: it is not public.
    let (status, _) = html(&app, "/widgets/petitions/3").await;
    assert_eq!(status, 404);
    let (status, petition) = html(&app, "/widgets/petitions/1").await;
    assert_eq!(status, 200);
    let api = app.get("/api/v1/petitions/1", None).await.body;
    assert_eq!(figure(&petition, "signature_count"), api["signature_count"].to_string());
}

/// The statistics pages (none has a map) within the page budget: ≤ 60 KB gzipped with everything they load.
#[tokio::test]
async fn every_statistics_page_weighs_at_most_60_kb_gzipped_with_its_assets() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let organisation = format!("/statistics/organisations/{}", busy.city.housing);
    let widget = format!("/widgets/organisations/{}", busy.city.housing);
    let paths = ["/statistics", "/statistics/a07", "/statistics/c03", "/statistics/rankings", "/statistics/petitions"]
        .into_iter()
        .chain(["/open-data", "/audit", organisation.as_str(), widget.as_str(), "/widgets/petitions/1"]);
    for path in paths {
        let gzipped = |url: String| {
            let request = app.client.get(app.url(&url)).header("accept-encoding", "gzip");
            async move { request.send().await.unwrap().bytes().await.unwrap().len() }
        };
        let mut total = gzipped(path.to_owned()).await;
        let (_, html) = html(&app, path).await;
        for url in crate::web::asset_urls(&html) {
            total += gzipped(url).await;
        }
        println!("{path}: {total} bytes gzipped with its assets");
        assert!(total <= 60 * 1024, "{path} weighs {total} bytes gzipped");
    }
}

/// Runs the verification script shipped for watchdogs against the running service.
async fn verify_script(app: &TestApp, noted_head: Option<&str>) -> Option<(bool, String)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/verify-audit-chain.py");
    let mut command = std::process::Command::new("python3");
    command.arg(script).arg(app.url(""));
    command.args(noted_head);
    // The service answers the script from this test's runtime, so the script runs on another thread.
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap();
    output.ok().map(|out| (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned()))
}

#[tokio::test]
async fn the_shipped_script_recomputes_the_audit_chain_from_the_public_endpoints() {
    let app = spawn_app_with_smtp().await;
    busy_city(&app).await;
    let head = app.get("/api/v1/audit/head", None).await.body;
    let Some((intact, said)) = verify_script(&app, None).await else {
        println!("python3 is not installed: the audit script was not run");
        return;
    };
    assert!(intact, "{said}");
    assert!(head["seq"].as_i64().unwrap() > 10, "the city's history is in the chain: {head}");
    assert!(said.contains(head["hash"].as_str().unwrap()), "the script arrives at the API's head: {said}");

    let noted = head["hash"].as_str().unwrap();
    let (intact, said) = verify_script(&app, Some(noted)).await.unwrap();
    assert!(intact, "a head noted earlier is still a link: {said}");
    let (intact, said) = verify_script(&app, Some(&"f".repeat(64))).await.unwrap();
    assert!(!intact && said.starts_with("BROKEN"), "a head that was never a link is reported: {said}");
}

/// No string is missing in either language: a missing key would show as the key itself.
#[tokio::test]
async fn every_watchdog_page_is_fully_translated_into_ukrainian_and_english() {
    let app = spawn_app_with_smtp().await;
    let busy = busy_city(&app).await;
    let keys: Vec<String> = include_str!("../../locales/en/statistics.ftl")
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim().to_owned()))
        .filter(|key| !key.starts_with('#') && !key.is_empty())
        .collect();
    let organisation = format!("/statistics/organisations/{}", busy.city.housing);
    let widget = format!("/widgets/organisations/{}", busy.city.housing);
    let paths = ["/statistics", "/statistics/a07", "/statistics/c03", "/statistics/rankings", "/statistics/petitions"]
        .into_iter()
        .chain(["/open-data", "/audit?verify=1", "/statistics?period=bad", organisation.as_str(), widget.as_str()])
        .chain(["/widgets/petitions/1"]);
    for path in paths {
        for lang in ["uk", "en"] {
            let response = app.client.get(app.url(path)).header("accept-language", lang).send().await.unwrap();
            let page = response.text().await.unwrap();
            assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{path} in {lang}");
            for key in &keys {
                for shown in [format!(">{key}<"), format!("> {key}<")] {
                    assert!(!page.contains(&shown), "{path} in {lang} shows the key {key}");
                }
            }
            let raw = ["figure-", "petition-figure-", "statistics-decision-", "widget-petition-status-", "dataset-"];
            for prefix in raw {
                assert!(!page.contains(&format!(">{prefix}")), "{path} in {lang} shows a key starting {prefix}");
            }
        }
    }
}

/// The definitions beside the figures are the API's words on the English page and Ukrainian ones on the
/// Ukrainian page (the API keeps serving them in English).
#[tokio::test]
async fn the_definitions_beside_the_figures_are_in_the_pages_language() {
    let app = spawn_app().await;
    let api = app.get("/api/v1/metrics/definitions", None).await.body;
    let on_time = api["definitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["figure"] == "on_time_share")
        .expect("on_time_share is defined");
    let english = on_time["definition"].as_str().unwrap();
    for path in ["/statistics", "/statistics/a07", "/statistics/rankings", "/statistics/petitions"] {
        let (_, page) = html(&app, path).await;
        let page = page.replace("&#x27;", "'");
        assert!(page.contains(english), "{path} in English shows the API's definition");
        let uk = app.client.get(app.url(path)).header("accept-language", "uk").send().await.unwrap();
        let uk = uk.text().await.unwrap();
        assert!(!uk.contains(english), "{path} in Ukrainian shows no English definition");
        assert!(uk.contains("округлено до 4 знаків"), "{path} in Ukrainian defines the on-time share");
        assert!(uk.contains("<dl class=\"hromada-definitions\">"), "{path}: the definitions are not marked English");
    }
}

/// A district of the test city: a box of latitudes 48.5–49.0 and longitudes `west`–`west + 0.1`.
async fn district(app: &TestApp, admin: &str, name: &str, west: f64) -> i64 {
    let ring = json!([[[west, 48.5], [west + 0.1, 48.5], [west + 0.1, 49.0], [west, 49.0], [west, 48.5]]]);
    let created = app
        .post(
            "/api/v1/directory/districts",
            Some(admin),
            json!({"name": name, "area": {"type": "Polygon", "coordinates": ring}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_i64().unwrap()
}

async fn pothole_at(app: &TestApp, city: &crate::city::City, subject: &str, longitude: f64) -> i64 {
    let body = json!({"kind": "issue_report", "subject": subject, "text": "A deep pothole by the bus stop.",
                      "category_id": city.pothole, "location": {"latitude": 48.7, "longitude": longitude}});
    let answer = app.post("/api/v1/appeals", Some(&city.citizen), body).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["id"].as_i64().unwrap()
}

/// The reports listed in the table of a map page.
fn listed(page: &str) -> Vec<i64> {
    page.split("data-report=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap()).collect()
}

/// A watchdog filters the map of reports: each district's figures and shading follow from its reports
/// (answered on time ÷ (answered + overdue), pending ones left out), the table lists the same selection
/// as the public report API, and every filter narrows both.
#[tokio::test]
async fn the_map_of_reports_shades_each_district_by_its_reports_answered_on_time() {
    let app = spawn_app_with_smtp().await;
    let city = crate::city::build(&app).await;
    let west = district(&app, &city.admin, "West", 37.4).await;
    let east = district(&app, &city.admin, "East", 37.5).await;
    let answered = pothole_at(&app, &city, "Pothole by the school", 37.45).await;
    let waiting = pothole_at(&app, &city, "Pothole by the market", 37.46).await;
    let eastern = pothole_at(&app, &city, "Pothole by the bridge", 37.55).await;
    let answer = app
        .post(
            &format!("/api/v1/appeals/{answered}/answer"),
            Some(&city.roads_officer),
            json!({"resolution": "resolved", "text": "Patched."}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let period = recent();

    let (status, page) = html(&app, &format!("/statistics/map?{period}")).await;
    assert_eq!(status, 200, "{page}");
    let row = section(&page, &format!("data-district=\"{west}\""), "</tr>");
    assert_eq!(figure(row, "received"), "2");
    assert_eq!(figure(row, "answered_on_time"), "1");
    assert_eq!(figure(row, "on_time_share"), "100.0%", "the pending report is left out of the share");
    // The map (drawn on the server) writes each shaded district's share beside its name.
    assert!(page.contains(">West 100<"), "West is shaded with its 100%");
    let row = section(&page, &format!("data-district=\"{east}\""), "</tr>");
    assert_eq!(figure(row, "received"), "1");
    assert_eq!(figure(row, "on_time_share"), "—", "only pending reports: no share");
    assert!(page.contains(">East<"), "East has no share to shade");

    // The table lists what the public report API lists for the same category, newest first.
    let api = app.get(&format!("/api/v1/reports/geojson?category_id={}", city.pothole), None).await.body;
    let from_api: Vec<i64> = api["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    let (_, page) = html(&app, &format!("/statistics/map?{period}&category_id={}", city.pothole)).await;
    assert_eq!(listed(&page), from_api);
    assert_eq!(listed(&page), vec![eastern, waiting, answered]);

    // Each filter narrows the districts and the table alike.
    let (_, page) = html(&app, &format!("/statistics/map?{period}&district_id={east}")).await;
    assert_eq!(listed(&page), vec![eastern]);
    assert_eq!(figure(section(&page, &format!("data-district=\"{west}\""), "</tr>"), "received"), "0");
    assert_eq!(figure(section(&page, &format!("data-district=\"{east}\""), "</tr>"), "received"), "1");
    let (_, page) = html(&app, &format!("/statistics/map?{period}&status=answered")).await;
    assert_eq!(listed(&page), vec![answered]);
    let (_, page) = html(&app, &format!("/statistics/map?{period}&status=received&district_id={west}")).await;
    assert_eq!(listed(&page), vec![waiting]);
}

/// A filter that names nothing in the lists is explained next to the form, as every statistics form is.
#[tokio::test]
async fn a_map_filter_that_names_nothing_is_explained_next_to_it() {
    let app = spawn_app().await;
    for (query, field) in [
        ("category_id=abc", "category_id"),
        ("category_id=99999", "category_id"),
        ("status=lost", "status"),
        ("district_id=99999", "district_id"),
        ("page=0", "page"),
        ("period=2026-13", "period"),
    ] {
        let (status, page) = html(&app, &format!("/statistics/map?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert!(page.contains("<title>Error:"), "{query}: the title says there is an error");
        assert!(page.contains(&format!("href=\"#{field}\"")), "{query}: the summary links to {field}");
        assert!(page.contains(&format!("id=\"{field}\"")), "{query}: the form is shown again");
        assert!(!page.contains("data-report="), "{query}: no table for a refused selection");
    }
    let (status, page) = html(&app, "/statistics/map?status=answered&category_id=").await;
    assert_eq!(status, 200, "blank filters mean all: {page}");
    assert!(page.contains("<option value=\"answered\" selected>"), "the chosen status stays chosen");
}

/// A watchdog's script reads the map's district figures as JSON: for every filter, each district's
/// received, answered on time and on-time share on the page are the endpoint's, which come from the same
/// function.
#[tokio::test]
async fn the_maps_district_figures_are_the_json_endpoints() {
    let app = spawn_app_with_smtp().await;
    let city = crate::city::build(&app).await;
    let west = district(&app, &city.admin, "West", 37.4).await;
    let east = district(&app, &city.admin, "East", 37.5).await;
    let answered = pothole_at(&app, &city, "Pothole by the school", 37.45).await;
    pothole_at(&app, &city, "Pothole by the market", 37.46).await;
    pothole_at(&app, &city, "Pothole by the bridge", 37.55).await;
    let answer = app
        .post(
            &format!("/api/v1/appeals/{answered}/answer"),
            Some(&city.roads_officer),
            json!({"resolution": "resolved", "text": "Patched."}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let period = recent();

    for filters in ["", "&status=received", &format!("&district_id={west}"), &format!("&category_id={}", city.pothole)]
    {
        let query = format!("{period}{filters}");
        let (status, page) = html(&app, &format!("/statistics/map?{query}")).await;
        assert_eq!(status, 200, "{page}");
        let api = app.get(&format!("/api/v1/metrics/districts?{query}"), None).await;
        assert_eq!(api.status, 200, "{}", api.body);
        let received: String = figure(&page, "received").chars().filter(char::is_ascii_digit).collect();
        assert_eq!(received, api.body["received"].to_string(), "{query}");
        for id in [west, east] {
            let row = section(&page, &format!("data-district=\"{id}\""), "</tr>");
            let from_api = api_row(&api.body["districts"], "district_id", id);
            for name in ["received", "answered_on_time", "overdue"] {
                assert_eq!(figure(row, name), from_api[name].to_string(), "{query}: district {id}'s {name}");
            }
            assert_eq!(figure(row, "on_time_share"), shown(&from_api["on_time_share"]), "{query}: district {id}");
        }
    }
    // The figures themselves: West has the answered report and a pending one, East a pending one.
    let api = app.get(&format!("/api/v1/metrics/districts?{period}"), None).await.body;
    assert_eq!(api["received"], 3);
    assert_eq!(api_row(&api["districts"], "district_id", west)["on_time_share"], 1.0);
    assert_eq!(api_row(&api["districts"], "district_id", west)["district_name"], "West");
    assert_eq!(api_row(&api["districts"], "district_id", east)["on_time_share"], Value::Null);
}

/// The public report API selects points as the map page does (period, district, category, status), so
/// the page can hand its selection to Leaflet; what it cannot understand it refuses with 422, naming
/// the parameter.
#[tokio::test]
async fn the_report_points_take_the_maps_filters() {
    let app = spawn_app_with_smtp().await;
    let city = crate::city::build(&app).await;
    let west = district(&app, &city.admin, "West", 37.4).await;
    let east = district(&app, &city.admin, "East", 37.5).await;
    let school = pothole_at(&app, &city, "Pothole by the school", 37.45).await;
    let bridge = pothole_at(&app, &city, "Pothole by the bridge", 37.55).await;
    let ids = |body: &Value| -> Vec<i64> {
        body["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect()
    };
    let points = |query: String| {
        let app = &app;
        async move {
            let answer = app.get(&format!("/api/v1/reports/geojson?{query}"), None).await;
            assert_eq!(answer.status, 200, "{query}: {}", answer.body);
            ids(&answer.body)
        }
    };
    let period = recent();
    assert_eq!(points(period.clone()).await, vec![bridge, school]);
    assert_eq!(points(format!("{period}&district_id={west}")).await, vec![school], "the point lies in West");
    assert_eq!(points(format!("district_id={east}")).await, vec![bridge], "no period: any time");
    assert_eq!(points("period=2016".into()).await, Vec::<i64>::new(), "nothing was filed in 2016");
    assert_eq!(points(format!("{period}&status=answered")).await, Vec::<i64>::new());
    assert_eq!(points(format!("{period}&category_id={}&limit=1", city.pothole)).await, vec![bridge]);

    // The page hands Leaflet the same selection.
    let (_, page) = html(&app, &format!("/statistics/map?{period}&district_id={west}")).await;
    let start = page.find("data-points=\"").expect("the map asks for its points") + "data-points=\"".len();
    let url = page[start..start + page[start..].find('"').unwrap()].replace("&amp;", "&");
    assert!(url.contains(&format!("district_id={west}")) && url.contains("from="), "{url}");
    let answer = app.get(&url, None).await;
    assert_eq!(ids(&answer.body), listed(&page), "Leaflet's points are the table's reports");

    for (query, field) in [
        ("period=2026-13", "period"),
        ("from=2026-01-01", "to"),
        ("period=1990", "period"),
        ("district_id=99999", "district_id"),
        ("category_id=99999", "category_id"),
        ("status=lost", "status"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
    ] {
        let answer = app.get(&format!("/api/v1/reports/geojson?{query}"), None).await;
        answer.assert_problem(422);
        assert!(answer.body.to_string().contains(field), "{query}: the problem names {field}: {}", answer.body);
        let answer = app.get(&format!("/api/v1/metrics/districts?{query}"), None).await;
        if !field.starts_with("limit") {
            answer.assert_problem(422);
        }
    }
}
