//! The working-day calendar, the administrators' overrides and the deadline calculator, as a citizen and an
//! administrator use them over HTTP.
use serde_json::{Value, json};

use crate::helpers::{TestAppBuilder, spawn_app, spawn_app_with_smtp};

fn steps(body: &Value) -> Vec<String> {
    body["steps"].as_array().expect("steps").iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn under_martial_law_independence_day_2026_is_a_working_monday() {
    let app = spawn_app().await;
    let day = app.get("/api/v1/calendar/days/2026-08-24", None).await;
    assert_eq!(day.status, 200, "{}", day.body);
    assert_eq!(day.body["date"], "2026-08-24");
    assert_eq!(day.body["working"], true);
    assert_eq!(day.body["reason"], "holiday_worked_under_martial_law");
    assert_eq!(day.body["martial_law"], true);
    assert_eq!(day.body["holiday"]["code"], "independence_day");
    assert_eq!(day.body["holiday"]["name_uk"], "День Незалежності України");
    assert_eq!(day.body["holiday"]["name_en"], "Independence Day");
    let explanation = day.body["explanation"].as_str().unwrap();
    assert!(explanation.contains("martial law") && explanation.contains("Law 2136-IX"), "{explanation}");

    let sunday = app.get("/api/v1/calendar/days/2026-03-08", None).await;
    assert_eq!(sunday.body["working"], false);
    assert_eq!(sunday.body["reason"], "weekend");
    assert_eq!(sunday.body["holiday"]["code"], "womens_day", "the holiday is still named: {}", sunday.body);
    let monday = app.get("/api/v1/calendar/days/2026-03-09", None).await;
    assert_eq!(monday.body["working"], true, "nothing is transferred under martial law");
    assert_eq!(monday.body["reason"], "weekday");
    assert_eq!(monday.body["holiday"], Value::Null);
}

#[tokio::test]
async fn in_peacetime_holidays_are_days_off_and_a_weekend_holiday_moves_to_monday() {
    let app = TestAppBuilder::new()
        .await
        .configure(|s| s.calendar.martial_law_ended_on = chrono::NaiveDate::from_ymd_opt(2026, 1, 1))
        .spawn()
        .await;
    let independence = app.get("/api/v1/calendar/days/2026-08-24", None).await;
    assert_eq!(independence.status, 200, "{}", independence.body);
    assert_eq!(independence.body["working"], false);
    assert_eq!(independence.body["reason"], "holiday");
    assert_eq!(independence.body["martial_law"], false);
    assert!(independence.body["explanation"].as_str().unwrap().contains("Labour Code art. 73"));

    // 8 March 2026 is a Sunday: its day off moves to Monday 9 March (Labour Code art. 67).
    let monday = app.get("/api/v1/calendar/days/2026-03-09", None).await;
    assert_eq!(monday.body["working"], false, "{}", monday.body);
    assert_eq!(monday.body["reason"], "transferred_day_off");
    assert_eq!(monday.body["holiday"]["code"], "womens_day");
    assert_eq!(monday.body["holiday"]["date"], "2026-03-08");
    assert!(monday.body["explanation"].as_str().unwrap().contains("art. 67"));

    // 104 weekend days, 7 weekday holidays, 4 transfers (8 March, Easter, Trinity, 28 June fell on Sundays).
    let year = app.get("/api/v1/calendar/years/2026/non-working-days", None).await;
    assert_eq!(year.status, 200, "{}", year.body);
    assert_eq!(year.body["count"], 115);
    let transfers: Vec<&str> = year.body["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["reason"] == "transferred_day_off")
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(transfers, ["2026-03-09", "2026-04-13", "2026-06-01", "2026-06-29"]);
}

#[tokio::test]
async fn under_martial_law_the_days_off_of_2026_are_exactly_its_104_weekend_days() {
    let app = spawn_app().await;
    let year = app.get("/api/v1/calendar/years/2026/non-working-days", None).await;
    assert_eq!(year.status, 200, "{}", year.body);
    assert_eq!(year.body["year"], 2026);
    assert_eq!(year.body["martial_law"], true);
    assert_eq!(year.body["count"], 104);
    let days = year.body["days"].as_array().unwrap();
    assert_eq!(days.len(), 104);
    assert!(days.iter().all(|d| d["reason"] == "weekend" && d["working"] == false));
    assert_eq!(days[0]["date"], "2026-01-03", "1 January 2026 is a Thursday; the first Saturday is the 3rd");
    assert_eq!(days[103]["date"], "2026-12-27");

    app.get("/api/v1/calendar/years/1899/non-working-days", None).await.assert_problem(422);
    let late = app.get("/api/v1/calendar/years/2101/non-working-days", None).await;
    assert!(late.assert_problem(422).contains("2015 to 2100"));
    assert_eq!(late.body["field"], "year");
}

#[tokio::test]
async fn an_administrator_declares_a_day_off_and_removes_it_again_while_citizens_may_only_read() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let citizen = app.verified_citizen("Olena Petrenko", "olena@example.org").await;
    let body = json!({"working": false, "note": "Cabinet resolution No. 123 of 1 March 2026"});

    // Nobody but an administrator may change the calendar.
    app.put("/api/v1/calendar/overrides/2026-03-10", None, body.clone()).await.assert_problem(401);
    let refused = app.put("/api/v1/calendar/overrides/2026-03-10", Some(&citizen), body.clone()).await;
    assert!(refused.assert_problem(403).contains("administrator"));
    app.delete("/api/v1/calendar/overrides/2026-03-10", Some(&citizen)).await.assert_problem(403);
    assert_eq!(app.get("/api/v1/calendar/overrides", None).await.body, json!([]));

    // The administrator declares Tuesday 10 March 2026 a day off.
    let set = app.put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), body.clone()).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["date"], "2026-03-10");
    assert_eq!(set.body["working"], false);
    assert_eq!(set.body["note"], "Cabinet resolution No. 123 of 1 March 2026");

    let day = app.get("/api/v1/calendar/days/2026-03-10", None).await;
    assert_eq!(day.body["working"], false);
    assert_eq!(day.body["reason"], "override");
    assert_eq!(day.body["note"], "Cabinet resolution No. 123 of 1 March 2026");
    assert!(day.body["explanation"].as_str().unwrap().contains("Cabinet resolution No. 123"));

    // Anyone can check it, and the year now has one more day off.
    let list = app.get("/api/v1/calendar/overrides", Some(&citizen)).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["date"], "2026-03-10");
    let year = app.get("/api/v1/calendar/years/2026/non-working-days", None).await;
    assert_eq!(year.body["count"], 105);

    // Replacing it keeps one override per date; the same decision again changes nothing.
    let working = app
        .put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), json!({"working": true, "note": "Revised"}))
        .await;
    assert_eq!(working.status, 200, "{}", working.body);
    let again = app
        .put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), json!({"working": true, "note": "Revised"}))
        .await;
    assert_eq!(again.status, 200);
    let list = app.get("/api/v1/calendar/overrides", None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.body);
    assert_eq!(list.body[0]["working"], true);
    assert_eq!(list.body[0]["note"], "Revised");

    // Removing it restores the statutory verdict; removing twice is 404.
    let removed = app.delete("/api/v1/calendar/overrides/2026-03-10", Some(&admin)).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let day = app.get("/api/v1/calendar/days/2026-03-10", None).await;
    assert_eq!(day.body["working"], true);
    assert_eq!(day.body["reason"], "weekday");
    assert_eq!(app.get("/api/v1/calendar/overrides", None).await.body, json!([]));
    app.delete("/api/v1/calendar/overrides/2026-03-10", Some(&admin)).await.assert_problem(404);

    // Nothing is deleted: the history of the day is in the event log.
    let history = hromada::storage::events::history(&app.db, "calendar_day", "2026-03-10").await.unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["override_set", "override_set", "override_removed"]);
    let details: Value = serde_json::from_str(&history[0].details).unwrap();
    assert_eq!(details["working"], false);
    assert_eq!(details["note"], "Cabinet resolution No. 123 of 1 March 2026");

    // The date can be declared again after removal.
    let anew = app.put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), body).await;
    assert_eq!(anew.status, 200, "{}", anew.body);
    assert_eq!(app.get("/api/v1/calendar/overrides", None).await.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_override_needs_a_note_and_a_real_date() {
    let app = spawn_app().await;
    let admin = app.administrator().await;
    let blank =
        app.put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), json!({"working": false, "note": "  "})).await;
    blank.assert_problem(422);
    assert_eq!(blank.body["field"], "note");
    let long = "x".repeat(501);
    let too_long =
        app.put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), json!({"working": false, "note": long})).await;
    assert!(too_long.assert_problem(422).contains("500"));
    app.put("/api/v1/calendar/overrides/2026-03-10", Some(&admin), json!({"working": false})).await.assert_problem(400);
    let bad =
        app.put("/api/v1/calendar/overrides/10.03.2026", Some(&admin), json!({"working": false, "note": "n"})).await;
    assert!(bad.assert_problem(400).contains("YYYY-MM-DD"));
    app.delete("/api/v1/calendar/overrides/2026-02-30", Some(&admin)).await.assert_problem(400);
    assert_eq!(app.get("/api/v1/calendar/overrides", None).await.body, json!([]));
}

