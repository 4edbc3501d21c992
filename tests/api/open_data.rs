//! Open data as stories: a watchdog downloads petitions, appeals and their transitions as CSV and JSON,
//! finds every date the response-rate figures need, and no personal data.
use std::collections::{BTreeMap, BTreeSet};

use entity::{appeals, events};
use hromada::storage::open_data::CHUNK_ROWS;
use sea_orm::{EntityTrait, QueryOrder, Set};
use serde_json::{Value, json};

use crate::{
    city::{self, CITIZEN},
    helpers::{TestApp, spawn_app_with_smtp},
};

/// One dataset as downloaded in both formats.
struct Download {
    csv_raw: String,
    json_raw: String,
    /// CSV rows keyed by column name.
    rows: Vec<BTreeMap<String, String>>,
    /// JSON rows.
    objects: Vec<Value>,
}

impl Download {
    fn row(&self, id: i64) -> &BTreeMap<String, String> {
        let id = id.to_string();
        self.rows.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("row {id} is exported"))
    }

    fn object(&self, id: i64) -> &Value {
        self.objects.iter().find(|o| o["id"] == id).unwrap_or_else(|| panic!("object {id} is exported"))
    }

    fn raw(&self) -> String {
        format!("{}\n{}", self.csv_raw, self.json_raw)
    }
}

/// The column names the schema publishes for `dataset`.
async fn schema_columns(app: &TestApp, dataset: &str) -> Vec<String> {
    let schema = app.get("/api/v1/open-data/schema", None).await;
    assert_eq!(schema.status, 200, "{}", schema.body);
    let set = schema.body["datasets"].as_array().unwrap().iter().find(|d| d["name"] == dataset).unwrap().clone();
    set["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

async fn fetch(app: &TestApp, path: &str, content_type: &str, file_name: &str) -> String {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], content_type, "{path}");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment") && disposition.contains(file_name), "{disposition}");
    // Streamed: the length is not known in advance.
    assert!(headers.get("content-length").is_none(), "{path} is streamed, not buffered");
    let body = response.bytes().await.unwrap();
    // CSV opens with the UTF-8 byte-order mark that spreadsheets need for Cyrillic; JSON has none.
    let bom = b"\xEF\xBB\xBF";
    let body = if content_type.starts_with("text/csv") {
        assert!(body.starts_with(bom), "{path} starts with the UTF-8 byte-order mark");
        &body[bom.len()..]
    } else {
        assert!(!body.starts_with(bom), "{path} has no byte-order mark");
        &body[..]
    };
    String::from_utf8(body.to_vec()).unwrap()
}

/// A text as the CSV export writes it: with an apostrophe before what a spreadsheet would run as a formula.
fn as_csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// Downloads a dataset as CSV and JSON (with `query`, e.g. `?from=…`), and checks both carry exactly the
/// schema's columns and the same values, so the formats and the schema cannot drift apart.
async fn download(app: &TestApp, dataset: &str, query: &str) -> Download {
    let base = format!("/api/v1/open-data/{dataset}");
    let csv_raw = fetch(app, &format!("{base}.csv{query}"), "text/csv; charset=utf-8", &format!("{dataset}.csv")).await;
    let json_raw =
        fetch(app, &format!("{base}.json{query}"), "application/json; charset=utf-8", &format!("{dataset}.json")).await;
    let columns = schema_columns(app, dataset).await;

    let mut reader = csv::Reader::from_reader(csv_raw.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, columns, "the CSV header of {dataset} is the schema's column list");
    let rows: Vec<BTreeMap<String, String>> =
        reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect()).collect();

    let parsed: Value = serde_json::from_str(&json_raw).unwrap_or_else(|e| panic!("{dataset}.json: {e}"));
    let objects = parsed.as_array().expect("a JSON array").clone();
    assert_eq!(objects.len(), rows.len(), "{dataset}: the same rows in both formats");
    let column_set: BTreeSet<&String> = columns.iter().collect();
    for (object, row) in objects.iter().zip(&rows) {
        let keys: BTreeSet<&String> = object.as_object().unwrap().keys().collect();
        assert_eq!(keys, column_set, "{dataset}.json keys are the schema's columns");
        for column in &columns {
            let as_text = match &object[column] {
                Value::Null => String::new(),
                Value::String(s) => as_csv_text(s),
                other => other.to_string(),
            };
            assert_eq!(as_text, row[column], "{dataset} row {}: `{column}` differs between CSV and JSON", row["id"]);
        }
    }
    Download { csv_raw, json_raw, rows, objects }
}

