//! Open data: petitions, appeals and their transitions as CSV and JSON, without personal data, and the
//! published schema of every column — enough for a watchdog to recompute every response-rate figure.
//!
//! Exports are streamed: rows are read [`CHUNK_ROWS`] at a time by id (keyset pagination) and written to
//! the body as they arrive, and the next rows are read only when the client has taken the last ones, so a
//! million appeals never sit in memory at once. At most `open_data.max_concurrent_downloads` stream at once.
use std::io;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use poem::{Body, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Query, payload::Binary, payload::Json};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use tokio::sync::OwnedSemaphorePermit;

use super::{ApiTags, AppState};
pub use crate::service::open_data::DownloadSlots;
use crate::{
    domain::calendar::{kyiv_end_of_day, kyiv_start_of_day},
    error::{ApiResult, AppError},
    storage::{
        self,
        open_data::{AppealRow, CHUNK_ROWS, Period, PetitionRow, TransitionRow},
    },
};

/// Hex digits of a pseudonym: 64 bits, so two authors practically never share one.
const PSEUDONYM_HEX: usize = 16;

/// One published column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    /// `integer`, `number`, `boolean`, `string` or `timestamp` (RFC 3339, UTC).
    pub kind: &'static str,
    pub nullable: bool,
    pub description: &'static str,
}

const fn col(name: &'static str, kind: &'static str, nullable: bool, description: &'static str) -> ColumnSpec {
    ColumnSpec { name, kind, nullable, description }
}

const PETITION_COLUMNS: &[ColumnSpec] = &[
    col("id", "integer", false, "The petition's number, as on the site."),
    col(
        "council_id",
        "integer",
        false,
        "The council it is addressed to (an organisation of /api/v1/directory/organisations).",
    ),
    col("category_id", "integer", true, "Its category (/api/v1/directory/categories), when the author chose one."),
    col(
        "status",
        "string",
        false,
        "moderation, refused, collecting, awaiting_consideration, under_consideration, answered or closed.",
    ),
    col(
        "submitted_at",
        "timestamp",
        false,
        "When it was submitted. This date puts a petition in a period (the from/to filter).",
    ),
    col(
        "publication_due_at",
        "timestamp",
        false,
        "End of the moderation term (2 working days after submission): publication or refusal before this instant is on time.",
    ),
    col("moderated_at", "timestamp", true, "When it was published or refused."),
    col("published_at", "timestamp", true, "When it was published and signature collection began."),
    col(
        "refusal_code",
        "string",
        true,
        "Why publication was refused: banned_content, not_council_competence, duplicate, no_essence or abusive.",
    ),
    col("statute_id", "integer", true, "The statute terms in force at publication (/api/v1/petitions/statutes)."),
    col("signature_threshold", "integer", true, "Signatures needed, from those statute terms."),
    col("collection_ends_at", "timestamp", true, "When signature collection ends."),
    col("signature_count", "integer", false, "Signatures counted (confirmed, withdrawals subtracted)."),
    col("threshold_reached_at", "timestamp", true, "When the count reached the threshold."),
    col("notice_at", "timestamp", true, "When the council published the notice that consideration started."),
    col(
        "consideration_due_at",
        "timestamp",
        true,
        "End of the consideration term (10 working days after the notice): an answer before this instant is on time.",
    ),
    col("answered_at", "timestamp", true, "When the council's answer was published."),
    col("decision", "string", true, "The council's decision: supported, partly_supported or not_supported."),
    col("closed_at", "timestamp", true, "When collection ended short of the threshold."),
    col(
        "appeal_id",
        "integer",
        true,
        "The appeal this petition became at its author's request, after closing short (see the appeals dataset).",
    ),
    col(
        "title",
        "string",
        true,
        "The title, only for petitions that were published; empty while in moderation and for refused petitions.",
    ),
];

