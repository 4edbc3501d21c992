//! The deadline watcher: reminders before the deadline, overdue marking and escalation after it — each
//! mail exactly once, at a real SMTP server, even when the app restarts and runs as two instances.
use std::time::Duration;

use serde_json::json;

use crate::{
    city::{self, HOUSING_HEAD, HOUSING_MAILBOX, HOUSING_OFFICER, mail_about},
    helpers::{SmtpSink, TestApp, TestAppBuilder, fresh_persistent_database_url},
};

const ADMIN: &str = "admin@rada.example.org";

async fn instance(database_url: &str, sink: &SmtpSink) -> TestApp {
    let url = database_url.to_owned();
    TestAppBuilder::new()
        .await
        .with_smtp_sink(sink.clone())
        .configure(move |s| {
            s.database_url = url;
            s.watcher.interval_seconds = 1;
            s.watcher.reminder_working_days = vec![3, 1];
        })
        .spawn()
        .await
}

fn count(sink: &SmtpSink, address: &str, needles: &[&str]) -> usize {
    sink.mails_to(address).iter().filter(|m| needles.iter().any(|n| m.subject().contains(n))).count()
}

#[tokio::test]
async fn reminders_and_escalations_arrive_exactly_once_across_restarts_and_instances() {
    let database_url = fresh_persistent_database_url().await;
    let sink = SmtpSink::start();
    let mut first = instance(&database_url, &sink).await;
    let city = city::build(&first).await;

    // No heating: an emergency report due within 24 hours, so the reminder days have all come.
    let report = first
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "No heating at Myru 3", "text": "The radiators have been cold since yesterday.",
                   "category_id": city.no_heating, "address": "Myru 3"}),
        )
        .await;
    assert_eq!(report.status, 201, "{}", report.body);
    let due_soon = report.body["id"].as_i64().unwrap();
    // A paper appeal received 40 days ago: its month has passed without an answer.
    let paper = first
        .post(
            "/api/v1/appeals/registrations",
            Some(&city.housing_officer),
            json!({"channel": "paper", "received_at": (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339(),
                   "kind": "application", "subject": "Repair the roof", "text": "The roof of Shkilna 12 leaks into flat 40.",
                   "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Shkilna 12"}),
        )
        .await;
    assert_eq!(paper.status, 201, "{}", paper.body);
    let overdue = paper.body["id"].as_i64().unwrap();

    let reminder = mail_about(&first, HOUSING_OFFICER, &format!("Reminder: appeal No. {due_soon}")).await;
    assert!(reminder.body().contains("1 working day"), "{}", reminder.body());
    let escalation = mail_about(&first, HOUSING_HEAD, &format!("OVERDUE: appeal No. {overdue}")).await;
    assert!(escalation.body().contains("Housing Enterprise"));
    mail_about(&first, ADMIN, &format!("OVERDUE: appeal No. {overdue}")).await;

    // The appeal keeps its original deadline and says when it became overdue.
    let seen = first.get(&format!("/api/v1/appeals/{overdue}"), Some(&city.housing_officer)).await.body;
    assert!(!seen["deadline"]["overdue_at"].is_null(), "{seen}");
    assert_eq!(seen["deadline"]["original_due_at"], seen["deadline"]["due_at"]);
    let overdue_list = first
        .get(&format!("/api/v1/appeals?organisation_id={}&overdue=true", city.housing), Some(&city.housing_head))
        .await;
    assert_eq!(overdue_list.body["total"], 1, "{}", overdue_list.body);

    // Restart: two instances on the same database, sweeping every second for a while.
    first.smtp = None;
    first.stop().await;
    let second = instance(&database_url, &sink).await;
    let third = instance(&database_url, &sink).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    second.stop().await;
    third.stop().await;

    let reminders = [format!("Reminder: appeal No. {due_soon}"), format!("Нагадування: строк звернення № {due_soon}")];
    let reminders: Vec<&str> = reminders.iter().map(String::as_str).collect();
    assert_eq!(count(&sink, HOUSING_OFFICER, &reminders), 1);
    assert_eq!(count(&sink, HOUSING_HEAD, &reminders), 1);
    assert_eq!(count(&sink, HOUSING_MAILBOX, &reminders), 1, "the organisation's own mailbox, in Ukrainian");
    let escalations = [format!("OVERDUE: appeal No. {overdue}")];
    let escalations: Vec<&str> = escalations.iter().map(String::as_str).collect();
    assert_eq!(count(&sink, HOUSING_HEAD, &escalations), 1);
    assert_eq!(count(&sink, ADMIN, &escalations), 1);
    assert_eq!(count(&sink, HOUSING_OFFICER, &escalations), 0, "escalation goes to the head and administrators");
}

