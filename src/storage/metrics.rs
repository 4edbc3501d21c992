//! Response-rate figures: the per-day appeal and petition tallies kept beside the appeals and petitions,
//! and the queries behind the metrics, indicator and ranking endpoints.
//!
//! Tallies are derived data. Every appeal and petition transition applies its change ([`record_change`],
//! [`record_petition_change`]) in the transaction that saves the item, so the figures are exact as of
//! the last commit; [`rebuild`] recomputes them from the appeals and petitions tables (after a bulk load)
//! and [`check`] compares the two.
use std::{collections::BTreeMap, marker::PhantomData};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{appeals, petitions};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, Statement, Value,
};

use crate::{
    domain::{
        appeals::Status,
        calendar::{kyiv_end_of_day, kyiv_start_of_day},
        metrics::{
            AppealFacts, Period, PetitionFacts, PetitionFigures, PetitionLive, PetitionTally, PetitionTallyKey,
            Tallied, Tally, TallyKey, decode_counts, encode_counts, monthly,
            petition_figures as domain_petition_figures, summed, tally_delta,
        },
        petitions::{Decision, Petition, Status as PetitionStatus},
    },
    error::AppError,
};

/// `domain::metrics::answered_on_time` in SQL, for the columns of the appeals table behind `prefix`
/// (`"a."`, or `""` when it is the only table).
pub fn answered_on_time_sql(prefix: &str) -> String {
    format!("({prefix}answered_at < {prefix}due_at AND {prefix}overdue_at IS NULL)")
}

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
        overdue_at: row.overdue_at,
        forwarded_count: row.forwarded_count,
        rework_count: row.rework_count,
        rating: row.rating,
    })
}

fn parse_status(code: &str) -> Result<Status, AppError> {
    Status::parse(code).ok_or_else(|| AppError::Internal(anyhow::anyhow!("stored appeal status '{code}' is unknown")))
}

/// Applies what a filing (`before` = none) or a transition changed to the appeal tallies. Call it last
/// in the transaction: on PostgreSQL the tally row stays locked until the commit.
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
    let changes: Vec<(TallyKey, Tally)> =
        summed(rows.iter().map(facts).collect::<Result<Vec<_>, _>>()?).into_iter().collect();
    apply(conn, &changes).await
}

/// Applies what a submission (`before` = none) or a transition of a petition changed to the petition
/// tallies. Call it last in the transaction, as [`record_change`].
pub async fn record_petition_change(
    conn: &impl ConnectionTrait,
    before: Option<&Petition>,
    after: &Petition,
) -> Result<(), AppError> {
    let before = before.map(PetitionFacts::from);
    add_to(conn, &PETITIONS, &tally_delta(before.as_ref(), &PetitionFacts::from(after))).await
}

/// How a kind of tally is kept in a table: a date and integer ids as the key, one column per counter,
/// and the counts by key (histograms, decisions) as text columns (see `encode_counts`).
trait StoredTally: Tallied + Clone {
    type Key: Ord + Copy + std::fmt::Debug;
    /// The key columns after the date column, all integers.
    const IDS: &'static [&'static str];
    const COUNTERS: &'static [&'static str];
    const MAPS: &'static [&'static str];
    fn key(date: NaiveDate, ids: &[i32]) -> Self::Key;
    fn key_parts(key: &Self::Key) -> (NaiveDate, Vec<i32>);
    /// The counters, in the order of [`StoredTally::COUNTERS`].
    fn counters(&self) -> Vec<i64>;
    /// The maps encoded, in the order of [`StoredTally::MAPS`].
    fn maps(&self) -> Vec<String>;
    /// A tally from its columns, in the orders above.
    fn from_columns(counters: &[i64], maps: &[String]) -> Self;

    fn key_values(key: &Self::Key) -> Vec<Value> {
        let (date, ids) = Self::key_parts(key);
        std::iter::once(Value::from(date)).chain(ids.into_iter().map(Value::from)).collect()
    }

    /// The same tally with its counters zeroed: what must be merged into the stored maps.
    fn maps_only(&self) -> Self {
        Self::from_columns(&vec![0; Self::COUNTERS.len()], &self.maps())
    }
}