const APPEAL_COLUMNS: &[ColumnSpec] = &[
    col("id", "integer", false, "The appeal's registration number."),
    col("kind", "string", false, "proposal, application, complaint or issue_report."),
    col("channel", "string", false, "How it arrived: web, paper, phone, email or open311."),
    col("category_id", "integer", true, "Its category (/api/v1/directory/categories)."),
    col("district_id", "integer", true, "The district it concerns (/api/v1/directory/districts)."),
    col(
        "executor_id",
        "integer",
        false,
        "The organisation that must answer now (/api/v1/directory/organisations); after forwarding, the last one.",
    ),
    col("status", "string", false, "received, in_progress, rework, answered, confirmed, refused or duplicate."),
    col("deadline_rule", "string", false, "The legal term applied (see /api/v1/deadlines/rules)."),
    col(
        "received_at",
        "timestamp",
        false,
        "When it was received (for paper appeals: the date written on it). This date puts an appeal in a period (the from/to filter).",
    ),
    col("registered_at", "timestamp", false, "When it was entered into the service."),
    col(
        "executor_received_at",
        "timestamp",
        false,
        "When the current executor received it (differs from received_at after forwarding).",
    ),
    col("original_due_at", "timestamp", false, "The first deadline, before any extension or forwarding."),
    col(
        "due_at",
        "timestamp",
        false,
        "The deadline in force: an answer before this instant is on time (it includes any extension).",
    ),
    col(
        "extended_due_at",
        "timestamp",
        true,
        "The extended deadline, when the head extended the term (reported separately from on-time answers).",
    ),
    col(
        "forward_due_at",
        "timestamp",
        false,
        "The last moment to forward it to the competent body within 5 days (art. 7).",
    ),
    col("forwarded_count", "integer", false, "How many times it was forwarded."),
    col("overdue_at", "timestamp", true, "When the deadline watcher marked it overdue."),
    col("answered_at", "timestamp", true, "When the last written answer or refusal was given."),
    col("resolution", "string", true, "The answer's outcome: resolved, not_resolved or not_competent."),
    col(
        "refusal_code",
        "string",
        true,
        "Why it was not considered: anonymous, repeated, complaint_out_of_time or non_conforming.",
    ),
    col("confirmed_at", "timestamp", true, "When the author confirmed the fix."),
    col("rework_count", "integer", false, "How many times the author returned the answer for rework."),
    col("rating", "integer", true, "The author's rating of the answer, 1 to 5."),
    col("duplicate_of_id", "integer", true, "The earlier report this one duplicates."),
    col(
        "author_pseudonym",
        "string",
        true,
        "A stable opaque token per author account (see `pseudonym`); empty for appeals whose author has no account (paper, phone).",
    ),
    col(
        "latitude",
        "number",
        true,
        "Issue reports only (they are public anyway): the point, rounded to 4 decimals (about 10 m). Empty for other appeals.",
    ),
    col("longitude", "number", true, "Issue reports only: the point, rounded to 4 decimals. Empty for other appeals."),
];

const TRANSITION_COLUMNS: &[ColumnSpec] = &[
    col(
        "id",
        "integer",
        false,
        "The event's number in the service's log (the same as event_id in /api/v1/audit/chain); gives the order.",
    ),
    col(
        "occurred_at",
        "timestamp",
        false,
        "When it happened. This date puts a transition in a period (the from/to filter).",
    ),
    col("subject_type", "string", false, "appeal (every kind, issue reports included) or petition."),
    col("subject_id", "integer", false, "The id of the appeal or petition in its dataset."),
    col(
        "action",
        "string",
        false,
        "What happened, e.g. received, acknowledged, forwarded, extended, answered, submitted, published, threshold_reached.",
    ),
    col("from_state", "string", true, "The status before, when the status changed."),
    col("to_state", "string", true, "The status after, when the status changed."),
];

/// The three datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Petitions,
    Appeals,
    Transitions,
}

impl Dataset {
    pub const ALL: [Dataset; 3] = [Dataset::Petitions, Dataset::Appeals, Dataset::Transitions];

    pub fn name(self) -> &'static str {
        match self {
            Dataset::Petitions => "petitions",
            Dataset::Appeals => "appeals",
            Dataset::Transitions => "transitions",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Dataset::Petitions => PETITION_COLUMNS,
            Dataset::Appeals => APPEAL_COLUMNS,
            Dataset::Transitions => TRANSITION_COLUMNS,
        }
    }

    fn description(self) -> &'static str {
        match self {
            Dataset::Petitions => "Every petition ever submitted, with its terms, dates and signature count.",
            Dataset::Appeals => {
                "Every citizens' appeal and issue report, with its executor, deadlines, answer dates and outcome."
            }
            Dataset::Transitions => "Every recorded step of every appeal and petition, oldest first.",
        }
    }

    fn filtered_by(self) -> &'static str {
        match self {
            Dataset::Petitions => "submitted_at",
            Dataset::Appeals => "received_at",
            Dataset::Transitions => "occurred_at",
        }
    }

    async fn last_id(self, db: &DatabaseConnection) -> Result<Option<i32>, AppError> {
        match self {
            Dataset::Petitions => storage::open_data::last_petition_id(db).await,
            Dataset::Appeals => storage::open_data::last_appeal_id(db).await,
            Dataset::Transitions => storage::open_data::last_event_id(db).await,
        }
    }
}

