//! The life of one generated petition, played through [`crate::domain::petitions::apply`] like the
//! appeals: moderated (on time or late, published or refused), signatures collected (the count is set
//! directly, no signature rows), closed short by the watcher, or over the threshold and then announced
//! and answered (on time or late) — or still waiting at the end of the history.
//!
//! Pure: no I/O.
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, rngs::StdRng};
use serde_json::json;

use super::{
    appeal_life::Event,
    sample::{DAY, HOUR, chance, exponential, normal, secs, weighted},
};
use crate::domain::{
    calendar::{Calendar, kyiv_date},
    petitions::{Actor, Command, Decision, Petition, RefusalCode, Status, Statute, apply, statute_in_force},
};

/// Who acts on petitions.
pub struct People<'a> {
    pub moderators: &'a [i32],
    pub council_officers: &'a [i32],
    pub statutes: &'a [Statute],
    pub calendar: &'a Calendar,
    pub as_of: DateTime<Utc>,
}

/// The petition at `as_of`, its history, and whether its author asked for it to be handled as an appeal
/// (and when): the caller files that appeal and links it.
#[derive(Debug, Clone)]
pub struct Lived {
    pub petition: Petition,
    pub moderator_id: Option<i32>,
    pub events: Vec<Event>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub wants_appeal_at: Option<DateTime<Utc>>,
}

struct Tracker<'a> {
    petition: Petition,
    events: Vec<Event>,
    people: &'a People<'a>,
    last: DateTime<Utc>,
    version: i32,
}

impl Tracker<'_> {
    fn act(&mut self, actor: Actor, command: Command, at: DateTime<Utc>) -> bool {
        let at = at.max(self.last + Duration::seconds(1));
        if at > self.people.as_of {
            return false;
        }
        match apply(&self.petition, actor, command, at, self.people.calendar) {
            Ok(t) => {
                let subject = (crate::storage::petitions::SUBJECT, self.petition.id);
                let moved = (Some(t.from.code()), t.to.code());
                self.events.push(Event::new(at, (actor.account_id, subject), t.action, moved, t.details));
                self.petition = t.petition;
                self.last = at;
                self.version += 1;
                true
            }
            Err(_) => false,
        }
    }
}

fn pick(rng: &mut StdRng, ids: &[i32]) -> Option<i32> {
    (!ids.is_empty()).then(|| ids[rng.gen_range(0..ids.len())])
}

/// Plays the life of `petition` (just submitted) up to `people.as_of`.
pub fn live(petition: Petition, people: &People<'_>, rng: &mut StdRng) -> Lived {
    let details = json!({ "council_id": petition.council_id, "publication_due_at": petition.publication_due_at });
    let by_author = (Some(petition.author_account_id), (crate::storage::petitions::SUBJECT, petition.id));
    let to = (None, Status::Moderation.code());
    let submitted_event = Event::new(petition.submitted_at, by_author, "submitted", to, details);
    let start = petition.submitted_at;
    let mut t = Tracker { last: start, petition, events: vec![submitted_event], people, version: 0 };
    let mut moderator_id = None;
    let wants_appeal_at = play(&mut t, &mut moderator_id, rng);
    Lived {
        updated_at: t.last,
        petition: t.petition,
        moderator_id,
        events: t.events,
        version: t.version,
        wants_appeal_at,
    }
}

