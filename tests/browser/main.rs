//! Browser stories: the real application, a real headless Chromium driven over WebDriver (chromedriver),
//! with JavaScript on and off, at a phone's and a desktop's size, and axe-core on every page.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them each story says so and passes as
//! skipped, unless `BROWSER_TESTS=required` (CI sets it), when it fails.
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod browser;

mod accounts;
mod admin;
mod appeals;
mod calculator;
mod desk;
mod map;
mod moderation;
mod pages;
mod petitions;
mod reports;
mod screenshots;

#[allow(dead_code)]
#[path = "../api/city.rs"]
mod city;

mod statistics;
