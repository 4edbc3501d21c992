//! sea-orm entities: the rows as stored. Domain types live in the `hromada` crate and are converted at
//! the storage boundary, so string columns holding enums are parsed there, not here.
pub mod account_tokens;
pub mod accounts;
pub mod events;
pub mod outbox_mails;
pub mod sessions;
