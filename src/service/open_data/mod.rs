//! Open data use cases: the published schema, the exports of a dataset for a period as CSV or JSON (without
//! personal data: authors as pseudonyms), and the limit on how many stream at once — enough for a watchdog
//! to recompute every response-rate figure.
//!
//! Exports are streamed: rows are read [`CHUNK_ROWS`](storage::open_data::CHUNK_ROWS) at a time by id (keyset pagination) and written to
//! the body as they arrive, and the next rows are read only when the client has taken the last ones, so a
//! million appeals never sit in memory at once. At most `open_data.max_concurrent_downloads` stream at once.
mod datasets;
mod rows;
mod stream;

use std::{io, sync::Arc};

use chrono::NaiveDate;
use futures::stream::BoxStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use self::stream::{Export, Stage};
pub use self::{
    datasets::{ColumnDoc, ColumnSpec, Dataset, DatasetDoc, Exclusion, OpenDataSchema},
    rows::{Cell, Pseudonyms},
};
use super::AppState;
use crate::{
    domain::calendar::{kyiv_end_of_day, kyiv_start_of_day},
    error::AppError,
    storage::{self, open_data::Period},
};

/// How many downloads this instance streams at once. Each holds a slot until its body is sent or the client
/// goes away; one more is refused (429) instead of queued, so memory stays bounded whatever the demand.
#[derive(Clone)]
pub struct DownloadSlots(Arc<Semaphore>);

/// Seconds a refused download is told to wait: about what a large export takes.
const DOWNLOAD_RETRY_AFTER_SECONDS: u64 = 30;

impl DownloadSlots {
    pub fn new(slots: usize) -> Self {
        DownloadSlots(Arc::new(Semaphore::new(slots)))
    }

    pub fn take(&self) -> Result<OwnedSemaphorePermit, AppError> {
        self.0.clone().try_acquire_owned().map_err(|_| AppError::TooManyRequests {
            message: "the open-data downloads this server streams at once are all running; retry shortly".into(),
            retry_after_seconds: DOWNLOAD_RETRY_AFTER_SECONDS,
        })
    }
}

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// A started export: the body, produced as the client reads it, and the file name to offer.
pub struct Download {
    pub body: BoxStream<'static, io::Result<Vec<u8>>>,
    pub filename: String,
}

/// The published schema: every dataset with its links and columns, the pseudonyms, what is left out.
pub fn schema() -> OpenDataSchema {
    datasets::schema()
}

/// The downloads as the `/open-data` page lists them: appeals first (what response rates are computed
/// from), then their transitions, then petitions; each with its CSV and JSON links and its columns.
pub fn downloads() -> Vec<DatasetDoc> {
    let mut datasets = datasets::schema().datasets;
    let order = [Dataset::Appeals, Dataset::Transitions, Dataset::Petitions];
    datasets.sort_by_key(|d| order.iter().position(|o| o.name() == d.name));
    datasets
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

/// A dataset's rows received (submitted, occurred) in the Kyiv dates `from`..=`to`, streamed as `format`.
/// Refused (429) when every download slot is taken; the slot is held until the body is sent.
pub async fn export(
    state: &AppState,
    dataset: Dataset,
    format: Format,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Download, AppError> {
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
    let body = Box::pin(futures::stream::try_unfold(start, Export::next_piece));
    let extension = if format == Format::Csv { "csv" } else { "json" };
    Ok(Download { body, filename: format!("hromada-{}.{extension}", dataset.name()) })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::{
        rows::{PSEUDONYM_HEX, appeal_cells, petition_cells, transition_cells},
        *,
    };
    use crate::storage::open_data::{AppealRow, PetitionRow, TransitionRow};

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
        assert_eq!(cells.len(), Dataset::Petitions.columns().len());
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
        assert_eq!(transition_cells(transition).len(), Dataset::Transitions.columns().len());
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
        assert_eq!(cells.len(), Dataset::Appeals.columns().len());
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