fn instant(text: &str) -> chrono::DateTime<chrono::Utc> {
    let parsed = chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("`{text}`: {e}"));
    assert!(text.ends_with('Z'), "timestamps are UTC: {text}");
    parsed.to_utc()
}

async fn account_id(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/accounts/me", Some(token)).await.body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_watchdog_downloads_the_appeals_export_and_finds_dates_and_pseudonyms_but_no_personal_data() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let neighbour = app.verified_citizen("Petro Susidenko", "petro@example.org").await;

    // A private application with a phone, an address of residence and private text.
    let private = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "application", "subject": "The lift in our block has not worked for a month",
                   "text": "Elderly neighbours at Shkilna 12 cannot leave home since the lift stopped.",
                   "category_id": city.lift, "author_address": "Kramatorsk, Shkilna 12, apt. 40",
                   "author_phone": "+380501234567", "privileged": true}),
        )
        .await;
    assert_eq!(private.status, 201, "{}", private.body);
    let private_id = private.body["id"].as_i64().unwrap();
    // A public issue report by the same citizen, and one by a neighbour.
    let report = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole", "text": "A deep pothole in front of Myru 10.",
                   "category_id": city.pothole, "location": {"latitude": 48.731_234_5, "longitude": 37.580_06},
                   "address": "Myru 10"}),
        )
        .await;
    assert_eq!(report.status, 201, "{}", report.body);
    let report_id = report.body["id"].as_i64().unwrap();
    let other = app
        .post(
            "/api/v1/appeals",
            Some(&neighbour),
            json!({"kind": "issue_report", "subject": "Another pothole", "text": "A second pothole by the school gate.",
                   "category_id": city.pothole, "location": {"latitude": 48.74, "longitude": 37.59}}),
        )
        .await;
    let other_id = other.body["id"].as_i64().unwrap();
    // A paper appeal: its author has no account.
    let paper = app
        .post(
            "/api/v1/appeals/registrations",
            Some(&city.roads_officer),
            json!({"channel": "paper", "received_at": (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339(),
                   "kind": "complaint", "subject": "Snow was not cleared",
                   "text": "The pavement was not cleared for a week after the snowfall.",
                   "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Sadova 5"}),
        )
        .await;
    assert_eq!(paper.status, 201, "{}", paper.body);
    let paper_id = paper.body["id"].as_i64().unwrap();
    // The roads department answers the citizen's report.
    let answered = app
        .post(
            &format!("/api/v1/appeals/{report_id}/answer"),
            Some(&city.roads_officer),
            json!({"resolution": "resolved", "text": "Patched by brigade Lastivka on Monday morning."}),
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.body);

    let export = download(&app, "appeals", "").await;
    assert_eq!(export.rows.len(), 4);
    let (mine, mine_report, theirs, on_paper) =
        (export.row(private_id), export.row(report_id), export.row(other_id), export.row(paper_id));

    // Statuses and dates, as the metrics need them.
    assert_eq!(mine["kind"], "application");
    assert_eq!(mine["status"], "received");
    assert!(mine.get("privileged").is_none(), "a claimed privilege (art. 18) is sensitive, not published");
    assert_eq!(mine["executor_id"], city.roads.to_string());
    assert_eq!(mine["answered_at"], "");
    assert_eq!(mine_report["status"], "answered");
    assert_eq!(mine_report["resolution"], "resolved");
    let received = instant(&mine_report["received_at"]);
    let answered_at = instant(&mine_report["answered_at"]);
    let due = instant(&mine_report["due_at"]);
    assert!(received <= answered_at && answered_at < due, "answered on time: {mine_report:?}");
    let shown_due: chrono::DateTime<chrono::Utc> = report.body["deadline"]["due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(due, shown_due, "the deadline shown to the citizen");
    assert_eq!(on_paper["channel"], "paper");
    assert!(instant(&on_paper["received_at"]) < instant(&on_paper["registered_at"]));

    // One author, one pseudonym; another author, another; no account, none.
    let pseudonym = &mine["author_pseudonym"];
    assert_eq!(pseudonym.len(), 16);
    assert!(pseudonym.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(&mine_report["author_pseudonym"], pseudonym);
    assert_ne!(&theirs["author_pseudonym"], pseudonym);
    assert_eq!(theirs["author_pseudonym"].len(), 16);
    assert_eq!(on_paper["author_pseudonym"], "");
    assert!(export.object(paper_id)["author_pseudonym"].is_null());
    let citizen_id = account_id(&app, &city.citizen).await;
    assert_ne!(*pseudonym, citizen_id.to_string());
    // Stable from one download to the next.
    let again = download(&app, "appeals", "").await;
    assert_eq!(&again.row(private_id)["author_pseudonym"], pseudonym);

    // Points for issue reports only, rounded; none for the private application.
    assert_eq!(mine_report["latitude"], "48.7312");
    assert_eq!(mine_report["longitude"], "37.5801");
    assert_eq!(export.object(report_id)["latitude"], json!(48.7312));
    assert_eq!(mine["latitude"], "");

    let raw = export.raw();
    for secret in [
        CITIZEN,
        "petro@example.org",
        "Olena",
        "Petrenko",
        "Susidenko",
        "Skovoroda",
        "+380501234567",
        "380501234567",
        "Shkilna",
        "Sadova",
        "Myru 10",
        "Elderly",
        "The lift in our block",
        "Pothole",
        "school gate",
        "snowfall",
        "Lastivka",
        "48.731234",
    ] {
        assert!(!raw.contains(secret), "`{secret}` must not be published");
    }
}

const AUTHOR: &str = "author@example.org";
const FORMULA_TITLE: &str = "=HYPERLINK(\"https://evil.example\",\"Sign here\")";
const REFUSED_TITLE: &str = "Rename every street after me";
const REFUSAL_REASON: &str = "The petition asks for something outside the council's competence entirely.";

#[tokio::test]
async fn a_watchdog_downloads_petitions_with_counts_and_no_title_of_a_refused_one() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let council = app
        .post("/api/v1/directory/organisations", Some(&admin), json!({"name": "City Council", "kind": "council"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let statute = app
        .post(
            "/api/v1/petitions/statutes",
            Some(&admin),
            json!({"council_id": council, "effective_from": "2024-01-01", "signature_threshold": 2, "collection_days": 60,
                   "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": "verified_account"}),
        )
        .await;
    assert_eq!(statute.status, 201, "{}", statute.body);
    let author = app.verified_citizen("Oksana Avtorenko", AUTHOR).await;
    let moderator = app.verified_citizen("Mykola Moderator", "moderator@rada.example.org").await;
    let moderator_id = account_id(&app, &moderator).await;
    app.put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&admin), json!({"role": "moderator"})).await;

    let park = app
        .post(
            "/api/v1/petitions",
            Some(&author),
            json!({"title": "Restore the central park", "text": "We ask the council to restore the paths, benches and lighting of the central park."}),
        )
        .await;
    assert_eq!(park.status, 201, "{}", park.body);
    let park_id = park.body["id"].as_i64().unwrap();
    let vain = app
        .post(
            "/api/v1/petitions",
            Some(&author),
            json!({"title": REFUSED_TITLE, "text": "Every street of the city should carry the name of the author of this petition."}),
        )
        .await;
    let vain_id = vain.body["id"].as_i64().unwrap();
    let formula = app
        .post(
            "/api/v1/petitions",
            Some(&author),
            json!({"title": FORMULA_TITLE, "text": "A title that a spreadsheet would run as a formula if it were written as it is."}),
        )
        .await;
    assert_eq!(formula.status, 201, "{}", formula.body);
    let formula_id = formula.body["id"].as_i64().unwrap();
    for id in [park_id, formula_id] {
        let published = app.post(&format!("/api/v1/petitions/{id}/publish"), Some(&moderator), json!({})).await;
        assert_eq!(published.status, 200, "{}", published.body);
    }
    let refused = app
        .post(
            &format!("/api/v1/petitions/{vain_id}/refuse"),
            Some(&moderator),
            json!({"code": "not_council_competence", "reason": REFUSAL_REASON}),
        )
        .await;
    assert_eq!(refused.status, 200, "{}", refused.body);
    for (name, email) in [("Ivan Franko", "ivan@example.org"), ("Lesia Ukrainka", "lesia@example.org")] {
        let signer = app.verified_citizen(name, email).await;
        let signed =
            app.post(&format!("/api/v1/petitions/{park_id}/signatures"), Some(&signer), json!({"notify": false})).await;
        assert_eq!(signed.status, 201, "{}", signed.body);
    }

    let export = download(&app, "petitions", "").await;
    assert_eq!(export.rows.len(), 3);
    // CSV injection: the CSV shows the formula as text, the JSON carries the title as it is.
    assert_eq!(export.row(formula_id)["title"], format!("'{FORMULA_TITLE}"));
    assert_eq!(export.object(formula_id)["title"], FORMULA_TITLE);
    let park = export.row(park_id);
    assert_eq!(park["title"], "Restore the central park");
    assert_eq!(park["council_id"], council.to_string());
    assert_eq!(park["status"], "awaiting_consideration");
    assert_eq!(park["signature_count"], "2");
    assert_eq!(park["signature_threshold"], "2");
    assert!(instant(&park["threshold_reached_at"]) >= instant(&park["published_at"]));
    assert!(instant(&park["moderated_at"]) < instant(&park["publication_due_at"]), "moderated on time");
    assert_eq!(export.object(park_id)["signature_count"], 2);
    let vain = export.row(vain_id);
    assert_eq!(vain["status"], "refused");
    assert_eq!(vain["refusal_code"], "not_council_competence");
    assert_eq!(vain["title"], "");
    assert_eq!(vain["published_at"], "");
    assert!(export.object(vain_id)["title"].is_null());
    let raw = export.raw();
    for secret in [REFUSED_TITLE, REFUSAL_REASON, "Oksana", "Avtorenko", AUTHOR, "Mykola", "benches", "Ivan", "Lesia"] {
        assert!(!raw.contains(secret), "`{secret}` must not be published");
    }

    // The period filter: Kyiv dates of submission, both ends included.
    let today = hromada::domain::calendar::kyiv_date(chrono::Utc::now());
    let tomorrow = today.succ_opt().unwrap();
    assert_eq!(download(&app, "petitions", &format!("?from={today}&to={today}")).await.rows.len(), 3);
    let none = download(&app, "petitions", &format!("?from={tomorrow}")).await;
    assert!(none.rows.is_empty());
    assert_eq!(none.json_raw.trim(), "[]");
    let detail = app.get("/api/v1/open-data/petitions.csv?from=31.01.2026", None).await.assert_problem(400);
    assert!(detail.contains("YYYY-MM-DD"), "{detail}");
    let backwards = app.get(&format!("/api/v1/open-data/appeals.json?from={tomorrow}&to={today}"), None).await;
    backwards.assert_problem(422);
    assert_eq!(backwards.body["field"], "to");
}

#[tokio::test]
async fn the_transitions_export_has_each_items_history_in_order_without_actors_or_details() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let filed = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole", "text": "A deep pothole on Myru street.",
                   "category_id": city.pothole, "address": "Myru 3"}),
        )
        .await;
    let id = filed.body["id"].as_i64().unwrap();
    for (step, body) in [
        ("acknowledge", json!({})),
        ("answer", json!({"resolution": "resolved", "text": "Patched by the Lastivka brigade."})),
        ("confirm", json!({})),
    ] {
        let token = if step == "confirm" { &city.citizen } else { &city.roads_officer };
        let done = app.post(&format!("/api/v1/appeals/{id}/{step}"), Some(token), body).await;
        assert_eq!(done.status, 200, "{step}: {}", done.body);
    }

    let export = download(&app, "transitions", "").await;
    // Only appeals and petitions: account and directory events are not transitions of items.
    assert!(export.rows.iter().all(|r| r["subject_type"] == "appeal" || r["subject_type"] == "petition"));
    let history: Vec<&BTreeMap<String, String>> =
        export.rows.iter().filter(|r| r["subject_type"] == "appeal" && r["subject_id"] == id.to_string()).collect();
    let steps: Vec<(&str, &str, &str)> =
        history.iter().map(|r| (r["action"].as_str(), r["from_state"].as_str(), r["to_state"].as_str())).collect();
    assert_eq!(
        steps,
        [
            ("received", "", "received"),
            ("acknowledged", "received", "in_progress"),
            ("answered", "in_progress", "answered"),
            ("confirmed", "answered", "confirmed"),
        ]
    );
    // The same as the item's own public history, with its times.
    let public = app.get(&format!("/api/v1/appeals/{id}/history"), Some(&city.citizen)).await.body;
    assert_eq!(public.as_array().unwrap().len(), history.len());
    for (row, event) in history.iter().zip(public.as_array().unwrap()) {
        assert_eq!(row["action"], event["action"].as_str().unwrap());
        let shown: chrono::DateTime<chrono::Utc> = event["at"].as_str().unwrap().parse().unwrap();
        // Exported to the microsecond.
        assert!((instant(&row["occurred_at"]) - shown).num_microseconds().unwrap().abs() < 1, "{row:?} {event}");
    }
    let ids: Vec<i64> = export.rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered by id: {ids:?}");
    let times: Vec<_> = history.iter().map(|r| instant(&r["occurred_at"])).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(!export.raw().contains("Lastivka") && !export.raw().contains("actor"));
    assert_eq!(export.object(history[0]["id"].parse().unwrap())["subject_id"], id);
}

