//! The domain: plain types and rules with unit tests, no I/O. One module per area.
pub mod accounts;
pub mod appeals;
pub mod audit;
pub mod authorization;
pub mod calendar;
pub mod deadlines;
pub mod directory;
pub mod notify;
pub mod petitions;