impl StoredTally for Tally {
    type Key = TallyKey;
    const IDS: &'static [&'static str] = &["executor_id", "category_id"];
    const COUNTERS: &'static [&'static str] = &[
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
    const MAPS: &'static [&'static str] = &["answer_days"];

    fn key(date: NaiveDate, ids: &[i32]) -> TallyKey {
        TallyKey { received_on: date, executor_id: ids[0], category_id: ids[1] }
    }

    fn key_parts(key: &TallyKey) -> (NaiveDate, Vec<i32>) {
        (key.received_on, vec![key.executor_id, key.category_id])
    }

    fn counters(&self) -> Vec<i64> {
        vec![
            self.received,
            self.duplicates,
            self.answered,
            self.answered_on_time,
            self.refused,
            self.extended,
            self.forwarded,
            self.returned_for_rework,
            self.confirmed,
            self.rated,
            self.rating_sum,
        ]
    }

    fn maps(&self) -> Vec<String> {
        vec![encode_counts(&self.answer_days)]
    }

    fn from_columns(c: &[i64], maps: &[String]) -> Tally {
        Tally {
            received: c[0],
            duplicates: c[1],
            answered: c[2],
            answered_on_time: c[3],
            refused: c[4],
            extended: c[5],
            forwarded: c[6],
            returned_for_rework: c[7],
            confirmed: c[8],
            rated: c[9],
            rating_sum: c[10],
            answer_days: decode_counts(&maps[0]),
        }
    }
}

impl StoredTally for PetitionTally {
    type Key = PetitionTallyKey;
    const IDS: &'static [&'static str] = &["council_id"];
    const COUNTERS: &'static [&'static str] = &[
        "submitted",
        "unmoderated",
        "moderated_within_term",
        "moderated_late",
        "published",
        "refused",
        "reached_threshold",
        "awaiting_notice",
        "notices_published",
        "answers_published",
        "considered_within_term",
        "considered_late",
        "unanswered_after_notice",
        "closed_short",
        "became_appeals",
    ];
    const MAPS: &'static [&'static str] = &["decisions", "days_to_notice"];

    fn key(date: NaiveDate, ids: &[i32]) -> PetitionTallyKey {
        PetitionTallyKey { submitted_on: date, council_id: ids[0] }
    }

    fn key_parts(key: &PetitionTallyKey) -> (NaiveDate, Vec<i32>) {
        (key.submitted_on, vec![key.council_id])
    }

    fn counters(&self) -> Vec<i64> {
        vec![
            self.submitted,
            self.unmoderated,
            self.moderated_within_term,
            self.moderated_late,
            self.published,
            self.refused,
            self.reached_threshold,
            self.awaiting_notice,
            self.notices_published,
            self.answers_published,
            self.considered_within_term,
            self.considered_late,
            self.unanswered_after_notice,
            self.closed_short,
            self.became_appeals,
        ]
    }

    fn maps(&self) -> Vec<String> {
        vec![encode_counts(&self.decisions), encode_counts(&self.days_to_notice)]
    }

    fn from_columns(c: &[i64], maps: &[String]) -> PetitionTally {
        PetitionTally {
            submitted: c[0],
            unmoderated: c[1],
            moderated_within_term: c[2],
            moderated_late: c[3],
            published: c[4],
            refused: c[5],
            reached_threshold: c[6],
            awaiting_notice: c[7],
            notices_published: c[8],
            answers_published: c[9],
            considered_within_term: c[10],
            considered_late: c[11],
            unanswered_after_notice: c[12],
            closed_short: c[13],
            became_appeals: c[14],
            decisions: decode_counts(&maps[0]),
            days_to_notice: decode_counts(&maps[1]),
        }
    }
}

/// A tally table: its name and its date column; the rest of its columns are the tally's.
struct TallyTable<T> {
    name: &'static str,
    date_column: &'static str,
    kind: PhantomData<T>,
}

const DAILY: TallyTable<Tally> = TallyTable { name: "appeal_tallies", date_column: "received_on", kind: PhantomData };
/// The monthly appeal tallies: the date column holds the first of the month.
const MONTHLY: TallyTable<Tally> = TallyTable { name: "appeal_month_tallies", date_column: "month", kind: PhantomData };
/// Petitions are few enough (a hundred thousand a year) that daily rows serve every period.
const PETITIONS: TallyTable<PetitionTally> =
    TallyTable { name: "petition_tallies", date_column: "submitted_on", kind: PhantomData };

