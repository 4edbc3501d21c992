//! What watchdogs come for: response-rate figures, A07 and C03 evidence with estimated scores, rankings —
//! and proof that every one of them can be recomputed from the open-data exports alone.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Kyiv;
use serde_json::{Value, json};

use crate::{
    city::{self, City},
    helpers::{TestApp, TestAppBuilder},
};

async fn act(app: &TestApp, token: &str, id: i64, step: &str, body: Value) -> Value {
    let answer = app.post(&format!("/api/v1/appeals/{id}/{step}"), Some(token), body).await;
    assert_eq!(answer.status, 200, "{step}: {}", answer.body);
    answer.body
}

async fn filed(app: &TestApp, token: &str, body: Value) -> i64 {
    let answer = app.post("/api/v1/appeals", Some(token), body).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["id"].as_i64().unwrap()
}

async fn registered(app: &TestApp, officer: &str, days_ago: i64, subject: &str) -> i64 {
    let paper = json!({
        "channel": "paper",
        "received_at": (Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339(),
        "kind": "application",
        "subject": subject,
        "text": "Please repair the roof above flat 12; water comes in whenever it rains.",
        "author_name": "Hryhorii Skovoroda",
        "author_address": "Kramatorsk, Myru 5"
    });
    let answer = app.post("/api/v1/appeals/registrations", Some(officer), paper).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["id"].as_i64().unwrap()
}

fn application(category: i64, subject: &str) -> Value {
    json!({"kind": "application", "subject": subject, "category_id": category,
           "text": "The lift at Shkilna 12 has not worked since 1 October; elderly people cannot leave home.",
           "author_address": "Kramatorsk, Shkilna 12, apt. 40"})
}

fn report(category: i64, subject: &str) -> Value {
    json!({"kind": "issue_report", "subject": subject, "text": "A deep pothole by the bus stop.",
           "category_id": category, "address": "Myru 10"})
}

fn resolved(text: &str) -> Value {
    json!({"resolution": "resolved", "text": text})
}

pub(crate) struct Busy {
    pub(crate) city: City,
    pub(crate) council: i64,
    pub(crate) water: i64,
}

/// A small city with a history: the roads department and the housing enterprise (100% community-owned)
/// handle nine appeals in every way the law allows; a council considers three petitions.
pub(crate) async fn busy_city(app: &TestApp) -> Busy {
    let city = city::build(app).await;
    let admin = city.admin.clone();
    let org = |body: Value| {
        let admin = admin.clone();
        async move {
            let created = app.post("/api/v1/directory/organisations", Some(&admin), body).await;
            assert_eq!(created.status, 201, "{}", created.body);
            created.body["id"].as_i64().unwrap()
        }
    };
    let water =
        org(json!({"name": "Water Company", "kind": "municipal_enterprise", "community_share_percent": 30})).await;
    let council = org(json!({"name": "City Council", "kind": "council"})).await;
    let neighbour = app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    let roads_head = app.login(city::ROADS_HEAD, "a long enough password").await;

    // Housing: a lift appeal forwarded from roads, answered, confirmed and rated 5.
    let lift = filed(app, &city.citizen, application(city.lift, "The lift does not work")).await;
    act(
        app,
        &city.roads_officer,
        lift,
        "forward",
        json!({"organisation_id": city.housing, "reason": "Lifts are the housing enterprise's."}),
    )
    .await;
    act(app, &city.housing_officer, lift, "answer", resolved("The motor was replaced.")).await;
    act(app, &city.citizen, lift, "confirm", json!({})).await;
    act(app, &city.citizen, lift, "rating", json!({"score": 5})).await;
    // Housing: no heating, answered within its 24 hours.
    let heating = filed(app, &city.citizen, report(city.no_heating, "No heating at Myru 3")).await;
    act(app, &city.housing_officer, heating, "answer", resolved("The boiler was restarted.")).await;
    // Housing: a paper appeal received 40 days ago, never answered: overdue.
    registered(app, &city.housing_officer, 40, "The roof leaks").await;

    // Roads: a pothole answered, returned for rework, answered again and rated 2.
    let pothole = filed(app, &city.citizen, report(city.pothole, "Pothole on Myru")).await;
    act(app, &city.roads_officer, pothole, "answer", resolved("Patched.")).await;
    act(app, &city.citizen, pothole, "return", json!({"reason": "It opened again after the rain."})).await;
    act(app, &city.roads_officer, pothole, "answer", resolved("Resurfaced properly.")).await;
    act(app, &city.citizen, pothole, "rating", json!({"score": 2})).await;
    // Roads: the same pothole reported by a neighbour, linked as a duplicate before it was answered.
    let same = filed(app, &neighbour, report(city.pothole, "Hole by the bus stop")).await;
    let another = filed(app, &neighbour, report(city.pothole, "Another pothole on Myru")).await;
    act(app, &city.roads_officer, same, "duplicate-of", json!({"duplicate_of": another})).await;
    // Roads: that other pothole is still within its term: pending.
    // Roads: a paper appeal received 40 days ago, answered only now: late, 40 days to answer.
    let late = registered(app, &city.roads_officer, 40, "Snow was not cleared").await;
    act(app, &city.roads_officer, late, "answer", resolved("Cleared today.")).await;
    // Roads: a repeated application refused with reasons: an answer, on time.
    let repeated = filed(app, &city.citizen, application(city.lift, "The lift, again")).await;
    act(
        app,
        &city.roads_officer,
        repeated,
        "refuse",
        json!({"code": "repeated", "reason": "Answered on 1 October, letter No. 12."}),
    )
    .await;
    // Roads: a lift appeal the head extends; answered within the extended term.
    let extended = filed(app, &city.citizen, application(city.lift, "The lift in block 3")).await;
    act(app, &roads_head, extended, "extend", json!({"total_days": 45, "reason": "A part must be ordered."})).await;
    act(app, &city.roads_officer, extended, "answer", resolved("The part arrived and was fitted.")).await;

    // Petitions: one answered after its threshold, one refused, one awaiting moderation.
    let statute = app
        .post(
            "/api/v1/petitions/statutes",
            Some(&admin),
            json!({"council_id": council, "effective_from": "2024-01-01", "signature_threshold": 2, "collection_days": 60,
                   "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": "verified_account"}),
        )
        .await;
    assert_eq!(statute.status, 201, "{}", statute.body);
    let moderator = app.verified_citizen("Mykola Moderator", "moderator@rada.example.org").await;
    let moderator_id = app.get("/api/v1/accounts/me", Some(&moderator)).await.body["id"].as_i64().unwrap();
    app.put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&admin), json!({"role": "moderator"})).await;
    let clerk = app.verified_citizen("Kateryna Clerk", "clerk@rada.example.org").await;
    let clerk_id = app.get("/api/v1/accounts/me", Some(&clerk)).await.body["id"].as_i64().unwrap();
    app.put(
        &format!("/api/v1/directory/organisations/{council}/members/{clerk_id}"),
        Some(&admin),
        json!({"role": "officer"}),
    )
    .await;
    let petition = |title: &str| json!({"title": title, "text": "We ask the council to restore the central park: paths, benches, lighting and new trees."});
    let mut ids = Vec::new();
    for title in ["Restore the park", "Ban all cars", "More benches"] {
        let submitted = app.post("/api/v1/petitions", Some(&city.citizen), petition(title)).await;
        assert_eq!(submitted.status, 201, "{}", submitted.body);
        ids.push(submitted.body["id"].as_i64().unwrap());
    }
    let step = |token: String, path: String, body: Value| async move {
        let answer = app.post(&path, Some(&token), body).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    };
    step(moderator.clone(), format!("/api/v1/petitions/{}/publish", ids[0]), json!({})).await;
    for signer in [&neighbour, &city.housing_officer] {
        let signed = app.post(&format!("/api/v1/petitions/{}/signatures", ids[0]), Some(signer), json!({})).await;
        assert_eq!(signed.status, 201, "{}", signed.body);
    }
    step(clerk.clone(), format!("/api/v1/petitions/{}/notice", ids[0]), json!({})).await;
    step(
        clerk.clone(),
        format!("/api/v1/petitions/{}/answer", ids[0]),
        json!({"decision": "supported", "text": "The park will be restored next spring."}),
    )
    .await;
    step(
        moderator,
        format!("/api/v1/petitions/{}/refuse", ids[1]),
        json!({"code": "not_council_competence", "reason": "Traffic rules are national law."}),
    )
    .await;
    Busy { city, council, water }
}

