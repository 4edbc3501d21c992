//! The audit chain: anyone can recompute it from the public chain, and a record edited behind the
//! service's back is found and named — by the endpoint and by `hromada audit verify`.
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    city,
    helpers::{TestAppBuilder, fresh_persistent_database_url},
};

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A link's hash from the previous hash and its nine lines, as docs/security.md defines it.
fn link_hash(prev: &str, lines: [String; 9]) -> String {
    sha256(&format!("{prev}\n{}", lines.join("\n")))
}

/// An app on `database_url` (a database that outlives it).
async fn app_on(database_url: &str) -> crate::helpers::TestApp {
    let url = database_url.to_owned();
    TestAppBuilder::new().await.with_smtp().configure(move |s| s.database_url = url).spawn().await
}

/// Recomputes every link from the published fields alone, as a watchdog would.
fn recompute(links: &[Value]) -> String {
    let mut prev = "0".repeat(64);
    for link in links {
        let field = |k: &str| link[k].as_str().map(str::to_owned).unwrap_or_default();
        let at: chrono::DateTime<chrono::Utc> = field("occurred_at").parse().unwrap();
        let lines = [
            link["event_id"].to_string(),
            at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            field("actor_commitment"),
            field("subject_type"),
            field("subject_id"),
            field("action"),
            field("from_state"),
            field("to_state"),
            field("details_sha256"),
        ];
        assert_eq!(field("prev_hash"), prev, "link {} continues the chain", link["seq"]);
        let hash = link_hash(&prev, lines);
        assert_eq!(field("hash"), hash, "link {} recomputes", link["seq"]);
        prev = hash;
    }
    prev
}

#[tokio::test]
async fn the_chain_recomputes_from_public_data_and_names_a_record_edited_in_the_database() {
    let database_url = fresh_persistent_database_url().await;
    let app = app_on(&database_url).await;
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
    let answered = app
        .post(
            &format!("/api/v1/appeals/{id}/answer"),
            Some(&city.roads_officer),
            json!({"resolution": "resolved", "text": "Patched on Monday morning."}),
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.body);

    // The chain is public, has no personal data, and recomputes to its head from what is published.
    let chain = app.get("/api/v1/audit/chain?limit=5000", None).await;
    assert_eq!(chain.status, 200, "{}", chain.body);
    let links = chain.body.as_array().unwrap();
    assert!(links.len() > 10, "accounts, directory and appeal events are all linked");
    assert!(!chain.body.to_string().contains("@example.org"));
    // No account id either: who acted is only a salted commitment, never the same twice.
    assert!(links.iter().all(|l| l.get("actor_account_id").is_none()), "{}", chain.body);
    let commitments: Vec<&str> = links.iter().filter_map(|l| l["actor_commitment"].as_str()).collect();
    assert!(commitments.len() > 5, "{}", chain.body);
    let distinct: std::collections::HashSet<&&str> = commitments.iter().collect();
    assert_eq!(distinct.len(), commitments.len(), "two actions of one account cannot be matched");
    let head = app.get("/api/v1/audit/head", None).await.body;
    assert_eq!(recompute(links), head["hash"].as_str().unwrap());
    assert_eq!(head["seq"], links.len());
    let verified = app.get("/api/v1/audit/verify", None).await.body;
    assert_eq!(verified["valid"], true, "{verified}");
    assert_eq!(verified["checked"], links.len());

    // Someone with database access slips in an old-looking event with a low id, below where the chainer
    // looks for late commits: the chain still recomputes, but verification names the event it lacks.
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let forged = -100_000;
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO events (id, occurred_at, actor_account_id, subject_type, subject_id, action, from_state, to_state, details) \
             VALUES ($1, $2, NULL, 'appeal', $3, 'answered', 'in_progress', 'answered', '{}')",
            [forged.into(), chrono::Utc::now().checked_sub_days(chrono::Days::new(30)).unwrap().into(), id.to_string().into()],
        ))
        .await
        .unwrap();
    let verified = app.get("/api/v1/audit/verify", None).await.body;
    assert_eq!(verified["valid"], false, "{verified}");
    assert_eq!(verified["unlinked_events"], 1);
    assert_eq!(verified["first_unlinked_event_id"], forged);
    assert!(verified["reason"].as_str().unwrap().contains("not in the chain"), "{verified}");
    // (Removed again by hand, so that the next story starts from an intact chain.)
    app.db.execute_unprepared(&format!("DELETE FROM events WHERE id = {forged}")).await.unwrap();
    assert_eq!(app.get("/api/v1/audit/verify", None).await.body["valid"], true);

    // Someone with database access rewrites the answer's history entry.
    let subject = id.to_string();
    let answer_event = links
        .iter()
        .find(|l| l["action"] == "answered" && l["subject_id"] == subject.as_str())
        .expect("the answer is in the chain")["event_id"]
        .as_i64()
        .unwrap();
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE events SET details = $1 WHERE id = $2",
            [
                "{\"resolution\":\"resolved\",\"answered_within_term\":true,\"forged\":1}".into(),
                (answer_event as i32).into(),
            ],
        ))
        .await
        .unwrap();
    let verified = app.get("/api/v1/audit/verify", None).await.body;
    assert_eq!(verified["valid"], false, "{verified}");
    assert_eq!(verified["broken_event_id"], answer_event);
    assert!(verified["reason"].as_str().unwrap().contains("differs"));

    // The command line says the same and fails.
    app.stop().await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hromada"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &database_url)
        .env("HROMADA_LOG_LEVEL", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains(&format!("(event {answer_event})")), "{stderr}");
}