fn play(t: &mut Tracker<'_>, moderator_id: &mut Option<i32>, rng: &mut StdRng) -> Option<DateTime<Utc>> {
    if !moderate(t, moderator_id, rng) {
        return None;
    }
    let people = t.people;
    let published = t.last;
    let threshold = i64::from(t.petition.signature_threshold.unwrap_or(i32::MAX));
    let ends = t.petition.collection_ends_at.unwrap_or(published);
    if chance(rng, 0.015) {
        consider(t, rng, published, ends, threshold);
        return None;
    }

    // Most petitions gather a handful of signatures (log-normal, median about 10) and close short.
    let target = (normal(rng) * 1.2 + 2.3).exp().round() as i64;
    let target = target.clamp(0, threshold - 1);
    if people.as_of < ends {
        let share =
            ((people.as_of - published).num_seconds() as f64 / (ends - published).num_seconds() as f64).clamp(0.0, 1.0);
        t.petition.signature_count = (target as f64 * share.sqrt()) as i64;
        return None;
    }
    t.petition.signature_count = target;
    let system = Actor { system: true, ..Default::default() };
    if !t.act(system, Command::Close, ends + secs(rng, 5, 60)) {
        return None;
    }
    // A few authors ask for the petition to be considered as an ordinary appeal.
    chance(rng, 0.04).then(|| t.last + secs(rng, HOUR, 14 * DAY)).filter(|at| *at <= people.as_of)
}

/// Moderation: mostly within the 2 working days, some late; about one in eight refused. Whether the
/// petition was published.
fn moderate(t: &mut Tracker<'_>, moderator_id: &mut Option<i32>, rng: &mut StdRng) -> bool {
    let submitted = t.petition.submitted_at;
    let due = t.petition.publication_due_at;
    let moderated_at = if chance(rng, 0.93) {
        submitted + Duration::seconds(((due - submitted).num_seconds() as f64 * rng.gen_range(0.02..0.97)) as i64)
    } else {
        due + secs(rng, HOUR, 6 * DAY)
    };
    let moderator = pick(rng, t.people.moderators);
    let as_moderator = Actor { account_id: moderator, moderator: true, ..Default::default() };
    if chance(rng, 0.12) {
        let code = match weighted(rng, &[35.0, 30.0, 20.0, 10.0, 5.0]) {
            0 => RefusalCode::Duplicate,
            1 => RefusalCode::NotCouncilCompetence,
            2 => RefusalCode::NoEssence,
            3 => RefusalCode::Abusive,
            _ => RefusalCode::BannedContent,
        };
        let reason = format!("Generated refusal ({}), explained to the author.", code.code());
        if t.act(as_moderator, Command::Refuse { code, reason }, moderated_at) {
            *moderator_id = moderator;
        }
        return false;
    }
    let Some(statute) = statute_in_force(t.people.statutes, t.petition.council_id, kyiv_date(moderated_at)).cloned()
    else {
        return false;
    };
    if !t.act(as_moderator, Command::Publish { statute }, moderated_at) {
        return false;
    }
    *moderator_id = moderator;
    true
}

