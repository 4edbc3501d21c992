//! The batch writers after an ambiguous COMMIT (issue #16 point 18): the commit landed but its answer was
//! lost (the connection dropped at that moment). The seam `storage::LostCommitAnswers` makes exactly that
//! happen; the writers then retry one by one, and must neither store an item a second time nor answer a
//! stored item as refused.
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::{
    appeals::pothole_filings,
    city,
    helpers::{TestApp, spawn_app_with_smtp},
    petitions::{council, step, submitted},
};
use hromada::{
    domain::accounts::Email,
    storage::{
        LostCommitAnswers,
        petitions::{SignatureOp, SignatureOutcome, SignatureWriter, WriterContext},
    },
};

fn writer(app: &TestApp, lost: &LostCommitAnswers) -> SignatureWriter {
    SignatureWriter::start(WriterContext {
        db: app.db.clone(),
        public_url: "http://127.0.0.1".into(),
        martial_law_ended_on: None,
        mail_wake: Default::default(),
        confirmation_ttl: chrono::Duration::hours(24),
        lost_commit_answers: lost.clone(),
    })
}

fn sign(petition_id: i64, account_id: Option<i32>, name: &str, email: &str) -> SignatureOp {
    let email = Email::parse(email).unwrap();
    SignatureOp::Sign { petition_id: petition_id as i32, account_id, full_name: name.into(), email, notify: false }
}

async fn signature_rows(app: &TestApp, petition_id: i64) -> u64 {
    entity::signatures::Entity::find()
        .filter(entity::signatures::Column::PetitionId.eq(petition_id as i32))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn signatures_whose_commit_answer_was_lost_are_stored_once_and_answered_as_stored() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 100, "account_or_email").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let citizen = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let account = app.get("/api/v1/accounts/me", Some(&citizen)).await.body["id"].as_i64().unwrap() as i32;
    let lost = LostCommitAnswers::default();
    let signatures = writer(&app, &lost);

    // One batch of three (an account's, two by e-mail): its COMMIT lands, the answer is lost.
    lost.lose_next(1);
    let (first, second, third) = tokio::join!(
        signatures.submit(sign(id, Some(account), "Ivan Franko", "ivan@example.org")),
        signatures.submit(sign(id, None, "Lesia Ukrainka", "lesia@example.org")),
        signatures.submit(sign(id, None, "Taras Koval", "taras@example.org")),
    );
    assert_eq!(first.unwrap(), SignatureOutcome::Signed { counted: true }, "the account's signature is counted");
    assert_eq!(second.unwrap(), SignatureOutcome::Signed { counted: false });
    assert_eq!(third.unwrap(), SignatureOutcome::Signed { counted: false });
    assert_eq!(signature_rows(&app, id).await, 3, "each signature is stored once");
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 1);

    // A lone signature by e-mail the same way: one row (its confirmation mail is queued with it).
    lost.lose_next(1);
    let alone = signatures.submit(sign(id, None, "Sofiia Lysenko", "sofiia@example.org")).await;
    assert_eq!(alone.unwrap(), SignatureOutcome::Signed { counted: false });
    assert_eq!(signature_rows(&app, id).await, 4, "stored once");
}

#[tokio::test]
async fn appeals_whose_commit_answer_was_lost_are_stored_once_and_answered_as_filed() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let lost = LostCommitAnswers::default();

    // The whole batch's answer is lost, then (one by one) nothing more: every appeal answered as filed.
    lost.lose_next(1);
    let filings = pothole_filings(&app, &city, None).await;
    let outcomes = hromada::storage::appeals::file_batch(&app.db, "http://127.0.0.1", &filings, &lost).await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(entity::appeals::Entity::find().count(&app.db).await.unwrap(), 5, "stored once each");

    // A batch that fails as a whole (a faulty author), whose one-by-one retries lose their answers too.
    lost.lose_next(5);
    let filings = pothole_filings(&app, &city, Some(2)).await;
    let outcomes = hromada::storage::appeals::file_batch(&app.db, "http://127.0.0.1", &filings, &lost).await;
    let stored = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!((stored, outcomes[2].is_err()), (4, true), "{outcomes:?}");
    assert_eq!(entity::appeals::Entity::find().count(&app.db).await.unwrap(), 9, "four more, once each");
}
