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
    ReceivedMail, SinkBehaviour, SmtpSink, TestAppBuilder, free_port, fresh_database_url,
    fresh_persistent_database_url, implicit_tls_front, test_settings, tls_fixture,
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

    // The worker tries, cannot reach the relay, and keeps the mail queued as it was: the relay's
    // outage is not the mail's attempt, so nothing waits for a per-mail backoff when it comes back.
    let mut noted = false;
    for _ in 0..100 {
        let mails = outbox_mails::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(mails.len(), 1);
        if let Some(error) = &mails[0].last_error {
            assert!(error.contains("connecting to"), "{error}");
            assert_eq!((mails[0].status.as_str(), mails[0].attempts), ("pending", 0));
            assert!(mails[0].next_attempt_at <= chrono::Utc::now(), "still due at once");
            noted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(noted, "the worker attempted delivery while SMTP was down and noted why it failed");

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
            ..Default::default()
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
        ..Default::default()
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
            // The folder gets the whole mail: both alternatives.
            let mail = ReceivedMail { to: vec![], raw: text.into_bytes() };
            assert_eq!(mail.content_type(), "multipart/alternative");
            assert!(mail.body().contains("/account/confirm-email?token="));
            assert!(mail.html().contains("/account/confirm-email?token="));
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

fn numbered_mail(i: usize) -> Mail {
    Mail {
        kind: "test",
        recipient: format!("person{i}@example.org"),
        subject: format!("mail {i}"),
        body: "hello".into(),
        ..Default::default()
    }
}

async fn outbox_with(count: usize) -> (hromada::config::Settings, sea_orm::DatabaseConnection) {
    let settings = test_settings(fresh_database_url().await);
    let db = storage::connect(&settings.database_url).await.unwrap();
    storage::migrate(&db).await.unwrap();
    let mails: Vec<Mail> = (0..count).map(numbered_mail).collect();
    storage::notify::enqueue_many(&db, &mails, chrono::Utc::now()).await.unwrap();
    (settings, db)
}

fn worker(settings: &hromada::config::Settings, db: &sea_orm::DatabaseConnection) -> OutboxWorker {
    let transport = Transport::from_settings(settings).unwrap();
    OutboxWorker::new(db.clone(), transport, settings, Arc::new(Default::default())).unwrap()
}

async fn stored(db: &sea_orm::DatabaseConnection) -> Vec<outbox_mails::Model> {
    outbox_mails::Entity::find().order_by_asc(outbox_mails::Column::Id).all(db).await.unwrap()
}

#[tokio::test]
async fn a_claim_of_twenty_takes_twenty_even_with_thousands_of_mails_due() {
    let (_, db) = outbox_with(3000).await;
    let lease = chrono::Duration::seconds(60);
    let now = chrono::Utc::now() + chrono::Duration::seconds(1);
    let first = storage::notify::claim_due(&db, "worker-a", now, lease, 20).await.unwrap();
    assert_eq!(first.len(), 20, "exactly the batch asked for");
    let second = storage::notify::claim_due(&db, "worker-b", now, lease, 20).await.unwrap();
    assert_eq!(second.len(), 20);
    assert!(second.iter().all(|m| !first.iter().any(|f| f.id == m.id)), "another worker takes other mails");
    let held = stored(&db).await.into_iter().filter(|m| m.locked_by.is_some()).count();
    assert_eq!(held, 40, "nothing beyond the two batches is held");
}

#[tokio::test]
async fn a_mail_the_server_defers_with_a_4xx_is_retried_and_then_delivered() {
    let behaviour = SinkBehaviour::default();
    behaviour.answers.lock().unwrap().push_back((451, "4.7.1 Greylisted, come back later".into()));
    let smtp = SmtpSink::start_with(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), behaviour);
    let (mut settings, db) = outbox_with(1).await;
    settings.smtp_url = Some(smtp.url());
    let worker = worker(&settings, &db);

    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    let deferred = &stored(&db).await[0];
    assert_eq!((deferred.status.as_str(), deferred.attempts), ("pending", 1));
    assert!(deferred.last_error.as_deref().unwrap().contains("Greylisted"), "{:?}", deferred.last_error);
    assert!(deferred.next_attempt_at > chrono::Utc::now(), "it waits for its backoff");
    assert_eq!(worker.deliver_due().await.unwrap(), 0, "not due before its backoff");

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    smtp.wait_for(1).await;
    let sent = &stored(&db).await[0];
    assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 2));
}

