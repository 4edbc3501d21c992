//! The law as of any date: a watchdog asks about 2019, 2021 and 2022, an administrator records the end of
//! martial law while appeals are open, and dates the calendar does not support are refused.
use serde_json::{Value, json};

use crate::{
    city,
    helpers::{TestApp, spawn_app, spawn_app_with_smtp},
};

fn instant(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap_or_else(|| panic!("an instant: {value}")).parse().unwrap()
}

fn kyiv_midnight_utc(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// A complaint received on paper at `received_at`, as an officer registers it.
fn paper(received_at: &str) -> Value {
    json!({
        "channel": "paper", "received_at": received_at, "kind": "complaint",
        "subject": "Snow was not cleared", "text": "The pavement on Myru street was not cleared for a week.",
        "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Myru 5"
    })
}

fn steps(body: &Value) -> String {
    body["steps"].as_array().expect("steps").iter().map(|s| s.as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

async fn calculate(app: &TestApp, rule: &str, from: &str) -> Value {
    let answer = app.get(&format!("/api/v1/deadlines/calculate?rule={rule}&from={from}"), None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

#[tokio::test]
async fn fifteen_days_from_18_december_2021_end_on_4_january_2022_as_the_law_then_said() {
    let app = spawn_app().await;
    let d = calculate(&app, "appeal_no_study", "2021-12-18").await;
    // Sunday 2 January; Monday 3 January was the day off moved from New Year (Saturday 1 January).
    assert_eq!(d["nominal_last_day"], "2022-01-02");
    assert_eq!(d["due_date"], "2022-01-04", "{}", steps(&d));
    assert!(steps(&d).contains("Monday 3 January 2022 (day off transferred from New Year)"), "{}", steps(&d));
    assert_eq!(d["martial_law"], false);
    let regimes = d["regimes"].as_array().unwrap();
    assert_eq!(regimes.len(), 2, "{}", d["regimes"]);
    assert_eq!(regimes[0]["holiday_version"], "art73_2017");
    assert_eq!(regimes[0]["period"], "peacetime");
    assert_eq!(regimes[1]["holiday_version"], "art73_2022");
    assert_eq!(regimes[1]["from"], "2022-01-01");

    let monday = app.get("/api/v1/calendar/days/2022-01-03", None).await;
    assert_eq!(monday.body["working"], false);
    assert_eq!(monday.body["reason"], "transferred_day_off");
    assert_eq!(monday.body["holiday"]["code"], "new_year");
    assert_eq!(monday.body["period"], "peacetime");
    assert_eq!(monday.body["holiday_version"], "art73_2022");
}

#[tokio::test]
async fn in_2019_easter_moved_its_day_off_to_monday_and_2_may_was_a_working_day() {
    let app = spawn_app().await;
    // 15 days from Saturday 13 April 2019 end on Easter Sunday 28 April; Monday 29 April was the day off.
    let d = calculate(&app, "appeal_no_study", "2019-04-13").await;
    assert_eq!(d["due_date"], "2019-04-30", "{}", steps(&d));
    assert_eq!(d["regimes"][0]["holiday_version"], "art73_2017");
    assert!(steps(&d).contains("Law 2211-VIII") && steps(&d).contains("in peacetime"), "{}", steps(&d));

    let may_2 = app.get("/api/v1/calendar/days/2019-05-02", None).await;
    assert_eq!(may_2.body["working"], true, "Law 2211-VIII dropped 2 May: {}", may_2.body);
    let may_2_2017 = app.get("/api/v1/calendar/days/2017-05-02", None).await;
    assert_eq!(may_2_2017.body["working"], false);
    assert_eq!(may_2_2017.body["holiday"]["code"], "labour_day_second");
    assert_eq!(may_2_2017.body["holiday_version"], "art73_2015");

    let year = app.get("/api/v1/calendar/years/2019/non-working-days", None).await;
    assert_eq!(year.body["martial_law"], false);
    assert_eq!(year.body["regimes"].as_array().unwrap().len(), 1);
    // 104 weekend days, 8 weekday holidays, 3 transfers (Easter, Trinity, 24 August).
    assert_eq!(year.body["count"], 115, "{}", year.body["days"]);
}

#[tokio::test]
async fn the_year_2022_reads_peacetime_then_martial_law_before_and_after_law_2136() {
    let app = spawn_app().await;
    let year = app.get("/api/v1/calendar/years/2022/non-working-days", None).await;
    assert_eq!(year.status, 200, "{}", year.body);
    let periods: Vec<(&str, &str, &str)> = year.body["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["from"].as_str().unwrap(), r["to"].as_str().unwrap(), r["period"].as_str().unwrap()))
        .collect();
    assert_eq!(
        periods,
        [
            ("2022-01-01", "2022-02-23", "peacetime"),
            ("2022-02-24", "2022-03-23", "martial_law_before_law_2136"),
            ("2022-03-24", "2022-12-31", "martial_law"),
        ]
    );
    // 105 weekend days, 7 January and 8 March, and Monday 3 January moved from New Year.
    assert_eq!(year.body["count"], 108, "{}", year.body["days"]);

    let women = app.get("/api/v1/calendar/days/2022-03-08", None).await;
    assert_eq!(women.body["working"], false, "before Law 2136-IX applied: {}", women.body);
    assert_eq!(women.body["martial_law"], true);
    assert_eq!(women.body["period"], "martial_law_before_law_2136");
    // Easter, Sunday 24 April 2022: 15 days from 9 April end on the Monday, which was worked.
    let d = calculate(&app, "appeal_no_study", "2022-04-09").await;
    assert_eq!(d["due_date"], "2022-04-25", "{}", steps(&d));
    assert!(steps(&d).contains("Law 2136-IX art. 6"), "{}", steps(&d));
    let statehood = app.get("/api/v1/calendar/days/2022-07-28", None).await;
    assert_eq!(statehood.body["reason"], "holiday_worked_under_martial_law");
    assert_eq!(statehood.body["holiday"]["code"], "statehood_day");
}

#[tokio::test]
async fn the_holiday_versions_are_listed_with_their_laws_and_what_is_uncertain() {
    let app = spawn_app().await;
    let versions = app.get("/api/v1/calendar/holiday-versions", None).await;
    assert_eq!(versions.status, 200, "{}", versions.body);
    let list = versions.body.as_array().unwrap();
    let codes: Vec<&str> = list.iter().map(|v| v["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["art73_2015", "art73_2017", "art73_2022", "art73_2023"]);
    assert_eq!(list[0]["in_force_from"], "2015-01-01");
    assert!(list[1]["law"].as_str().unwrap().contains("2211-VIII"));
    assert!(list.iter().all(|v| !v["uncertain"].as_str().unwrap().is_empty()));
    assert!(list[3]["holidays"].as_array().unwrap().contains(&json!("remembrance_and_victory_day")));
}

#[tokio::test]
async fn dates_before_2015_or_after_2100_are_refused_naming_the_field_and_the_range() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let refused = app.get("/api/v1/calendar/days/2014-12-31", None).await;
    assert!(refused.assert_problem(422).contains("2015-01-01"), "{}", refused.body);
    assert_eq!(refused.body["field"], "date");
    assert_eq!(app.get("/api/v1/calendar/days/2015-01-01", None).await.status, 200);
    app.get("/api/v1/calendar/years/2014/non-working-days", None).await.assert_problem(422);
    for from in ["0001-01-01", "1000-06-15", "1899-12-31", "2014-12-31T21:00:00Z", "2101-01-01"] {
        let answer = app.get(&format!("/api/v1/deadlines/calculate?rule=appeal_standard&from={from}"), None).await;
        assert!(answer.assert_problem(422).contains("2100-12-31"), "{from}: {}", answer.body);
        assert_eq!(answer.body["field"], "from");
    }
    let note = json!({"working": false, "note": "Cabinet resolution"});
    let override_ = app.put("/api/v1/calendar/overrides/1000-01-01", Some(&admin), note).await;
    override_.assert_problem(422);
    assert_eq!(override_.body["field"], "date");
    let open_data = app.get("/api/v1/open-data/appeals.csv?from=1899-01-01", None).await;
    assert!(open_data.assert_problem(422).contains("2015-01-01"));
    let metrics = app.get("/api/v1/metrics/appeals?from=0001-01-01&to=2026-01-31", None).await;
    assert!(metrics.assert_problem(422).contains("2015-01-01"), "{}", metrics.body);
    assert_eq!(metrics.body["field"], "from");
    app.get("/api/v1/metrics/appeals?period=1899", None).await.assert_problem(422);
    let council = app
        .post("/api/v1/directory/organisations", Some(&admin), json!({"name": "City Council", "kind": "council"}))
        .await
        .body["id"]
        .clone();
    let statute = app
        .post(
            "/api/v1/petitions/statutes",
            Some(&admin),
            json!({"council_id": council, "effective_from": "0001-01-01", "signature_threshold": 10, "collection_days": 60,
                   "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": "verified_account"}),
        )
        .await;
    assert!(statute.assert_problem(422).contains("2015-01-01"), "{}", statute.body);
    assert_eq!(statute.body["field"], "effective_from");
}

#[tokio::test]
async fn paper_appeals_received_in_implausible_years_are_refused_and_never_stored() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    for received_at in ["0001-01-01T10:00:00Z", "1000-05-05T10:00:00Z", "1899-07-01T10:00:00Z", "2014-12-31T21:00:00Z"]
    {
        let paper = paper(received_at);
        let refused = app.post("/api/v1/appeals/registrations", Some(&city.roads_officer), paper).await;
        assert!(refused.assert_problem(422).contains("2015-01-01"), "{received_at}: {}", refused.body);
        assert_eq!(refused.body["field"], "received_at");
    }
    let listed = app.get("/api/v1/appeals", Some(&city.roads_officer)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["total"], 0, "nothing was stored: {}", listed.body);
}

#[tokio::test]
async fn an_administrator_records_the_end_of_martial_law_and_open_deadlines_are_counted_again() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    // Received on paper on Wednesday 25 November 2026: one month ends on Friday 25 December, worked under
    // martial law.
    let paper = paper("2026-11-25T10:00:00Z");
    let registered = app.post("/api/v1/appeals/registrations", Some(&city.roads_officer), paper).await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let id = registered.body["id"].as_i64().unwrap();
    assert_eq!(instant(&registered.body["deadline"]["due_at"]), kyiv_midnight_utc("2026-12-25T22:00:00Z"));

    let before = app.get("/api/v1/calendar/martial-law", None).await;
    assert_eq!(before.body["declared_on"], "2022-02-24");
    assert_eq!(before.body["holiday_rule_from"], "2022-03-24");
    assert_eq!(before.body["ended_on"], Value::Null);
    assert_eq!(before.body["source"], "none");

    let decision = json!({"ended_on": "2026-12-01", "note": "Presidential Decree No. 1 of 2026"});
    app.put("/api/v1/calendar/martial-law", Some(&city.citizen), decision.clone()).await.assert_problem(403);
    let too_early = json!({"ended_on": "2022-02-24", "note": "Presidential Decree No. 1 of 2026"});
    let refused = app.put("/api/v1/calendar/martial-law", Some(&city.admin), too_early).await;
    refused.assert_problem(422);
    assert_eq!(refused.body["field"], "ended_on");

    let set = app.put("/api/v1/calendar/martial-law", Some(&city.admin), decision.clone()).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["changed"], true);
    assert_eq!(set.body["deadlines_recalculated"], 1);
    assert_eq!(set.body["martial_law"]["ended_on"], "2026-12-01");
    assert_eq!(set.body["martial_law"]["source"], "administrator");

    // 25 December is a day off again: the deadline moves to Monday 28 December.
    let appeal = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.roads_officer)).await;
    assert_eq!(
        instant(&appeal.body["deadline"]["due_at"]),
        kyiv_midnight_utc("2026-12-28T22:00:00Z"),
        "{}",
        appeal.body
    );
    let history = app.get(&format!("/api/v1/appeals/{id}/history"), Some(&city.roads_officer)).await.body;
    let recalculated: Vec<&Value> =
        history.as_array().unwrap().iter().filter(|e| e["action"] == "deadline_recalculated").collect();
    assert_eq!(recalculated.len(), 1, "{history}");
    let christmas = app.get("/api/v1/calendar/days/2026-12-25", None).await;
    assert_eq!(christmas.body["reason"], "holiday");
    assert_eq!(christmas.body["period"], "peacetime");

    // The same decision again changes nothing; withdrawing it counts the deadline back.
    let again = app.put("/api/v1/calendar/martial-law", Some(&city.admin), decision).await;
    assert_eq!((again.body["changed"].clone(), again.body["deadlines_recalculated"].clone()), (json!(false), json!(0)));
    let withdrawn = json!({"ended_on": null, "note": "Entered in error"});
    let back = app.put("/api/v1/calendar/martial-law", Some(&city.admin), withdrawn).await;
    assert_eq!(back.body["deadlines_recalculated"], 1, "{}", back.body);
    let appeal = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.roads_officer)).await;
    assert_eq!(instant(&appeal.body["deadline"]["due_at"]), kyiv_midnight_utc("2026-12-25T22:00:00Z"));
}

