//! Hromada: e-petitions and citizens' appeals for Ukrainian city councils and municipal enterprises.
//!
//! Layout — the same domain area names in each layer, so anyone knows where a thing lives:
//! - `domain::…` pure types and rules (no I/O): accounts, authorization, notify, calendar, deadlines…
//! - `storage::…` sea-orm code that loads and saves those areas;
//! - `service::…` the use cases (file, answer, sign, publish…) that the API and the pages share;
//! - `api::…` poem-openapi handlers and `web::…` pages: they parse, call one use case and render;
//! - `mail` the delivery backends and the outbox worker; `startup` wires everything together.
pub mod api;
pub mod config;
pub use hromada_domain as domain;
pub mod error;
pub mod generate;
pub mod mail;
pub mod service;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod watcher;
pub mod web;

pub use error::AppError;