/// One value of a row, typed so CSV and JSON render it the same way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Num(f64),
    Bool(bool),
    Text(String),
    Time(DateTime<Utc>),
}

impl Cell {
    fn time(t: Option<DateTime<Utc>>) -> Cell {
        t.map_or(Cell::Null, Cell::Time)
    }

    fn int(v: Option<i32>) -> Cell {
        v.map_or(Cell::Null, |v| Cell::Int(v.into()))
    }

    fn text(v: Option<String>) -> Cell {
        v.map_or(Cell::Null, Cell::Text)
    }

    fn csv(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(v) => v.to_string(),
            Cell::Num(v) => v.to_string(),
            Cell::Bool(v) => v.to_string(),
            Cell::Text(v) => defused(v),
            Cell::Time(t) => timestamp(*t),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(v) => (*v).into(),
            Cell::Num(v) => (*v).into(),
            Cell::Bool(v) => (*v).into(),
            Cell::Text(v) => v.as_str().into(),
            Cell::Time(t) => timestamp(*t).into(),
        }
    }
}

/// RFC 3339 in UTC with microseconds, so "answered before the deadline" compares exactly as stored.
fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Derives author pseudonyms: HMAC-SHA256 keyed with the secret, over the account id in decimal.
///
/// Without the key nobody can link a pseudonym to an account, even though account ids are small numbers
/// that could be tried one by one against a plain hash.
#[derive(Clone)]
pub struct Pseudonyms {
    inner: Sha256,
    outer: Sha256,
}

impl Pseudonyms {
    pub fn new(secret: &[u8]) -> Self {
        // RFC 2104: the key padded to one block, XORed with the inner and outer pads.
        let mut block = [0u8; 64];
        if secret.len() > block.len() {
            block[..32].copy_from_slice(&Sha256::digest(secret));
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        let mut inner = Sha256::new();
        inner.update(block.map(|b| b ^ 0x36));
        let mut outer = Sha256::new();
        outer.update(block.map(|b| b ^ 0x5c));
        Pseudonyms { inner, outer }
    }

    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut inner = self.inner.clone();
        inner.update(message);
        let mut outer = self.outer.clone();
        outer.update(inner.finalize());
        outer.finalize().into()
    }

    pub fn of(&self, account_id: i32) -> String {
        let mut token = hex::encode(self.mac(account_id.to_string().as_bytes()));
        token.truncate(PSEUDONYM_HEX);
        token
    }
}

/// Issue-report coordinates to about 10 m: enough to map a pothole, too coarse to pinpoint a doorway.
fn rounded(v: Option<f64>) -> Cell {
    match v {
        Some(v) if v.is_finite() => Cell::Num((v * 10_000.0).round() / 10_000.0),
        _ => Cell::Null,
    }
}

fn petition_cells(row: PetitionRow) -> Vec<Cell> {
    // A title is public only once a moderator published it: never for refused or pending ones.
    let title = row.published_at.map(|_| row.title);
    vec![
        Cell::Int(row.id.into()),
        Cell::Int(row.council_id.into()),
        Cell::int(row.category_id),
        Cell::Text(row.status),
        Cell::Time(row.submitted_at),
        Cell::Time(row.publication_due_at),
        Cell::time(row.moderated_at),
        Cell::time(row.published_at),
        Cell::text(row.refusal_code),
        Cell::int(row.statute_id),
        Cell::int(row.signature_threshold),
        Cell::time(row.collection_ends_at),
        Cell::Int(row.signature_count),
        Cell::time(row.threshold_reached_at),
        Cell::time(row.notice_at),
        Cell::time(row.consideration_due_at),
        Cell::time(row.answered_at),
        Cell::text(row.decision),
        Cell::time(row.closed_at),
        Cell::int(row.appeal_id),
        Cell::text(title),
    ]
}

