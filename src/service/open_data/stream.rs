//! A streaming export: rows read a chunk at a time by id and written as CSV or JSON as the client takes them.
use std::io;

use sea_orm::DatabaseConnection;
use tokio::sync::OwnedSemaphorePermit;

use super::{
    Format,
    datasets::Dataset,
    rows::{Cell, Pseudonyms, UTF8_BOM, appeal_cells, petition_cells, transition_cells},
};
use crate::{
    error::AppError,
    storage::{
        self,
        open_data::{CHUNK_ROWS, Period},
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Opening,
    Rows,
    Done,
}

/// Where a streaming export stands between two pieces of the body.
pub struct Export {
    /// Held for as long as the body streams.
    pub _slot: OwnedSemaphorePermit,
    pub db: DatabaseConnection,
    pub dataset: Dataset,
    pub format: Format,
    pub period: Period,
    pub pseudonyms: Pseudonyms,
    /// The last id written; the next query starts after it.
    pub after: i32,
    /// The highest id when the export began (`None`: the table was empty).
    pub upto: Option<i32>,
    pub stage: Stage,
    pub rows_written: u64,
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
    pub async fn next_piece(mut self) -> io::Result<Option<(Vec<u8>, Export)>> {
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

fn write_csv<I>(out: &mut Vec<u8>, fields: I) -> io::Result<()>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(fields).map_err(io::Error::other)?;
    writer.flush()
}
