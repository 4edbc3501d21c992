//! `hromada generate`: a realistic data set for load tests and for checking the metrics at scale — a year of
//! appeals, issue reports and petitions with their whole history, written straight into the database.
//!
//! Everything sampled goes through the service's own rules: deadlines come from
//! [`crate::domain::deadlines::compute`] on the working-day calendar, routing from
//! [`crate::domain::directory::route`], and every step of an appeal or petition from the transition
//! functions (`domain::appeals::apply`, `domain::petitions::apply`), so rows and `events` agree the way
//! the live service would have left them. Rows are written with multi-row INSERTs in large batches
//! (see [`write`]); ids are assigned here so events can be written in time order and chained at once.
//!
//! Not generated: signature rows (petition counts are set directly), mails, photos, co-signers,
//! reminders (`reminded` events).
pub mod appeal_life;
pub mod cli;
pub mod petition_life;
pub mod sample;
mod write;

use std::{
    cmp::Reverse,
    collections::{BTreeMap, BinaryHeap, HashMap, HashSet},
    fmt,
    time::{Duration as StdDuration, Instant},
};

use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use entity::{accounts, appeals, audit_chain, events, organisation_members, petitions};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

use self::{
    appeal_life::{City, Event, Filed, Staff},
    petition_life::People,
    sample::{DAY, HOUR, chance, citizen_email, citizen_name, fake_address, fake_phone, instant_on, secs, weighted},
    write::Batch,
};
use crate::{
    domain::{
        accounts::Language,
        accounts::Password,
        appeals::{
            AppealKind, Author, Channel, Intake, IntakeCategory, IntakeDirectory, IntakeOrganisation, NewAppeal, intake,
        },
        audit::{ChainRecord, GENESIS, actor_commitment, link_hash, sha256_hex},
        authorization::OrganisationRole,
        calendar::{Calendar, kyiv_date, kyiv_end_of_day, kyiv_start_of_day},
        directory::{Area, DistrictId, GeoPoint, OrganisationKind, RoutingRules, UrgencyClass},
        petitions::Statute,
    },
    storage::{
        self,
        directory::{CategoryFields, OrganisationFields},
    },
};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub appeals: u64,
    pub petitions: u64,
    pub citizens: u64,
    pub seed: u64,
    /// The last Kyiv date of the history; it covers the 365 days up to and including it.
    pub end: NaiveDate,
    /// Add to a database that already has appeals.
    pub force: bool,
    /// Link the generated events into the audit chain (in bulk).
    pub audit_chain: bool,
    /// `calendar.martial_law_ended_on` of the configuration.
    pub martial_law_ended_on: Option<NaiveDate>,
    /// Print progress to standard error.
    pub progress: bool,
}

impl Options {
    pub fn new(appeals: u64, petitions: u64, end: NaiveDate) -> Options {
        Options {
            appeals,
            petitions,
            citizens: (appeals / 20).clamp(100, 50_000),
            seed: 2026,
            end,
            force: false,
            audit_chain: true,
            martial_law_ended_on: None,
            progress: false,
        }
    }
}