fn appeal_cells(row: AppealRow, pseudonyms: &Pseudonyms) -> Vec<Cell> {
    let report = row.kind == "issue_report";
    vec![
        Cell::Int(row.id.into()),
        Cell::Text(row.kind),
        Cell::Text(row.channel),
        Cell::int(row.category_id),
        Cell::int(row.district_id),
        Cell::Int(row.executor_id.into()),
        Cell::Text(row.status),
        Cell::Text(row.deadline_rule),
        Cell::Time(row.received_at),
        Cell::Time(row.registered_at),
        Cell::Time(row.executor_received_at),
        Cell::Time(row.original_due_at),
        Cell::Time(row.due_at),
        Cell::time(row.extended_due_at),
        Cell::Time(row.forward_due_at),
        Cell::Int(row.forwarded_count.into()),
        Cell::time(row.overdue_at),
        Cell::time(row.answered_at),
        Cell::text(row.resolution),
        Cell::text(row.refusal_code),
        Cell::time(row.confirmed_at),
        Cell::Int(row.rework_count.into()),
        Cell::int(row.rating),
        Cell::int(row.duplicate_of_id),
        row.author_account_id.map_or(Cell::Null, |id| Cell::Text(pseudonyms.of(id))),
        if report { rounded(row.latitude) } else { Cell::Null },
        if report { rounded(row.longitude) } else { Cell::Null },
    ]
}

fn transition_cells(row: TransitionRow) -> Vec<Cell> {
    let subject_id = row.subject_id.parse::<i64>().map_or(Cell::Text(row.subject_id), Cell::Int);
    vec![
        Cell::Int(row.id.into()),
        Cell::Time(row.occurred_at),
        Cell::Text(row.subject_type),
        subject_id,
        Cell::Text(row.action),
        Cell::text(row.from_state),
        Cell::text(row.to_state),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Opening,
    Rows,
    Done,
}

/// Where a streaming export stands between two pieces of the body.
struct Export {
    /// Held for as long as the body streams.
    _slot: OwnedSemaphorePermit,
    db: DatabaseConnection,
    dataset: Dataset,
    format: Format,
    period: Period,
    pseudonyms: Pseudonyms,
    /// The last id written; the next query starts after it.
    after: i32,
    /// The highest id when the export began (`None`: the table was empty).
    upto: Option<i32>,
    stage: Stage,
    rows_written: u64,
}

impl Export {
    /// The next rows after `after`, as (id, cells).
    async fn chunk(&self, upto: i32) -> Result<Vec<(i32, Vec<Cell>)>, AppError> {
        let (db, after, period) = (&self.db, self.after, self.period);
        Ok(match self.dataset {
            Dataset::Petitions => storage::open_data::petitions_after(db, after, upto, period, CHUNK_ROWS)
                .await?
                .into_iter()
                .map(|r| (r.id, petition_cells(r)))
                .collect(),
            Dataset::Appeals => storage::open_data::appeals_after(db, after, upto, period, CHUNK_ROWS)
                .await?
                .into_iter()
                .map(|r| (r.id, appeal_cells(r, &self.pseudonyms)))
                .collect(),
            Dataset::Transitions => storage::open_data::transitions_after(db, after, upto, period, CHUNK_ROWS)
                .await?
                .into_iter()
                .map(|r| (r.id, transition_cells(r)))
                .collect(),
        })
    }

    fn opening(&self, out: &mut Vec<u8>) -> io::Result<()> {
        match self.format {
            Format::Csv => {
                out.extend_from_slice(UTF8_BOM);
                write_csv(out, self.dataset.columns().iter().map(|c| c.name.to_owned()))
            }
            Format::Json => {
                out.push(b'[');
                Ok(())
            }
        }
    }

    fn closing(&self, out: &mut Vec<u8>) {
        if self.format == Format::Json {
            out.extend_from_slice(if self.rows_written == 0 { b"]\n" } else { b"\n]\n" });
        }
    }

    fn row(&mut self, out: &mut Vec<u8>, cells: Vec<Cell>) -> io::Result<()> {
        match self.format {
            Format::Csv => write_csv(out, cells.iter().map(Cell::csv))?,
            Format::Json => {
                out.extend_from_slice(if self.rows_written == 0 { b"\n{" } else { b",\n{" });
                for (i, (column, cell)) in self.dataset.columns().iter().zip(&cells).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut *out, column.name)?;
                    out.push(b':');
                    serde_json::to_writer(&mut *out, &cell.json())?;
                }
                out.push(b'}');
            }
        }
        self.rows_written += 1;
        Ok(())
    }

    /// The next piece of the body: the opening, then one piece per chunk of rows, the closing with the last.
    async fn next_piece(mut self) -> io::Result<Option<(Vec<u8>, Export)>> {
        let mut out = Vec::new();
        match (self.stage, self.upto) {
            (Stage::Done, _) => return Ok(None),
            (Stage::Opening, upto) => {
                self.opening(&mut out)?;
                self.stage = Stage::Rows;
                if upto.is_none() {
                    self.closing(&mut out);
                    self.stage = Stage::Done;
                }
            }
            (Stage::Rows, None) => self.stage = Stage::Done,
            (Stage::Rows, Some(upto)) => {
                // The status line is long gone: a failure can only cut the body short, which the client sees
                // as a broken transfer (no closing bracket, or a chunked body that never ends properly).
                let rows = self.chunk(upto).await.map_err(|e| {
                    tracing::error!(error = %e, dataset = self.dataset.name(), after = self.after, "open-data export failed");
                    io::Error::other("the export failed")
                })?;
                let complete = (rows.len() as u64) < CHUNK_ROWS;
                for (id, cells) in rows {
                    self.row(&mut out, cells)?;
                    self.after = id;
                }
                if complete {
                    self.closing(&mut out);
                    self.stage = Stage::Done;
                }
            }
        }
        Ok(Some((out, self)))
    }
}