impl<T: StoredTally> TallyTable<T> {
    fn key_columns(&self) -> Vec<&'static str> {
        std::iter::once(self.date_column).chain(T::IDS.iter().copied()).collect()
    }

    /// `WHERE` the key columns equal the parameters `$1…`.
    fn key_filter(&self) -> String {
        let columns = self.key_columns();
        let terms: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
        format!("WHERE {}", terms.join(" AND "))
    }

    fn all_columns(&self) -> Vec<&'static str> {
        let mut columns = self.key_columns();
        columns.extend(T::COUNTERS);
        columns.extend(T::MAPS);
        columns
    }

    fn row_values(&self, key: &T::Key, tally: &T) -> Vec<Value> {
        let mut values = T::key_values(key);
        values.extend(tally.counters().into_iter().map(Value::from));
        values.extend(tally.maps().into_iter().map(Value::from));
        values
    }

    fn parse_row(&self, row: &QueryResult) -> Result<(T::Key, T), AppError> {
        let date: NaiveDate = row.try_get("", self.date_column)?;
        let (ids, tally) = parse_sum::<T>(row)?;
        Ok((T::key(date, &ids), tally))
    }
}

/// A row of ids, counters and maps by their column names (a stored row without its date, or a sum).
fn parse_sum<T: StoredTally>(row: &QueryResult) -> Result<(Vec<i32>, T), AppError> {
    let ids = T::IDS.iter().map(|c| row.try_get::<i32>("", c)).collect::<Result<Vec<_>, _>>()?;
    let counters = T::COUNTERS.iter().map(|c| row.try_get::<i64>("", c)).collect::<Result<Vec<_>, _>>()?;
    let maps = T::MAPS.iter().map(|c| row.try_get::<String>("", c)).collect::<Result<Vec<_>, _>>()?;
    Ok((ids, T::from_columns(&counters, &maps)))
}

/// Adds daily changes to their daily rows, then to their monthly rows. Within each table rows are
/// taken in key order, and every transaction takes daily rows before monthly ones, so two
/// transactions never wait for each other in a cycle.
async fn apply(conn: &impl ConnectionTrait, changes: &[(TallyKey, Tally)]) -> Result<(), AppError> {
    let mut daily = changes.to_vec();
    daily.sort_by_key(|(key, _)| *key);
    add_to(conn, &DAILY, &daily).await?;
    add_to(conn, &MONTHLY, &monthly(&daily)).await
}

static TALLIES_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Moves on whenever this process changes a tally (before the commit, and again after a rebuild): what
/// caches of figures compare their copies with (`service::metrics`).
pub fn tallies_generation() -> &'static std::sync::atomic::AtomicU64 {
    &TALLIES_GENERATION
}