#[tokio::test]
async fn the_schema_documents_every_column_of_every_export_and_what_is_left_out() {
    let app = spawn_app_with_smtp().await;
    let schema = app.get("/api/v1/open-data/schema", None).await;
    assert_eq!(schema.status, 200, "{}", schema.body);
    let datasets = schema.body["datasets"].as_array().unwrap();
    let names: Vec<&str> = datasets.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["petitions", "appeals", "transitions"]);
    // `overdue_at` is the first missed deadline, not when the watcher noticed (older rows: the watcher's time).
    let appeals = datasets.iter().find(|d| d["name"] == "appeals").unwrap()["columns"].as_array().unwrap();
    let overdue = appeals.iter().find(|c| c["name"] == "overdue_at").unwrap()["description"].as_str().unwrap();
    assert!(
        overdue.starts_with("The first deadline it missed") && overdue.contains("before 5 December 2026"),
        "{overdue}"
    );
    for dataset in datasets {
        for column in dataset["columns"].as_array().unwrap() {
            assert!(
                ["integer", "number", "boolean", "string", "timestamp"].contains(&column["type"].as_str().unwrap())
            );
            assert!(column["nullable"].is_boolean());
            assert!(column["description"].as_str().unwrap().len() > 10, "{column}");
        }
        // Even an empty export starts with the documented header (checked inside `download`).
        let name = dataset["name"].as_str().unwrap();
        let empty = download(&app, name, "").await;
        assert_eq!(empty.json_raw.trim(), "[]", "{name}");
    }
    assert!(schema.body["pseudonym"].as_str().unwrap().contains("HMAC-SHA256"));
    let excluded = schema.body["excluded"].to_string();
    for field in ["author_email", "author_phone", "text", "refusal_reason", "actor_account_id", "details"] {
        assert!(excluded.contains(field), "{field} is listed as left out");
    }
}