#[tokio::test]
async fn the_end_of_martial_law_can_come_from_the_configuration() {
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .configure(|s| s.calendar.martial_law_ended_on = chrono::NaiveDate::from_ymd_opt(2026, 8, 20))
        .spawn()
        .await;
    let state = app.get("/api/v1/calendar/martial-law", None).await;
    assert_eq!(state.body["source"], "configuration");
    // 15 days from 9 August 2026 end on Independence Day, a day off again after 20 August.
    let d = calculate(&app, "appeal_no_study", "2026-08-09").await;
    assert_eq!(d["due_date"], "2026-08-25", "{}", steps(&d));
    assert!(steps(&d).contains("The law changed during the term"), "{}", steps(&d));
    assert_eq!(d["martial_law"], true);
    assert_eq!(d["regimes"][1]["period"], "peacetime");
}

#[tokio::test]
async fn a_restart_with_the_end_of_martial_law_configured_counts_open_deadlines_again() {
    let database_url = crate::helpers::fresh_persistent_database_url().await;
    async fn at(database_url: &str, end: Option<chrono::NaiveDate>) -> TestApp {
        let url = database_url.to_owned();
        crate::helpers::TestAppBuilder::new()
            .await
            .with_smtp()
            .configure(move |s| {
                s.database_url = url;
                s.calendar.martial_law_ended_on = end;
            })
            .spawn()
            .await
    }
    let first = at(&database_url, None).await;
    let city = city::build(&first).await;
    let paper = paper("2026-11-25T10:00:00Z");
    let registered = first.post("/api/v1/appeals/registrations", Some(&city.roads_officer), paper).await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let id = registered.body["id"].as_i64().unwrap();
    first.stop().await;

    let second = at(&database_url, chrono::NaiveDate::from_ymd_opt(2026, 12, 1)).await;
    let token = second.login(city::ROADS_OFFICER, "a long enough password").await;
    let mut history = Value::Null;
    for _ in 0..100 {
        history = second.get(&format!("/api/v1/appeals/{id}/history"), Some(&token)).await.body;
        if history.as_array().is_some_and(|h| h.iter().any(|e| e["action"] == "deadline_recalculated")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let entry = history.as_array().unwrap().iter().find(|e| e["action"] == "deadline_recalculated");
    assert!(entry.is_some(), "{history}");
    let appeal = second.get(&format!("/api/v1/appeals/{id}"), Some(&token)).await;
    assert_eq!(instant(&appeal.body["deadline"]["due_at"]), kyiv_midnight_utc("2026-12-28T22:00:00Z"));
    assert_eq!(second.get("/api/v1/calendar/martial-law", None).await.body["source"], "configuration");
}