/// A text cell as written to CSV: one that a spreadsheet would take for a formula (CSV injection) gets
/// an apostrophe before it, which spreadsheets show as text and the schema documents.
fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// The UTF-8 byte-order mark that opens every CSV export: without it, spreadsheets guess a legacy
/// code page and show Ukrainian names as mojibake.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn write_csv<I>(out: &mut Vec<u8>, fields: I) -> io::Result<()>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(fields).map_err(io::Error::other)?;
    writer.flush()
}

/// A streamed file.
#[derive(ApiResponse)]
pub enum CsvFile {
    /// RFC 4180 CSV in UTF-8 with a header line; empty fields are nulls. Streamed.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

/// A streamed file.
#[derive(ApiResponse)]
pub enum JsonFile {
    /// A JSON array of objects, one per row, keyed by the column names of `/open-data/schema`. Streamed.
    #[oai(status = 200, content_type = "application/json; charset=utf-8")]
    Ok(JsonRows, #[oai(header = "Content-Disposition")] String),
}

/// A streamed JSON array of row objects: the spec says so (not "a binary string"), the body is
/// written as it is read.
pub struct JsonRows(Body);

impl poem_openapi::payload::Payload for JsonRows {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
        let mut rows = MetaSchema::new("array");
        let mut row = MetaSchema::new("object");
        row.additional_properties = Some(Box::new(MetaSchemaRef::Inline(Box::new(MetaSchema::ANY))));
        rows.items = Some(Box::new(MetaSchemaRef::Inline(Box::new(row))));
        MetaSchemaRef::Inline(Box::new(rows))
    }
}

impl poem::IntoResponse for JsonRows {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type(<Self as poem_openapi::payload::Payload>::CONTENT_TYPE).body(self.0)
    }
}

#[derive(Debug, Object)]
pub struct ColumnDoc {
    pub name: String,
    /// `integer`, `number`, `boolean`, `string` or `timestamp` (RFC 3339, UTC, microseconds).
    #[oai(rename = "type")]
    pub column_type: String,
    pub nullable: bool,
    pub description: String,
}

#[derive(Debug, Object)]
pub struct DatasetDoc {
    pub name: String,
    pub description: String,
    pub csv: String,
    pub json: String,
    /// The column that `from` and `to` filter on.
    pub period_column: String,
    pub columns: Vec<ColumnDoc>,
}

#[derive(Debug, Object)]
pub struct Exclusion {
    pub dataset: String,
    pub fields: Vec<String>,
    pub why: String,
}

#[derive(Debug, Object)]
pub struct OpenDataSchema {
    pub datasets: Vec<DatasetDoc>,
    /// How `author_pseudonym` is made.
    pub pseudonym: String,
    /// What is left out, and why.
    pub excluded: Vec<Exclusion>,
    /// How values are written.
    pub formats: String,
    /// What `from` and `to` mean.
    pub period: String,
}

