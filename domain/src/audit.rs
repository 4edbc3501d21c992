//! The audit chain: every recorded transition (the `events` log) linked into a SHA-256 hash chain, so a
//! past record cannot be changed, removed or slipped in without breaking every later link.
//!
//! A link's hash covers the previous link's hash and the event's public fields; the event's free-text
//! details enter only through their SHA-256, so the chain can be published (and recomputed by anyone)
//! without publishing the private text of appeals. Who acted enters only as a commitment: the SHA-256
//! of a secret random salt kept with the link and the account id, so the public chain ties no account
//! to an item (nor two items to one account), while the service, holding the salts, still checks that
//! the event's actor was not changed. Pure: storage feeds records in chain order.
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a link commits to: an event's public fields and the digest of its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainRecord {
    pub event_id: i32,
    pub occurred_at: DateTime<Utc>,
    /// [`actor_commitment`] of the event's actor; empty for events without one (the system).
    pub actor_commitment: String,
    pub subject_type: String,
    pub subject_id: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub details_sha256: String,
}

impl ChainRecord {
    /// The exact text hashed: one field per line, in a fixed order, times in UTC to the microsecond.
    pub fn canonical(&self) -> String {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.event_id.to_string(),
            self.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.actor_commitment.clone(),
            self.subject_type.clone(),
            self.subject_id.clone(),
            self.action.clone(),
            opt(&self.from_state),
            opt(&self.to_state),
            self.details_sha256.clone(),
        ]
        .join("\n")
    }
}

/// The public commitment to the account that acted: SHA-256 of the link's salt, a newline and the account
/// id in decimal; empty when no account acted. Without the salt nobody can test it against account ids.
pub fn actor_commitment(salt: Option<&str>, actor_account_id: Option<i32>) -> String {
    match actor_account_id {
        Some(id) => sha256_hex(&format!("{}\n{id}", salt.unwrap_or_default())),
        None => String::new(),
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The hash of the link that puts `record` after `prev_hash`.
pub fn link_hash(prev_hash: &str, record: &ChainRecord) -> String {
    sha256_hex(&format!("{prev_hash}\n{}", record.canonical()))
}

/// One stored link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: i64,
    pub event_id: i32,
    pub prev_hash: String,
    pub hash: String,
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    pub seq: i64,
    pub event_id: i32,
    pub reason: String,
}

/// Checks links in order, continuing from `expected_prev` (the hash of the link before the first one
/// given) and `expected_seq`. `record` is the event as it is stored now (`None`: it is gone).
pub fn verify_links<'a>(
    expected_prev: &mut String,
    expected_seq: &mut i64,
    links: impl IntoIterator<Item = (&'a Link, Option<&'a ChainRecord>)>,
) -> Result<u64, Break> {
    let mut checked = 0;
    for (link, record) in links {
        let broken = |reason: String| Break { seq: link.seq, event_id: link.event_id, reason };
        if link.seq != *expected_seq {
            return Err(broken(format!("link {} is missing: the chain jumps to {}", expected_seq, link.seq)));
        }
        if link.prev_hash != *expected_prev {
            return Err(broken("the link does not continue the previous link's hash".into()));
        }
        let Some(record) = record else {
            return Err(broken(format!("event {} was removed from the log", link.event_id)));
        };
        if link_hash(&link.prev_hash, record) != link.hash {
            return Err(broken(format!("event {} differs from what was chained", link.event_id)));
        }
        *expected_prev = link.hash.clone();
        *expected_seq += 1;
        checked += 1;
    }
    Ok(checked)
}

/// Events in the log that the chain does not cover.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unlinked {
    pub count: u64,
    pub first_event_id: Option<i32>,
}

impl Unlinked {
    /// Why these events fail a verification, in words; none when there are none.
    pub fn reason(&self) -> Option<String> {
        (self.count > 0).then(|| {
            format!(
                "{} event(s) of the log are not in the chain (the first: event {}): written outside the service, or never linked",
                self.count,
                self.first_event_id.map_or_else(|| "?".to_owned(), |id| id.to_string())
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn record(id: i32, action: &str) -> ChainRecord {
        ChainRecord {
            event_id: id,
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
            actor_commitment: actor_commitment(Some("5a17"), Some(3)),
            subject_type: "appeal".into(),
            subject_id: "7".into(),
            action: action.into(),
            from_state: Some("received".into()),
            to_state: Some("answered".into()),
            details_sha256: sha256_hex("{}"),
        }
    }

    fn chain(records: &[ChainRecord]) -> Vec<Link> {
        let mut prev = GENESIS.to_owned();
        records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let hash = link_hash(&prev, r);
                let link =
                    Link { seq: i as i64 + 1, event_id: r.event_id, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                link
            })
            .collect()
    }

    fn check(links: &[Link], records: &[Option<ChainRecord>]) -> Result<u64, Break> {
        let (mut prev, mut seq) = (GENESIS.to_owned(), 1);
        verify_links(&mut prev, &mut seq, links.iter().zip(records.iter().map(Option::as_ref)))
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let records = vec![record(1, "received"), record(2, "answered"), record(5, "confirmed")];
        let links = chain(&records);
        assert_eq!(check(&links, &records.into_iter().map(Some).collect::<Vec<_>>()), Ok(3));
    }

    #[test]
    fn an_edited_removed_or_skipped_record_is_named() {
        let records = vec![record(1, "received"), record(2, "answered"), record(3, "confirmed")];
        let links = chain(&records);
        let mut edited: Vec<Option<ChainRecord>> = records.iter().cloned().map(Some).collect();
        edited[1].as_mut().unwrap().action = "refused".into();
        let broken = check(&links, &edited).unwrap_err();
        assert_eq!((broken.seq, broken.event_id), (2, 2));
        let mut removed: Vec<Option<ChainRecord>> = records.iter().cloned().map(Some).collect();
        removed[2] = None;
        assert!(check(&links, &removed).unwrap_err().reason.contains("removed"));
        let skipped = [links[0].clone(), links[2].clone()];
        let broken = check(&skipped, &[Some(records[0].clone()), Some(records[2].clone())]).unwrap_err();
        assert!(broken.reason.contains("missing"), "{broken:?}");
    }

    #[test]
    fn the_canonical_text_is_stable() {
        let r = record(1, "received");
        assert_eq!(
            r.canonical(),
            format!(
                "1\n2026-11-22T10:00:00.000000Z\n{}\nappeal\n7\nreceived\nreceived\nanswered\n{}",
                sha256_hex("5a17\n3"),
                sha256_hex("{}")
            )
        );
    }

    #[test]
    fn the_actor_commitment_hides_the_account_behind_the_salt() {
        assert_eq!(actor_commitment(Some("salt"), None), "");
        let one = actor_commitment(Some("salt-a"), Some(3));
        assert_eq!(one, sha256_hex("salt-a\n3"));
        assert_ne!(one, actor_commitment(Some("salt-b"), Some(3)), "two links of one account do not match");
        assert_ne!(one, actor_commitment(Some("salt-a"), Some(4)), "another actor is another commitment");
    }
}
