//! Response-rate figures: the per-day appeal tallies kept beside the appeals, and the queries behind the
//! metrics, indicator and ranking endpoints.
//!
//! Tallies are derived data. Every appeal transition applies its change ([`record_change`]) in the
//! transaction that saves the appeal, so the figures are exact as of the last commit; [`rebuild`]
//! recomputes them from the appeals table (after a bulk load) and [`check`] compares the two.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::appeals;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};

use crate::{
    domain::{
        appeals::Status,
        calendar::{kyiv_end_of_day, kyiv_start_of_day},
        metrics::{
            AppealFacts, Period, PetitionFigures, Tally, TallyKey, contribution, monthly, percentile, tally_delta,
        },
    },
    error::AppError,
};

/// The facts of a stored appeal that its figures depend on.
pub fn facts(row: &appeals::Model) -> Result<AppealFacts, AppError> {
    Ok(AppealFacts {
        received_at: row.received_at,
        executor_id: row.executor_id,
        category_id: row.category_id,
        status: parse_status(&row.status)?,
        answered_at: row.answered_at,
        due_at: row.due_at,
        extended_due_at: row.extended_due_at,
        forwarded_count: row.forwarded_count,
        rework_count: row.rework_count,
        rating: row.rating,
    })
}

fn parse_status(code: &str) -> Result<Status, AppError> {
    Status::parse(code).ok_or_else(|| AppError::Internal(anyhow::anyhow!("stored appeal status '{code}' is unknown")))
}

/// Applies what a filing (`before` = none) or a transition changed to the tallies. Call it last in the
/// transaction: on PostgreSQL the tally row stays locked until the commit.
pub async fn record_change(
    conn: &impl ConnectionTrait,
    before: Option<&appeals::Model>,
    after: &appeals::Model,
) -> Result<(), AppError> {
    let before = before.map(facts).transpose()?;
    apply(conn, &tally_delta(before.as_ref(), &facts(after)?)).await
}

/// Applies the filing of `rows` (appeals that did not exist before) to the tallies, summed per tally row:
/// a batch of filings takes one upsert per row it touches, not one per appeal. Call it last, as
/// [`record_change`].
pub async fn record_filings(conn: &impl ConnectionTrait, rows: &[appeals::Model]) -> Result<(), AppError> {
    let mut sums: BTreeMap<TallyKey, Tally> = BTreeMap::new();
    for row in rows {
        for (key, change) in tally_delta(None, &facts(row)?) {
            sums.entry(key).or_default().add(&change, 1);
        }
    }
    let changes: Vec<(TallyKey, Tally)> = sums.into_iter().filter(|(_, t)| !t.is_zero()).collect();
    apply(conn, &changes).await
}

const COUNTERS: [&str; 11] = [
    "received",
    "duplicates",
    "answered",
    "answered_on_time",
    "refused",
    "extended",
    "forwarded",
    "returned_for_rework",
    "confirmed",
    "rated",
    "rating_sum",
];

fn counters(t: &Tally) -> [i64; 11] {
    [
        t.received,
        t.duplicates,
        t.answered,
        t.answered_on_time,
        t.refused,
        t.extended,
        t.forwarded,
        t.returned_for_rework,
        t.confirmed,
        t.rated,
        t.rating_sum,
    ]
}

/// A tally table: the daily one, or the monthly one whose key column holds the first of the month.
struct TallyTable {
    name: &'static str,
    key_column: &'static str,
}

const DAILY: TallyTable = TallyTable { name: "appeal_tallies", key_column: "received_on" };
const MONTHLY: TallyTable = TallyTable { name: "appeal_month_tallies", key_column: "month" };

/// Adds daily changes to their daily rows, then to their monthly rows. Within each table rows are
/// taken in key order, and every transaction takes daily rows before monthly ones, so two
/// transactions never wait for each other in a cycle.
async fn apply(conn: &impl ConnectionTrait, changes: &[(TallyKey, Tally)]) -> Result<(), AppError> {
    let mut daily = changes.to_vec();
    daily.sort_by_key(|(key, _)| *key);
    add_to(conn, &DAILY, &daily).await?;
    add_to(conn, &MONTHLY, &monthly(&daily)).await
}