#[tokio::test]
async fn a_malformed_date_is_a_bad_request_that_names_the_format() {
    let app = spawn_app().await;
    for bad in ["24.08.2026", "2026-02-30", "tomorrow"] {
        let answer = app.get(&format!("/api/v1/calendar/days/{bad}"), None).await;
        let detail = answer.assert_problem(400);
        assert!(detail.contains("YYYY-MM-DD"), "{bad}: {detail}");
    }
    app.get("/api/v1/calendar/days/2101-01-01", None).await.assert_problem(422);
    app.get("/api/v1/calendar/years/twenty/non-working-days", None).await.assert_problem(400);
}

#[tokio::test]
async fn a_month_from_saturday_31_january_2026_ends_on_28_february_and_rolls_to_monday() {
    let app = spawn_app().await;
    let d = app.get("/api/v1/deadlines/calculate?rule=appeal_standard&from=2026-01-31", None).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["rule"], "appeal_standard");
    assert_eq!(d.body["term"], json!({"unit": "months", "count": 1, "text": "1 month"}));
    assert_eq!(d.body["legal_basis"], "Law of Ukraine 'On Citizens' Appeals' art. 20");
    // A plain date means noon Kyiv time (UTC+2 in winter).
    assert_eq!(d.body["event_at"], "2026-01-31T10:00:00+00:00");
    assert_eq!(d.body["start_date"], "2026-02-01");
    assert_eq!(d.body["nominal_last_day"], "2026-02-28");
    assert_eq!(d.body["due_date"], "2026-03-02");
    assert_eq!(d.body["due_at"], "2026-03-02T22:00:00+00:00");
    assert_eq!(d.body["capped"], false);
    assert_eq!(d.body["martial_law"], true);
    let steps = steps(&d.body);
    assert!(steps.iter().any(|s| s.contains("February has no 31st")), "{steps:?}");
    assert!(
        steps.iter().any(|s| s.contains("Saturday 28 February 2026 (weekend) and Sunday 1 March 2026 (weekend)")
            && s.contains("next working day, Monday 2 March 2026")
            && s.contains("art. 254 part 5")),
        "{steps:?}"
    );

    // The same instant given in RFC 3339 (with the `+` URL-encoded) gives the same answer.
    let rfc = app.get("/api/v1/deadlines/calculate?rule=appeal_standard&from=2026-01-31T12:00:00%2B02:00", None).await;
    assert_eq!(rfc.status, 200, "{}", rfc.body);
    assert_eq!(rfc.body["due_date"], "2026-03-02");
    assert_eq!(rfc.body["event_at"], "2026-01-31T10:00:00+00:00");
}

