//! The deadline calculator page (`/calculator`) as a person meets it: a GET form that works without
//! JavaScript, the due date in words in their language, and the same figure the API gives.
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE};

use crate::helpers::{TestApp, spawn_app};

async fn page(app: &TestApp, query: &str, lang: &str) -> (u16, String) {
    let path = if query.is_empty() { "/calculator".to_owned() } else { format!("/calculator?{query}") };
    let response = app.client.get(app.url(&path)).header(ACCEPT_LANGUAGE, lang).send().await.unwrap();
    let status = response.status().as_u16();
    assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    (status, response.text().await.unwrap())
}

fn title(html: &str) -> &str {
    let start = html.find("<title>").unwrap() + 7;
    &html[start..start + html[start..].find("</title>").unwrap()]
}

/// The `datetime` of the due date shown on the page.
fn due_iso(html: &str) -> &str {
    let start = html.find("<time datetime=\"").expect("a due date") + 16;
    &html[start..start + 10]
}

#[tokio::test]
async fn the_home_page_leads_to_an_empty_calculator_form() {
    let app = spawn_app().await;
    let home = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("href=\"/calculator\""), "the home page links the calculator");
    let (status, html) = page(&app, "", "uk").await;
    assert_eq!(status, 200);
    assert!(title(&html).starts_with("Калькулятор строків"), "{}", title(&html));
    assert!(html.contains("<form method=\"get\" action=\"/calculator\""));
    for field in ["name=\"day\"", "name=\"month\"", "name=\"year\"", "value=\"appeal_standard\"", "name=\"total_days\""]
    {
        assert!(html.contains(field), "the form has {field}");
    }
    assert!(!html.contains("govuk-error-summary"), "no errors before anything is asked");
    let (_, english) = page(&app, "", "en").await;
    assert!(title(&english).starts_with("Deadline calculator"));
}

#[tokio::test]
async fn a_citizen_learns_that_15_days_from_18_december_2021_end_on_tuesday_4_january_2022() {
    let app = spawn_app().await;
    let (status, html) = page(&app, "day=18&month=12&year=2021&rule=appeal_no_study", "uk").await;
    assert_eq!(status, 200);
    assert!(html.contains("вівторок, 4 січня 2022 р."), "the due date in Ukrainian words");
    assert_eq!(due_iso(&html), "2022-01-04");
    assert!(html.contains("15 днів"));
    assert!(html.contains("мирний час"), "the law applied: peacetime");
    assert!(html.contains("Monday 3 January 2022"), "the API's steps: the day off moved from New Year");
    assert!(html.contains("value=\"18\"") && html.contains("value=\"2021\""), "the typed date is kept");
    assert!(html.contains("href=\"/help\""));

    let (_, english) = page(&app, "day=18&month=12&year=2021&rule=appeal_no_study", "en").await;
    assert!(english.contains("Tuesday 4 January 2022"), "the due date in English words");
    assert!(english.contains("15 days") && english.contains("peacetime"));
}

#[tokio::test]
async fn the_page_gives_the_same_figure_as_the_api_for_every_rule() {
    let app = spawn_app().await;
    let cases = [
        ("appeal_no_study", ""),
        ("appeal_standard", ""),
        ("appeal_extension", "&total_days=45"),
        ("appeal_extension", "&total_days=60"),
        ("forwarding", ""),
        ("return_non_conforming", ""),
        ("petition_publication", ""),
        ("petition_consideration", ""),
        ("urgency_hours", "&hours=72"),
        ("urgency_days", "&days=3"),
    ];
    for date in ["2026-01-31", "2022-03-05", "2021-12-24"] {
        let [year, month, day] = <[&str; 3]>::try_from(date.split('-').collect::<Vec<_>>()).unwrap();
        for (rule, parameter) in cases {
            let api = app.get(&format!("/api/v1/deadlines/calculate?rule={rule}&from={date}{parameter}"), None).await;
            assert_eq!(api.status, 200, "{}", api.body);
            let query = format!("day={day}&month={month}&year={year}&rule={rule}{parameter}");
            let (status, html) = page(&app, &query, "en").await;
            assert_eq!(status, 200, "{query}");
            assert_eq!(due_iso(&html), api.body["due_date"], "{rule} from {date}");
        }
    }
}