/// Counters are added in one upsert per row; a histogram change is read, merged and written back
/// while the upsert holds the row.
async fn add_to(
    conn: &impl ConnectionTrait,
    table: &TallyTable,
    changes: &[(TallyKey, Tally)],
) -> Result<(), AppError> {
    let backend = conn.get_database_backend();
    let TallyTable { name, key_column } = table;
    let columns = COUNTERS.join(", ");
    let placeholders = (4..4 + COUNTERS.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let updates = COUNTERS.iter().map(|c| format!("{c} = {name}.{c} + excluded.{c}")).collect::<Vec<_>>().join(", ");
    let upsert = format!(
        "INSERT INTO {name} ({key_column}, executor_id, category_id, {columns}, answer_days) \
         VALUES ($1, $2, $3, {placeholders}, '') \
         ON CONFLICT ({key_column}, executor_id, category_id) DO UPDATE SET {updates}"
    );
    let key_filter = format!("WHERE {key_column} = $1 AND executor_id = $2 AND category_id = $3");
    for (key, change) in changes {
        let key_values: [Value; 3] = [key.received_on.into(), key.executor_id.into(), key.category_id.into()];
        let mut values = key_values.to_vec();
        values.extend(counters(change).map(Value::from));
        conn.execute_raw(Statement::from_sql_and_values(backend, &upsert, values)).await?;
        if change.answer_days.is_empty() {
            continue;
        }
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT answer_days FROM {name} {key_filter}"),
                key_values.clone(),
            ))
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the {name} row {key:?} vanished")))?;
        let mut merged = Tally {
            answer_days: Tally::decode_answer_days(&row.try_get::<String>("", "answer_days")?),
            ..Tally::default()
        };
        merged.add(&Tally { answer_days: change.answer_days.clone(), ..Tally::default() }, 1);
        let mut values = key_values.to_vec();
        values.push(merged.encode_answer_days().into());
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("UPDATE {name} SET answer_days = $4 {key_filter}"),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// The columns of an appeal its figures depend on, read without the texts.
type FactsRow = (
    i32,
    DateTime<Utc>,
    i32,
    Option<i32>,
    String,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    i32,
    i32,
    Option<i32>,
);

/// Every appeal's contribution, summed per tally row, read in chunks by id.
async fn recount(conn: &impl ConnectionTrait) -> Result<(BTreeMap<TallyKey, Tally>, u64), AppError> {
    const CHUNK: u64 = 20_000;
    let mut sums: BTreeMap<TallyKey, Tally> = BTreeMap::new();
    let mut last_id = 0;
    let mut counted = 0;
    loop {
        use appeals::Column as C;
        let rows: Vec<FactsRow> = appeals::Entity::find()
            .select_only()
            .columns([
                C::Id,
                C::ReceivedAt,
                C::ExecutorId,
                C::CategoryId,
                C::Status,
                C::AnsweredAt,
                C::DueAt,
                C::ExtendedDueAt,
                C::ForwardedCount,
                C::ReworkCount,
                C::Rating,
            ])
            .filter(C::Id.gt(last_id))
            .order_by_asc(C::Id)
            .limit(CHUNK)
            .into_tuple()
            .all(conn)
            .await?;
        let Some(last) = rows.last() else { break };
        last_id = last.0;
        counted += rows.len() as u64;
        for (
            _,
            received_at,
            executor_id,
            category_id,
            status,
            answered_at,
            due_at,
            extended_due_at,
            fwd,
            rework,
            rating,
        ) in rows
        {
            let facts = AppealFacts {
                received_at,
                executor_id,
                category_id,
                status: parse_status(&status)?,
                answered_at,
                due_at,
                extended_due_at,
                forwarded_count: fwd,
                rework_count: rework,
                rating,
            };
            let (key, tally) = contribution(&facts);
            sums.entry(key).or_default().add(&tally, 1);
        }
    }
    Ok((sums, counted))
}

/// Recomputes every appeal tally, daily and monthly, from the appeals table (after a bulk load, or to
/// repair them). Returns how many appeals were counted.
///
/// Safe beside running instances: on PostgreSQL the tally tables are locked first, so a transition that
/// commits meanwhile waits at its own tally update and applies its change on top of the rebuilt rows;
/// on SQLite the write transaction excludes every other writer.
pub async fn rebuild(db: &DatabaseConnection) -> Result<u64, AppError> {
    let txn = super::begin_write(db).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE appeal_tallies, appeal_month_tallies IN EXCLUSIVE MODE").await?;
    }
    let (days, counted) = recount(&txn).await?;
    let days: Vec<(TallyKey, Tally)> = days.into_iter().collect();
    let months = monthly(&days);
    for (table, rows) in [(&DAILY, &days), (&MONTHLY, &months)] {
        // Derived rows only: the appeals themselves are never deleted.
        txn.execute_unprepared(&format!("DELETE FROM {}", table.name)).await?;
        insert_rows(&txn, table, rows).await?;
    }
    txn.commit().await?;
    Ok(counted)
}