#[tokio::test]
async fn a_petition_submitted_on_friday_is_published_by_tuesday_unless_tuesday_is_declared_off() {
    let app = spawn_app().await;
    let path = "/api/v1/deadlines/calculate?rule=petition_publication&from=2026-03-06";
    let d = app.get(path, None).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["due_date"], "2026-03-10", "Friday 6 March → Monday 9, Tuesday 10");
    assert_eq!(d.body["term"]["unit"], "working_days");
    assert!(steps(&d.body).iter().any(|s| s.contains("Saturday 7 March 2026 (weekend)")));

    let admin = app.administrator().await;
    let set = app
        .put(
            "/api/v1/calendar/overrides/2026-03-10",
            Some(&admin),
            json!({"working": false, "note": "Cabinet resolution No. 7"}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let moved = app.get(path, None).await;
    assert_eq!(moved.body["due_date"], "2026-03-11");
    assert!(
        steps(&moved.body).iter().any(|s| s.contains("Tuesday 10 March 2026 (declared a day off)")),
        "{:?}",
        steps(&moved.body)
    );

    // A month term ending on that day rolls over to the next working day, and the steps say why.
    let month = app.get("/api/v1/deadlines/calculate?rule=appeal_standard&from=2026-02-10", None).await;
    assert_eq!(month.body["nominal_last_day"], "2026-03-10");
    assert_eq!(month.body["due_date"], "2026-03-11");
    assert!(steps(&month.body).iter().any(|s| s.contains("declared a day off") && s.contains("next working day")));
}

#[tokio::test]
async fn in_peacetime_the_transferred_day_off_after_8_march_is_not_counted() {
    let app = TestAppBuilder::new()
        .await
        .configure(|s| s.calendar.martial_law_ended_on = chrono::NaiveDate::from_ymd_opt(2026, 1, 1))
        .spawn()
        .await;
    let d = app.get("/api/v1/deadlines/calculate?rule=petition_publication&from=2026-03-06", None).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["due_date"], "2026-03-11");
    assert_eq!(d.body["martial_law"], false);
    assert!(
        steps(&d.body)
            .iter()
            .any(|s| s.contains("Monday 9 March 2026 (day off transferred from International Women's Day)"))
    );
}

