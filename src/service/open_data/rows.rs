//! One exported row as typed cells, and the author pseudonyms.
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::storage::open_data::{AppealRow, PetitionRow, TransitionRow};

/// Hex digits of a pseudonym: 64 bits, so two authors practically never share one.
pub const PSEUDONYM_HEX: usize = 16;

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
    pub fn time(t: Option<DateTime<Utc>>) -> Cell {
        t.map_or(Cell::Null, Cell::Time)
    }

    pub fn int(v: Option<i32>) -> Cell {
        v.map_or(Cell::Null, |v| Cell::Int(v.into()))
    }

    pub fn text(v: Option<String>) -> Cell {
        v.map_or(Cell::Null, Cell::Text)
    }

    pub fn csv(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(v) => v.to_string(),
            Cell::Num(v) => v.to_string(),
            Cell::Bool(v) => v.to_string(),
            Cell::Text(v) => defused(v),
            Cell::Time(t) => timestamp(*t),
        }
    }

    pub fn json(&self) -> serde_json::Value {
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
pub fn timestamp(t: DateTime<Utc>) -> String {
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

pub fn petition_cells(row: PetitionRow) -> Vec<Cell> {
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

pub fn appeal_cells(row: AppealRow, pseudonyms: &Pseudonyms) -> Vec<Cell> {
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

pub fn transition_cells(row: TransitionRow) -> Vec<Cell> {
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

/// A text cell as written to CSV: one that a spreadsheet would take for a formula (CSV injection) gets
/// an apostrophe before it, which spreadsheets show as text and the schema documents.
pub fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// The UTF-8 byte-order mark that opens every CSV export: without it, spreadsheets guess a legacy
/// code page and show Ukrainian names as mojibake.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