async fn insert_rows(
    conn: &impl ConnectionTrait,
    table: &TallyTable,
    rows: &[(TallyKey, Tally)],
) -> Result<(), AppError> {
    let TallyTable { name, key_column } = table;
    const PER_ROW: usize = 3 + COUNTERS.len() + 1;
    for chunk in rows.chunks(500) {
        let tuples = (0..chunk.len())
            .map(|r| {
                format!("({})", (1..=PER_ROW).map(|c| format!("${}", r * PER_ROW + c)).collect::<Vec<_>>().join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * PER_ROW);
        for (key, tally) in chunk {
            values.extend([key.received_on.into(), key.executor_id.into(), key.category_id.into()]);
            values.extend(counters(tally).map(Value::from));
            values.push(tally.encode_answer_days().into());
        }
        let sql = format!(
            "INSERT INTO {name} ({key_column}, executor_id, category_id, {}, answer_days) VALUES {tuples}",
            COUNTERS.join(", ")
        );
        conn.execute_raw(Statement::from_sql_and_values(conn.get_database_backend(), sql, values)).await?;
    }
    Ok(())
}

/// The rows of a tally table whose key date lies in `from..=to` (all rows without a range).
async fn read_rows(
    conn: &impl ConnectionTrait,
    table: &TallyTable,
    range: Option<Period>,
) -> Result<Vec<(TallyKey, Tally)>, AppError> {
    let TallyTable { name, key_column } = table;
    let (filter, values): (String, Vec<Value>) = match range {
        Some(p) => (format!(" WHERE {key_column} BETWEEN $1 AND $2"), vec![p.from.into(), p.to.into()]),
        None => (String::new(), vec![]),
    };
    let sql = format!(
        "SELECT {key_column} AS key_date, executor_id, category_id, {}, answer_days FROM {name}{filter}",
        COUNTERS.join(", ")
    );
    let rows = conn.query_all_raw(Statement::from_sql_and_values(conn.get_database_backend(), sql, values)).await?;
    rows.iter()
        .map(|row| {
            let n = |c: &str| row.try_get::<i64>("", c);
            let key = TallyKey {
                received_on: row.try_get("", "key_date")?,
                executor_id: row.try_get("", "executor_id")?,
                category_id: row.try_get("", "category_id")?,
            };
            let tally = Tally {
                received: n("received")?,
                duplicates: n("duplicates")?,
                answered: n("answered")?,
                answered_on_time: n("answered_on_time")?,
                refused: n("refused")?,
                extended: n("extended")?,
                forwarded: n("forwarded")?,
                returned_for_rework: n("returned_for_rework")?,
                confirmed: n("confirmed")?,
                rated: n("rated")?,
                rating_sum: n("rating_sum")?,
                answer_days: Tally::decode_answer_days(&row.try_get::<String>("", "answer_days")?),
            };
            Ok((key, tally))
        })
        .collect()
}

/// The tally rows, daily and monthly, that differ from a fresh recount (empty when the live tallies
/// are exact): (table, key, stored, recounted).
pub async fn check(db: &DatabaseConnection) -> Result<Vec<(&'static str, TallyKey, Tally, Tally)>, AppError> {
    let (days, _) = recount(db).await?;
    let days: Vec<(TallyKey, Tally)> = days.into_iter().collect();
    let months = monthly(&days);
    let mut differences = Vec::new();
    for (table, expected) in [(&DAILY, days), (&MONTHLY, months)] {
        let mut expected: BTreeMap<TallyKey, Tally> = expected.into_iter().collect();
        for (key, stored) in read_rows(db, table, None).await? {
            let wanted = expected.remove(&key).unwrap_or_default();
            if stored != wanted {
                differences.push((table.name, key, stored, wanted));
            }
        }
        differences.extend(
            expected.into_iter().filter(|(_, t)| !t.is_zero()).map(|(k, t)| (table.name, k, Tally::default(), t)),
        );
    }
    Ok(differences)
}

/// An organisation and category pair (category 0: appeals without a category).
pub type ExecutorCategory = (i32, i32);

/// The appeals of a period per executor and category: the summed tallies (monthly rows for the whole
/// months of the period, daily rows for the days around them) and how many open ones are past their
/// deadline at `now`.
pub async fn appeal_tallies(
    db: &DatabaseConnection,
    period: Period,
    now: DateTime<Utc>,
) -> Result<BTreeMap<ExecutorCategory, (Tally, i64)>, AppError> {
    let (day_ranges, months) = period.split_by_months();
    let mut rows = Vec::new();
    for range in day_ranges {
        rows.extend(read_rows(db, &DAILY, Some(range)).await?);
    }
    if let Some(months) = months {
        rows.extend(read_rows(db, &MONTHLY, Some(months)).await?);
    }
    let mut sums: BTreeMap<ExecutorCategory, (Tally, i64)> = BTreeMap::new();
    for (key, tally) in &rows {
        sums.entry((key.executor_id, key.category_id)).or_default().0.add(tally, 1);
    }
    // The status codes are our own constants, written into the SQL on purpose: with them as parameters,
    // PostgreSQL's generic plan for the prepared statement (used after five runs) no longer knows that
    // open appeals are few, and scans a million rows instead of the open-appeals index.
    let awaiting = Status::awaiting_answer_codes().iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
    let values: Vec<Value> = vec![now.into(), kyiv_start_of_day(period.from).into(), kyiv_end_of_day(period.to).into()];
    let overdue = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT executor_id, COALESCE(category_id, 0) AS category_id, COUNT(*) AS overdue FROM appeals \
                 WHERE status IN ({awaiting}) AND due_at <= $1 AND received_at >= $2 AND received_at < $3 \
                 GROUP BY executor_id, COALESCE(category_id, 0)"
            ),
            values,
        ))
        .await?;
    for row in overdue {
        let key = (row.try_get::<i32>("", "executor_id")?, row.try_get::<i32>("", "category_id")?);
        sums.entry(key).or_default().1 += row.try_get::<i64>("", "overdue")?;
    }
    Ok(sums)
}