#[tokio::test]
async fn parameterised_rules_take_their_parameter() {
    let app = spawn_app().await;
    let hours =
        app.get("/api/v1/deadlines/calculate?rule=urgency_hours&hours=6&from=2026-03-29T00:30:00%2B02:00", None).await;
    assert_eq!(hours.status, 200, "{}", hours.body);
    assert_eq!(hours.body["due_at"], "2026-03-29T04:30:00+00:00", "six real hours across the clock change");
    assert_eq!(hours.body["term"], json!({"unit": "hours", "count": 6, "text": "6 hours"}));

    let extension =
        app.get("/api/v1/deadlines/calculate?rule=appeal_extension&total_days=60&from=2026-03-03", None).await;
    assert_eq!(extension.status, 200, "{}", extension.body);
    assert_eq!(extension.body["capped"], true);
    assert_eq!(extension.body["term"]["count"], 45);

    let days = app.get("/api/v1/deadlines/calculate?rule=urgency_days&days=3&from=2026-03-03", None).await;
    assert_eq!(days.body["due_date"], "2026-03-06");
}

#[tokio::test]
async fn the_calculator_says_which_parameter_is_wrong_and_what_would_be_right() {
    let app = spawn_app().await;
    let unknown = app.get("/api/v1/deadlines/calculate?rule=appeal_fast&from=2026-03-03", None).await;
    let detail = unknown.assert_problem(422);
    assert_eq!(unknown.body["field"], "rule");
    assert!(detail.contains("appeal_standard") && detail.contains("urgency_hours"), "{detail}");

    let no_rule = app.get("/api/v1/deadlines/calculate?from=2026-03-03", None).await;
    no_rule.assert_problem(422);
    assert_eq!(no_rule.body["field"], "rule");

    let no_from = app.get("/api/v1/deadlines/calculate?rule=forwarding", None).await;
    no_from.assert_problem(422);
    assert_eq!(no_from.body["field"], "from");

    let bad_from = app.get("/api/v1/deadlines/calculate?rule=forwarding&from=03/03/2026", None).await;
    assert!(bad_from.assert_problem(422).contains("YYYY-MM-DD"));
    assert_eq!(bad_from.body["field"], "from");

    let no_hours = app.get("/api/v1/deadlines/calculate?rule=urgency_hours&from=2026-03-03", None).await;
    assert!(no_hours.assert_problem(422).contains("hours"));
    assert_eq!(no_hours.body["field"], "hours");

    let no_total = app.get("/api/v1/deadlines/calculate?rule=appeal_extension&from=2026-03-03", None).await;
    no_total.assert_problem(422);
    assert_eq!(no_total.body["field"], "total_days");

    let stray = app.get("/api/v1/deadlines/calculate?rule=forwarding&hours=5&from=2026-03-03", None).await;
    stray.assert_problem(422);
    assert_eq!(stray.body["field"], "hours");

    let zero = app.get("/api/v1/deadlines/calculate?rule=urgency_days&days=0&from=2026-03-03", None).await;
    zero.assert_problem(422);

    app.get("/api/v1/deadlines/calculate?rule=urgency_hours&hours=many&from=2026-03-03", None)
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn the_rules_are_listed_with_their_terms_and_legal_basis() {
    let app = spawn_app().await;
    let rules = app.get("/api/v1/deadlines/rules", None).await;
    assert_eq!(rules.status, 200, "{}", rules.body);
    let list = rules.body.as_array().unwrap();
    let codes: Vec<&str> = list.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "appeal_no_study",
            "appeal_standard",
            "appeal_extension",
            "forwarding",
            "return_non_conforming",
            "petition_publication",
            "petition_consideration",
            "urgency_hours",
            "urgency_days"
        ]
    );
    let standard = &list[1];
    assert_eq!(standard["term"], "1 month");
    assert_eq!(standard["unit"], "months");
    assert_eq!(standard["count"], 1);
    assert_eq!(standard["legal_basis"], "Law of Ukraine 'On Citizens' Appeals' art. 20");
    let hours = &list[7];
    assert_eq!(hours["parameter"], "hours");
    assert_eq!(hours["count"], Value::Null);
    assert_eq!(list[5]["legal_basis"], "Law of Ukraine 'On Citizens' Appeals' art. 23-1");
}

#[tokio::test]
async fn administrators_setting_the_same_date_at_once_leave_exactly_one_override_in_force() {
    let app = spawn_app().await;
    let admin = app.administrator().await;
    let puts = (0..6).map(|i| {
        app.put(
            "/api/v1/calendar/overrides/2026-05-04",
            Some(&admin),
            json!({"working": i % 2 == 0, "note": format!("Decision No. {i}")}),
        )
    });
    for answer in futures::future::join_all(puts).await {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let list = app.get("/api/v1/calendar/overrides", None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.body);
    let day = app.get("/api/v1/calendar/days/2026-05-04", None).await;
    assert_eq!(day.body["note"], list.body[0]["note"], "the day follows the override in force");
}