fn exclusions() -> Vec<Exclusion> {
    let fields = |list: &[&str]| list.iter().map(|f| (*f).to_owned()).collect();
    vec![
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&[
                "author_name",
                "author_email",
                "author_phone",
                "author_address",
                "author_account_id",
                "cosigners",
                "registered_by",
                "assignee_account_id",
            ]),
            why: "Personal data of citizens and staff (Law 'On Personal Data Protection'); the author is a pseudonym."
                .into(),
        },
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&[
                "subject",
                "text",
                "answer_text",
                "competent_body",
                "refusal_reason",
                "rating_comment",
                "place_address",
                "routing",
                "photos",
            ]),
            why: "Free text and photos written by or for one person can name them or others; appeals other than issue \
                  reports are private. Coded outcomes (status, resolution, refusal_code, rating) are published instead."
                .into(),
        },
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&["privileged"]),
            why: "A claimed privilege (art. 18: veterans, people with disabilities…) is sensitive data about the \
                  author, and with the pseudonym it would follow them across appeals."
                .into(),
        },
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&["latitude", "longitude (appeals other than issue reports)"]),
            why: "A point given with a private appeal can locate the author's home.".into(),
        },
        Exclusion {
            dataset: "petitions".into(),
            fields: fields(&[
                "author_name",
                "author_account_id",
                "moderator_id",
                "text",
                "refusal_reason",
                "answer_text",
                "title (petitions never published)",
            ]),
            why: "Authors are not published by this dataset; the text, the answer and the reasons are on each \
                  published petition's page; what moderators refused to publish stays unpublished."
                .into(),
        },
        Exclusion {
            dataset: "transitions".into(),
            fields: fields(&["actor_account_id", "details"]),
            why: "Who acted is staff or citizen personal data, and details may quote private text.".into(),
        },
    ]
}

fn schema() -> OpenDataSchema {
    OpenDataSchema {
        datasets: Dataset::ALL
            .iter()
            .map(|d| DatasetDoc {
                name: d.name().into(),
                description: d.description().into(),
                csv: format!("{}/open-data/{}.csv", super::API_PREFIX, d.name()),
                json: format!("{}/open-data/{}.json", super::API_PREFIX, d.name()),
                period_column: d.filtered_by().into(),
                columns: d
                    .columns()
                    .iter()
                    .map(|c| ColumnDoc {
                        name: c.name.into(),
                        column_type: c.kind.into(),
                        nullable: c.nullable,
                        description: c.description.into(),
                    })
                    .collect(),
            })
            .collect(),
        pseudonym: format!(
            "author_pseudonym is the first {PSEUDONYM_HEX} hex digits of HMAC-SHA256(key, the author's account id \
             in decimal). The key is secret and never published, so nobody can tell which account a pseudonym \
             belongs to, while every appeal of one account carries the same pseudonym in every export."
        ),
        excluded: exclusions(),
        formats: "Timestamps are RFC 3339 in UTC with microseconds. CSV: RFC 4180, UTF-8 with a byte-order mark \
                  (so that spreadsheets read Cyrillic right), one header line, an empty field is null; a text \
                  field that begins with =, +, -, @, a tab or a carriage return is written with an apostrophe (') \
                  before it, so that no spreadsheet runs it as a formula (the JSON export has the text as it is). \
                  JSON: an array of objects with every column as a key, null for null. Rows are ordered by id."
            .into(),
        period: "from and to are Kyiv calendar dates (YYYY-MM-DD), both included: a row is listed when its period \
                 column falls on or after Kyiv midnight starting `from` and before Kyiv midnight ending `to`."
            .into(),
    }
}

/// A `from`/`to` date: malformed is 400, outside the calendar's supported dates 422.
fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest(format!("`{field}` must be a date written as YYYY-MM-DD, e.g. 2026-01-31; got `{raw}`"))
    })?;
    Ok(crate::domain::calendar::supported(field, date)?)
}

fn period(from: Option<&str>, to: Option<&str>) -> Result<Period, AppError> {
    let from = from.map(|raw| parse_date("from", raw)).transpose()?;
    let to = to.map(|raw| parse_date("to", raw)).transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(AppError::validation("to", format!("`to` ({t}) is before `from` ({f})")));
    }
    Ok(Period { from: from.map(kyiv_start_of_day), to: to.map(kyiv_end_of_day) })
}