/// Each council's petition figures for a period, at `now`, counted by the published definitions
/// (`domain::metrics::DEFINITIONS`, petitions.*).
pub async fn petition_figures(
    db: &DatabaseConnection,
    period: Period,
    now: DateTime<Utc>,
) -> Result<BTreeMap<i32, PetitionFigures>, AppError> {
    let backend = db.get_database_backend();
    let range: [Value; 3] = [kyiv_start_of_day(period.from).into(), kyiv_end_of_day(period.to).into(), now.into()];
    let in_period = "p.submitted_at >= $1 AND p.submitted_at < $2";
    // One pass over the period's petitions; each SUM is one definition.
    let sums = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT p.council_id AS council_id, COUNT(*) AS submitted, \
                 SUM(CASE WHEN p.moderated_at IS NULL AND p.publication_due_at > $3 THEN 1 ELSE 0 END) AS awaiting_moderation, \
                 SUM(CASE WHEN p.moderated_at IS NULL AND p.publication_due_at <= $3 THEN 1 ELSE 0 END) AS moderation_overdue, \
                 SUM(CASE WHEN p.published_at IS NOT NULL THEN 1 ELSE 0 END) AS published, \
                 SUM(CASE WHEN p.status = 'refused' THEN 1 ELSE 0 END) AS refused, \
                 SUM(CASE WHEN p.moderated_at < p.publication_due_at THEN 1 ELSE 0 END) AS moderated_within_term, \
                 SUM(CASE WHEN p.moderated_at >= p.publication_due_at THEN 1 ELSE 0 END) AS moderated_late, \
                 SUM(CASE WHEN p.threshold_reached_at IS NOT NULL THEN 1 ELSE 0 END) AS reached_threshold, \
                 SUM(CASE WHEN p.threshold_reached_at IS NOT NULL AND p.notice_at IS NULL THEN 1 ELSE 0 END) AS awaiting_notice, \
                 SUM(CASE WHEN p.notice_at IS NOT NULL THEN 1 ELSE 0 END) AS notices_published, \
                 SUM(CASE WHEN p.answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answers_published, \
                 SUM(CASE WHEN p.answered_at < p.consideration_due_at THEN 1 ELSE 0 END) AS considered_within_term, \
                 SUM(CASE WHEN p.answered_at IS NOT NULL AND (p.consideration_due_at IS NULL OR p.answered_at >= p.consideration_due_at) THEN 1 ELSE 0 END) AS considered_late, \
                 SUM(CASE WHEN p.answered_at IS NULL AND p.consideration_due_at > $3 THEN 1 ELSE 0 END) AS consideration_pending, \
                 SUM(CASE WHEN p.answered_at IS NULL AND p.consideration_due_at <= $3 THEN 1 ELSE 0 END) AS consideration_overdue, \
                 SUM(CASE WHEN p.closed_at IS NOT NULL AND p.threshold_reached_at IS NULL THEN 1 ELSE 0 END) AS closed_short \
                 FROM petitions p WHERE {in_period} GROUP BY p.council_id"
            ),
            range.clone(),
        ))
        .await?;
    let mut figures: BTreeMap<i32, PetitionFigures> = BTreeMap::new();
    for row in sums {
        // SUM of an integer CASE is a bigint on PostgreSQL and an integer on SQLite; NULL when no rows.
        let n = |column: &str| -> Result<i64, AppError> { Ok(row.try_get::<Option<i64>>("", column)?.unwrap_or(0)) };
        figures.insert(
            row.try_get::<i32>("", "council_id")?,
            PetitionFigures {
                submitted: n("submitted")?,
                awaiting_moderation: n("awaiting_moderation")?,
                moderation_overdue: n("moderation_overdue")?,
                published: n("published")?,
                refused: n("refused")?,
                moderated_within_term: n("moderated_within_term")?,
                moderated_late: n("moderated_late")?,
                reached_threshold: n("reached_threshold")?,
                awaiting_notice: n("awaiting_notice")?,
                notices_published: n("notices_published")?,
                answers_published: n("answers_published")?,
                considered_within_term: n("considered_within_term")?,
                considered_late: n("considered_late")?,
                consideration_pending: n("consideration_pending")?,
                consideration_overdue: n("consideration_overdue")?,
                closed_short: n("closed_short")?,
                ..PetitionFigures::default()
            },
        );
    }
    // The few petitions that reached the threshold or became appeals, one by one: the days to the
    // notice, the decisions, and the outcome of the appeal each became.
    let awaiting = Status::awaiting_answer_codes();
    let answered = [Status::Answered, Status::Confirmed, Status::Refused].map(Status::code);
    let list = |codes: &[&str]| codes.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
    let details = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT p.council_id AS council_id, p.threshold_reached_at AS threshold_reached_at, p.notice_at AS notice_at, \
                 p.decision AS decision, p.appeal_id AS appeal_id, \
                 CASE WHEN a.status IN ({answered}) AND a.answered_at < a.due_at THEN 1 \
                      WHEN a.status IN ({answered}) THEN 0 \
                      WHEN a.status IN ({awaiting}) AND a.due_at <= $3 THEN 0 END AS appeal_on_time \
                 FROM petitions p LEFT JOIN appeals a ON a.id = p.appeal_id \
                 WHERE {in_period} AND (p.threshold_reached_at IS NOT NULL OR p.appeal_id IS NOT NULL)",
                answered = list(&answered),
                awaiting = list(&awaiting),
            ),
            range,
        ))
        .await?;
    let mut to_notice: BTreeMap<i32, BTreeMap<i64, i64>> = BTreeMap::new();
    for row in details {
        let council_id = row.try_get::<i32>("", "council_id")?;
        let f = figures.entry(council_id).or_default();
        let reached = row.try_get::<Option<DateTime<Utc>>>("", "threshold_reached_at")?;
        if let (Some(reached), Some(notice)) = (reached, row.try_get::<Option<DateTime<Utc>>>("", "notice_at")?) {
            let days = crate::domain::metrics::days_between(reached, notice);
            *to_notice.entry(council_id).or_default().entry(days).or_insert(0) += 1;
        }
        if let Some(decision) = row.try_get::<Option<String>>("", "decision")? {
            *f.decisions.entry(decision).or_insert(0) += 1;
        }
        if row.try_get::<Option<i32>>("", "appeal_id")?.is_some() {
            f.became_appeals += 1;
            match row.try_get::<Option<i32>>("", "appeal_on_time")? {
                Some(1) => f.became_appeals_answered_on_time += 1,
                Some(_) => f.became_appeals_late_or_overdue += 1,
                None => {}
            }
        }
    }
    for (council_id, histogram) in to_notice {
        let f = figures.entry(council_id).or_default();
        f.median_days_threshold_to_notice = percentile(&histogram, 0.5);
        f.p90_days_threshold_to_notice = percentile(&histogram, 0.9);
    }
    Ok(figures)
}

/// For each organisation, how many active categories route to it (by default or for a district):
/// its online channel for C03.
pub async fn routed_category_counts(db: &DatabaseConnection) -> Result<BTreeMap<i32, i64>, AppError> {
    let mut counts: BTreeMap<i32, std::collections::BTreeSet<i32>> = BTreeMap::new();
    for record in super::directory::list_categories(db).await? {
        if !record.category.active {
            continue;
        }
        counts.entry(record.category.default_executor_id).or_default().insert(record.category.id);
        for (_, executor) in &record.district_executors {
            counts.entry(*executor).or_default().insert(record.category.id);
        }
    }
    Ok(counts.into_iter().map(|(org, set)| (org, set.len() as i64)).collect())
}