#[tokio::test]
async fn exports_longer_than_one_chunk_list_every_row_exactly_once() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let filed = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole", "text": "A deep pothole on Myru street.",
                   "category_id": city.pothole, "address": "Myru 3"}),
        )
        .await;
    assert_eq!(filed.status, 201, "{}", filed.body);

    // Copies of the appeal and of its first event, written straight to the database: more than two chunks.
    let extra = 2 * CHUNK_ROWS as usize + 7;
    let template = appeals::Entity::find().one(&app.db).await.unwrap().unwrap();
    let event = events::Entity::find().order_by_desc(events::Column::Id).one(&app.db).await.unwrap().unwrap();
    let mut left = extra;
    while left > 0 {
        let n = left.min(200);
        let copies = (0..n).map(|_| {
            let mut copy: appeals::ActiveModel = template.clone().into();
            copy.id = sea_orm::ActiveValue::NotSet;
            copy.open311_token = Set(None);
            copy
        });
        appeals::Entity::insert_many(copies).exec(&app.db).await.unwrap();
        let event_copies = (0..n).map(|_| {
            let mut copy: events::ActiveModel = event.clone().into();
            copy.id = sea_orm::ActiveValue::NotSet;
            copy
        });
        events::Entity::insert_many(event_copies).exec(&app.db).await.unwrap();
        left -= n;
    }

    let all_appeals: Vec<i64> = appeals::Entity::find()
        .order_by_asc(appeals::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id.into())
        .collect();
    assert_eq!(all_appeals.len(), extra + 1);
    let export = download(&app, "appeals", "").await;
    let exported: Vec<i64> = export.rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    assert_eq!(exported, all_appeals, "every appeal once, in order");

    let transitions = download(&app, "transitions", "").await;
    let ids: Vec<i64> = transitions.rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no transition repeated");
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let stored = events::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.subject_type == "appeal" || e.subject_type == "petition")
        .count();
    assert_eq!(ids.len(), stored, "no transition dropped");
    assert!(ids.len() > 2 * CHUNK_ROWS as usize);
}