#[tokio::test]
async fn a_date_that_is_not_a_date_is_named_in_the_summary_and_beside_the_field() {
    let app = spawn_app().await;
    for query in [
        "day=31&month=2&year=2026&rule=appeal_standard",
        "day=1&month=1&year=26&rule=appeal_standard",
        "day=&month=&year=&rule=appeal_standard",
        "day=x&month=1&year=2026&rule=appeal_standard",
    ] {
        let (status, html) = page(&app, query, "en").await;
        assert_eq!(status, 200, "{query}");
        assert!(title(&html).starts_with("Error: Deadline calculator"), "{query}: {}", title(&html));
        assert!(html.contains("govuk-error-summary") && html.contains("href=\"#day\""), "{query}");
        assert!(html.contains("id=\"date-error\""), "{query}: an inline error beside the date");
        assert!(html.contains("Enter the date as three numbers"), "{query}");
        assert!(html.contains("value=\"appeal_standard\" aria-describedby=\"rule-appeal_standard-hint\" checked"));
        assert!(!html.contains("<time datetime="), "{query}: no answer for a wrong date");
    }
    let (_, ukrainian) = page(&app, "day=31&month=2&year=2026&rule=appeal_standard", "uk").await;
    assert!(title(&ukrainian).starts_with("Помилка: Калькулятор строків"));
    assert!(ukrainian.contains("Вкажіть дату трьома числами"));
}

#[tokio::test]
async fn a_date_outside_2015_to_2100_is_refused_by_the_calendar_with_the_range_in_words() {
    let app = spawn_app().await;
    for year in ["1899", "2014", "2101"] {
        let (status, html) = page(&app, &format!("day=1&month=6&year={year}&rule=appeal_standard"), "en").await;
        assert_eq!(status, 200);
        assert!(html.contains("The date must be from 1 January 2015 to 31 December 2100"), "{year}");
        assert!(
            html.contains("id=\"date-error\"") && html.contains("value=\"{year}\"".replace("{year}", year).as_str())
        );
        assert!(!html.contains("<time datetime="));
    }
    let (_, ukrainian) = page(&app, "day=31&month=12&year=2014&rule=appeal_standard", "uk").await;
    assert!(ukrainian.contains("Дата має бути від 1 січня 2015 р. до 31 грудня 2100 р."));
    // The first and the last supported days are answered.
    let (_, first) = page(&app, "day=1&month=1&year=2015&rule=appeal_standard", "en").await;
    assert!(first.contains("<time datetime=\"2015-02-02\""), "1 February 2015 was a Sunday");
}

#[tokio::test]
async fn a_term_without_its_number_or_no_term_at_all_is_asked_for() {
    let app = spawn_app().await;
    let (_, html) = page(&app, "day=1&month=6&year=2026", "en").await;
    assert!(html.contains("Choose the term") && html.contains("href=\"#rule-appeal_no_study\""));
    assert!(html.contains("id=\"rule-error\""));
    for parameter in ["", "&total_days=", "&total_days=many", "&total_days=0"] {
        let (_, html) = page(&app, &format!("day=1&month=6&year=2026&rule=appeal_extension{parameter}"), "en").await;
        assert!(html.contains("Enter a whole number of at least 1"), "{parameter}");
        assert!(html.contains("href=\"#total_days\"") && html.contains("id=\"total_days-error\""), "{parameter}");
        assert!(!html.contains("<time datetime="));
    }
    // A number typed for another rule's field is ignored, as a person without JavaScript sees every field.
    let (_, html) = page(&app, "day=1&month=6&year=2026&rule=appeal_standard&total_days=10&hours=5", "en").await;
    assert!(html.contains("<time datetime=\"2026-07-01\""), "one month from 1 June 2026");
}

#[tokio::test]
async fn the_language_switch_keeps_the_answer() {
    let app = spawn_app().await;
    let (_, html) = page(&app, "day=18&month=12&year=2021&rule=appeal_no_study", "uk").await;
    assert!(html.contains("return=&#x2f;calculator%3Fday%3D18%26month%3D12%26year%3D2021%26rule%3Dappeal_no_study"));
}