async fn export(
    state: &AppState,
    dataset: Dataset,
    format: Format,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Body, String), AppError> {
    let period = period(from, to)?;
    let slot = state.downloads.take()?;
    // Read up front, so a database that is down still answers with a problem document, not a cut body.
    let upto = dataset.last_id(&state.db).await?;
    let secret = if dataset == Dataset::Appeals {
        storage::open_data::pseudonym_secret(&state.db, state.settings.open_data.pseudonym_secret.as_deref()).await?
    } else {
        String::new()
    };
    let start = Export {
        _slot: slot,
        db: state.db.clone(),
        dataset,
        format,
        period,
        pseudonyms: Pseudonyms::new(secret.as_bytes()),
        after: 0,
        upto,
        stage: Stage::Opening,
        rows_written: 0,
    };
    let stream = futures::stream::try_unfold(start, Export::next_piece);
    let extension = if format == Format::Csv { "csv" } else { "json" };
    let disposition = format!("attachment; filename=\"hromada-{}.{extension}\"", dataset.name());
    Ok((Body::from_bytes_stream(stream), disposition))
}

async fn csv_file(
    state: &AppState,
    dataset: Dataset,
    from: Query<Option<String>>,
    to: Query<Option<String>>,
) -> ApiResult<CsvFile> {
    let (body, disposition) = export(state, dataset, Format::Csv, from.0.as_deref(), to.0.as_deref()).await?;
    Ok(CsvFile::Ok(Binary(body), disposition))
}

async fn json_file(
    state: &AppState,
    dataset: Dataset,
    from: Query<Option<String>>,
    to: Query<Option<String>>,
) -> ApiResult<JsonFile> {
    let (body, disposition) = export(state, dataset, Format::Json, from.0.as_deref(), to.0.as_deref()).await?;
    Ok(JsonFile::Ok(JsonRows(body), disposition))
}

pub struct OpenDataApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::OpenData")]
impl OpenDataApi {
    /// The open-data schema
    ///
    /// Every dataset with its columns (name, type, nullable, meaning), how author pseudonyms are made, and what
    /// is left out and why.
    #[oai(path = "/open-data/schema", method = "get")]
    async fn schema(&self) -> Json<OpenDataSchema> {
        Json(schema())
    }

