//! Black-box tests: the real application on a random port, a fresh database per test (in-memory SQLite,
//! or a new PostgreSQL database when TEST_DATABASE_URL is set), and a real SMTP server for mail.
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
mod helpers;

mod accounts;
mod appeals;
mod audit;
mod batch_retries;
mod calendar;
mod calendar_history;
mod city;
mod deadline_watcher;
mod directory;
mod errors;
mod generate;
mod graceful_stop;
mod health;
mod hostile;
mod idempotency;
mod mail_outbox;
mod mail_preferences;
mod metrics;
mod migrations;
mod open311;
mod open_data;
mod operations;
mod petitions;
mod privacy;
mod web;
mod web_accounts;
mod web_admin;
mod web_appeals;
mod web_calculator;
mod web_desk;
mod web_map;
mod web_moderation;
mod web_my;
mod web_petitions;
mod web_reports;
mod web_reports_list;
mod web_statistics;