/// The link hash of the format before the actor commitments: the account id in the third line.
fn legacy_hash(prev: &str, event: &sea_orm::QueryResult) -> String {
    let get = |c: &str| event.try_get::<Option<String>>("", c).unwrap().unwrap_or_default();
    let at: chrono::DateTime<chrono::Utc> = event.try_get("", "occurred_at").unwrap();
    let actor: Option<i32> = event.try_get("", "actor_account_id").unwrap();
    let lines = [
        event.try_get::<i32>("", "event_id").unwrap().to_string(),
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        actor.map(|a| a.to_string()).unwrap_or_default(),
        get("subject_type"),
        get("subject_id"),
        get("action"),
        get("from_state"),
        get("to_state"),
        sha256(&get("details")),
    ];
    link_hash(prev, lines)
}

#[tokio::test]
async fn a_chain_that_named_accounts_is_rechained_at_start_and_the_old_head_is_published() {
    use sea_orm::{ConnectionTrait, Statement};
    let database_url = fresh_persistent_database_url().await;
    let app = app_on(&database_url).await;
    let city = city::build(&app).await;
    let filed = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "complaint", "subject": "Noise", "text": "Night works on Myru street every night.",
                   "organisation_id": city.roads, "author_address": "Myru 3"}),
        )
        .await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let links = app.get("/api/v1/audit/head", None).await.body["seq"].as_i64().unwrap();
    assert!(links > 10);
    app.stop().await;

    // The chain as an earlier version wrote it: each link hashed the acting account's id, no salts.
    let db = hromada::storage::connect(&database_url).await.unwrap();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT c.seq, e.id AS event_id, e.occurred_at, e.actor_account_id, e.subject_type, e.subject_id, \
             e.action, e.from_state, e.to_state, e.details FROM audit_chain c JOIN events e ON e.id = c.event_id ORDER BY c.seq",
        ))
        .await
        .unwrap();
    let mut prev = "0".repeat(64);
    for row in &rows {
        let hash = legacy_hash(&prev, row);
        let seq: i64 = row.try_get("", "seq").unwrap();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE audit_chain SET prev_hash = $1, hash = $2, actor_salt = NULL WHERE seq = $3",
            [prev.clone().into(), hash.clone().into(), seq.into()],
        ))
        .await
        .unwrap();
        prev = hash;
    }
    let legacy_head = prev;
    db.close().await.unwrap();

    // The next start re-chains it: the public chain names no account, recomputes and verifies, and the
    // head it had before is published with the reason.
    let app = app_on(&database_url).await;
    let rechains = app.get("/api/v1/audit/rechains", None).await.body;
    assert_eq!(rechains.as_array().unwrap().len(), 1, "{rechains}");
    assert_eq!(rechains[0]["superseded_head"]["hash"], legacy_head.as_str(), "{rechains}");
    assert_eq!(rechains[0]["superseded_head"]["seq"], rows.len());
    let chain = app.get("/api/v1/audit/chain?limit=5000", None).await.body;
    let links = chain.as_array().unwrap();
    let at_old_head = &links[rows.len() - 1];
    assert_eq!(at_old_head["hash"], rechains[0]["new_hash_at_seq"]);
    assert_ne!(at_old_head["hash"], legacy_head.as_str());
    recompute(links);
    assert!(!chain.to_string().contains("actor_account_id"));
    let verified = app.get("/api/v1/audit/verify", None).await.body;
    assert_eq!(verified["valid"], true, "{verified}");
    app.stop().await;

    // Once is enough: a later start leaves the chain as it is.
    let app = app_on(&database_url).await;
    assert_eq!(app.get("/api/v1/audit/rechains", None).await.body.as_array().unwrap().len(), 1);
    assert_eq!(app.get("/api/v1/audit/chain?limit=5000", None).await.body[0]["hash"], links[0]["hash"]);
}