fn this_year() -> String {
    Utc::now().with_timezone(&Kyiv).format("%Y").to_string()
}

/// The period that surely holds everything made by the test: the last 60 days.
pub(crate) fn recent() -> String {
    let today = Utc::now().with_timezone(&Kyiv).date_naive();
    format!("from={}&to={today}", today - chrono::Days::new(60))
}

fn row(rows: &Value, organisation: i64) -> &Value {
    rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organisation_id"] == organisation)
        .expect("a row for the organisation")
}

#[tokio::test]
async fn a_watchdog_reads_response_rates_indicators_and_rankings_with_their_definitions() {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.indicators.min_sample = 3).spawn().await;
    let busy = busy_city(&app).await;
    let city = &busy.city;

    let metrics = app.get(&format!("/api/v1/metrics/appeals?{}", recent()), None).await;
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    let roads = &row(&metrics.body, city.roads)["figures"];
    assert_eq!(roads["received"], 6);
    assert_eq!(roads["duplicates"], 1);
    assert_eq!(roads["answered"], 4, "after rework, answered again; refused counts as answered");
    assert_eq!(roads["answered_on_time"], 3);
    assert_eq!(roads["answered_late"], 1);
    assert_eq!(roads["refused"], 1);
    assert_eq!(
        (roads["open"].as_i64(), roads["pending"].as_i64(), roads["overdue"].as_i64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(roads["on_time_share"], 0.75);
    assert_eq!((roads["median_days_to_answer"].as_i64(), roads["p90_days_to_answer"].as_i64()), (Some(0), Some(40)));
    assert_eq!((roads["extended"].as_i64(), roads["returned_for_rework"].as_i64()), (Some(1), Some(1)));
    assert_eq!((roads["rated"].as_i64(), roads["satisfaction"].as_f64()), (Some(1), Some(2.0)));
    let housing = &row(&metrics.body, city.housing)["figures"];
    assert_eq!(housing["received"], 3, "the forwarded appeal counts where it went");
    assert_eq!((housing["answered"].as_i64(), housing["overdue"].as_i64()), (Some(2), Some(1)));
    assert_eq!((housing["forwarded"].as_i64(), housing["confirmed"].as_i64()), (Some(1), Some(1)));
    assert_eq!(housing["on_time_share"], 0.6667);
    assert_eq!(metrics.body["total"]["received"], 9);

    // Grouped by category, and filtered to one organisation.
    let by_category = app
        .get(&format!("/api/v1/metrics/appeals?{}&group_by=category&organisation_id={}", recent(), city.roads), None)
        .await;
    let lift = by_category.body["rows"].as_array().unwrap().iter().find(|r| r["category_id"] == city.lift).unwrap();
    assert_eq!(lift["category_name"], "Lift");
    assert_eq!(lift["figures"]["received"], 2);
    let none = by_category.body["rows"].as_array().unwrap().iter().find(|r| r["category_id"] == 0).unwrap();
    assert_eq!(none["figures"]["received"], 1, "the paper appeal had no category");

    // The definitions are served beside the figures, with the scoring in force.
    let definitions = app.get("/api/v1/metrics/definitions", None).await.body;
    let defined: Vec<&str> =
        definitions["definitions"].as_array().unwrap().iter().map(|d| d["figure"].as_str().unwrap()).collect();
    for figure in roads.as_object().unwrap().keys() {
        assert!(defined.contains(&figure.as_str()), "{figure} is defined");
    }
    let words = definitions["definitions"].to_string();
    let a07 =
        app.get(&format!("/api/v1/metrics/petitions?{}", recent()), None).await.body["councils"][0]["figures"].clone();
    for figure in a07.as_object().unwrap().keys() {
        let stem = figure.trim_start_matches("median_").trim_start_matches("p90_");
        assert!(words.contains(stem), "petitions: {figure} is defined");
    }
    assert_eq!(definitions["scoring"]["min_sample"], 3);

    // C03: the housing enterprise is in scope (2 of 3 cases on time: 0.5 points); the water company is not.
    let indicators = app.get(&format!("/api/v1/indicators?{}", recent()), None).await;
    assert_eq!(indicators.status, 200, "{}", indicators.body);
    let c03 = indicators.body["c03"].as_array().unwrap();
    let housing = c03.iter().find(|e| e["organisation_id"] == city.housing).unwrap();
    assert_eq!(housing["in_scope"], true);
    assert_eq!(housing["has_online_channel"], true, "no heating is routed to it");
    assert_eq!(housing["score"]["outcome"], "estimated");
    assert_eq!((housing["score"]["compliant"].as_i64(), housing["score"]["cases"].as_i64()), (Some(2), Some(3)));
    assert_eq!(housing["score"]["points"], 0.5);
    assert!(housing["score"]["note"].as_str().unwrap().contains("Estimate"));
    let water = c03.iter().find(|e| e["organisation_id"] == busy.water).unwrap();
    assert_eq!((water["in_scope"].as_bool(), water["score"]["outcome"].as_str()), (Some(false), Some("out_of_scope")));
    assert!(c03.iter().all(|e| e["organisation_id"] != city.roads), "a department is no enterprise");
    // A07: two moderations and one consideration, all within their terms.
    let a07 = indicators.body["a07"].as_array().unwrap().iter().find(|e| e["council_id"] == busy.council).unwrap();
    assert_eq!(a07["evidence"]["submitted"], 3);
    assert_eq!(a07["evidence"]["awaiting_moderation"], 1);
    assert_eq!(a07["evidence"]["reached_threshold"], 1);
    assert_eq!(a07["evidence"]["decisions"]["supported"], 1);
    assert_eq!((a07["score"]["cases"].as_i64(), a07["score"]["points"].as_f64()), (Some(3), Some(1.0)));

    // With the default minimum sample of 10 nobody has enough cases yet.
    let strict = TestAppBuilder::new().await.with_smtp().spawn().await;
    let small = busy_city(&strict).await;
    let c03 = strict.get(&format!("/api/v1/indicators?{}", recent()), None).await.body["c03"].clone();
    let housing = c03.as_array().unwrap().iter().find(|e| e["organisation_id"] == small.city.housing).unwrap();
    assert_eq!(housing["score"]["outcome"], "insufficient_data");
    assert!(housing["score"]["note"].as_str().unwrap().contains("at least 10"));

    // Rankings: housing (on time 2/3, confirmed 1/2, none returned) before roads (3/4, 0/4, 3/4).
    let rankings = app.get(&format!("/api/v1/metrics/rankings?{}", recent()), None).await.body;
    let rows = rankings["rows"].as_array().unwrap();
    assert_eq!(rows[0]["organisation_id"], city.housing);
    assert_eq!(
        (rows[0]["rank"].as_i64(), rows[0]["sample"].as_i64(), rows[0]["score"].as_f64()),
        (Some(1), Some(3), Some(0.7222))
    );
    assert_eq!((rows[1]["organisation_id"].as_i64(), rows[1]["score"].as_f64()), (Some(city.roads), Some(0.5)));

    // Periods: this year by name; nothing in a year long past; bad periods are explained.
    let year = app.get(&format!("/api/v1/metrics/appeals?period={}", this_year()), None).await.body;
    assert!(year["total"]["received"].as_i64().unwrap() >= 7, "the 40-day-old ones may fall in last year");
    let past = app.get("/api/v1/metrics/appeals?period=2020", None).await.body;
    assert_eq!((past["total"]["received"].as_i64(), past["rows"].as_array().unwrap().len()), (Some(0), 0));
    for bad in [
        "period=2026-13",
        "period=last+year",
        "from=2026-01-01",
        "from=2026-02-01&to=2026-01-01",
        "period=2026&from=2026-01-01&to=2026-02-01",
        "from=yesterday&to=2026-01-01",
    ] {
        let refused = app.get(&format!("/api/v1/metrics/appeals?{bad}"), None).await;
        assert!(refused.assert_problem(422).len() > 10, "{bad}");
    }
    app.get("/api/v1/metrics/appeals?group_by=street", None).await.assert_problem(400);
}

// ---------------------------------------------------------------------------------------------------
// The recompute-from-export test: a watchdog who trusts nothing but the exports and the definitions.

fn ts(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| s.parse().expect("RFC 3339 timestamps"))
}