#[tokio::test]
async fn a_mail_the_server_refuses_with_a_5xx_is_marked_failed_with_the_servers_reason() {
    let behaviour = SinkBehaviour::default();
    behaviour.answers.lock().unwrap().push_back((550, "5.1.1 No such mailbox here".into()));
    let smtp = SmtpSink::start_with(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), behaviour);
    let (mut settings, db) = outbox_with(2).await;
    settings.smtp_url = Some(smtp.url());
    settings.outbox.connections = 1;

    assert_eq!(worker(&settings, &db).deliver_due().await.unwrap(), 2);
    let mails = stored(&db).await;
    assert_eq!((mails[0].status.as_str(), mails[0].attempts), ("failed", 1));
    assert!(mails[0].last_error.as_deref().unwrap().contains("No such mailbox here"), "{:?}", mails[0].last_error);
    assert_eq!(mails[1].status, "sent", "the next mail goes on over a new connection");
    assert_eq!(smtp.wait_for(1).await.len(), 1);
}

fn login_sink() -> SmtpSink {
    let behaviour = SinkBehaviour { login: Some(("mailer".into(), "s3cret p@ss".into())), ..Default::default() };
    SmtpSink::start_with(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), behaviour)
}

#[tokio::test]
async fn mail_goes_over_starttls_with_a_login_when_the_server_requires_both() {
    let smtp = login_sink();
    let (mut settings, db) = outbox_with(3).await;
    settings.smtp_url = Some(format!("smtp://mailer:s3cret%20p%40ss@localhost:{}?tls=required", smtp.port));
    settings.smtp_ca_file = Some(tls_fixture("ca.pem").into());

    assert_eq!(worker(&settings, &db).deliver_due().await.unwrap(), 3);
    assert_eq!(smtp.wait_for(3).await.len(), 3);
    assert!(stored(&db).await.iter().all(|m| m.status == "sent"));
}

#[tokio::test]
async fn a_wrong_smtp_password_leaves_mail_queued_with_the_reason_and_uncounted() {
    let smtp = login_sink();
    let (mut settings, db) = outbox_with(1).await;
    settings.smtp_url = Some(format!("smtp://mailer:wrong@localhost:{}?tls=required", smtp.port));
    settings.smtp_ca_file = Some(tls_fixture("ca.pem").into());

    worker(&settings, &db).deliver_due().await.unwrap();
    let mail = &stored(&db).await[0];
    assert_eq!((mail.status.as_str(), mail.attempts, mail.locked_by.as_deref()), ("pending", 0, None));
    assert!(mail.last_error.as_deref().unwrap().contains("AUTH"), "{:?}", mail.last_error);
    assert!(smtp.received().is_empty());
}

#[tokio::test]
async fn mail_goes_over_implicit_tls_to_an_smtps_server() {
    let smtp = SmtpSink::start();
    let front = implicit_tls_front(smtp.port).await;
    let (mut settings, db) = outbox_with(2).await;
    settings.smtp_url = Some(format!("smtps://localhost:{front}"));
    settings.smtp_ca_file = Some(tls_fixture("ca.pem").into());

    assert_eq!(worker(&settings, &db).deliver_due().await.unwrap(), 2);
    assert_eq!(smtp.wait_for(2).await.len(), 2);
}

#[tokio::test]
async fn an_untrusted_smtps_certificate_is_refused() {
    let smtp = SmtpSink::start();
    let front = implicit_tls_front(smtp.port).await;
    let (mut settings, db) = outbox_with(1).await;
    settings.smtp_url = Some(format!("smtps://localhost:{front}"));

    worker(&settings, &db).deliver_due().await.unwrap();
    let mail = &stored(&db).await[0];
    assert!(mail.last_error.as_deref().unwrap().contains("TLS"), "{:?}", mail.last_error);
    assert!(smtp.received().is_empty());
}