fn tallies_changed() {
    TALLIES_GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// Counters are added in one upsert per row; a change to the maps is read, merged and written back
/// while the upsert holds the row.
async fn add_to<T: StoredTally>(
    conn: &impl ConnectionTrait,
    table: &TallyTable<T>,
    changes: &[(T::Key, T)],
) -> Result<(), AppError> {
    tallies_changed();
    let backend = conn.get_database_backend();
    let name = table.name;
    let keys = table.key_columns();
    let key_count = keys.len();
    let counter_params = (key_count + 1..=key_count + T::COUNTERS.len()).map(|i| format!("${i}")).collect::<Vec<_>>();
    let no_maps = vec!["''"; T::MAPS.len()];
    let updates = T::COUNTERS.iter().map(|c| format!("{c} = {name}.{c} + excluded.{c}")).collect::<Vec<_>>();
    let upsert = format!(
        "INSERT INTO {name} ({}) VALUES ({}, {}, {}) ON CONFLICT ({}) DO UPDATE SET {}",
        table.all_columns().join(", "),
        (1..=key_count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "),
        counter_params.join(", "),
        no_maps.join(", "),
        keys.join(", "),
        updates.join(", "),
    );
    let key_filter = table.key_filter();
    let empty_maps = T::default().maps();
    for (key, change) in changes {
        let key_values = T::key_values(key);
        let mut values = key_values.clone();
        values.extend(change.counters().into_iter().map(Value::from));
        conn.execute_raw(Statement::from_sql_and_values(backend, &upsert, values)).await?;
        if change.maps() == empty_maps {
            continue;
        }
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT {} FROM {name} {key_filter}", T::MAPS.join(", ")),
                key_values.clone(),
            ))
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the {name} row {key:?} vanished")))?;
        let stored = T::MAPS.iter().map(|c| row.try_get::<String>("", c)).collect::<Result<Vec<_>, _>>()?;
        let mut merged = T::from_columns(&vec![0; T::COUNTERS.len()], &stored);
        merged.add(&change.maps_only(), 1);
        let assignments =
            T::MAPS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", key_count + i + 1)).collect::<Vec<_>>();
        let mut values = key_values;
        values.extend(merged.maps().into_iter().map(Value::from));
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("UPDATE {name} SET {} {key_filter}", assignments.join(", ")),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// The columns of an appeal its figures depend on, read without the texts.
#[derive(Debug, FromQueryResult)]
struct AppealFactsRow {
    id: i32,
    received_at: DateTime<Utc>,
    executor_id: i32,
    category_id: Option<i32>,
    status: String,
    answered_at: Option<DateTime<Utc>>,
    due_at: DateTime<Utc>,
    extended_due_at: Option<DateTime<Utc>>,
    overdue_at: Option<DateTime<Utc>>,
    forwarded_count: i32,
    rework_count: i32,
    rating: Option<i32>,
}

impl AppealFactsRow {
    fn facts(self) -> Result<AppealFacts, AppError> {
        Ok(AppealFacts {
            received_at: self.received_at,
            executor_id: self.executor_id,
            category_id: self.category_id,
            status: parse_status(&self.status)?,
            answered_at: self.answered_at,
            due_at: self.due_at,
            extended_due_at: self.extended_due_at,
            overdue_at: self.overdue_at,
            forwarded_count: self.forwarded_count,
            rework_count: self.rework_count,
            rating: self.rating,
        })
    }
}

/// The columns of a petition its figures depend on, read without the texts.
#[derive(Debug, FromQueryResult)]
struct PetitionFactsRow {
    id: i32,
    council_id: i32,
    status: String,
    submitted_at: DateTime<Utc>,
    publication_due_at: DateTime<Utc>,
    moderated_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    threshold_reached_at: Option<DateTime<Utc>>,
    notice_at: Option<DateTime<Utc>>,
    consideration_due_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    decision: Option<String>,
    closed_at: Option<DateTime<Utc>>,
    appeal_id: Option<i32>,
}

impl PetitionFactsRow {
    fn facts(self) -> Result<PetitionFacts, AppError> {
        let bad = |what: &str| AppError::Internal(anyhow::anyhow!("petition {} has a bad {what}", self.id));
        Ok(PetitionFacts {
            council_id: self.council_id,
            status: PetitionStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            submitted_at: self.submitted_at,
            publication_due_at: self.publication_due_at,
            moderated_at: self.moderated_at,
            published_at: self.published_at,
            threshold_reached_at: self.threshold_reached_at,
            notice_at: self.notice_at,
            consideration_due_at: self.consideration_due_at,
            answered_at: self.answered_at,
            decision: match &self.decision {
                Some(code) => Some(Decision::parse(code).ok_or_else(|| bad("decision"))?),
                None => None,
            },
            closed_at: self.closed_at,
            appeal_id: self.appeal_id,
        })
    }
}

/// Every appeal's and every petition's contribution, summed per tally row, read in chunks by id.
struct Recount {
    appeal_days: BTreeMap<TallyKey, Tally>,
    petition_days: BTreeMap<PetitionTallyKey, PetitionTally>,
    counted: Rebuilt,
}

/// How many items a rebuild counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub appeals: u64,
    pub petitions: u64,
}

async fn recount(conn: &impl ConnectionTrait) -> Result<Recount, AppError> {
    let mut recount =
        Recount { appeal_days: BTreeMap::new(), petition_days: BTreeMap::new(), counted: Rebuilt::default() };
    each_chunk(conn, |rows: Vec<AppealFactsRow>| {
        recount.counted.appeals += rows.len() as u64;
        let facts = rows.into_iter().map(AppealFactsRow::facts).collect::<Result<Vec<_>, _>>()?;
        for (key, tally) in summed(facts) {
            recount.appeal_days.entry(key).or_default().add(&tally, 1);
        }
        Ok(())
    })
    .await?;
    each_chunk(conn, |rows: Vec<PetitionFactsRow>| {
        recount.counted.petitions += rows.len() as u64;
        let facts = rows.into_iter().map(PetitionFactsRow::facts).collect::<Result<Vec<_>, _>>()?;
        for (key, tally) in summed(facts) {
            recount.petition_days.entry(key).or_default().add(&tally, 1);
        }
        Ok(())
    })
    .await?;
    Ok(recount)
}

/// The columns of an item its figures depend on, read without the texts, in chunks by id.
trait FactsRow: FromQueryResult + Send + Sync {
    type Entity: EntityTrait;
    const COLUMNS: &'static [<Self::Entity as EntityTrait>::Column];
    const ID: <Self::Entity as EntityTrait>::Column;
    fn id(&self) -> i32;
}

/// Reads every `R` row in chunks of 20,000 by id, so memory stays flat, handing each chunk to `add`.
async fn each_chunk<R: FactsRow>(
    conn: &impl ConnectionTrait,
    mut add: impl FnMut(Vec<R>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    const CHUNK: u64 = 20_000;
    let mut last_id = 0;
    loop {
        let rows: Vec<R> = R::Entity::find()
            .select_only()
            .columns(R::COLUMNS.iter().copied())
            .filter(R::ID.gt(last_id))
            .order_by_asc(R::ID)
            .limit(CHUNK)
            .into_model()
            .all(conn)
            .await?;
        let Some(last) = rows.last() else { return Ok(()) };
        last_id = last.id();
        add(rows)?;
    }
}

impl FactsRow for AppealFactsRow {
    type Entity = appeals::Entity;
    const COLUMNS: &'static [appeals::Column] = {
        use appeals::Column as C;
        &[
            C::Id,
            C::ReceivedAt,
            C::ExecutorId,
            C::CategoryId,
            C::Status,
            C::AnsweredAt,
            C::DueAt,
            C::ExtendedDueAt,
            C::OverdueAt,
            C::ForwardedCount,
            C::ReworkCount,
            C::Rating,
        ]
    };
    const ID: appeals::Column = appeals::Column::Id;

    fn id(&self) -> i32 {
        self.id
    }
}

impl FactsRow for PetitionFactsRow {
    type Entity = petitions::Entity;
    const COLUMNS: &'static [petitions::Column] = {
        use petitions::Column as C;
        &[
            C::Id,
            C::CouncilId,
            C::Status,
            C::SubmittedAt,
            C::PublicationDueAt,
            C::ModeratedAt,
            C::PublishedAt,
            C::ThresholdReachedAt,
            C::NoticeAt,
            C::ConsiderationDueAt,
            C::AnsweredAt,
            C::Decision,
            C::ClosedAt,
            C::AppealId,
        ]
    };
    const ID: petitions::Column = petitions::Column::Id;

    fn id(&self) -> i32 {
        self.id
    }
}

