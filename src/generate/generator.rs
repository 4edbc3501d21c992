//! The generator.
use std::{
    cmp::Reverse,
    collections::{BTreeMap, BinaryHeap, HashMap},
    time::Instant,
};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{appeals, audit_chain, events, petitions};
use rand::{Rng, rngs::StdRng};
use sea_orm::Set;

use super::{
    ChainStart, GENERATED_DOMAIN, Options, appeal_life,
    appeal_life::{City, Event, Filed},
    petition_life,
    sample::{HOUR, chance, citizen_email, citizen_name, fake_address, fake_phone, instant_on, secs, weighted},
    volumes::{appeal_weight, day_weight, report_weight, spread},
    world::World,
    write::Batch,
};
use crate::domain::{
    accounts::Language,
    appeals::{AppealKind, Author, Channel, Intake, NewAppeal, intake},
    audit::{ChainRecord, actor_commitment, link_hash, sha256_hex},
    calendar::{kyiv_date, kyiv_end_of_day, kyiv_start_of_day},
    directory::GeoPoint,
};

#[derive(Debug, Clone, Copy)]
pub(super) struct Ids {
    pub(super) appeal: i32,
    pub(super) petition: i32,
    pub(super) event: i32,
}

#[derive(Debug, Default)]
pub(super) struct Stats {
    pub(super) appeal_statuses: BTreeMap<&'static str, u64>,
    pub(super) appeal_kinds: BTreeMap<&'static str, u64>,
    pub(super) petition_statuses: BTreeMap<&'static str, u64>,
    pub(super) overdue_open: u64,
    pub(super) answered_late: u64,
    pub(super) extended: u64,
    pub(super) forwarded: u64,
    pub(super) returned: u64,
    pub(super) rated: u64,
    pub(super) stopped_early: bool,
}

impl Stats {
    /// Counts a generated appeal in the summary.
    fn count(&mut self, lived: &appeal_life::Lived) {
        let (s, a) = (self, &lived.appeal);
        *s.appeal_statuses.entry(a.status.code()).or_default() += 1;
        *s.appeal_kinds.entry(a.kind.code()).or_default() += 1;
        s.overdue_open += u64::from(a.status.awaits_answer() && a.overdue_at.is_some());
        s.answered_late += u64::from(a.answered_at.is_some_and(|t| t >= a.due_at));
        s.extended += u64::from(lived.events.iter().any(|e| e.entry.action == "extended"));
        s.forwarded += u64::from(a.forwarded_count > 0);
        s.returned += u64::from(a.rework_count > 0);
        s.rated += u64::from(a.rating.is_some());
    }
}

/// An event waiting for its turn: events are written (and numbered) in time order.
struct Pending {
    at: DateTime<Utc>,
    seq: u64,
    event: Event,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The writers' queues: rows in one, events (then their chain links) in the other.
pub(super) struct Lanes {
    pub(super) rows: tokio::sync::mpsc::Sender<Batch>,
    pub(super) events: tokio::sync::mpsc::Sender<Batch>,
}

const APPEALS_PER_BATCH: usize = 5_000;
const EVENTS_PER_BATCH: usize = 20_000;

pub(super) struct Generator {
    world: World,
    rng: StdRng,
    appeals: u64,
    petitions: u64,
    progress: bool,
    ids: Ids,
    chain: Option<(i64, String, DateTime<Utc>)>,
    lanes: Lanes,
    pending: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    appeal_rows: Vec<appeals::ActiveModel>,
    petition_rows: Vec<petitions::ActiveModel>,
    event_rows: Vec<events::ActiveModel>,
    chain_rows: Vec<audit_chain::ActiveModel>,
    /// The latest open report per category: a later one nearby in time may duplicate it.
    recent_reports: HashMap<i32, (i32, DateTime<Utc>)>,
    pub(super) stats: Stats,
    started: Instant,
    made: u64,
}

/// What one appeal is, before routing.
struct Spec {
    kind: AppealKind,
    channel: &'static str,
    category: Option<usize>,
    addressee: Option<i32>,
    author_account_id: Option<i32>,
    received_at: DateTime<Utc>,
    subject: String,
    text: String,
}

impl Generator {
    pub(super) fn new(
        world: World,
        options: &Options,
        ids: Ids,
        chain: ChainStart,
        lanes: Lanes,
        rng: StdRng,
    ) -> Generator {
        Generator {
            world,
            rng,
            appeals: options.appeals,
            petitions: options.petitions,
            progress: options.progress,
            ids,
            chain,
            lanes,
            pending: BinaryHeap::new(),
            seq: 0,
            appeal_rows: Vec::new(),
            petition_rows: Vec::new(),
            event_rows: Vec::new(),
            chain_rows: Vec::new(),
            recent_reports: HashMap::new(),
            stats: Stats::default(),
            started: Instant::now(),
            made: 0,
        }
    }