/// Runs `workers` until the outbox is empty (at most 60 s), then stops them.
async fn drain(db: &sea_orm::DatabaseConnection, workers: Vec<OutboxWorker>) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> = workers.into_iter().map(|w| tokio::spawn(w.run(stopped.clone()))).collect();
    for _ in 0..600 {
        if storage::notify::backlog(db).await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn two_workers_with_a_slow_server_and_a_lease_shorter_than_a_batch_send_each_mail_once() {
    // 300 ms a mail, 2 connections each: a batch of 20 takes 3 s, the lease is 2 s.
    let behaviour = SinkBehaviour { delay: Duration::from_millis(300), ..Default::default() };
    let smtp = SmtpSink::start_with(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), behaviour);
    let (mut settings, db) = outbox_with(40).await;
    settings.smtp_url = Some(smtp.url());
    settings.outbox.lease_seconds = 2;
    settings.outbox.smtp_timeout_seconds = 1;
    settings.outbox.batch_size = 20;
    settings.outbox.connections = 2;

    drain(&db, vec![worker(&settings, &db), worker(&settings, &db)]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = smtp.received();
    let mut ids: Vec<String> = received.iter().map(|m| m.message_id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (40, 40), "every mail once, none twice");
    assert!(stored(&db).await.iter().all(|m| m.status == "sent" && m.attempts == 1));
}

#[tokio::test]
async fn on_shutdown_the_worker_stops_after_the_mails_in_flight_and_leaves_the_rest_queued() {
    let behaviour = SinkBehaviour { delay: Duration::from_millis(200), ..Default::default() };
    let smtp = SmtpSink::start_with(std::net::TcpListener::bind("127.0.0.1:0").unwrap(), behaviour);
    let (mut settings, db) = outbox_with(100).await;
    settings.smtp_url = Some(smtp.url());
    settings.outbox.connections = 2;

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(worker(&settings, &db).run(stopped));
    smtp.wait_for(1).await;
    stop.send(true).unwrap();
    task.await.unwrap();

    let mails = stored(&db).await;
    let sent = mails.iter().filter(|m| m.status == "sent").count();
    assert!((1..100).contains(&sent), "stopped mid-batch: {sent} sent");
    assert_eq!(sent, smtp.received().len(), "every accepted mail is recorded as sent");
    let left: Vec<_> = mails.iter().filter(|m| m.status == "pending").collect();
    assert_eq!(left.len(), 100 - sent);
    assert!(left.iter().all(|m| m.locked_by.is_none() && m.attempts == 0), "the rest is free for another instance");
}

#[tokio::test]
async fn an_administrator_sees_a_refused_mail_with_the_reason_and_puts_it_back_in_the_queue() {
    let app = TestAppBuilder::new().await.with_smtp().spawn().await;
    let admin = app.administrator().await;
    let citizen = app.verified_citizen("Olena Petrenko", "olena@example.org").await;

    // The relay refuses the next mail for good.
    app.smtp().answer_next(550, "5.7.1 Relaying denied for this sender");
    storage::notify::enqueue(&app.db, &numbered_mail(1), chrono::Utc::now()).await.unwrap();
    let mut failed = app.get("/api/v1/mails", Some(&admin)).await;
    for _ in 0..100 {
        if failed.body.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        failed = app.get("/api/v1/mails", Some(&admin)).await;
    }
    assert_eq!(failed.status, 200, "{}", failed.body);
    let mail = &failed.body[0];
    assert_eq!((mail["status"].as_str(), mail["attempts"].as_i64()), (Some("failed"), Some(1)));
    assert!(mail["last_error"].as_str().unwrap().contains("Relaying denied"), "{mail}");
    assert_eq!(mail["recipient"], "person1@example.org");
    let id = mail["id"].as_i64().unwrap();

    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("hromada_mails_failed_total 1"), "{metrics}");
    assert!(metrics.contains("hromada_mails_sent_total 1"), "the verification mail: {metrics}");
    assert!(metrics.contains("hromada_outbox_oldest_queued_seconds 0"), "{metrics}");

    app.get("/api/v1/mails", Some(&citizen)).await.assert_problem(403);
    let retried = app.post(&format!("/api/v1/mails/{id}/retry"), Some(&admin), json!({})).await;
    assert_eq!((retried.status, &retried.body["ids"]), (200, &json!([id])), "{}", retried.body);
    let delivered = app.smtp().nth_mail_to("person1@example.org", 1).await;
    assert_eq!(delivered.message_id(), format!("<outbox-{id}@hromada.localhost>"), "the same Message-ID");

    app.post(&format!("/api/v1/mails/{id}/retry"), Some(&admin), json!({})).await.assert_problem(409);
    app.post("/api/v1/mails/999999/retry", Some(&admin), json!({})).await.assert_problem(404);
    let none = app.post("/api/v1/mails/retry-failed", Some(&admin), json!({})).await;
    assert_eq!(none.body["ids"], json!([]));
}