/// What was generated and how long each phase took.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub from: Option<NaiveDate>,
    pub as_of: Option<DateTime<Utc>>,
    pub citizens: u64,
    pub staff: u64,
    pub appeals: u64,
    pub petitions: u64,
    pub events: u64,
    pub chain_links: u64,
    pub appeal_statuses: BTreeMap<&'static str, u64>,
    pub appeal_kinds: BTreeMap<&'static str, u64>,
    pub petition_statuses: BTreeMap<&'static str, u64>,
    pub overdue_open: u64,
    pub answered_late: u64,
    pub extended: u64,
    pub forwarded: u64,
    pub returned: u64,
    pub rated: u64,
    /// The outcome of the tally rebuild: counted appeals, or why it did not run.
    pub tallies: Option<Result<crate::storage::metrics::Rebuilt, String>>,
    pub phases: Vec<(&'static str, StdDuration)>,
    /// Time the writer spent per table (overlapping the sampling): table, rows, time.
    pub writing: Vec<(&'static str, u64, StdDuration)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list =
            |m: &BTreeMap<&'static str, u64>| m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
        if let (Some(from), Some(as_of)) = (self.from, self.as_of) {
            writeln!(f, "history: {from} to {as_of}")?;
        }
        writeln!(f, "accounts: {} citizens, {} staff and moderators", self.citizens, self.staff)?;
        writeln!(f, "appeals: {} ({})", self.appeals, list(&self.appeal_kinds))?;
        writeln!(f, "  by status: {}", list(&self.appeal_statuses))?;
        writeln!(
            f,
            "  answered late {}, open and overdue {}, extended {}, forwarded {}, returned for rework {}, rated {}",
            self.answered_late, self.overdue_open, self.extended, self.forwarded, self.returned, self.rated
        )?;
        writeln!(f, "petitions: {} ({})", self.petitions, list(&self.petition_statuses))?;
        writeln!(f, "events: {}; audit chain links written: {}", self.events, self.chain_links)?;
        match &self.tallies {
            Some(Ok(n)) => {
                writeln!(f, "metric tallies rebuilt over {} appeals and {} petitions", n.appeals, n.petitions)?
            }
            Some(Err(e)) => writeln!(f, "metric tallies NOT rebuilt: {e}")?,
            None => {}
        }
        writeln!(f, "phases:")?;
        for (name, took) in &self.phases {
            writeln!(f, "  {name:<44} {:>8.1} s", took.as_secs_f64())?;
        }
        let total: StdDuration = self.phases.iter().map(|(_, d)| *d).sum();
        writeln!(f, "  {:<44} {:>8.1} s", "total", total.as_secs_f64())?;
        writeln!(f, "writers (two connections, in parallel with the sampling):")?;
        for (table, rows, took) in &self.writing {
            let rate = *rows as f64 / took.as_secs_f64().max(0.001);
            writeln!(f, "  {table:<20} {rows:>10} rows in {:>7.1} s ({rate:>8.0} rows/s)", took.as_secs_f64())?;
        }
        Ok(())
    }
}

const GENERATED_DOMAIN: &str = "generated.example.org";

/// Generates the data set into `db` (migrated first). Refuses a database that already has appeals
/// unless `options.force`.
pub async fn run(db: &DatabaseConnection, options: &Options) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let mut laps = Laps { started: Instant::now(), progress: options.progress };
    storage::migrate(db).await.context("migrating the database")?;
    let existing = appeals::Entity::find().count(db).await?;
    if existing > 0 && !options.force {
        anyhow::bail!(
            "the database already has {existing} appeals; generate only fills an empty one (--force adds to it anyway)"
        );
    }
    let now = Utc::now();
    let as_of = kyiv_end_of_day(options.end).min(now);
    let first_day = options.end - Duration::days(364);
    report.from = Some(first_day);
    report.as_of = Some(as_of);

    let (hash, staff, moderators) = directory_and_staff(db, now, &mut report).await?;
    laps.lap(&mut report, "directory, staff and moderators");

    // Citizens, with explicit ids (their names and e-mails are derived from them).
    let first_citizen = next_id(db, "accounts").await?;
    let citizens = options.citizens.max(1) as i32;
    let mut rng = StdRng::seed_from_u64(options.seed);
    report.citizens = write_citizens(db, first_citizen..first_citizen + citizens, first_day, &hash, &mut rng).await?;
    laps.lap(&mut report, "citizens");

    // What the samplers read: the directory, the calendar, the statutes.
    let world = World::load(db, options, staff, moderators, first_citizen, citizens, as_of).await?;
    let chain = chain_start(db, options, now).await?;
    let ids = Ids {
        appeal: next_id(db, "appeals").await?,
        petition: next_id(db, "petitions").await?,
        event: next_id(db, "events").await?,
    };
    sample_and_write(db, options, (world, ids, chain, rng), first_day, &mut report).await?;
    laps.lap(&mut report, "appeals, petitions, events (sampling and writing)");
    refresh_statistics(db, &mut report, &mut laps).await?;
    Ok(report)
}

/// The time each phase took, into the report (and on stderr with `--progress`).
struct Laps {
    started: Instant,
    progress: bool,
}