    fn send(&mut self, batch: Batch) {
        let lane = match batch {
            Batch::Appeals(_) | Batch::Petitions(_) => &self.lanes.rows,
            Batch::Events(_) | Batch::Chain(_) => &self.lanes.events,
        };
        if lane.blocking_send(batch).is_err() {
            self.stats.stopped_early = true;
        }
    }

    pub(super) fn run(&mut self, first_day: NaiveDate) {
        let as_of = self.world.as_of;
        let days: Vec<NaiveDate> =
            (0..365).map(|i| first_day + Duration::days(i)).filter(|d| kyiv_start_of_day(*d) < as_of).collect();
        // The last day may be cut short by `as_of`: weigh it by the part that is in the history.
        let weights: Vec<f64> = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (start, end) = (kyiv_start_of_day(*d), kyiv_end_of_day(*d));
                let share = ((as_of.min(end) - start).num_seconds() as f64 / (end - start).num_seconds() as f64)
                    .clamp(0.0, 1.0);
                day_weight(*d, i) * share
            })
            .collect();
        let appeals_per_day = spread(self.appeals, &weights);
        let petitions_per_day = spread(self.petitions, &weights);
        for (i, day) in days.iter().enumerate() {
            if self.stats.stopped_early {
                return;
            }
            let start = kyiv_start_of_day(*day);
            self.flush_events(Some(start));
            for at in self.instants(*day, appeals_per_day[i]) {
                self.appeal(at);
            }
            for at in self.instants(*day, petitions_per_day[i]) {
                self.petition(at);
            }
        }
        self.flush_rows();
        self.flush_events(None);
        self.flush_event_rows();
    }

    /// `n` sorted instants on `day`, none after `as_of`.
    fn instants(&mut self, day: NaiveDate, n: u64) -> Vec<DateTime<Utc>> {
        let start = kyiv_start_of_day(day);
        let as_of = self.world.as_of;
        let mut out: Vec<DateTime<Utc>> = (0..n)
            .map(|_| {
                let at = instant_on(&mut self.rng, day);
                if at < as_of { at } else { start + secs(&mut self.rng, 0, (as_of - start).num_seconds() - 1) }
            })
            .collect();
        out.sort_unstable();
        out
    }

    fn citizen(&mut self) -> i32 {
        self.world.first_citizen + self.rng.gen_range(0..self.world.citizens)
    }

    fn appeal(&mut self, received_at: DateTime<Utc>) {
        let kind = match weighted(&mut self.rng, &[58.0, 27.0, 8.0, 7.0]) {
            0 => AppealKind::IssueReport,
            1 => AppealKind::Application,
            2 => AppealKind::Complaint,
            _ => AppealKind::Proposal,
        };
        let channel = if kind == AppealKind::IssueReport {
            ["web", "open311"][weighted(&mut self.rng, &[78.0, 22.0])]
        } else {
            ["web", "paper", "email", "phone"][weighted(&mut self.rng, &[45.0, 30.0, 15.0, 10.0])]
        };
        let date = kyiv_date(received_at);
        let (category, addressee) = if kind != AppealKind::IssueReport && chance(&mut self.rng, 0.12) {
            let i = self.rng.gen_range(0..self.world.addressees.len());
            (None, Some(self.world.addressees[i]))
        } else {
            let weights: Vec<f64> = self
                .world
                .categories
                .iter()
                .map(|c| match kind {
                    AppealKind::IssueReport if c.for_reports => report_weight(&c.code, date),
                    AppealKind::IssueReport => 0.0,
                    _ if c.for_appeals => appeal_weight(&c.code),
                    _ => 0.0,
                })
                .collect();
            (Some(weighted(&mut self.rng, &weights)), None)
        };
        let author_account_id = matches!(channel, "web" | "open311").then(|| self.citizen());
        let id = self.ids.appeal;
        let subject = match (category, addressee) {
            (Some(c), _) => format!("{} (згенеровано №{id})", self.world.categories[c].name_uk),
            _ => format!("Звернення (згенеровано №{id})"),
        };
        let text = format!("Згенерований запис №{id} для навантажувального тестування; вигадані дані.");
        let spec = Spec { kind, channel, category, addressee, author_account_id, received_at, subject, text };
        self.file(spec);
    }

    /// A generated appeal as a client would send it: the place, the author (obviously fake) and the rest.
    fn draw_appeal(&mut self, spec: Spec) -> NewAppeal {
        let rng = &mut self.rng;
        let world = &self.world;
        let is_report = spec.kind == AppealKind::IssueReport;
        let (point, explicit_district) = if is_report && chance(rng, 0.85) {
            (Some(GeoPoint { lat: rng.gen_range(48.675..48.805), lon: rng.gen_range(37.49..37.71) }), None)
        } else if !world.district_ids.is_empty() && chance(rng, if is_report { 0.6 } else { 0.3 }) {
            (None, Some(world.district_ids[rng.gen_range(0..world.district_ids.len())]))
        } else {
            (None, None)
        };
        let channel = Channel::parse(spec.channel).unwrap_or(Channel::Web);
        let electronic = matches!(channel, Channel::Web | Channel::Open311);
        // Personal data: obviously fake.
        let (author_name, author_email) = match spec.author_account_id {
            Some(account) => (citizen_name(account), Some(citizen_email(account))),
            None => {
                let n = rng.gen_range(0..1_000_000);
                let email = (channel == Channel::Email).then(|| format!("writer-{n:06}@{GENERATED_DOMAIN}"));
                (format!("Вигаданий Заявник-{n:06}"), email)
            }
        };
        let category_id = spec.category.map(|c| world.categories[c].id);
        NewAppeal {
            kind: spec.kind,
            channel,
            subject: spec.subject,
            text: spec.text,
            category_id,
            addressee_id: if category_id.is_some() { None } else { Some(spec.addressee.unwrap_or(world.council)) },
            point,
            place_address: is_report.then(|| format!("вул. Вигадана, {}", rng.gen_range(1..300))),
            district_id: explicit_district,
            author: Author {
                account_id: spec.author_account_id,
                name: author_name,
                address: (!is_report || chance(rng, 0.3)).then(|| fake_address(rng)),
                email: author_email,
                phone: chance(rng, 0.4).then(|| fake_phone(rng)),
                language: Language::Uk,
            },
            show_author_name: is_report && chance(rng, 0.25),
            privileged: chance(rng, 0.04),
            cosigners: Vec::new(),
            received_at: spec.received_at,
            // Intake only asks whether an officer registered it; the officer is drawn below.
            registered_by: (!electronic).then_some(0),
            open311_token: (channel == Channel::Open311).then(|| format!("{:032x}", rng.r#gen::<u128>())),
        }
    }

    /// Files one appeal through the domain's intake (as the API would), then plays its life; returns its
    /// id, or `None` when intake refused it (nothing is generated then).
    fn file(&mut self, spec: Spec) -> Option<i32> {
        let received_at = spec.received_at;
        let new = self.draw_appeal(spec);
        let (world, rng) = (&self.world, &mut self.rng);
        let is_report = new.kind == AppealKind::IssueReport;
        let (electronic, category_id) = (new.registered_by.is_none(), new.category_id);
        let intake = match intake(new, world, &world.calendar, received_at.max(world.as_of)) {
            Ok(intake) => intake,
            Err(refusal) => {
                tracing::warn!(?refusal, "generate: intake refused a generated appeal; skipped");
                return None;
            }
        };
        let id = self.ids.appeal;
        self.ids.appeal += 1;
        let Intake { mut appeal, new, district_id, routing, received, .. } = intake;
        appeal.id = id;
        let registered_at =
            if electronic { new.received_at } else { (new.received_at + secs(rng, 600, 6 * HOUR)).min(world.as_of) };
        let registered_by = (!electronic).then(|| {
            let staff = &world.staff[&appeal.executor_id];
            staff.officers[rng.gen_range(0..staff.officers.len())]
        });
        let duplicate_candidate = match (is_report, category_id) {
            (true, Some(c)) => self
                .recent_reports
                .get(&c)
                .filter(|(_, at)| new.received_at - *at < Duration::days(3))
                .map(|(first, _)| *first),
            _ => None,
        };
        let city = City {
            calendar: &world.calendar,
            staff: &world.staff,
            punctuality: &world.punctuality,
            forward_targets: &world.forward_targets,
            as_of: world.as_of,
        };
        let received_details = received.details;
        let filed = Filed { appeal, registered_at, registered_by, received_details, duplicate_candidate };
        let lived = appeal_life::live(filed, &city, rng);
        let a = &lived.appeal;
        if is_report
            && let Some(c) = category_id
            && a.status != crate::domain::appeals::Status::Duplicate
        {
            self.recent_reports.insert(c, (id, new.received_at));
        }
        let row = appeal_row(id, new, district_id, &routing, &lived, registered_at, registered_by);
        self.stats.count(&lived);
        self.appeal_rows.push(row);
        for event in lived.events {
            self.queue(event);
        }
        if self.appeal_rows.len() >= APPEALS_PER_BATCH {
            self.flush_rows();
        }
        self.made += 1;
        if self.progress && self.made.is_multiple_of(100_000) {
            eprintln!("generate: {} appeals after {:.1} s", self.made, self.started.elapsed().as_secs_f64());
        }
        Some(id)
    }

    fn petition(&mut self, submitted_at: DateTime<Utc>) {
        let id = self.ids.petition;
        self.ids.petition += 1;
        let author = self.citizen();
        let council_officers = self.world.council_officers();
        let petition = crate::domain::petitions::Petition::submitted(
            id,
            self.world.council,
            author,
            submitted_at,
            &self.world.calendar,
        );
        let mut lived = petition_life::live(petition, &self.world.people(&council_officers), &mut self.rng);
        if let Some(at) = lived.wants_appeal_at {
            self.petition_to_appeal(&mut lived, at, &council_officers);
        }
        let p = &lived.petition;
        let category_id = chance(&mut self.rng, 0.5).then(|| {
            let i = self.rng.gen_range(0..self.world.categories.len());
            self.world.categories[i].id
        });
        let row = petitions::ActiveModel {
            id: Set(id),
            council_id: Set(p.council_id),
            author_account_id: Set(author),
            author_name: Set(citizen_name(author)),
            title: Set(format!("Згенерована петиція №{id}")),
            text: Set(format!(
                "Згенерований текст петиції №{id} для навантажувального тестування: вигадана вимога до ради."
            )),
            category_id: Set(category_id),
            submitted_at: Set(p.submitted_at),
            moderator_id: Set(lived.moderator_id),
            signature_count: Set(p.signature_count),
            version: Set(lived.version),
            updated_at: Set(lived.updated_at),
            ..crate::storage::petitions::lifecycle(p)
        };
        *self.stats.petition_statuses.entry(p.status.code()).or_default() += 1;
        self.petition_rows.push(row);
        for event in lived.events {
            self.queue(event);
        }
        if self.petition_rows.len() >= APPEALS_PER_BATCH {
            self.flush_rows();
        }
    }

    /// The author has the closed petition considered as an application to the council.
    fn petition_to_appeal(&mut self, lived: &mut petition_life::Lived, at: DateTime<Utc>, council_officers: &[i32]) {
        let id = lived.petition.id;
        let spec = Spec {
            kind: AppealKind::Application,
            channel: "web",
            category: None,
            addressee: Some(self.world.council),
            author_account_id: Some(lived.petition.author_account_id),
            received_at: at,
            subject: format!("Петиція №{id} як звернення (згенеровано)"),
            text: format!("Згенерована петиція №{id}, що не набрала підписів, розглядається як звернення."),
        };
        if let Some(appeal_id) = self.file(spec) {
            petition_life::convert(lived, appeal_id, at, &self.world.people(council_officers));
        }
    }

    fn queue(&mut self, event: Event) {
        self.seq += 1;
        self.pending.push(Reverse(Pending { at: event.at, seq: self.seq, event }));
    }

    /// Sends the appeal rows, then the petition rows (a petition may link an appeal).
    fn flush_rows(&mut self) {
        if !self.appeal_rows.is_empty() {
            let rows = std::mem::take(&mut self.appeal_rows);
            self.send(Batch::Appeals(rows));
        }
        if !self.petition_rows.is_empty() {
            let rows = std::mem::take(&mut self.petition_rows);
            self.send(Batch::Petitions(rows));
        }
    }

    /// Numbers and writes the events that happened before `until` (all of them if `None`): no later
    /// appeal can add an event before the day it is received, so these are final and in time order.
    fn flush_events(&mut self, until: Option<DateTime<Utc>>) {
        while let Some(Reverse(top)) = self.pending.peek() {
            if until.is_some_and(|u| top.at >= u) {
                break;
            }
            let Some(Reverse(Pending { event: Event { at, entry }, .. })) = self.pending.pop() else { break };
            let id = self.ids.event;
            self.ids.event += 1;
            if let Some((seq, prev, chained_at)) = &mut self.chain {
                let salt = crate::storage::audit::new_salt(entry.actor_account_id);
                let record = ChainRecord {
                    event_id: id,
                    occurred_at: at,
                    actor_commitment: actor_commitment(salt.as_deref(), entry.actor_account_id),
                    subject_type: entry.subject_type.to_owned(),
                    subject_id: entry.subject_id.clone(),
                    action: entry.action.to_owned(),
                    from_state: entry.from_state.map(str::to_owned),
                    to_state: entry.to_state.map(str::to_owned),
                    details_sha256: sha256_hex(&entry.details.to_string()),
                };
                *seq += 1;
                let hash = link_hash(prev, &record);
                self.chain_rows.push(audit_chain::ActiveModel {
                    seq: Set(*seq),
                    event_id: Set(id),
                    prev_hash: Set(std::mem::replace(prev, hash.clone())),
                    hash: Set(hash),
                    chained_at: Set(*chained_at),
                    actor_salt: Set(salt),
                });
            }
            self.event_rows.push(events::ActiveModel { id: Set(id), ..entry.row(at) });
            if self.event_rows.len() >= EVENTS_PER_BATCH {
                self.flush_event_rows();
            }
        }
    }

    fn flush_event_rows(&mut self) {
        if !self.event_rows.is_empty() {
            let rows = std::mem::take(&mut self.event_rows);
            self.send(Batch::Events(rows));
        }
        if !self.chain_rows.is_empty() {
            let rows = std::mem::take(&mut self.chain_rows);
            self.send(Batch::Chain(rows));
        }
    }
}

/// The stored row of a generated appeal: what intake accepted, as its life left it.
fn appeal_row(
    id: i32,
    new: NewAppeal,
    district_id: Option<i32>,
    routing: &serde_json::Value,
    lived: &appeal_life::Lived,
    registered_at: DateTime<Utc>,
    registered_by: Option<i32>,
) -> appeals::ActiveModel {
    let a = &lived.appeal;
    appeals::ActiveModel {
        id: Set(id),
        kind: Set(a.kind.code().to_owned()),
        channel: Set(new.channel.code().to_owned()),
        search_text: Set(crate::domain::text::search_folded(&new.subject, &new.text)),
        subject: Set(new.subject),
        text: Set(new.text),
        category_id: Set(new.category_id),
        latitude: Set(new.point.map(|p| p.lat)),
        longitude: Set(new.point.map(|p| p.lon)),
        place_address: Set(new.place_address),
        district_id: Set(district_id),
        author_account_id: Set(a.author_account_id),
        author_name: Set(new.author.name),
        author_address: Set(new.author.address),
        author_email: Set(new.author.email),
        author_phone: Set(new.author.phone),
        author_language: Set("uk".to_owned()),
        show_author_name: Set(new.show_author_name),
        privileged: Set(new.privileged),
        routing: Set(routing.to_string()),
        deadline_rule: Set(serde_json::to_string(&a.deadline_rule).unwrap_or_default()),
        received_at: Set(a.received_at),
        registered_at: Set(registered_at),
        registered_by: Set(registered_by),
        original_due_at: Set(a.original_due_at),
        open311_token: Set(new.open311_token),
        version: Set(lived.version),
        updated_at: Set(lived.updated_at),
        ..crate::storage::appeals::lifecycle(a)
    }
}