fn kyiv(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Kyiv).date_naive()
}

fn nearest_rank(values: &mut [i64], p: f64) -> Value {
    if values.is_empty() {
        return Value::Null;
    }
    values.sort_unstable();
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    json!(values[rank - 1])
}

fn share(part: i64, whole: i64) -> Value {
    if whole == 0 { Value::Null } else { json!(((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0) }
}

/// Every appeal figure of one group, by the published definitions, from export rows alone.
fn recompute_appeals(rows: &[&Value], now: DateTime<Utc>) -> Value {
    let status = |r: &Value| r["status"].as_str().unwrap().to_owned();
    let count = |f: &dyn Fn(&Value) -> bool| rows.iter().filter(|r| f(r)).count() as i64;
    let not_dup = |r: &Value| status(r) != "duplicate";
    let answered = |r: &Value| ["answered", "confirmed", "refused"].contains(&status(r).as_str());
    let on_time = |r: &Value| {
        answered(r) && ts(&r["answered_at"]).unwrap() < ts(&r["due_at"]).unwrap() && r["overdue_at"].is_null()
    };
    let open = |r: &Value| ["received", "in_progress", "rework"].contains(&status(r).as_str());
    let overdue = |r: &Value| open(r) && ts(&r["due_at"]).unwrap() <= now;
    let mut days: Vec<i64> = rows
        .iter()
        .filter(|r| answered(r))
        .map(|r| (kyiv(ts(&r["answered_at"]).unwrap()) - kyiv(ts(&r["received_at"]).unwrap())).num_days())
        .collect();
    let ratings: Vec<i64> = rows.iter().filter(|r| not_dup(r)).filter_map(|r| r["rating"].as_i64()).collect();
    let (n_answered, n_on_time, n_overdue, n_open) = (count(&answered), count(&on_time), count(&overdue), count(&open));
    json!({
        "received": rows.len(),
        "duplicates": count(&|r| !not_dup(r)),
        "answered": n_answered,
        "answered_on_time": n_on_time,
        "answered_late": n_answered - n_on_time,
        "refused": count(&|r| status(r) == "refused"),
        "open": n_open,
        "pending": n_open - n_overdue,
        "overdue": n_overdue,
        "on_time_share": share(n_on_time, n_answered + n_overdue),
        "median_days_to_answer": nearest_rank(&mut days, 0.5),
        "p90_days_to_answer": nearest_rank(&mut days, 0.9),
        "extended": count(&|r| not_dup(r) && !r["extended_due_at"].is_null()),
        "forwarded": count(&|r| not_dup(r) && r["forwarded_count"].as_i64().unwrap() > 0),
        "returned_for_rework": count(&|r| not_dup(r) && r["rework_count"].as_i64().unwrap() > 0),
        "confirmed": count(&|r| status(r) == "confirmed"),
        "rated": ratings.len(),
        "satisfaction": if ratings.is_empty() { Value::Null } else {
            json!(((ratings.iter().sum::<i64>() as f64 / ratings.len() as f64) * 100.0).round() / 100.0)
        },
    })
}

/// A council's petition figures, by the published definitions, from export rows alone.
fn recompute_petitions(rows: &[&Value], appeals: &BTreeMap<i64, &Value>, now: DateTime<Utc>) -> Value {
    let at = |r: &Value, k: &str| ts(&r[k]);
    let count = |f: &dyn Fn(&Value) -> bool| rows.iter().filter(|r| f(r)).count() as i64;
    let mut to_notice: Vec<i64> = rows
        .iter()
        .filter_map(|r| Some((kyiv(at(r, "notice_at")?) - kyiv(at(r, "threshold_reached_at")?)).num_days()))
        .collect();
    let mut decisions = serde_json::Map::new();
    for r in rows.iter().filter(|r| !r["answered_at"].is_null()) {
        if let Some(d) = r["decision"].as_str() {
            let n = decisions.get(d).and_then(Value::as_i64).unwrap_or(0);
            decisions.insert(d.to_owned(), json!(n + 1));
        }
    }
    let appeal_of = |r: &Value| r["appeal_id"].as_i64().map(|id| appeals[&id]);
    let appeal_on_time = |r: &Value| -> Option<bool> {
        let a = appeal_of(r)?;
        let s = a["status"].as_str().unwrap();
        if ["answered", "confirmed", "refused"].contains(&s) {
            Some(ts(&a["answered_at"]).unwrap() < ts(&a["due_at"]).unwrap())
        } else if ["received", "in_progress", "rework"].contains(&s) && ts(&a["due_at"]).unwrap() <= now {
            Some(false)
        } else {
            None
        }
    };
    json!({
        "submitted": rows.len(),
        "awaiting_moderation": count(&|r| r["moderated_at"].is_null() && at(r, "publication_due_at").unwrap() > now),
        "moderation_overdue": count(&|r| r["moderated_at"].is_null() && at(r, "publication_due_at").unwrap() <= now),
        "published": count(&|r| !r["published_at"].is_null()),
        "refused": count(&|r| r["status"] == "refused"),
        "moderated_within_term": count(&|r| at(r, "moderated_at").is_some_and(|m| m < at(r, "publication_due_at").unwrap())),
        "moderated_late": count(&|r| at(r, "moderated_at").is_some_and(|m| m >= at(r, "publication_due_at").unwrap())),
        "reached_threshold": count(&|r| !r["threshold_reached_at"].is_null()),
        "awaiting_notice": count(&|r| !r["threshold_reached_at"].is_null() && r["notice_at"].is_null()),
        "notices_published": count(&|r| !r["notice_at"].is_null()),
        "median_days_threshold_to_notice": nearest_rank(&mut to_notice, 0.5),
        "p90_days_threshold_to_notice": nearest_rank(&mut to_notice, 0.9),
        "answers_published": count(&|r| !r["answered_at"].is_null()),
        "considered_within_term": count(&|r| match (at(r, "answered_at"), at(r, "consideration_due_at")) { (Some(a), Some(d)) => a < d, _ => false }),
        "considered_late": count(&|r| match (at(r, "answered_at"), at(r, "consideration_due_at")) { (Some(a), Some(d)) => a >= d, (Some(_), None) => true, _ => false }),
        "consideration_pending": count(&|r| r["answered_at"].is_null() && at(r, "consideration_due_at").is_some_and(|d| d > now)),
        "consideration_overdue": count(&|r| r["answered_at"].is_null() && at(r, "consideration_due_at").is_some_and(|d| d <= now)),
        "decisions": decisions,
        "closed_short": count(&|r| !r["closed_at"].is_null() && r["threshold_reached_at"].is_null()),
        "became_appeals": count(&|r| !r["appeal_id"].is_null()),
        "became_appeals_answered_on_time": count(&|r| appeal_on_time(r) == Some(true)),
        "became_appeals_late_or_overdue": count(&|r| appeal_on_time(r) == Some(false)),
    })
}

/// Points by the published scoring: the highest band whose min_share the share reaches.
fn points(scoring: &Value, compliant: i64, cases: i64) -> Value {
    if cases < scoring["min_sample"].as_i64().unwrap() {
        return json!("insufficient_data");
    }
    let share = compliant as f64 / cases as f64;
    let best = scoring["bands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| share + 1e-12 >= b["min_share"].as_f64().unwrap())
        .map(|b| b["points"].as_f64().unwrap())
        .fold(f64::MIN, f64::max);
    json!(best)
}

fn n(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap()
}

#[tokio::test]
async fn every_figure_and_score_recomputes_from_the_open_data_exports() {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.indicators.min_sample = 3).spawn().await;
    let busy = busy_city(&app).await;

    // The watchdog downloads the exports and the figures, and notes the moment.
    let appeals = app.get("/api/v1/open-data/appeals.json", None).await;
    assert_eq!(appeals.status, 200, "{}", appeals.body);
    let petitions = app.get("/api/v1/open-data/petitions.json", None).await.body;
    let metrics =
        app.get(&format!("/api/v1/metrics/appeals?{}&group_by=organisation_category", recent()), None).await.body;
    let petition_metrics = app.get(&format!("/api/v1/metrics/petitions?{}", recent()), None).await.body;
    let indicators = app.get(&format!("/api/v1/indicators?{}", recent()), None).await.body;
    let rankings = app.get(&format!("/api/v1/metrics/rankings?{}", recent()), None).await.body;
    let scoring = app.get("/api/v1/metrics/definitions", None).await.body["scoring"].clone();
    let now: DateTime<Utc> = ts(&metrics["as_of"]).unwrap();
    let from: NaiveDate = metrics["period"]["from"].as_str().unwrap().parse().unwrap();
    let to: NaiveDate = metrics["period"]["to"].as_str().unwrap().parse().unwrap();
    let in_period = |r: &Value, k: &str| (from..=to).contains(&kyiv(ts(&r[k]).unwrap()));

    // Appeals per organisation and category.
    let exported: Vec<&Value> =
        appeals.body.as_array().unwrap().iter().filter(|r| in_period(r, "received_at")).collect();
    assert_eq!(exported.len(), 9);
    let mut groups: BTreeMap<(i64, i64), Vec<&Value>> = BTreeMap::new();
    for r in &exported {
        groups.entry((n(r, "executor_id"), r["category_id"].as_i64().unwrap_or(0))).or_default().push(r);
    }
    let rows = metrics["rows"].as_array().unwrap();
    assert_eq!(rows.len(), groups.len(), "one row per organisation and category");
    for ((org, cat), members) in &groups {
        let row = rows.iter().find(|r| r["organisation_id"] == *org && r["category_id"] == *cat).expect("a row");
        assert_eq!(row["figures"], recompute_appeals(members, now), "organisation {org}, category {cat}");
    }
    assert_eq!(metrics["total"], recompute_appeals(&exported, now));

    // Per organisation: C03 for enterprises in scope, and the ranking.
    let mut per_org: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
    for r in &exported {
        per_org.entry(n(r, "executor_id")).or_default().push(r);
    }
    let mut checked_c03 = 0;
    for entry in indicators["c03"].as_array().unwrap() {
        let members = per_org.get(&n(entry, "organisation_id")).cloned().unwrap_or_default();
        let figures = recompute_appeals(&members, now);
        assert_eq!(entry["evidence"], figures);
        if entry["in_scope"] == true {
            let (compliant, cases) =
                (n(&figures, "answered_on_time"), n(&figures, "answered") + n(&figures, "overdue"));
            let expected = points(&scoring, compliant, cases);
            let got = if entry["score"]["outcome"] == "estimated" {
                entry["score"]["points"].clone()
            } else {
                entry["score"]["outcome"].clone()
            };
            assert_eq!(got, expected);
            checked_c03 += 1;
        }
    }
    assert_eq!(checked_c03, 1, "the housing enterprise");
    for entry in rankings["rows"].as_array().unwrap() {
        let f = recompute_appeals(&per_org[&n(entry, "organisation_id")], now);
        let cases = n(&f, "answered") + n(&f, "overdue");
        assert_eq!(n(entry, "sample"), cases);
        assert_eq!(entry["answered_on_time_share"], share(n(&f, "answered_on_time"), cases));
        assert_eq!(entry["confirmed_share"], share(n(&f, "confirmed"), n(&f, "answered")));
        assert_eq!(
            entry["not_returned_share"],
            share(n(&f, "answered") - n(&f, "returned_for_rework"), n(&f, "answered"))
        );
    }

    // Petitions per council, and A07.
    let appeal_by_id: BTreeMap<i64, &Value> =
        appeals.body.as_array().unwrap().iter().map(|a| (n(a, "id"), a)).collect();
    let mut per_council: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
    for p in petitions.as_array().unwrap().iter().filter(|p| in_period(p, "submitted_at")) {
        per_council.entry(n(p, "council_id")).or_default().push(p);
    }
    assert_eq!(petition_metrics["councils"].as_array().unwrap().len(), per_council.len());
    for council in petition_metrics["councils"].as_array().unwrap() {
        let expected = recompute_petitions(&per_council[&n(council, "council_id")], &appeal_by_id, now);
        assert_eq!(council["figures"], expected);
    }
    let a07 = indicators["a07"].as_array().unwrap().iter().find(|e| e["council_id"] == busy.council).unwrap();
    let f = recompute_petitions(&per_council[&busy.council], &appeal_by_id, now);
    let compliant =
        n(&f, "moderated_within_term") + n(&f, "considered_within_term") + n(&f, "became_appeals_answered_on_time");
    let cases = compliant
        + n(&f, "moderated_late")
        + n(&f, "moderation_overdue")
        + n(&f, "considered_late")
        + n(&f, "consideration_overdue")
        + n(&f, "became_appeals_late_or_overdue");
    assert_eq!(a07["evidence"], f);
    assert_eq!(a07["score"]["points"], points(&scoring, compliant, cases));

    // The live tallies are exactly what a full recount of the appeals gives; if a tally is damaged,
    // the check names it and a rebuild restores the same figures.
    use hromada::storage::metrics::{check, rebuild};
    use sea_orm::ConnectionTrait;
    assert!(check(&app.db).await.unwrap().is_empty());
    app.db.execute_unprepared("UPDATE appeal_tallies SET answered = answered + 5").await.unwrap();
    assert!(!check(&app.db).await.unwrap().is_empty());
    assert_eq!(rebuild(&app.db).await.unwrap().appeals, 9);
    assert!(check(&app.db).await.unwrap().is_empty());
    let again =
        app.get(&format!("/api/v1/metrics/appeals?{}&group_by=organisation_category", recent()), None).await.body;
    assert_eq!(again["rows"], metrics["rows"]);

    // The same for the petition tallies behind A07: a damaged row is named, a rebuild restores it.
    app.db
        .execute_unprepared("UPDATE petition_tallies SET considered_within_term = considered_within_term + 3")
        .await
        .unwrap();
    let damaged = check(&app.db).await.unwrap();
    assert!(!damaged.is_empty() && damaged.iter().all(|d| d.table == "petition_tallies"), "{damaged:?}");
    let wrong = app.get(&format!("/api/v1/metrics/petitions?{}", recent()), None).await.body;
    assert_ne!(wrong["councils"], petition_metrics["councils"], "the figures are read from the tallies");
    assert!(rebuild(&app.db).await.unwrap().petitions >= 3);
    assert!(check(&app.db).await.unwrap().is_empty());
    let again = app.get(&format!("/api/v1/metrics/petitions?{}", recent()), None).await.body;
    assert_eq!(again["councils"], petition_metrics["councils"]);

    // A database that had petitions before the petition tallies existed gets them filled when it is
    // migrated: undo that migration by hand, as an older release left the schema, and migrate again.
    for sql in [
        "DROP INDEX idx_petitions_unmoderated",
        "DROP INDEX idx_petitions_unanswered_after_notice",
        "DROP INDEX idx_petitions_became_appeal",
        "DROP TABLE petition_tallies",
        "DELETE FROM seaql_migrations WHERE version = 'm0011_petition_tallies'",
    ] {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    hromada::storage::migrate(&app.db).await.unwrap();
    assert!(check(&app.db).await.unwrap().is_empty());
    let upgraded = app.get(&format!("/api/v1/metrics/petitions?{}", recent()), None).await.body;
    assert_eq!(upgraded["councils"], petition_metrics["councils"]);
}