impl Laps {
    fn lap(&mut self, report: &mut Report, name: &'static str) {
        report.phases.push((name, self.started.elapsed()));
        if self.progress {
            eprintln!("generate: {name} took {:.1} s", self.started.elapsed().as_secs_f64());
        }
        self.started = Instant::now();
    }
}

/// The directory (the example city, with a few more enterprises and categories), its staff and the
/// moderators; answers the password hash every generated account shares.
async fn directory_and_staff(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    report: &mut Report,
) -> anyhow::Result<(String, HashMap<i32, Staff>, Vec<i32>)> {
    if storage::directory::is_empty(db).await? {
        storage::directory::load_example_city(db, now).await?;
        storage::petitions::adopt_example_statute(db, now).await?;
    }
    add_enterprises(db, now).await?;
    let password = format!("{:032x}", rand::random::<u128>());
    let hash = tokio::task::spawn_blocking(move || {
        Password::parse(&password, "password")
            .map_err(crate::AppError::from)
            .and_then(|p| crate::service::secrets::hash_password(&p))
    })
    .await??;
    let (staff, moderators, staff_created) = ensure_staff(db, &hash, now).await?;
    report.staff = staff_created;
    Ok((hash, staff, moderators))
}

/// The citizens `ids`, verified, registered in the 700 days before `first_day`.
async fn write_citizens(
    db: &DatabaseConnection,
    ids: std::ops::Range<i32>,
    first_day: NaiveDate,
    hash: &str,
    rng: &mut StdRng,
) -> anyhow::Result<u64> {
    let rows: Vec<accounts::ActiveModel> = ids
        .map(|id| {
            let created = kyiv_start_of_day(first_day) - secs(rng, DAY, 700 * DAY);
            accounts::ActiveModel {
                id: Set(id),
                email: Set(citizen_email(id)),
                full_name: Set(citizen_name(id)),
                search_name: Set(crate::storage::accounts::search_name(&citizen_name(id), &citizen_email(id))),
                password_hash: Set(hash.to_owned()),
                language: Set(if chance(rng, 0.08) { "en" } else { "uk" }.to_owned()),
                role: Set("citizen".to_owned()),
                email_verified_at: Set(Some(created + Duration::minutes(10))),
                created_at: Set(created),
                updated_at: Set(created),
            }
        })
        .collect();
    let written = write::accounts(db, rows).await?;
    write::reset_sequences(db).await?;
    Ok(written)
}

/// The audit chain's last link (its sequence number and hash) and when the generated links are made.
type ChainStart = Option<(i64, String, DateTime<Utc>)>;

/// Where the generated events' audit chain continues (`None` without `--audit-chain`): earlier events
/// (the directory, memberships) are linked first, by the service's own chainer.
async fn chain_start(db: &DatabaseConnection, options: &Options, now: DateTime<Utc>) -> anyhow::Result<ChainStart> {
    if !options.audit_chain {
        return Ok(None);
    }
    storage::audit::link_new_events(db, now).await?;
    let (seq, prev) = match storage::audit::head(db).await? {
        Some(head) => (head.seq, head.hash),
        None => (0, GENESIS.to_owned()),
    };
    Ok(Some((seq, prev, now)))
}

