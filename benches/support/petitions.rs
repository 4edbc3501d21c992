//! What the petition benchmarks share: statute terms that never close collection, verified signers with
//! live sessions written in bulk, published petitions, and the check that no signature was lost.
use std::collections::HashMap;

use chrono::Utc;
use entity::{accounts, petitions, sessions, signatures};
use hromada::{
    domain::{
        accounts::Password,
        calendar::kyiv_date,
        petitions::{Actor, Command, SigningMode, Statute},
    },
    storage,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// The body of every signing request through the API.
pub const SIGN_BODY: &str = r#"{"notify":false}"#;

/// Terms from today that no run can exhaust, so collection never stops at the threshold mid-run.
pub async fn statute_without_limit(db: &DatabaseConnection) -> anyhow::Result<i32> {
    let council = storage::directory::list_organisations(db)
        .await?
        .into_iter()
        .find(|o| o.kind == "council")
        .ok_or_else(|| anyhow::anyhow!("the example city has no council"))?;
    let statute = Statute {
        id: 0,
        council_id: council.id,
        effective_from: kyiv_date(Utc::now()),
        signature_threshold: 1_000_000,
        collection_days: 60,
        title_max_chars: 200,
        text_max_chars: 10_000,
        signing_mode: SigningMode::AccountOrEmail,
    };
    storage::petitions::add_statute(db, None, &statute, Utc::now(), &Default::default()).await?;
    Ok(council.id)
}

/// Accounts and live sessions written in bulk; returns each signer's bearer token.
pub async fn signers_with_sessions(db: &DatabaseConnection, count: usize) -> anyhow::Result<Vec<String>> {
    let password =
        Password::parse("bench password that is long enough", "password").map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = hromada::service::secrets::hash_password(&password)?;
    let now = Utc::now();
    let run = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let mut tokens = Vec::with_capacity(count);
    for chunk_start in (0..count).step_by(1000) {
        let chunk = chunk_start..(chunk_start + 1000).min(count);
        let rows = chunk.clone().map(|i| accounts::ActiveModel {
            email: Set(format!("signer{i}.{run}@bench.example.org")),
            full_name: Set(format!("Signer Number{i}")),
            search_name: Set(hromada::storage::accounts::search_name(
                &format!("Signer Number{i}"),
                &format!("signer{i}.{run}@bench.example.org"),
            )),
            password_hash: Set(hash.clone()),
            language: Set("uk".into()),
            role: Set("citizen".into()),
            email_verified_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        accounts::Entity::insert_many(rows).exec(db).await?;
        let emails: Vec<String> = chunk.clone().map(|i| format!("signer{i}.{run}@bench.example.org")).collect();
        let ids: HashMap<String, i32> = accounts::Entity::find()
            .filter(accounts::Column::Email.is_in(emails.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.email, a.id))
            .collect();
        let mut sessions_rows = Vec::with_capacity(emails.len());
        for email in &emails {
            let token = hromada::service::secrets::new_token();
            sessions_rows.push(sessions::ActiveModel {
                account_id: Set(ids[email]),
                token_hash: Set(token.digest()),
                created_at: Set(now),
                expires_at: Set(now + chrono::Duration::days(1)),
                revoked_at: Set(None),
                ..Default::default()
            });
            tokens.push(token.as_str().to_owned());
        }
        sessions::Entity::insert_many(sessions_rows).exec(db).await?;
    }
    Ok(tokens)
}

/// Submits and publishes `count` petitions (through the library: setup is not measured).
pub async fn publish_petitions(db: &DatabaseConnection, council_id: i32, count: usize) -> anyhow::Result<Vec<i32>> {
    let author = accounts::Entity::find().one(db).await?.ok_or_else(|| anyhow::anyhow!("no account"))?;
    let calendar = storage::calendar::calendar(db, None).await?;
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let submission = storage::petitions::Submission {
            council_id,
            author_account_id: author.id,
            author_name: author.full_name.clone(),
            title: format!("Benchmark petition {n}"),
            text: "We ask the council to measure how many signatures per second this service takes.".into(),
            category_id: None,
        };
        let row = storage::petitions::submit(db, &calendar, submission, Utc::now()).await?;
        let statute = storage::petitions::statute_in_force(db, council_id, kyiv_date(Utc::now()))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no statute"))?;
        let moderator = Actor { account_id: Some(author.id), moderator: true, ..Default::default() };
        storage::petitions::transition(
            db,
            &calendar,
            "http://bench",
            row.id,
            moderator,
            Command::Publish { statute },
            Utc::now(),
        )
        .await?;
        ids.push(row.id);
    }
    Ok(ids)
}

/// Every acknowledged signature (per petition) is stored as confirmed, and each petition's counter says
/// so; prints what does not agree.
pub async fn verify_counted(db: &DatabaseConnection, acknowledged: &HashMap<i32, u64>) -> anyhow::Result<bool> {
    let mut passed = true;
    let (mut total_ack, mut total_rows) = (0, 0);
    for (petition, acked) in acknowledged {
        let rows = signatures::Entity::find()
            .filter(signatures::Column::PetitionId.eq(*petition))
            .filter(signatures::Column::Status.eq("confirmed"))
            .count(db)
            .await?;
        let counted = petitions::Entity::find_by_id(*petition).one(db).await?.map(|p| p.signature_count).unwrap_or(-1);
        total_ack += acked;
        total_rows += rows;
        if rows != *acked || counted != *acked as i64 {
            println!("FAIL: petition {petition}: {acked} acknowledged, {rows} stored, counter says {counted}");
            passed = false;
        }
    }
    if passed {
        println!(
            "PASS: all {total_ack} acknowledged signatures on {} petitions are stored ({total_rows} rows) and counted",
            acknowledged.len()
        );
    }
    Ok(passed)
}
