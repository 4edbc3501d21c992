//! The real binary stopped under load (issue #16 point 20): SIGTERM while citizens file and the deadline
//! watcher works through thousands of owed escalations (the same batched sweep as reminders). The process must exit within
//! `shutdown_grace_seconds`, every filing it acknowledged must be stored, and the next start must finish
//! the sweep it left, marking (and mailing) each appeal once.
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use entity::appeals;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement, sea_query::Expr};
use serde_json::json;

use crate::{
    city,
    helpers::{TestAppBuilder, fresh_persistent_database_url},
};

/// Short, so that the sweep owed below takes much longer than the grace period.
const GRACE_SECONDS: u64 = 2;
/// Time for the process to leave after the grace period (runtime teardown, closing the pool); a bound
/// that says "it did not wait for the sweep", not a performance figure.
const EXIT_MARGIN: Duration = Duration::from_secs(5);
/// Paper appeals whose month has passed: each is owed an overdue mark and its escalation mails.
const OWED: usize = 3000;

/// The `hromada` binary serving `database_url` on a free port.
struct Served {
    child: Child,
    address: String,
    log: PathBuf,
}

impl Served {
    fn start(database_url: &str, work_dir: &Path, run: &str) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let address = format!("http://127.0.0.1:{port}");
        let log = work_dir.join(format!("{run}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_hromada"))
            .current_dir(work_dir)
            .env_remove("SMTP_URL")
            .env("DATABASE_URL", database_url)
            .env("HROMADA_DATABASE_URL", database_url)
            .env("HROMADA_BIND", format!("127.0.0.1:{port}"))
            .env("HROMADA_PUBLIC_URL", &address)
            .env("HROMADA_MAIL_DIR", work_dir.join("mail"))
            .env("HROMADA_EXAMPLE_DIRECTORY", "false")
            .env("HROMADA_SHUTDOWN_GRACE_SECONDS", GRACE_SECONDS.to_string())
            .env("HROMADA_RATE_LIMITS__APPEALS_PER_HOUR", "100000")
            .env("HROMADA_WATCHER__INTERVAL_SECONDS", "1")
            .env("HROMADA_LOG_LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the hromada binary starts");
        Served { child, address, log }
    }

    async fn wait_ready(&mut self, client: &reqwest::Client) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(answer) = client.get(format!("{}/healthz", self.address)).send().await
                && answer.status().is_success()
            {
                return;
            }
            assert!(self.child.try_wait().unwrap().is_none(), "the binary exited at start: {}", self.log_text());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the binary did not answer within 60 s: {}", self.log_text());
    }

    /// Sends SIGTERM and waits for the exit; returns how long it took, or fails past `bound`.
    async fn terminate(&mut self, bound: Duration) -> Duration {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success(), "SIGTERM was delivered");
        let signalled = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "the binary exited cleanly: {status}; {}", self.log_text());
                return signalled.elapsed();
            }
            if signalled.elapsed() > bound {
                let _ = self.child.kill();
                panic!("still running {bound:?} after SIGTERM: {}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // A failed assertion must not leave the process running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

async fn count(db: &DatabaseConnection, sql: &str) -> usize {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap() as usize
}

async fn overdue_marks(db: &DatabaseConnection) -> usize {
    count(db, "SELECT COUNT(*) AS n FROM events WHERE subject_type = 'appeal' AND action = 'overdue'").await
}

/// Files `OWED` paper appeals through an in-process app whose watcher is off; returns the city and their ids.
async fn paper_appeals(database_url: &str) -> (city::City, Vec<i32>) {
    let app = TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(|s| {
            s.database_url = database_url.to_owned();
            s.watcher.enabled = false;
        })
        .spawn()
        .await;
    let city = city::build(&app).await;
    let received_at = chrono::Utc::now().to_rfc3339();
    let mut ids = Vec::with_capacity(OWED);
    for chunk in 0..OWED / 100 {
        let filings = (0..100).map(|i| {
            let body = json!({"channel": "paper", "received_at": received_at, "kind": "application",
                              "subject": format!("Repair the roof {chunk}-{i}"), "text": "The roof of Shkilna 12 leaks into flat 40.",
                              "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Shkilna 12"});
            app.post("/api/v1/appeals/registrations", Some(&city.housing_officer), body)
        });
        for filed in futures::future::join_all(filings).await {
            assert_eq!(filed.status, 201, "{}", filed.body);
            ids.push(filed.body["id"].as_i64().unwrap() as i32);
        }
    }
    app.stop().await;
    (city, ids)
}

/// Moves the deadlines of `ids` to yesterday, as if their month had passed: each is owed an overdue mark
/// and its escalation mails at the watcher's next sweep.
async fn deadlines_pass(db: &DatabaseConnection, ids: Vec<i32>) {
    let yesterday = chrono::Utc::now() - chrono::Duration::days(1);
    appeals::Entity::update_many()
        .col_expr(appeals::Column::DueAt, Expr::value(yesterday))
        .filter(appeals::Column::Id.is_in(ids))
        .exec(db)
        .await
        .unwrap();
}

/// Citizens filing pothole reports until the server stops answering; returns the acknowledged ids,
/// counting them in `tally` as they come.
async fn file_until_stopped(
    client: reqwest::Client,
    address: String,
    city: &city::City,
    tally: &AtomicUsize,
) -> Vec<i64> {
    let mut acknowledged = Vec::new();
    for n in 0.. {
        let report = json!({"kind": "issue_report", "subject": "Pothole", "text": format!("Pothole number {n} on Myru street."),
                            "category_id": city.pothole, "address": "Myru 3"});
        let sent = client.post(format!("{address}/api/v1/appeals")).bearer_auth(&city.citizen).json(&report).send();
        let Ok(answer) = sent.await else { break };
        if answer.status() != 201 {
            continue;
        }
        let Ok(body) = answer.json::<serde_json::Value>().await else { continue };
        acknowledged.push(body["id"].as_i64().expect("a filed appeal has an id"));
        tally.fetch_add(1, Ordering::SeqCst);
    }
    acknowledged
}

#[tokio::test]
async fn the_binary_stops_within_its_grace_period_under_load_and_the_next_start_finishes_the_sweep() {
    let database_url = fresh_persistent_database_url().await;
    let work_dir = std::env::temp_dir().join(format!("hromada-stop-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&work_dir).unwrap();
    let (city, owed) = paper_appeals(&database_url).await;
    let city = Arc::new(city);
    let db = hromada::storage::connect(&database_url).await.unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();

    // Four citizens keep filing while the watcher's first sweep marks the owed appeals.
    let mut first = Served::start(&database_url, &work_dir, "first");
    first.wait_ready(&client).await;
    let tally = Arc::new(AtomicUsize::new(0));
    let filers: Vec<_> = (0..4)
        .map(|_| {
            let (client, address, city, tally) = (client.clone(), first.address.clone(), city.clone(), tally.clone());
            tokio::spawn(async move { file_until_stopped(client, address, &city, &tally).await })
        })
        .collect();
    while tally.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Then the owed appeals' month passes: the watcher's next sweep (every second) takes them up.
    deadlines_pass(&db, owed).await;
    let sweep_started = Instant::now();
    while overdue_marks(&db).await == 0 {
        assert!(sweep_started.elapsed() < Duration::from_secs(60), "the first sweep began: {}", first.log_text());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = first.terminate(Duration::from_secs(GRACE_SECONDS) + EXIT_MARGIN).await;
    let mut acknowledged = Vec::new();
    for filer in filers {
        acknowledged.extend(filer.await.unwrap());
    }
    let marked_before_stop = overdue_marks(&db).await;
    eprintln!(
        "stopped {took:?} after SIGTERM; {marked_before_stop} of {OWED} marked, {} filings acknowledged",
        acknowledged.len()
    );
    assert!(marked_before_stop < OWED, "the sweep was stopped part-way, its rest left for later");

    // Every filing the server acknowledged is stored.
    let ids: Vec<String> = acknowledged.iter().map(i64::to_string).collect();
    if !ids.is_empty() {
        let stored = count(&db, &format!("SELECT COUNT(*) AS n FROM appeals WHERE id IN ({})", ids.join(","))).await;
        assert_eq!(stored, ids.len(), "every acknowledged filing is stored");
    }

    // The next start finishes the sweep, and marks nothing twice.
    let mut second = Served::start(&database_url, &work_dir, "second");
    second.wait_ready(&client).await;
    let restarted = Instant::now();
    while overdue_marks(&db).await < OWED {
        assert!(restarted.elapsed() < Duration::from_secs(120), "the next sweep finished: {}", second.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("the next start marked the other {} in {:?}", OWED - marked_before_stop, restarted.elapsed());
    second.terminate(Duration::from_secs(GRACE_SECONDS) + EXIT_MARGIN).await;
    assert_eq!(overdue_marks(&db).await, OWED, "each owed appeal marked once");
    let marked_twice = "SELECT COUNT(*) AS n FROM (SELECT subject_id FROM events WHERE subject_type = 'appeal' \
                        AND action = 'overdue' GROUP BY subject_id HAVING COUNT(*) > 1) twice";
    assert_eq!(count(&db, marked_twice).await, 0, "no appeal marked twice");
    let escalations = "SELECT COUNT(*) AS n FROM outbox_mails WHERE dedupe_key IS NOT NULL";
    assert!(count(&db, escalations).await > 0, "the escalations are queued");
    let mailed_twice = "SELECT COUNT(*) AS n FROM (SELECT dedupe_key FROM outbox_mails WHERE dedupe_key IS NOT NULL \
                        GROUP BY dedupe_key HAVING COUNT(*) > 1) twice";
    assert_eq!(count(&db, mailed_twice).await, 0, "no escalation queued twice");
    let _ = std::fs::remove_dir_all(work_dir);
}