/// Sampling on a blocking thread, writing on the runtime, joined by short queues. Two writers on two
/// connections: appeals and petitions (a petition may link an appeal) in one, events and their chain
/// links in the other; the database's foreign keys, not this process, are the bottleneck.
async fn sample_and_write(
    db: &DatabaseConnection,
    options: &Options,
    (world, ids, chain, rng): (World, Ids, ChainStart, StdRng),
    first_day: NaiveDate,
    report: &mut Report,
) -> anyhow::Result<()> {
    let (rows_tx, rows_rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let (events_tx, events_rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let rows_writer = tokio::spawn(write::run(db.clone(), rows_rx));
    let events_writer = tokio::spawn(write::run(db.clone(), events_rx));
    let options_for_thread = options.clone();
    let sampled = tokio::task::spawn_blocking(move || {
        let lanes = Lanes { rows: rows_tx, events: events_tx };
        let mut generator = Generator::new(world, &options_for_thread, ids, chain, lanes, rng);
        generator.run(first_day);
        generator.stats
    })
    .await?;
    let mut written = rows_writer.await??;
    let events_written = events_writer.await??;
    written.events = events_written.events;
    written.chain = events_written.chain;
    write::reset_sequences(db).await?;
    if sampled.stopped_early {
        anyhow::bail!("the writer stopped early; see the error above");
    }
    report.appeals = written.appeals.0;
    report.petitions = written.petitions.0;
    report.events = written.events.0;
    report.chain_links = written.chain.0;
    report.appeal_statuses = sampled.appeal_statuses;
    report.appeal_kinds = sampled.appeal_kinds;
    report.petition_statuses = sampled.petition_statuses;
    report.overdue_open = sampled.overdue_open;
    report.answered_late = sampled.answered_late;
    report.extended = sampled.extended;
    report.forwarded = sampled.forwarded;
    report.returned = sampled.returned;
    report.rated = sampled.rated;
    report.writing = vec![
        ("appeals", written.appeals.0, written.appeals.1),
        ("petitions", written.petitions.0, written.petitions.1),
        ("events", written.events.0, written.events.1),
        ("audit chain links", written.chain.0, written.chain.1),
    ];
    Ok(())
}

/// Fresh statistics, so the first queries on the new rows get good plans, and the metric tallies.
/// On PostgreSQL also VACUUM: it marks the freshly written pages all-visible, without which the
/// index-only scans behind the metrics (open appeals past due) visit every heap page until autovacuum
/// happens to get there.
async fn refresh_statistics(db: &DatabaseConnection, report: &mut Report, laps: &mut Laps) -> anyhow::Result<()> {
    let maintenance = if storage::is_sqlite(db) { "ANALYZE" } else { "VACUUM ANALYZE" };
    db.execute_unprepared(maintenance).await?;
    laps.lap(report, maintenance);
    report.tallies = Some(match storage::metrics::rebuild(db).await {
        Ok(n) => Ok(n),
        Err(e) => {
            tracing::warn!("the metric tallies were not rebuilt: {e}");
            eprintln!("warning: the metric tallies were not rebuilt: {e}");
            Err(e.to_string())
        }
    });
    laps.lap(report, "metric tallies (storage::metrics::rebuild)");
    Ok(())
}

/// The next free id of `table` (ids are assigned here, not by the database).
async fn next_id(db: &DatabaseConnection, table: &str) -> anyhow::Result<i32> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
        ))
        .await?
        .context("MAX(id)")?;
    let max: i64 = row.try_get::<i64>("", "m").or_else(|_| row.try_get::<i32>("", "m").map(i64::from))?;
    Ok(i32::try_from(max + 1)?)
}

// ---------------------------------------------------------------------------
// Setup: a few more organisations and categories, staff, moderators
// ---------------------------------------------------------------------------

/// (name, kind, parent name contains, community share, email)
const EXTRA_ORGANISATIONS: &[(&str, &str, &str, Option<f64>, &str)] = &[
    ("ТОВ «Паркінг-Сервіс» (Parking)", "municipal_enterprise", "(Roads and Transport)", Some(30.0), "parking"),
    (
        "КП «Ритуальна служба» (Cemeteries)",
        "municipal_enterprise",
        "(Housing and Communal Services)",
        Some(100.0),
        "ritual",
    ),
    (
        "КП «Центр поводження з тваринами» (Animal Care)",
        "municipal_enterprise",
        "(Housing and Communal Services)",
        Some(100.0),
        "animals",
    ),
    ("ТОВ «Ринок Центральний» (Central Market)", "municipal_enterprise", "(Executive Committee)", Some(51.0), "market"),
];

