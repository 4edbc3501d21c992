//! Mail is queued with the change that causes it and delivered by the outbox worker: never lost while
//! SMTP is down, never sent twice, even by two workers.
use std::{sync::Arc, time::Duration};

use entity::outbox_mails;
use hromada::{
    domain::notify::Mail,
    mail::{OutboxWorker, Transport},
    storage,
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;

use crate::helpers::{
    SmtpSink, TestAppBuilder, free_port, fresh_database_url, fresh_persistent_database_url, test_settings,
};

#[tokio::test]
async fn a_mail_queued_while_smtp_is_down_is_delivered_exactly_once_when_it_comes_up() {
    let port = free_port();
    let app =
        TestAppBuilder::new().await.configure(|s| s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).spawn().await;

    let registered = app
        .post("/api/v1/accounts", None, json!({"full_name": "Olena Petrenko", "email": "olena@example.org", "password": "kyiv-spring-2026", "language": "en"}))
        .await;
    assert_eq!(registered.status, 202, "registration does not wait for mail");

    // The worker tries, fails, and keeps the mail queued.
    let mut failed_attempts = 0;
    for _ in 0..100 {
        let mails = outbox_mails::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(mails.len(), 1);
        failed_attempts = mails[0].attempts;
        if failed_attempts >= 1 {
            assert_eq!(mails[0].status, "pending");
            assert!(mails[0].last_error.is_some());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed_attempts >= 1, "the worker attempted delivery while SMTP was down");

    // SMTP comes up on that port; the mail arrives, once.
    let smtp = SmtpSink::start_on_port(port);
    let mail = smtp.nth_mail_to("olena@example.org", 1).await;
    assert_eq!(mail.subject(), "Confirm your e-mail address for Hromada");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received().len(), 1, "delivered exactly once");
    let stored = outbox_mails::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(stored[0].status, "sent");
    assert!(stored[0].sent_at.is_some());
}

#[tokio::test]
async fn two_workers_on_one_database_never_send_the_same_mail_twice() {
    let smtp = SmtpSink::start();
    let mut settings = test_settings(fresh_database_url().await);
    settings.smtp_url = Some(smtp.url());
    let db = storage::connect(&settings.database_url).await.unwrap();
    storage::migrate(&db).await.unwrap();

    let now = chrono::Utc::now();
    for i in 0..40 {
        let mail = Mail {
            kind: "test",
            recipient: format!("person{i}@example.org"),
            subject: format!("mail {i}"),
            body: "hello".into(),
            dedupe_key: None,
        };
        storage::notify::enqueue(&db, &mail, now).await.unwrap();
    }

    // Two instances' workers race for the same outbox.
    let transport = Transport::from_settings(&settings).unwrap();
    let a = OutboxWorker::new(db.clone(), transport.clone(), &settings, Arc::new(Default::default())).unwrap();
    let b = OutboxWorker::new(db.clone(), transport, &settings, Arc::new(Default::default())).unwrap();
    let (mut sent_a, mut sent_b) = (0, 0);
    for _ in 0..20 {
        let (x, y) = tokio::join!(a.deliver_due(), b.deliver_due());
        sent_a += x.unwrap();
        sent_b += y.unwrap();
        if sent_a + sent_b >= 40 {
            break;
        }
    }
    assert_eq!(sent_a + sent_b, 40);

    let mails = smtp.wait_for(40).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 40, "no mail twice");
    let mut subjects: Vec<_> = mails.iter().map(|m| m.subject()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 40, "every mail once");
    let stored = outbox_mails::Entity::find().order_by_asc(outbox_mails::Column::Id).all(&db).await.unwrap();
    assert!(stored.iter().all(|m| m.status == "sent" && m.attempts == 1));
}

#[tokio::test]
async fn a_mail_with_a_dedupe_key_is_queued_only_once() {
    let db = storage::connect(&fresh_database_url().await).await.unwrap();
    storage::migrate(&db).await.unwrap();
    let reminder = Mail {
        kind: "reminder",
        recipient: "officer@rada.example.org".into(),
        subject: "Due in 3 working days".into(),
        body: "…".into(),
        dedupe_key: Some("reminder:appeal:17:3".into()),
    };
    assert!(storage::notify::enqueue(&db, &reminder, chrono::Utc::now()).await.unwrap());
    assert!(!storage::notify::enqueue(&db, &reminder, chrono::Utc::now()).await.unwrap());
    assert_eq!(storage::notify::backlog(&db).await.unwrap(), 1);
}

#[tokio::test]
async fn without_smtp_mail_is_written_to_the_mail_folder() {
    let app = TestAppBuilder::new().await.spawn().await;
    app.post(
        "/api/v1/accounts",
        None,
        json!({"full_name": "Olena Petrenko", "email": "olena@example.org", "password": "kyiv-spring-2026"}),
    )
    .await;
    let dir = app.settings.mail_dir.clone();
    for _ in 0..100 {
        let files: Vec<_> = std::fs::read_dir(&dir).map(|d| d.flatten().collect()).unwrap_or_default();
        if let Some(file) = files.first() {
            let text = std::fs::read_to_string(file.path()).unwrap();
            assert!(text.contains("olena@example.org"));
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail file appeared in {}", dir.display());
}

#[tokio::test]
async fn a_delivered_mail_is_not_sent_again_after_the_server_restarts() {
    let smtp = SmtpSink::start();
    let database_url = fresh_persistent_database_url().await;
    let configure = |s: &mut hromada::config::Settings| {
        s.database_url = database_url.clone();
        s.smtp_url = Some(smtp.url());
    };

    let first = TestAppBuilder::new().await.configure(configure).spawn().await;
    first
        .post(
            "/api/v1/accounts",
            None,
            json!({"full_name": "Olena Petrenko", "email": "olena@example.org", "password": "kyiv-spring-2026"}),
        )
        .await;
    smtp.nth_mail_to("olena@example.org", 1).await;
    first.stop().await;

    // The server comes back on the same database; its worker sweeps the outbox several times.
    let second = TestAppBuilder::new().await.configure(configure).spawn().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received().len(), 1, "the mail was not sent again");
    let stored = outbox_mails::Entity::find().all(&second.db).await.unwrap();
    assert_eq!((stored.len(), stored[0].status.as_str(), stored[0].attempts), (1, "sent", 1));
    second.stop().await;
}