    /// Petitions as CSV
    ///
    /// Every petition with its dates, terms and signature count; the title only for published ones.
    /// `from`/`to`: Kyiv dates (YYYY-MM-DD, inclusive) of submission.
    #[oai(path = "/open-data/petitions.csv", method = "get")]
    async fn petitions_csv(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<CsvFile> {
        csv_file(&state, Dataset::Petitions, from, to).await
    }

    /// Petitions as JSON
    ///
    /// The same rows and columns as the CSV. `from`/`to`: Kyiv dates (inclusive) of submission.
    #[oai(path = "/open-data/petitions.json", method = "get")]
    async fn petitions_json(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<JsonFile> {
        json_file(&state, Dataset::Petitions, from, to).await
    }

    /// Appeals and issue reports as CSV
    ///
    /// Every appeal with its executor, deadlines, answer dates and outcome, and a pseudonym of its author;
    /// no names, contacts or text. `from`/`to`: Kyiv dates (inclusive) of receipt.
    #[oai(path = "/open-data/appeals.csv", method = "get")]
    async fn appeals_csv(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<CsvFile> {
        csv_file(&state, Dataset::Appeals, from, to).await
    }

    /// Appeals and issue reports as JSON
    ///
    /// The same rows and columns as the CSV. `from`/`to`: Kyiv dates (inclusive) of receipt.
    #[oai(path = "/open-data/appeals.json", method = "get")]
    async fn appeals_json(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<JsonFile> {
        json_file(&state, Dataset::Appeals, from, to).await
    }

    /// Transitions as CSV
    ///
    /// Every step of every appeal and petition with its time, oldest first; no actor, no details.
    /// `from`/`to`: Kyiv dates (inclusive) on which it occurred.
    #[oai(path = "/open-data/transitions.csv", method = "get")]
    async fn transitions_csv(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<CsvFile> {
        csv_file(&state, Dataset::Transitions, from, to).await
    }

    /// Transitions as JSON
    ///
    /// The same rows and columns as the CSV. `from`/`to`: Kyiv dates (inclusive) on which it occurred.
    #[oai(path = "/open-data/transitions.json", method = "get")]
    async fn transitions_json(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<JsonFile> {
        json_file(&state, Dataset::Transitions, from, to).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mac_is_hmac_sha256() {
        // RFC 4231, test case 2.
        let mac = Pseudonyms::new(b"Jefe").mac(b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn pseudonyms_are_stable_short_and_depend_on_the_key() {
        let a = Pseudonyms::new(b"one key that is long enough to be real");
        let b = Pseudonyms::new(b"another key that is long enough too");
        assert_eq!(a.of(7), a.of(7));
        assert_eq!(a.of(7).len(), PSEUDONYM_HEX);
        assert_ne!(a.of(7), a.of(8));
        assert_ne!(a.of(7), b.of(7));
    }

    #[test]
    fn every_row_has_a_cell_per_column() {
        let now = Utc::now();
        let petition = PetitionRow {
            id: 1,
            council_id: 2,
            category_id: None,
            status: "refused".into(),
            submitted_at: now,
            publication_due_at: now,
            moderated_at: Some(now),
            published_at: None,
            refusal_code: Some("abusive".into()),
            statute_id: None,
            signature_threshold: None,
            collection_ends_at: None,
            signature_count: 0,
            threshold_reached_at: None,
            notice_at: None,
            consideration_due_at: None,
            answered_at: None,
            decision: None,
            closed_at: None,
            appeal_id: None,
            title: "Never published".into(),
        };
        let cells = petition_cells(petition);
        assert_eq!(cells.len(), PETITION_COLUMNS.len());
        assert_eq!(cells.last(), Some(&Cell::Null), "a refused petition's title is not published");
        let transition = TransitionRow {
            id: 1,
            occurred_at: now,
            subject_type: "appeal".into(),
            subject_id: "5".into(),
            action: "received".into(),
            from_state: None,
            to_state: Some("received".into()),
        };
        assert_eq!(transition_cells(transition).len(), TRANSITION_COLUMNS.len());
        let appeal = AppealRow {
            id: 1,
            kind: "complaint".into(),
            channel: "web".into(),
            category_id: None,
            district_id: None,
            executor_id: 3,
            status: "received".into(),
            deadline_rule: "appeal_standard".into(),
            received_at: now,
            registered_at: now,
            executor_received_at: now,
            original_due_at: now,
            due_at: now,
            extended_due_at: None,
            forward_due_at: now,
            forwarded_count: 0,
            overdue_at: None,
            answered_at: None,
            resolution: None,
            refusal_code: None,
            confirmed_at: None,
            rework_count: 0,
            rating: None,
            duplicate_of_id: None,
            author_account_id: Some(9),
            latitude: Some(50.450_123_9),
            longitude: Some(30.523_456),
        };
        let cells = appeal_cells(appeal.clone(), &Pseudonyms::new(b"k"));
        assert_eq!(cells.len(), APPEAL_COLUMNS.len());
        assert_eq!(cells[cells.len() - 2], Cell::Null, "a private appeal's point is not published");
        let report = AppealRow { kind: "issue_report".into(), ..appeal };
        let cells = appeal_cells(report, &Pseudonyms::new(b"k"));
        assert_eq!(cells[cells.len() - 2], Cell::Num(50.4501));
        assert_eq!(cells[cells.len() - 1], Cell::Num(30.5235));
    }

    #[test]
    fn a_period_is_kyiv_days_inclusive_and_a_bad_date_is_named() {
        let p = period(Some("2026-01-10"), Some("2026-01-10")).unwrap();
        assert_eq!(p.from.unwrap().to_rfc3339(), "2026-01-09T22:00:00+00:00");
        assert_eq!(p.to.unwrap().to_rfc3339(), "2026-01-10T22:00:00+00:00");
        assert!(matches!(period(Some("10.01.2026"), None), Err(AppError::BadRequest(m)) if m.contains("from")));
        assert!(matches!(period(None, Some("9999-01-01")), Err(AppError::Validation { .. })));
        assert!(matches!(period(Some("2026-02-01"), Some("2026-01-01")), Err(AppError::Validation { .. })));
    }
}