/// (code, name_uk, name_en, urgency, executor name contains)
const EXTRA_CATEGORIES: &[(&str, &str, &str, UrgencyClass, &str)] = &[
    ("parking", "Паркування", "Parking", UrgencyClass::Normal, "(Parking)"),
    ("stray_animals", "Безпритульні тварини", "Stray animals", UrgencyClass::Normal, "(Animal Care)"),
    ("cemetery", "Утримання кладовищ", "Cemetery upkeep", UrgencyClass::Complex, "(Cemeteries)"),
    ("market_trade", "Торгівля на ринку", "Market trade", UrgencyClass::Normal, "(Central Market)"),
];

/// Adds the extra enterprises and categories that are not there yet (matched by name and code).
async fn add_enterprises(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut organisations = storage::directory::list_organisations(db).await?;
    let find =
        |all: &[entity::organisations::Model], part: &str| all.iter().find(|o| o.name.contains(part)).map(|o| o.id);
    for (name, kind, parent, share, mailbox) in EXTRA_ORGANISATIONS {
        if organisations.iter().any(|o| o.name == *name) {
            continue;
        }
        let fields = OrganisationFields {
            name: (*name).to_owned(),
            kind: storage::directory::parse_kind(kind)?,
            parent_id: find(&organisations, parent),
            community_share_percent: *share,
            email: Some(format!("{mailbox}@{GENERATED_DOMAIN}")),
            phone: None,
            address: None,
            website: None,
            active: true,
        };
        organisations.push(storage::directory::save_organisation(db, None, None, fields, now).await?);
    }
    let categories = storage::directory::list_categories(db).await?;
    for (code, name_uk, name_en, urgency, executor) in EXTRA_CATEGORIES {
        if categories.iter().any(|c| c.category.code == *code) {
            continue;
        }
        let Some(executor) = find(&organisations, executor) else { continue };
        let fields = CategoryFields {
            code: (*code).to_owned(),
            name_uk: (*name_uk).to_owned(),
            name_en: (*name_en).to_owned(),
            urgency: *urgency,
            default_executor_id: executor,
            district_executors: Vec::new(),
            for_reports: true,
            for_appeals: true,
            active: true,
        };
        storage::directory::save_category(db, None, None, fields, now).await?;
    }
    Ok(())
}