/// Recomputes every tally (appeals daily and monthly, petitions daily) from the appeals and petitions
/// tables (after a bulk load, or to repair them). Returns how many items were counted.
///
/// Safe beside running instances: on PostgreSQL the tally tables are locked first, so a transition that
/// commits meanwhile waits at its own tally update and applies its change on top of the rebuilt rows;
/// on SQLite the write transaction excludes every other writer.
pub async fn rebuild(db: &DatabaseConnection) -> Result<Rebuilt, AppError> {
    let txn = super::begin_write(db).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!(
            "LOCK TABLE {}, {}, {} IN EXCLUSIVE MODE",
            DAILY.name, MONTHLY.name, PETITIONS.name
        ))
        .await?;
    }
    let recount = recount(&txn).await?;
    let days: Vec<(TallyKey, Tally)> = recount.appeal_days.into_iter().collect();
    let months = monthly(&days);
    // Derived rows only: the appeals and petitions themselves are never deleted.
    replace_rows(&txn, &DAILY, &days).await?;
    replace_rows(&txn, &MONTHLY, &months).await?;
    replace_rows(&txn, &PETITIONS, &recount.petition_days.into_iter().collect::<Vec<_>>()).await?;
    txn.commit().await?;
    tallies_changed();
    Ok(recount.counted)
}