#[tokio::test]
async fn instances_sharing_a_database_agree_on_one_generated_pseudonym_key_and_a_configured_key_wins() {
    let app = spawn_app_with_smtp().await;
    // Many first uses at once, as from several instances: one key is stored and every caller gets it.
    let keys =
        futures::future::join_all((0..8).map(|_| hromada::storage::open_data::pseudonym_secret(&app.db, None))).await;
    let first = keys[0].as_ref().unwrap().clone();
    assert_eq!(first.len(), 64);
    assert!(keys.iter().all(|k| k.as_ref().unwrap() == &first));
    assert_eq!(hromada::storage::open_data::pseudonym_secret(&app.db, None).await.unwrap(), first);

    let configured = "a configured key of at least thirty-two characters";
    assert_eq!(hromada::storage::open_data::pseudonym_secret(&app.db, Some(configured)).await.unwrap(), configured);
    let mut short = app.settings.clone();
    short.open_data.pseudonym_secret = Some("too short".into());
    assert!(short.validate().unwrap_err().to_string().contains("open_data.pseudonym_secret"));
    assert!(!format!("{:?}", app.settings.open_data).contains(&first));
}

/// `count` appeal events written straight to the database in one statement: a long transitions export.
async fn many_transitions(app: &TestApp, count: u32) {
    use sea_orm::ConnectionTrait;
    let sql = if app.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        format!(
            "INSERT INTO events (occurred_at, subject_type, subject_id, action, to_state, details) \
             SELECT now(), 'appeal', i::text, 'received', 'received', '{{}}' FROM generate_series(1, {count}) AS i"
        )
    } else {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
             INSERT INTO events (occurred_at, subject_type, subject_id, action, to_state, details) \
             SELECT '2026-01-05T10:00:00+00:00', 'appeal', CAST(i AS TEXT), 'received', 'received', '{{}}' FROM n"
        )
    };
    app.db.execute_unprepared(&sql).await.unwrap();
}

