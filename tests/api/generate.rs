//! `hromada generate` on a small scale: the rows it writes agree with their history, the audit chain and
//! the public API, and it refuses to add to a database that already has appeals.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{appeals, events, petitions};
use hromada::{
    domain::{
        calendar::{Calendar, kyiv_date},
        deadlines::{DeadlineRule, compute},
    },
    generate, storage,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::TestAppBuilder;

#[tokio::test]
async fn a_generated_year_is_consistent_in_the_database_the_chain_and_the_api() {
    // The watcher would chain events while the generator chains its own: nothing may run beside it.
    let app = TestAppBuilder::new().await.configure(|s| s.watcher.enabled = false).spawn().await;
    let end = kyiv_date(Utc::now()) - chrono::Duration::days(1);
    let mut options = generate::Options::new(1500, 300, end);
    options.citizens = 100;
    options.seed = 42;
    let report = generate::run(&app.db, &options).await.expect("the generator runs");
    let as_of = report.as_of.unwrap();

    let all = appeals::Entity::find().all(&app.db).await.unwrap();
    assert!(all.len() >= 1500, "{} appeals (the petitions turned into appeals come on top)", all.len());
    assert_eq!(all.len() as u64, report.appeals);
    let all_petitions = petitions::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(all_petitions.len(), 300);

    let history = events::Entity::find()
        .filter(events::Column::SubjectType.eq("appeal"))
        .order_by_asc(events::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let mut by_appeal: HashMap<String, Vec<&events::Model>> = HashMap::new();
    for e in &history {
        by_appeal.entry(e.subject_id.clone()).or_default().push(e);
    }
    let calendar = Calendar::default();
    let window_start: DateTime<Utc> = as_of - chrono::Duration::days(366);
    for a in &all {
        assert!(a.received_at >= window_start && a.received_at <= as_of, "appeal {} in the year", a.id);
        if let Some(answered) = a.answered_at {
            assert!(answered >= a.received_at && answered <= as_of, "appeal {}: answered in order", a.id);
        }
        match a.status.as_str() {
            "answered" | "confirmed" => assert!(a.answered_at.is_some() && a.resolution.is_some(), "{a:?}"),
            "refused" => assert!(a.refusal_code.is_some() && a.refusal_reason.is_some(), "{a:?}"),
            "duplicate" => assert!(a.duplicate_of_id.is_some_and(|d| d < a.id), "{a:?}"),
            "received" | "in_progress" | "rework" => {
                if a.due_at + chrono::Duration::minutes(2) <= as_of {
                    assert!(a.overdue_at.is_some(), "an open appeal past its deadline is overdue: {a:?}");
                }
            }
            other => panic!("unknown status {other}"),
        }
        assert_eq!(a.status == "confirmed", a.confirmed_at.is_some());
        if let Some(extended) = a.extended_due_at {
            let cap = compute(&DeadlineRule::AppealExtension { total_days: 45 }, a.executor_received_at, &calendar);
            assert!(extended <= cap.due_at, "at most 45 days from receipt: {a:?}");
        }
        assert!(a.author_name.contains("Вигадан"), "personal data is obviously fake: {}", a.author_name);
        // The history: one `received`, then one event per transition, ending in the row's status.
        let steps = &by_appeal[&a.id.to_string()];
        assert_eq!(steps.len() as i32, a.version + 1, "appeal {}: history and version", a.id);
        assert_eq!(steps[0].action, "received");
        assert_eq!(steps.last().unwrap().to_state.as_deref(), Some(a.status.as_str()));
        for pair in steps.windows(2) {
            assert!(pair[1].occurred_at > pair[0].occurred_at && pair[1].from_state == pair[0].to_state);
        }
    }
    for p in &all_petitions {
        if let Some(threshold) = p.signature_threshold
            && matches!(p.status.as_str(), "awaiting_consideration" | "under_consideration" | "answered")
        {
            assert!(p.signature_count >= i64::from(threshold));
        }
        if p.status == "answered" {
            assert!(p.decision.is_some() && p.notice_at.is_some() && p.consideration_due_at.is_some());
        }
    }

    // The generated events are chained; the whole chain recomputes.
    let verification = storage::audit::verify(&app.db, chrono::Utc::now()).await.unwrap();
    assert!(verification.broken.is_none(), "{:?}", verification.broken);
    assert_eq!(verification.unlinked.count, 0, "every generated event is linked");
    assert_eq!(verification.head.unwrap().0, events::Entity::find().all(&app.db).await.unwrap().len() as i64);

    // The API serves a generated report and its history like any other.
    let report_row =
        all.iter().find(|a| a.kind == "issue_report" && a.status == "confirmed").expect("a confirmed report");
    let one = app.get(&format!("/api/v1/appeals/{}", report_row.id), None).await;
    assert_eq!(one.status, 200, "{:?}", one.body);
    assert_eq!(one.body["status"], "confirmed");
    let steps = app.get(&format!("/api/v1/appeals/{}/history", report_row.id), None).await;
    assert_eq!(steps.status, 200);
    let actions: Vec<&str> = steps.body.as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert_eq!(actions.first(), Some(&"received"));
    assert!(actions.contains(&"answered") && actions.contains(&"confirmed"), "{actions:?}");

    // A database with appeals is not generated into again without --force.
    let again = generate::run(&app.db, &options).await;
    assert!(again.is_err_and(|e| e.to_string().contains("--force")));
    app.stop().await;
}
