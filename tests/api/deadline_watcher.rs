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