/// An account with a fixed e-mail, created once (a second run with --force reuses it).
async fn ensure_account(
    db: &DatabaseConnection,
    email: &str,
    full_name: &str,
    role: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(i32, bool)> {
    if let Some(found) = accounts::Entity::find().filter(accounts::Column::Email.eq(email)).one(db).await? {
        return Ok((found.id, false));
    }
    let created = accounts::ActiveModel {
        email: Set(email.to_owned()),
        full_name: Set(full_name.to_owned()),
        search_name: Set(crate::storage::accounts::search_name(full_name, email)),
        password_hash: Set(hash.to_owned()),
        language: Set("uk".to_owned()),
        role: Set(role.to_owned()),
        email_verified_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((created.id, true))
}

/// A head and officers for every organisation that has no members yet, and moderators if there are none.
/// Returns the staff per organisation, the moderators, and how many accounts were created.
async fn ensure_staff(
    db: &DatabaseConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(HashMap<i32, Staff>, Vec<i32>, u64)> {
    let mut created = 0;
    let (admin, new) =
        ensure_account(db, &format!("admin@{GENERATED_DOMAIN}"), "Вигаданий Адміністратор", "administrator", hash, now)
            .await?;
    created += u64::from(new);
    let mut staff = HashMap::new();
    for organisation in storage::directory::list_organisations(db).await? {
        let members = organisation_members::Entity::find()
            .filter(organisation_members::Column::OrganisationId.eq(organisation.id))
            .filter(organisation_members::Column::RemovedAt.is_null())
            .all(db)
            .await?;
        let mut head = members.iter().find(|m| m.role == OrganisationRole::Head.code()).map(|m| m.account_id);
        let mut officers: Vec<i32> =
            members.iter().filter(|m| m.role == OrganisationRole::Officer.code()).map(|m| m.account_id).collect();
        if head.is_none() {
            let email = format!("head-{}@{GENERATED_DOMAIN}", organisation.id);
            let (id, new) = ensure_account(db, &email, "Вигаданий Керівник", "citizen", hash, now).await?;
            storage::directory::set_member(db, admin, organisation.id, id, OrganisationRole::Head, now).await?;
            created += u64::from(new);
            head = Some(id);
        }
        while officers.len() < 4 {
            let email = format!("officer-{}-{}@{GENERATED_DOMAIN}", organisation.id, officers.len() + 1);
            let (id, new) = ensure_account(db, &email, "Вигаданий Посадовець", "citizen", hash, now).await?;
            storage::directory::set_member(db, admin, organisation.id, id, OrganisationRole::Officer, now).await?;
            created += u64::from(new);
            officers.push(id);
        }
        staff.insert(organisation.id, Staff { head: head.unwrap_or(officers[0]), officers });
    }
    let mut moderators: Vec<i32> = accounts::Entity::find()
        .filter(accounts::Column::Role.eq("moderator"))
        .select_only()
        .column(accounts::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for n in moderators.len()..3 {
        let email = format!("moderator-{}@{GENERATED_DOMAIN}", n + 1);
        let (id, new) = ensure_account(db, &email, "Вигаданий Модератор", "moderator", hash, now).await?;
        created += u64::from(new);
        moderators.push(id);
    }
    Ok((staff, moderators, created))
}

// ---------------------------------------------------------------------------
// The world the samplers read
// ---------------------------------------------------------------------------

struct Category {
    id: i32,
    code: String,
    name_uk: String,
    urgency: UrgencyClass,
    for_reports: bool,
    for_appeals: bool,
    rules: RoutingRules,
}

struct World {
    calendar: Calendar,
    as_of: DateTime<Utc>,
    categories: Vec<Category>,
    areas: Vec<(DistrictId, Area)>,
    district_ids: Vec<i32>,
    active: HashSet<i64>,
    staff: HashMap<i32, Staff>,
    punctuality: HashMap<i32, f64>,
    forward_targets: Vec<i32>,
    /// Addressees of appeals without a category: the council, the executive committee, departments.
    addressees: Vec<i32>,
    council: i32,
    statutes: Vec<Statute>,
    moderators: Vec<i32>,
    first_citizen: i32,
    citizens: i32,
}

/// The generated city's directory, as intake reads it.
impl IntakeDirectory for World {
    fn category(&self, id: i32) -> Option<IntakeCategory> {
        self.categories.iter().find(|c| c.id == id).map(|c| IntakeCategory {
            active: true,
            for_appeals: c.for_appeals,
            for_reports: c.for_reports,
            urgency: c.urgency,
            rules: c.rules.clone(),
        })
    }

    fn has_district(&self, id: i32) -> bool {
        self.district_ids.contains(&id)
    }

    fn areas(&self) -> Vec<(DistrictId, &Area)> {
        self.areas.iter().map(|(d, a)| (*d, a)).collect()
    }

    fn organisation(&self, id: i32) -> Option<IntakeOrganisation> {
        let active = self.active.contains(&i64::from(id));
        active.then(|| IntakeOrganisation { name: format!("#{id}"), active })
    }
}

impl World {
    async fn load(
        db: &DatabaseConnection,
        options: &Options,
        staff: HashMap<i32, Staff>,
        moderators: Vec<i32>,
        first_citizen: i32,
        citizens: i32,
        as_of: DateTime<Utc>,
    ) -> anyhow::Result<World> {
        let organisations = storage::directory::list_organisations(db).await?;
        let categories = World::categories(db).await?;
        anyhow::ensure!(!categories.is_empty(), "the directory has no categories to file appeals under");
        let (areas, district_ids) = World::districts(db).await?;
        let active: HashSet<i64> = organisations.iter().filter(|o| o.active).map(|o| i64::from(o.id)).collect();
        let kind = |o: &entity::organisations::Model| storage::directory::parse_kind(&o.kind).ok();
        let forward_targets = forward_targets(&categories, &organisations);
        let addressees = addressees(&organisations);
        let statutes: Vec<Statute> =
            storage::petitions::statutes(db).await?.iter().map(storage::petitions::domain_statute).collect();
        let council = statutes
            .iter()
            .map(|s| s.council_id)
            .next()
            .context("no council has a petition statute; adopt one (POST /api/v1/petitions/statutes) first")?;
        // Some organisations keep their deadlines better than others (so rankings have something to rank).
        let mut rng = StdRng::seed_from_u64(options.seed ^ 0x5eed);
        let punctuality = organisations
            .iter()
            .map(|o| {
                let base = if kind(o) == Some(OrganisationKind::MunicipalEnterprise) { 0.62 } else { 0.7 };
                (o.id, base + rng.gen_range(0.0..0.33))
            })
            .collect();
        Ok(World {
            calendar: storage::calendar::calendar(db, options.martial_law_ended_on).await?,
            as_of,
            categories,
            areas,
            district_ids,
            active,
            staff,
            punctuality,
            forward_targets,
            addressees: if addressees.is_empty() { vec![council] } else { addressees },
            council,
            statutes,
            moderators,
            first_citizen,
            citizens,
        })
    }

    /// The active categories, with their routing rules.
    async fn categories(db: &DatabaseConnection) -> anyhow::Result<Vec<Category>> {
        Ok(storage::directory::list_categories(db)
            .await?
            .into_iter()
            .filter(|c| c.category.active)
            .map(|c| Category {
                rules: c.routing_rules(),
                id: c.category.id,
                code: c.category.code.clone(),
                name_uk: c.category.name_uk.clone(),
                urgency: c.urgency,
                for_reports: c.category.for_reports,
                for_appeals: c.category.for_appeals,
            })
            .collect())
    }

    /// The districts' areas (of those that have one), and every district's id.
    async fn districts(db: &DatabaseConnection) -> anyhow::Result<(Vec<(DistrictId, Area)>, Vec<i32>)> {
        let mut areas = Vec::new();
        let mut district_ids = Vec::new();
        for d in storage::directory::list_districts(db).await? {
            district_ids.push(d.id);
            if let Some(text) = &d.area_geojson {
                let area = Area::from_geojson(&serde_json::from_str(text)?)
                    .map_err(|e| anyhow::anyhow!("district {}: {e}", d.id))?;
                areas.push((DistrictId(d.id.into()), area));
            }
        }
        Ok((areas, district_ids))
    }

    /// The council's officers and its head: who publishes notices and answers petitions.
    fn council_officers(&self) -> Vec<i32> {
        self.staff
            .get(&self.council)
            .map(|s| {
                let mut all = s.officers.clone();
                all.push(s.head);
                all
            })
            .unwrap_or_default()
    }

    /// Who acts on petitions, with `council_officers` from [`World::council_officers`].
    fn people<'a>(&'a self, council_officers: &'a [i32]) -> People<'a> {
        People {
            moderators: &self.moderators,
            council_officers,
            statutes: &self.statutes,
            calendar: &self.calendar,
            as_of: self.as_of,
        }
    }
}

/// Where appeals are forwarded to: every category's default executor and the active departments.
fn forward_targets(categories: &[Category], organisations: &[entity::organisations::Model]) -> Vec<i32> {
    let mut targets: Vec<i32> = categories.iter().map(|c| c.rules.default_executor.0 as i32).collect();
    targets.extend(
        organisations
            .iter()
            .filter(|o| o.active && storage::directory::parse_kind(&o.kind).ok() == Some(OrganisationKind::Department))
            .map(|o| o.id),
    );
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// The active council, executive bodies and departments: addressees of appeals without a category.
fn addressees(organisations: &[entity::organisations::Model]) -> Vec<i32> {
    organisations
        .iter()
        .filter(|o| {
            o.active
                && matches!(
                    storage::directory::parse_kind(&o.kind).ok(),
                    Some(OrganisationKind::Council | OrganisationKind::ExecutiveBody | OrganisationKind::Department)
                )
        })
        .map(|o| o.id)
        .collect()
}

// ---------------------------------------------------------------------------
// Volumes: by day, by category
// ---------------------------------------------------------------------------

/// Relative number of appeals on a day: fewer at weekends, more in winter, a slight growth over the year.
fn day_weight(date: NaiveDate, index: usize) -> f64 {
    let weekday = match date.weekday() {
        Weekday::Sat => 0.55,
        Weekday::Sun => 0.45,
        _ => 1.0,
    };
    let season = match date.month() {
        12 | 1 | 2 => 1.2,
        3..=5 => 1.05,
        6..=8 => 0.9,
        _ => 1.0,
    };
    weekday * season * (0.9 + 0.2 * index as f64 / 365.0)
}

/// Splits `total` over days in proportion to `weights`, exactly (largest remainders carried forward).
fn spread(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut carry = 0.0;
    let mut out: Vec<u64> = weights
        .iter()
        .map(|w| {
            let exact = total as f64 * w / sum + carry;
            let n = exact.floor();
            carry = exact - n;
            n as u64
        })
        .collect();
    let given: u64 = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += total.saturating_sub(given);
    }
    out
}

fn heating_season(date: NaiveDate) -> bool {
    let (m, d) = (date.month(), date.day());
    m >= 11 || m <= 3 || (m == 10 && d >= 15) || (m == 4 && d <= 15)
}

/// Relative share of a category among issue reports on `date`.
fn report_weight(code: &str, date: NaiveDate) -> f64 {
    let base = match code {
        "pothole" => 10.0,
        "street_lighting" => 7.0,
        "waste_collection" => 8.0,
        "building_maintenance" => 8.0,
        "no_heating" => 6.0,
        "public_transport" | "broken_lift" | "yard_improvement" => 5.0,
        "hot_water" | "no_water" | "illegal_dump" | "roof_leak" | "trees_greenery" => 4.0,
        "road_damage" | "water_leak" | "sewerage" | "parking" | "stray_animals" => 3.0,
        "road_signs" | "traffic_lights" | "bus_stop" | "playground" => 2.0,
        _ => 1.0,
    };
    let season = match code {
        "no_heating" | "hot_water" if heating_season(date) => 4.0,
        "no_heating" => 0.1,
        "pothole" | "road_damage" if (3..=5).contains(&date.month()) => 2.0,
        "street_lighting" if heating_season(date) => 1.5,
        "trees_greenery" | "waste_collection" | "playground" if (5..=9).contains(&date.month()) => 1.4,
        _ => 1.0,
    };
    base * season
}

/// Relative share of a category among appeals proper (applications, complaints, proposals).
fn appeal_weight(code: &str) -> f64 {
    match code {
        "social_support" => 10.0,
        "council_work" => 7.0,
        "school" | "healthcare" | "building_maintenance" => 6.0,
        "yard_improvement" | "public_transport" | "illegal_construction" => 4.0,
        "accessibility" | "roof_leak" | "no_heating" => 3.0,
        _ => 1.0,
    }
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Ids {
    appeal: i32,
    petition: i32,
    event: i32,
}

#[derive(Debug, Default)]
struct Stats {
    appeal_statuses: BTreeMap<&'static str, u64>,
    appeal_kinds: BTreeMap<&'static str, u64>,
    petition_statuses: BTreeMap<&'static str, u64>,
    overdue_open: u64,
    answered_late: u64,
    extended: u64,
    forwarded: u64,
    returned: u64,
    rated: u64,
    stopped_early: bool,
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
struct Lanes {
    rows: tokio::sync::mpsc::Sender<Batch>,
    events: tokio::sync::mpsc::Sender<Batch>,
}

const APPEALS_PER_BATCH: usize = 5_000;
const EVENTS_PER_BATCH: usize = 20_000;

struct Generator {
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
    stats: Stats,
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
    fn new(world: World, options: &Options, ids: Ids, chain: ChainStart, lanes: Lanes, rng: StdRng) -> Generator {
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

    fn run(&mut self, first_day: NaiveDate) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_are_split_exactly_and_in_proportion() {
        let weights = [1.0, 0.5, 0.5, 2.0];
        let days = spread(1001, &weights);
        assert_eq!(days.iter().sum::<u64>(), 1001);
        assert!((days[3] as i64 - 500).abs() <= 1 && (days[0] as i64 - 250).abs() <= 1, "{days:?}");
        assert_eq!(spread(0, &weights), vec![0, 0, 0, 0]);
    }
}