async fn replace_rows<T: StoredTally>(
    conn: &impl ConnectionTrait,
    table: &TallyTable<T>,
    rows: &[(T::Key, T)],
) -> Result<(), AppError> {
    conn.execute_unprepared(&format!("DELETE FROM {}", table.name)).await?;
    let columns = table.all_columns();
    let per_row = columns.len();
    for chunk in rows.chunks(500) {
        let tuples = (0..chunk.len())
            .map(|r| {
                format!("({})", (1..=per_row).map(|c| format!("${}", r * per_row + c)).collect::<Vec<_>>().join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let values: Vec<Value> = chunk.iter().flat_map(|(key, tally)| table.row_values(key, tally)).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES {tuples}", table.name, columns.join(", "));
        conn.execute_raw(Statement::from_sql_and_values(conn.get_database_backend(), sql, values)).await?;
    }
    Ok(())
}

/// Every row of a tally table.
async fn read_rows<T: StoredTally>(
    conn: &impl ConnectionTrait,
    table: &TallyTable<T>,
) -> Result<Vec<(T::Key, T)>, AppError> {
    let sql = format!("SELECT {} FROM {}", table.all_columns().join(", "), table.name);
    let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
    rows.iter().map(|row| table.parse_row(row)).collect()
}

/// The rows of a tally table whose date lies in the period, summed per key without the date. The
/// database adds them up: a year of appeals is some 6,000 monthly rows but 650 sums. The maps' texts
/// are joined with commas, which reads back as their sum (`decode_counts` adds repeated keys).
async fn read_sums<T: StoredTally>(
    conn: &impl ConnectionTrait,
    table: &TallyTable<T>,
    period: Period,
) -> Result<Vec<(Vec<i32>, T)>, AppError> {
    let sums = read_bucketed_sums(conn, table, period, &Split::whole()).await?;
    Ok(sums.into_iter().map(|(_, ids, tally)| (ids, tally)).collect())
}

/// How the rows of a period are summed: as one, or per calendar month (an organisation's trend), and for
/// every executor or one.
struct Split<'a> {
    /// The first day of every month after the first: row dates before the k-th go to bucket k.
    month_starts: &'a [NaiveDate],
    executor: Option<i32>,
}

impl Split<'_> {
    fn whole() -> Self {
        Split { month_starts: &[], executor: None }
    }

    /// A `CASE` numbering the bucket of `column`, its bounds the parameters `$first`…: grouping by it lets
    /// the database sum every month in one query, the same SQL on SQLite and PostgreSQL.
    fn bucket(&self, column: &str, first: usize) -> String {
        if self.month_starts.is_empty() {
            return "0".into();
        }
        let whens: String =
            (0..self.month_starts.len()).map(|k| format!("WHEN {column} < ${} THEN {k} ", first + k)).collect();
        format!("CASE {whens}ELSE {} END", self.month_starts.len())
    }

    /// `AND executor_id = $n` when one executor is asked for (`$n` after the bucket bounds).
    fn executor_filter(&self, first: usize) -> String {
        self.executor.map_or(String::new(), |_| format!(" AND executor_id = ${}", first + self.month_starts.len()))
    }

    /// The bucket bounds, then the executor, as parameter values; `bound` turns a month start into the
    /// value its column compares with.
    fn values(&self, bound: impl Fn(NaiveDate) -> Value) -> Vec<Value> {
        self.month_starts.iter().map(|&d| bound(d)).chain(self.executor.map(Value::from)).collect()
    }
}

/// [`read_sums`] per bucket of `split`: (bucket, ids, summed tally).
async fn read_bucketed_sums<T: StoredTally>(
    conn: &impl ConnectionTrait,
    table: &TallyTable<T>,
    period: Period,
    split: &Split<'_>,
) -> Result<Vec<(i32, Vec<i32>, T)>, AppError> {
    let backend = conn.get_database_backend();
    let join = if backend == DatabaseBackend::Postgres { "string_agg" } else { "group_concat" };
    let ids = T::IDS.join(", ");
    // SUM of a bigint is a numeric on PostgreSQL: cast back.
    let counters = T::COUNTERS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"));
    let maps = T::MAPS.iter().map(|m| format!("COALESCE({join}(NULLIF({m}, ''), ','), '') AS {m}"));
    let columns: Vec<String> = counters.chain(maps).collect();
    let sql = format!(
        "SELECT {} AS bucket, {ids}, {} FROM {} WHERE {} BETWEEN $1 AND $2{} GROUP BY bucket, {ids}",
        split.bucket(table.date_column, 3),
        columns.join(", "),
        table.name,
        table.date_column,
        split.executor_filter(3),
    );
    let mut values: Vec<Value> = vec![period.from.into(), period.to.into()];
    values.extend(split.values(Value::from));
    let rows = conn.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    rows.iter()
        .map(|row| {
            let (ids, tally) = parse_sum::<T>(row)?;
            Ok((row.try_get::<i32>("", "bucket")?, ids, tally))
        })
        .collect()
}

/// A stored tally row that differs from a fresh recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyDifference {
    pub table: &'static str,
    pub key: String,
    pub stored: String,
    pub recounted: String,
}

impl std::fmt::Display for TallyDifference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: stored {}, recounted {}", self.table, self.key, self.stored, self.recounted)
    }
}