/// Starts a download on a connection with a tiny receive window and reads only the status line: the server
/// has begun streaming and cannot finish while this client does not read.
async fn stalled_download(app: &TestApp, path: &str) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: hromada\r\n\r\n").as_bytes()).await.unwrap();
    let mut status_line = [0u8; 12];
    stream.read_exact(&mut status_line).await.unwrap();
    assert_eq!(&status_line, b"HTTP/1.1 200");
    stream
}

#[tokio::test]
async fn downloads_beyond_the_configured_number_at_once_are_asked_to_come_back_later() {
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .configure(|s| {
            s.open_data.max_concurrent_downloads = 1;
            s.watcher.enabled = false;
        })
        .spawn()
        .await;
    many_transitions(&app, 30_000).await;
    let path = "/api/v1/open-data/transitions.csv";

    let slow_reader = stalled_download(&app, path).await;
    let refused = app.get(path, None).await;
    assert!(refused.assert_problem(429).contains("downloads"));
    assert_eq!(refused.headers["retry-after"], "30");
    // The schema and other reads are not downloads.
    assert_eq!(app.get("/api/v1/open-data/schema", None).await.status, 200);

    // The slot comes back once the server notices the reader is gone.
    drop(slow_reader);
    let mut answer = app.get(path, None).await;
    for _ in 0..100 {
        if answer.status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = app.get(path, None).await;
    }
    assert_eq!(answer.status, 200, "the download slot was released: {}", answer.body);
}