/// A popular petition: the threshold is reached during collection (sooner rather than later), then the
/// council usually publishes its notice and answers.
fn consider(t: &mut Tracker<'_>, rng: &mut StdRng, published: DateTime<Utc>, ends: DateTime<Utc>, threshold: i64) {
    let span = (ends - published).num_seconds() as f64;
    let reached = published + Duration::seconds((span * rng.r#gen::<f64>().powi(2) * 0.9) as i64 + 600);
    let count = threshold + rng.gen_range(0..4);
    let system = Actor { system: true, ..Default::default() };
    if !t.act(system, Command::ReachThreshold { count }, reached) {
        let share = ((t.people.as_of - published).num_seconds() as f64 / (reached - published).num_seconds() as f64)
            .clamp(0.0, 1.0);
        t.petition.signature_count = ((threshold - 1) as f64 * share) as i64;
        return;
    }
    // The notice of consideration: usually within days, sometimes weeks, sometimes never (yet).
    if chance(rng, 0.12) {
        return;
    }
    let delay = if chance(rng, 0.8) { secs(rng, 2 * HOUR, 7 * DAY) } else { secs(rng, 8 * DAY, 40 * DAY) };
    let officer =
        Actor { account_id: pick(rng, t.people.council_officers), council_officer: true, ..Default::default() };
    if !t.act(officer, Command::PublishNotice, t.last + delay) {
        return;
    }
    let (notice, consideration_due) = (t.last, t.petition.consideration_due_at.unwrap_or(t.last));
    let at = if chance(rng, 0.8) {
        notice
            + Duration::seconds(((consideration_due - notice).num_seconds() as f64 * rng.gen_range(0.2..0.97)) as i64)
    } else {
        consideration_due + secs(rng, HOUR, 3 * DAY) + exponential(rng, 5.0 * DAY as f64)
    };
    let decision = match weighted(rng, &[35.0, 35.0, 30.0]) {
        0 => Decision::Supported,
        1 => Decision::PartlySupported,
        _ => Decision::NotSupported,
    };
    let text = "Generated answer of the council, with its reasons.".to_owned();
    t.act(officer, Command::Answer { decision, text }, at);
}

/// Records the author's request to handle a closed petition as appeal `appeal_id` (filed at `at`).
pub fn convert(lived: &mut Lived, appeal_id: i32, at: DateTime<Utc>, people: &People<'_>) {
    let actor = Actor { account_id: Some(lived.petition.author_account_id), is_author: true, ..Default::default() };
    if let Ok(t) = apply(&lived.petition, actor, Command::ConvertToAppeal { appeal_id }, at, people.calendar) {
        let subject = (crate::storage::petitions::SUBJECT, lived.petition.id);
        let moved = (Some(t.from.code()), t.to.code());
        lived.events.push(Event::new(at, (actor.account_id, subject), t.action, moved, t.details));
        lived.petition = t.petition;
        lived.version += 1;
        lived.updated_at = at;
    }
}

#[cfg(test)]
mod tests {

    use chrono::{NaiveDate, TimeZone};
    use rand::SeedableRng;

    use super::*;
    use crate::domain::petitions::SigningMode;

    #[test]
    fn sampled_petitions_keep_the_invariants_of_a_stored_petition() {
        let calendar = Calendar::default();
        let statutes = vec![Statute {
            id: 1,
            council_id: 1,
            effective_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            signature_threshold: 250,
            collection_days: 60,
            title_max_chars: 200,
            text_max_chars: 10_000,
            signing_mode: SigningMode::AccountOrEmail,
        }];
        let as_of = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let people =
            People { moderators: &[2], council_officers: &[3], statutes: &statutes, calendar: &calendar, as_of };
        let mut rng = StdRng::seed_from_u64(11);
        let mut statuses = std::collections::BTreeSet::new();
        for id in 1..=20_000 {
            let at = as_of - secs(&mut rng, 60, 365 * DAY);
            let lived = live(Petition::submitted(id, 1, 100, at, &calendar), &people, &mut rng);
            let p = &lived.petition;
            statuses.insert(p.status.code());
            let threshold = i64::from(p.signature_threshold.unwrap_or(250));
            match p.status {
                Status::Moderation => assert!(p.moderated_at.is_none()),
                Status::Refused => assert!(p.refusal_code.is_some() && p.published_at.is_none()),
                Status::Collecting | Status::Closed => assert!(p.signature_count < threshold),
                Status::AwaitingConsideration | Status::UnderConsideration | Status::Answered => {
                    assert!(p.signature_count >= threshold && p.threshold_reached_at.is_some());
                }
            }
            assert_eq!(p.status == Status::Answered, p.decision.is_some() && p.answered_at.is_some());
            assert_eq!(p.notice_at.is_some(), p.consideration_due_at.is_some());
            if let (Some(published), Some(moderated)) = (p.published_at, p.moderated_at) {
                assert_eq!(published, moderated);
                assert!(published >= p.submitted_at);
            }
            if let (Some(answered), Some(notice)) = (p.answered_at, p.notice_at) {
                assert!(answered > notice && notice > p.threshold_reached_at.unwrap());
            }
            assert!(lived.events.iter().all(|e| e.at <= as_of));
            for pair in lived.events.windows(2) {
                assert!(pair[1].at > pair[0].at);
                assert_eq!(pair[1].entry.from_state, pair[0].entry.to_state);
            }
        }
        for status in ["moderation", "refused", "collecting", "awaiting_consideration", "answered", "closed"] {
            assert!(statuses.contains(status), "some petition is {status}: {statuses:?}");
        }
    }
}
