//! Response-rate metrics, indicator evidence (A07, C03) and executor rankings: the definitions, the
//! per-day tallies they are summed from, and the scoring. No I/O.
//!
//! Every figure here can be recomputed from the open-data exports: the definitions served by
//! `GET /api/v1/metrics/definitions` ([`DEFINITIONS`]) say exactly which columns decide what.
use std::{collections::BTreeMap, fmt::Display, str::FromStr};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{DomainError, appeals::Status, calendar::kyiv_date, petitions};

mod definitions;
mod figures;
mod periods;
mod scoring;
mod tallies;

pub use definitions::*;
pub use figures::*;
pub use periods::*;
pub use scoring::*;
pub use tallies::*;

#[cfg(test)]
mod tests;