/// The rows of `table` that differ from `expected`.
async fn differences<T: StoredTally + std::fmt::Debug>(
    db: &DatabaseConnection,
    table: &TallyTable<T>,
    expected: impl IntoIterator<Item = (T::Key, T)>,
) -> Result<Vec<TallyDifference>, AppError> {
    let mut expected: BTreeMap<T::Key, T> = expected.into_iter().collect();
    let difference = |key: &T::Key, stored: &T, recounted: &T| TallyDifference {
        table: table.name,
        key: format!("{key:?}"),
        stored: format!("{stored:?}"),
        recounted: format!("{recounted:?}"),
    };
    let mut found = Vec::new();
    for (key, stored) in read_rows(db, table).await? {
        let wanted = expected.remove(&key).unwrap_or_default();
        if stored != wanted {
            found.push(difference(&key, &stored, &wanted));
        }
    }
    found.extend(expected.iter().filter(|(_, t)| !t.is_zero()).map(|(k, t)| difference(k, &T::default(), t)));
    Ok(found)
}

/// The tally rows, appeal daily and monthly and petition daily, that differ from a fresh recount (empty
/// when the live tallies are exact).
pub async fn check(db: &DatabaseConnection) -> Result<Vec<TallyDifference>, AppError> {
    let recount = recount(db).await?;
    let days: Vec<(TallyKey, Tally)> = recount.appeal_days.into_iter().collect();
    let months = monthly(&days);
    let mut found = differences(db, &DAILY, days).await?;
    found.extend(differences(db, &MONTHLY, months).await?);
    found.extend(differences(db, &PETITIONS, recount.petition_days).await?);
    Ok(found)
}

/// An organisation and category pair (category 0: appeals without a category).
pub type ExecutorCategory = (i32, i32);

/// The appeals of a period per executor and category: the summed tallies (monthly rows for the whole
/// months of the period, daily rows for the days around them) and how many open ones are past their
/// deadline at `now`.
pub async fn appeal_tallies(db: &DatabaseConnection, period: Period, now: DateTime<Utc>) -> Result<Sums, AppError> {
    Ok(split_tallies(db, period, &Split::whole(), now).await?.pop().unwrap_or_default())
}

/// [`appeal_tallies`] of one executor for each calendar month the period touches (clipped to the period,
/// as [`Period::months`]), in order: the database groups by month, so a year is a few queries, not twelve
/// rounds of them.
pub async fn appeal_month_tallies(
    db: &DatabaseConnection,
    period: Period,
    executor_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Sums>, AppError> {
    let month_starts: Vec<NaiveDate> = period.months().iter().skip(1).map(|m| m.from).collect();
    split_tallies(db, period, &Split { month_starts: &month_starts, executor: Some(executor_id) }, now).await
}

/// Summed tallies and overdue counts per executor and category.
pub type Sums = BTreeMap<ExecutorCategory, (Tally, i64)>;

/// The tallies and overdue counts of a period, one [`Sums`] per bucket of `split`.
async fn split_tallies(
    db: &DatabaseConnection,
    period: Period,
    split: &Split<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<Sums>, AppError> {
    let (day_ranges, months) = period.split_by_months();
    let mut parts = Vec::new();
    for range in day_ranges {
        parts.extend(read_bucketed_sums(db, &DAILY, range, split).await?);
    }
    if let Some(months) = months {
        parts.extend(read_bucketed_sums(db, &MONTHLY, months, split).await?);
    }
    let mut buckets: Vec<Sums> = vec![Sums::new(); split.month_starts.len() + 1];
    for (k, ids, tally) in &parts {
        let sums = &mut buckets[bucket_index(*k, split)];
        sums.entry((ids[0], ids[1])).or_default().0.add(tally, 1);
    }
    // The status codes are our own constants, written into the SQL on purpose: the condition is then the
    // predicate of the partial index of open appeals (m0012), which every plan uses, PostgreSQL's generic
    // plan for the prepared statement included; with the codes as parameters it could not.
    let awaiting = sql_list(&Status::awaiting_answer_codes());
    let mut values: Vec<Value> =
        vec![now.into(), kyiv_start_of_day(period.from).into(), kyiv_end_of_day(period.to).into()];
    values.extend(split.values(|d| kyiv_start_of_day(d).into()));
    let overdue = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT {} AS bucket, executor_id, COALESCE(category_id, 0) AS category_id, COUNT(*) AS overdue \
                 FROM appeals WHERE status IN ({awaiting}) AND due_at <= $1 AND received_at >= $2 AND received_at < $3{} \
                 GROUP BY bucket, executor_id, COALESCE(category_id, 0)",
                split.bucket("received_at", 4),
                split.executor_filter(4),
            ),
            values,
        ))
        .await?;
    for row in overdue {
        let key = (row.try_get::<i32>("", "executor_id")?, row.try_get::<i32>("", "category_id")?);
        let k = bucket_index(row.try_get::<i32>("", "bucket")?, split);
        buckets[k].entry(key).or_default().1 += row.try_get::<i64>("", "overdue")?;
    }
    Ok(buckets)
}

