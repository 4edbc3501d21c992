//! sea-orm entities: the rows as stored. Domain types live in the `hromada` crate and are converted at
//! the storage boundary, so string columns holding enums are parsed there, not here.
pub mod account_tokens;
pub mod accounts;
pub mod api_keys;
pub mod appeal_cosigners;
pub mod appeal_month_tallies;
pub mod appeal_photos;
pub mod appeal_tallies;
pub mod appeals;
pub mod audit_chain;
pub mod audit_rechains;
pub mod calendar_overrides;
pub mod categories;
pub mod category_district_executors;
pub mod districts;
pub mod events;
pub mod idempotency_keys;
pub mod organisation_members;
pub mod organisations;
pub mod outbox_mails;
pub mod petition_statutes;
pub mod petition_tallies;
pub mod petitions;
pub mod service_secrets;
pub mod sessions;
pub mod signatures;