/// How many appeals have the `overdue` event.
async fn overdue_events(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM events WHERE subject_type = 'appeal' AND action = 'overdue'",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn a_sweep_stops_at_a_batch_boundary_when_told_and_the_next_one_does_the_rest() {
    use hromada::{storage::appeals::SWEEP_BATCH, watcher::DeadlineWatcher};
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.watcher.enabled = false).spawn().await;
    let city = city::build(&app).await;
    // Many paper appeals received 40 days ago: their month has passed, each is owed an overdue mark.
    let total = SWEEP_BATCH * 4;
    let received_at = (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339();
    for chunk in 0..total / 100 {
        let filings = (0..100).map(|i| {
            let body = json!({"channel": "paper", "received_at": received_at, "kind": "application",
                              "subject": format!("Repair the roof {chunk}-{i}"), "text": "The roof of Shkilna 12 leaks into flat 40.",
                              "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Shkilna 12"});
            app.post("/api/v1/appeals/registrations", Some(&city.housing_officer), body)
        });
        for filed in futures::future::join_all(filings).await {
            assert_eq!(filed.status, 201, "{}", filed.body);
        }
    }
    let watcher = DeadlineWatcher::new(
        app.db.clone(),
        std::sync::Arc::new(app.settings.clone()),
        std::sync::Arc::new(tokio::sync::Notify::new()),
    );

    // Shutdown is signalled while the sweep works through its first batch.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let signal = async {
        while overdue_events(&app).await == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let _ = stop.send(true);
    };
    let (report, ()) = tokio::join!(watcher.sweep_until(&stopping), signal);
    let report = report.unwrap();
    assert!(report.interrupted, "{report:?}");
    let marked = report.marked_overdue as usize;
    assert!(marked > 0 && marked < total, "it stopped part-way: {report:?}");
    assert_eq!(marked % SWEEP_BATCH, 0, "whole batches only: {report:?}");
    assert_eq!(overdue_events(&app).await as usize, marked, "each batch is written whole or not at all");

    // The next sweep does what was left, and nothing twice.
    let rest = watcher.sweep().await.unwrap();
    assert!(!rest.interrupted);
    assert_eq!(rest.marked_overdue as usize, total - marked);
    assert_eq!(overdue_events(&app).await as usize, total);
    assert_eq!(watcher.sweep().await.unwrap().marked_overdue, 0);
}

/// How many escalation mails about appeal `id` reached `address`, once the outbox has sent `expected`.
async fn escalations_to(app: &TestApp, address: &str, id: i64, expected: usize) -> usize {
    let subject = [format!("OVERDUE: appeal No. {id}")];
    let subject: Vec<&str> = subject.iter().map(String::as_str).collect();
    for _ in 0..100 {
        if count(app.smtp(), address, &subject) >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Time for a duplicate to arrive, if one were queued.
    tokio::time::sleep(Duration::from_millis(400)).await;
    count(app.smtp(), address, &subject)
}

/// How many escalation mails about appeal `id` to `address` the outbox holds.
async fn escalations_queued(app: &TestApp, address: &str, id: i64) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = format!(
        "SELECT COUNT(*) AS n FROM outbox_mails WHERE kind = 'deadline_escalation' AND dedupe_key LIKE 'overdue:{id}:%:{address}'"
    );
    let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn a_late_extension_escalates_the_missed_term_and_the_watcher_escalates_the_extended_deadline_once() {
    use hromada::storage::appeals::{Context, sweep};
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.watcher.enabled = false).spawn().await;
    let city = city::build(&app).await;
    let paper = app
        .post(
            "/api/v1/appeals/registrations",
            Some(&city.housing_officer),
            json!({"channel": "paper", "received_at": (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339(),
                   "kind": "application", "subject": "Repair the roof", "text": "The roof of Shkilna 12 leaks into flat 40.",
                   "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Shkilna 12"}),
        )
        .await;
    assert_eq!(paper.status, 201, "{}", paper.body);
    let id = paper.body["id"].as_i64().unwrap();
    let missed = paper.body["deadline"]["due_at"].clone();

    // The month passed before the watcher looked; the head extends to the 45 days of art. 20.
    let extend = json!({"total_days": 45, "reason": "The roofers come next week."});
    let extended = app.post(&format!("/api/v1/appeals/{id}/extend"), Some(&city.housing_head), extend).await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    let history = app.get(&format!("/api/v1/appeals/{id}/history"), Some(&city.housing_officer)).await.body;
    let actions: Vec<&str> = history.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions[actions.len() - 2..], ["overdue", "extended"], "the missed term is on record: {history}");
    assert_eq!(escalations_to(&app, HOUSING_HEAD, id, 1).await, 1, "the missed term is escalated");
    assert_eq!(escalations_to(&app, ADMIN, id, 1).await, 1);
    let watcher = hromada::watcher::DeadlineWatcher::new(
        app.db.clone(),
        std::sync::Arc::new(app.settings.clone()),
        std::sync::Arc::new(tokio::sync::Notify::new()),
    );
    assert_eq!(watcher.sweep().await.unwrap().marked_overdue, 0, "nothing more is owed before the new deadline");

    // The extended deadline passes too: the watcher escalates it, once.
    let due: chrono::DateTime<chrono::Utc> = extended.body["deadline"]["due_at"].as_str().unwrap().parse().unwrap();
    let calendar = hromada::storage::calendar::calendar(&app.db, None).await.unwrap();
    let ctx = Context { public_url: &app.settings.public_url, calendar: &calendar };
    let (_running, stop) = tokio::sync::watch::channel(false);
    for (later, marked) in [(due + chrono::Duration::minutes(1), 1), (due + chrono::Duration::days(2), 0)] {
        let report = sweep(&app.db, &ctx, &[], later, &stop).await.unwrap();
        assert_eq!(report.marked_overdue, marked, "{later}: {report:?}");
    }
    assert_eq!(overdue_events(&app).await, 2);
    // Queued for the (simulated) moment of the sweep: counted in the outbox, not at the SMTP server.
    assert_eq!(escalations_queued(&app, HOUSING_HEAD, id).await, 2, "each missed deadline is escalated once");
    assert_eq!(escalations_queued(&app, ADMIN, id).await, 2);
    let seen = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.housing_officer)).await.body;
    assert_eq!(seen["deadline"]["overdue_at"], missed, "the figures keep the first missed term: {seen}");
}