/// A bucket number from the database as an index of the buckets (clamped: the `CASE` only yields 0..=n).
fn bucket_index(k: i32, split: &Split<'_>) -> usize {
    usize::try_from(k).unwrap_or(0).min(split.month_starts.len())
}

/// Each council's petition figures for a period, at `now`, counted by the published definitions
/// (`domain::metrics::DEFINITIONS`, petitions.*): the summed daily tallies, and live counts of the few
/// petitions whose figures depend on the moment (see [`PetitionLive`]).
pub async fn petition_figures(
    db: &DatabaseConnection,
    period: Period,
    now: DateTime<Utc>,
) -> Result<BTreeMap<i32, PetitionFigures>, AppError> {
    let mut tallies: BTreeMap<i32, PetitionTally> = BTreeMap::new();
    for (ids, tally) in read_sums(db, &PETITIONS, period).await? {
        tallies.entry(ids[0]).or_default().add(&tally, 1);
    }
    let mut live: BTreeMap<i32, PetitionLive> = BTreeMap::new();
    let backend = db.get_database_backend();
    let range: Vec<Value> = vec![kyiv_start_of_day(period.from).into(), kyiv_end_of_day(period.to).into(), now.into()];
    // Each condition before the period matches a partial index (m0011), written as the index's own
    // predicate so that every plan, generic ones included, reads only the few petitions concerned.
    let overdue = |condition: &str, due: &str| {
        format!(
            "SELECT council_id, COUNT(*) AS n FROM petitions \
             WHERE {condition} AND submitted_at >= $1 AND submitted_at < $2 AND {due} <= $3 GROUP BY council_id"
        )
    };
    for (sql, field) in [
        (overdue("moderated_at IS NULL", "publication_due_at"), 0),
        (overdue("answered_at IS NULL AND consideration_due_at IS NOT NULL", "consideration_due_at"), 1),
    ] {
        for row in db.query_all_raw(Statement::from_sql_and_values(backend, sql, range.clone())).await? {
            let entry = live.entry(row.try_get::<i32>("", "council_id")?).or_default();
            let n = row.try_get::<i64>("", "n")?;
            match field {
                0 => entry.moderation_overdue = n,
                _ => entry.consideration_overdue = n,
            }
        }
    }
    // Petitions filed as appeals: answered before the deadline in force, answered late, or open past it.
    let awaiting = Status::awaiting_answer_codes();
    let answered = [Status::Answered, Status::Confirmed, Status::Refused].map(Status::code);
    let appeals = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT p.council_id AS council_id, \
                 SUM(CASE WHEN a.status IN ({answered}) AND {on_time} THEN 1 ELSE 0 END) AS on_time, \
                 SUM(CASE WHEN (a.status IN ({answered}) AND NOT ({on_time})) \
                           OR (a.status IN ({awaiting}) AND a.due_at <= $3) THEN 1 ELSE 0 END) AS late \
                 FROM petitions p JOIN appeals a ON a.id = p.appeal_id \
                 WHERE p.appeal_id IS NOT NULL AND p.submitted_at >= $1 AND p.submitted_at < $2 \
                 GROUP BY p.council_id",
                answered = sql_list(&answered),
                awaiting = sql_list(&awaiting),
                on_time = answered_on_time_sql("a."),
            ),
            range,
        ))
        .await?;
    for row in appeals {
        let entry = live.entry(row.try_get::<i32>("", "council_id")?).or_default();
        // SUM of an integer CASE is a bigint on PostgreSQL and an integer on SQLite.
        entry.became_appeals_answered_on_time = row.try_get::<Option<i64>>("", "on_time")?.unwrap_or(0);
        entry.became_appeals_late_or_overdue = row.try_get::<Option<i64>>("", "late")?.unwrap_or(0);
    }
    let councils: std::collections::BTreeSet<i32> = tallies.keys().chain(live.keys()).copied().collect();
    Ok(councils
        .into_iter()
        .map(|council| {
            let tally = tallies.get(&council).cloned().unwrap_or_default();
            (council, domain_petition_figures(&tally, &live.get(&council).copied().unwrap_or_default()))
        })
        .collect())
}

/// Our own status codes as an SQL list of literals (`'a', 'b'`): written into the query, not bound, so
/// that the conditions match the partial indexes' predicates for every plan.
fn sql_list(codes: &[&str]) -> String {
    codes.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
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
