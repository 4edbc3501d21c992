//! Intake: the one function every new appeal or report goes through, whichever way it arrives (the web
//! form, an officer registering paper, phone or e-mail, Open311, a petition closed short, the data-set
//! generator). It checks everything the law and the directory require and returns what storage saves:
//! the initial state, its `received` history entry and who is told.
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Appeal, AppealKind, Audience, Channel, IntakeDraft, Status, check_intake, intake_rule};
use crate::{
    accounts::{Email, Language},
    calendar::{Calendar, kyiv_date, supported},
    deadlines::{self, Deadline, DeadlineRule},
    directory::{Area, DistrictId, GeoPoint, Location, RoutingRules, UrgencyClass, route},
};

/// The author of an appeal: personal data, kept with the appeal and never shown publicly.
#[derive(Debug, Clone)]
pub struct Author {
    pub account_id: Option<i32>,
    pub name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
}

/// A co-signer of a collective appeal (art. 5: full name and place of residence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigner {
    pub full_name: String,
    pub address: String,
}

/// An appeal as it arrives, before any check.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    pub kind: AppealKind,
    pub channel: Channel,
    pub subject: String,
    pub text: String,
    pub category_id: Option<i32>,
    /// The organisation the author addressed, when no category applies.
    pub addressee_id: Option<i32>,
    /// As given; intake checks its range.
    pub point: Option<GeoPoint>,
    pub place_address: Option<String>,
    pub district_id: Option<i32>,
    pub author: Author,
    pub show_author_name: bool,
    pub privileged: bool,
    pub cosigners: Vec<Cosigner>,
    /// When it was actually received (the registration date for paper, phone and e-mail appeals).
    pub received_at: DateTime<Utc>,
    /// The officer who registered an appeal received off-line.
    pub registered_by: Option<i32>,
    pub open311_token: Option<String>,
}

/// What intake needs to know of a category.
#[derive(Debug, Clone)]
pub struct IntakeCategory {
    pub active: bool,
    pub for_appeals: bool,
    pub for_reports: bool,
    pub urgency: UrgencyClass,
    pub rules: RoutingRules,
}

/// What intake needs to know of an organisation.
#[derive(Debug, Clone)]
pub struct IntakeOrganisation {
    pub name: String,
    pub active: bool,
}

/// The directory as it is at the moment of filing (storage keeps a snapshot; the generator its world).
pub trait IntakeDirectory {
    fn category(&self, id: i32) -> Option<IntakeCategory>;
    fn has_district(&self, id: i32) -> bool;
    /// The districts' areas, sorted by district id.
    fn areas(&self) -> Vec<(DistrictId, &Area)>;
    fn organisation(&self, id: i32) -> Option<IntakeOrganisation>;
}

/// Why an appeal is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeError {
    /// A value is missing or wrong; the message says what to give (422).
    Invalid { field: &'static str, message: String },
    /// The category does not exist (404).
    NotFound(String),
}

fn invalid(field: &'static str, message: impl Into<String>) -> IntakeError {
    IntakeError::Invalid { field, message: message.into() }
}

/// A history entry as the domain decides it; storage adds the subject and the time.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub actor_account_id: Option<i32>,
    pub action: &'static str,
    pub from: Option<Status>,
    pub to: Status,
    pub details: serde_json::Value,
}

/// An accepted appeal: exactly what storage saves, in one transaction.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The initial handling state (its id is given when it is stored).
    pub appeal: Appeal,
    /// The content as accepted (texts trimmed).
    pub new: NewAppeal,
    /// The district routing established, else the one given.
    pub district_id: Option<i32>,
    /// The routing decision recorded with the appeal: executor, rule, explanation.
    pub routing: serde_json::Value,
    /// The deadline with the steps it was computed by.
    pub deadline: Deadline,
    /// The `received` history entry.
    pub received: HistoryEntry,
    /// Who is told: the author and the executor.
    pub notify: Audience,
}

/// Checks `new` as the law (art. 5) and the directory require, routes it and gives it its deadline.
/// `now` is the moment of filing: an off-line appeal cannot have been received later.
pub fn intake(
    new: NewAppeal,
    directory: &impl IntakeDirectory,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> Result<Intake, IntakeError> {
    let new = trimmed(new);
    check_channel(&new, now)?;
    if new.point.is_some_and(|p| !p.is_valid()) {
        return Err(invalid("location", GeoPoint::RANGE));
    }
    check_content(&new)?;
    check_cosigners(&new.cosigners)?;
    let routed = route_new(&new, directory)?;
    let (appeal, deadline) =
        Appeal::received(new.kind, new.author.account_id, routed.executor_id, routed.rule, new.received_at, calendar);
    let received = HistoryEntry {
        actor_account_id: new.author.account_id.or(new.registered_by),
        action: "received",
        from: None,
        to: Status::Received,
        details: json!({
            "kind": new.kind.code(),
            "channel": new.channel.code(),
            "category_id": new.category_id,
            "received_at": new.received_at,
            "executor_id": appeal.executor_id,
            "routing": routed.recorded,
            "deadline_rule": appeal.deadline_rule,
            "due_at": appeal.due_at,
            "cosigners": new.cosigners.len(),
        }),
    };
    let notify = Audience { author: true, executor: true, escalation: false };
    Ok(Intake { appeal, district_id: routed.district_id, routing: routed.recorded, deadline, received, notify, new })
}

fn trimmed(mut new: NewAppeal) -> NewAppeal {
    let trim = |s: &mut String| *s = s.trim().to_owned();
    trim(&mut new.subject);
    trim(&mut new.text);
    trim(&mut new.author.name);
    for c in &mut new.cosigners {
        trim(&mut c.full_name);
        trim(&mut c.address);
    }
    new
}

/// Officers register what came on paper, by phone or by e-mail, received in the past on a date the
/// calendar counts; citizens and clients file on the web and through Open311 at this moment.
fn check_channel(new: &NewAppeal, now: DateTime<Utc>) -> Result<(), IntakeError> {
    let offline = !matches!(new.channel, Channel::Web | Channel::Open311);
    if new.registered_by.is_some() != offline {
        return Err(invalid("channel", "officers register paper, phone or email appeals"));
    }
    if new.received_at > now {
        return Err(invalid("received_at", "the date of receipt cannot be in the future"));
    }
    supported("received_at", kyiv_date(new.received_at)).map_err(|e| invalid("received_at", e.to_string()))?;
    Ok(())
}

/// Art. 5, and an issue report's category and place.
fn check_content(new: &NewAppeal) -> Result<(), IntakeError> {
    let author = &new.author;
    check_intake(&IntakeDraft {
        kind: Some(new.kind),
        author_name: &author.name,
        author_address: author.address.as_deref().unwrap_or(""),
        author_email: author.email.as_deref().unwrap_or(""),
        author_phone: author.phone.as_deref().unwrap_or(""),
        subject: &new.subject,
        text: &new.text,
        has_category: new.category_id.is_some(),
        has_place: new.point.is_some() || new.place_address.is_some() || new.district_id.is_some(),
        electronic: matches!(new.channel, Channel::Web | Channel::Open311 | Channel::Email),
    })
    .map_err(|r| invalid(r.field, r.reason))?;
    if let Some(email) = &author.email
        && Email::parse(email).is_err()
    {
        return Err(invalid("author_email", format!("`{email}` is not an e-mail address")));
    }
    Ok(())
}

/// Art. 5: every co-signer of a collective appeal gives a full name and a place of residence.
fn check_cosigners(cosigners: &[Cosigner]) -> Result<(), IntakeError> {
    let incomplete =
        |c: &Cosigner| !crate::accounts::is_full_name(&c.full_name) || !crate::accounts::is_residence(&c.address);
    if cosigners.iter().any(incomplete) {
        return Err(invalid("cosigners", "every co-signer needs a full name and a place of residence (art. 5)"));
    }
    Ok(())
}

/// Where an accepted appeal goes and under which deadline rule.
struct Routed {
    executor_id: i32,
    rule: DeadlineRule,
    district_id: Option<i32>,
    recorded: serde_json::Value,
}

fn route_new(new: &NewAppeal, directory: &impl IntakeDirectory) -> Result<Routed, IntakeError> {
    if let Some(category_id) = new.category_id {
        return route_by_category(new, category_id, directory);
    }
    if let Some(addressee) = new.addressee_id {
        let organisation = directory
            .organisation(addressee)
            .ok_or_else(|| invalid("organisation_id", format!("there is no organisation {addressee}")))?;
        if !organisation.active {
            return Err(invalid("organisation_id", format!("{} no longer receives appeals", organisation.name)));
        }
        let recorded = json!({
            "executor": addressee,
            "rule": { "rule": "addressed_by_author" },
            "district": new.district_id,
            "explanation": format!("Addressed by the author to organisation {addressee}."),
        });
        let rule = intake_rule(None);
        return Ok(Routed { executor_id: addressee, rule, district_id: new.district_id, recorded });
    }
    Err(invalid(
        "category_id",
        "choose a category (GET /api/v1/directory/categories) or the organisation the appeal is addressed to",
    ))
}

fn route_by_category(
    new: &NewAppeal,
    category_id: i32,
    directory: &impl IntakeDirectory,
) -> Result<Routed, IntakeError> {
    let category = directory
        .category(category_id)
        .ok_or_else(|| IntakeError::NotFound(format!("there is no category {category_id}")))?;
    if !category.active {
        return Err(invalid("category_id", format!("category {category_id} is no longer in use")));
    }
    if let Some(district) = new.district_id
        && !directory.has_district(district)
    {
        return Err(invalid("district_id", format!("there is no district {district}")));
    }
    let location = Location { district: new.district_id.map(|d| DistrictId(d.into())), point: new.point };
    let is_active = |id: crate::directory::OrganisationId| {
        i32::try_from(id.0).ok().and_then(|id| directory.organisation(id)).is_some_and(|o| o.active)
    };
    let decision = route(&category.rules, &location, &directory.areas(), is_active)
        .map_err(|e| invalid("category_id", e.to_string()))?;
    let usable = if new.kind == AppealKind::IssueReport { category.for_reports } else { category.for_appeals };
    if !usable {
        return Err(invalid(
            "category_id",
            format!("category {category_id} is not used for this kind of appeal; see GET /api/v1/directory/categories"),
        ));
    }
    let mut recorded = serde_json::to_value(decision).unwrap_or_default();
    recorded["explanation"] = json!(decision.explain());
    recorded["category_id"] = json!(category_id);
    let district_id = decision.district.map(|d| d.0 as i32).or(new.district_id);
    Ok(Routed {
        executor_id: decision.executor.0 as i32,
        rule: intake_rule(Some(category.urgency)),
        district_id,
        recorded,
    })
}

impl Appeal {
    /// The handling state of an appeal received at `received_at`, with the deadline it gets.
    pub fn received(
        kind: AppealKind,
        author_account_id: Option<i32>,
        executor_id: i32,
        rule: DeadlineRule,
        received_at: DateTime<Utc>,
        calendar: &Calendar,
    ) -> (Appeal, Deadline) {
        let deadline = deadlines::compute(&rule, received_at, calendar);
        let appeal = Appeal {
            id: 0,
            kind,
            status: Status::Received,
            author_account_id,
            executor_id,
            assignee_account_id: None,
            deadline_rule: rule,
            received_at,
            executor_received_at: received_at,
            original_due_at: deadline.due_at,
            due_at: deadline.due_at,
            extended_due_at: None,
            forward_due_at: deadlines::compute(&DeadlineRule::Forwarding, received_at, calendar).due_at,
            forwarded_count: 0,
            overdue_at: None,
            escalated_due_at: None,
            reminder_level: None,
            answered_at: None,
            resolution: None,
            answer_text: None,
            competent_body: None,
            refusal_code: None,
            refusal_reason: None,
            confirmed_at: None,
            rework_count: 0,
            rating: None,
            rating_comment: None,
            duplicate_of_id: None,
        };
        (appeal, deadline)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::TimeZone;

    use super::*;
    use crate::directory::OrganisationId;

    const ROADS: i32 = 1;
    const DISTRICT_ROADS: i32 = 2;
    const CLOSED: i32 = 3;
    const POTHOLE: i32 = 10;
    const OLD_CATEGORY: i32 = 11;
    const PARKS_FOR_APPEALS: i32 = 12;
    const NORTH: i32 = 7;

    struct City {
        categories: HashMap<i32, IntakeCategory>,
        organisations: HashMap<i32, IntakeOrganisation>,
    }

    fn city() -> City {
        let rules = RoutingRules {
            default_executor: OrganisationId(ROADS.into()),
            district_overrides: vec![(DistrictId(NORTH.into()), OrganisationId(DISTRICT_ROADS.into()))],
        };
        let category = |active, for_appeals, for_reports, urgency| IntakeCategory {
            active,
            for_appeals,
            for_reports,
            urgency,
            rules: rules.clone(),
        };
        let organisation = |name: &str, active| IntakeOrganisation { name: name.into(), active };
        City {
            categories: HashMap::from([
                (POTHOLE, category(true, true, true, UrgencyClass::Emergency { hours: 24 })),
                (OLD_CATEGORY, category(false, true, true, UrgencyClass::Normal)),
                (PARKS_FOR_APPEALS, category(true, true, false, UrgencyClass::Complex)),
            ]),
            organisations: HashMap::from([
                (ROADS, organisation("Roads Department", true)),
                (DISTRICT_ROADS, organisation("North Roads", true)),
                (CLOSED, organisation("Liquidated Enterprise", false)),
            ]),
        }
    }

    impl IntakeDirectory for City {
        fn category(&self, id: i32) -> Option<IntakeCategory> {
            self.categories.get(&id).cloned()
        }

        fn has_district(&self, id: i32) -> bool {
            id == NORTH
        }

        fn areas(&self) -> Vec<(DistrictId, &Area)> {
            Vec::new()
        }

        fn organisation(&self, id: i32) -> Option<IntakeOrganisation> {
            self.organisations.get(&id).cloned()
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
    }

    fn report() -> NewAppeal {
        NewAppeal {
            kind: AppealKind::IssueReport,
            channel: Channel::Web,
            subject: "  Pothole on Myru street ".into(),
            text: "A deep pothole in front of the school; cars swerve into the oncoming lane.".into(),
            category_id: Some(POTHOLE),
            addressee_id: None,
            point: Some(GeoPoint { lat: 48.74, lon: 37.58 }),
            place_address: None,
            district_id: None,
            author: Author {
                account_id: Some(100),
                name: "Olena Petrenko".into(),
                address: None,
                email: Some("olena@example.org".into()),
                phone: None,
                language: Language::En,
            },
            show_author_name: false,
            privileged: false,
            cosigners: Vec::new(),
            received_at: now(),
            registered_by: None,
            open311_token: None,
        }
    }

    fn paper_appeal() -> NewAppeal {
        let mut new = report();
        new.kind = AppealKind::Application;
        new.channel = Channel::Paper;
        new.category_id = None;
        new.addressee_id = Some(ROADS);
        new.point = None;
        new.author.account_id = None;
        new.author.email = None;
        new.author.address = Some("Kramatorsk, Myru 1".into());
        new.registered_by = Some(5);
        new.received_at = now() - chrono::Duration::days(3);
        new
    }

    /// The field and status of a refusal.
    fn refused(new: NewAppeal) -> (&'static str, String) {
        match intake(new, &city(), &Calendar::default(), now()).unwrap_err() {
            IntakeError::Invalid { field, message } => (field, message),
            IntakeError::NotFound(message) => ("(not found)", message),
        }
    }

    #[test]
    fn a_report_is_routed_dated_recorded_and_told_to_author_and_executor() {
        let accepted = intake(report(), &city(), &Calendar::default(), now()).unwrap();
        let appeal = &accepted.appeal;
        assert_eq!(appeal.status, Status::Received);
        assert_eq!(appeal.executor_id, ROADS);
        assert_eq!(appeal.deadline_rule, DeadlineRule::UrgencyHours(24));
        assert_eq!(appeal.due_at, now() + chrono::Duration::hours(24));
        assert_eq!(accepted.deadline.due_at, appeal.due_at);
        assert_eq!(accepted.new.subject, "Pothole on Myru street", "texts are stored trimmed");
        assert_eq!(accepted.received.action, "received");
        assert_eq!((accepted.received.from, accepted.received.to), (None, Status::Received));
        assert_eq!(accepted.received.actor_account_id, Some(100));
        assert_eq!(accepted.received.details["executor_id"], ROADS);
        assert_eq!(accepted.received.details["channel"], "web");
        assert_eq!(accepted.routing["category_id"], POTHOLE);
        assert_eq!(accepted.notify, Audience { author: true, executor: true, escalation: false });
    }

    #[test]
    fn a_district_override_routes_to_the_district_executor() {
        let mut new = report();
        new.point = None;
        new.district_id = Some(NORTH);
        let accepted = intake(new, &city(), &Calendar::default(), now()).unwrap();
        assert_eq!(accepted.appeal.executor_id, DISTRICT_ROADS);
        assert_eq!(accepted.district_id, Some(NORTH));
    }

    #[test]
    fn a_paper_appeal_runs_from_its_receipt_and_names_the_registering_officer() {
        let accepted = intake(paper_appeal(), &city(), &Calendar::default(), now()).unwrap();
        assert_eq!(accepted.appeal.received_at, now() - chrono::Duration::days(3));
        assert_eq!(accepted.appeal.deadline_rule, DeadlineRule::AppealStandard);
        assert_eq!(accepted.received.actor_account_id, Some(5));
        assert_eq!(accepted.routing["rule"]["rule"], "addressed_by_author");
    }

    #[test]
    fn the_channel_and_the_date_of_receipt_are_checked() {
        let mut officer_web = report();
        officer_web.registered_by = Some(5);
        assert_eq!(refused(officer_web).0, "channel");
        let mut paper_by_citizen = paper_appeal();
        paper_by_citizen.registered_by = None;
        assert_eq!(refused(paper_by_citizen).0, "channel");
        let mut future = paper_appeal();
        future.received_at = now() + chrono::Duration::hours(1);
        assert_eq!(refused(future), ("received_at", "the date of receipt cannot be in the future".into()));
        let mut ancient = paper_appeal();
        ancient.received_at = Utc.with_ymd_and_hms(2010, 1, 1, 9, 0, 0).unwrap();
        assert_eq!(refused(ancient).0, "received_at");
    }

    #[test]
    fn the_content_art_5_requires_is_checked() {
        let mut far = report();
        far.point = Some(GeoPoint { lat: 123.0, lon: 37.0 });
        assert_eq!(refused(far), ("location", GeoPoint::RANGE.into()));
        let mut anonymous = report();
        anonymous.author.name = "Olena".into();
        assert_eq!(refused(anonymous).0, "author_name");
        let mut homeless = paper_appeal();
        homeless.author.address = None;
        assert_eq!(refused(homeless).0, "author_address");
        let mut unreachable = report();
        unreachable.author.email = None;
        assert_eq!(refused(unreachable).0, "author_email");
        let mut bad_email = paper_appeal();
        bad_email.author.email = Some("not an address".into());
        assert_eq!(refused(bad_email).0, "author_email");
        let mut no_subject = report();
        no_subject.subject = "   ".into();
        assert_eq!(refused(no_subject).0, "subject");
        let mut short = report();
        short.text = "short".into();
        assert_eq!(refused(short).0, "text");
        let mut nowhere = report();
        nowhere.point = None;
        assert_eq!(refused(nowhere).0, "location");
        let mut uncategorised = report();
        uncategorised.category_id = None;
        assert_eq!(refused(uncategorised).0, "category_id");
        let mut cosigned = paper_appeal();
        cosigned.cosigners = vec![Cosigner { full_name: "Petro".into(), address: "Kramatorsk, Myru 2".into() }];
        assert_eq!(refused(cosigned).0, "cosigners");
    }

    #[test]
    fn the_directory_decides_the_category_district_and_organisation() {
        let mut unknown = report();
        unknown.category_id = Some(999);
        assert_eq!(refused(unknown), ("(not found)", "there is no category 999".into()));
        let mut old = report();
        old.category_id = Some(OLD_CATEGORY);
        assert_eq!(refused(old), ("category_id", format!("category {OLD_CATEGORY} is no longer in use")));
        let mut wrong_kind = report();
        wrong_kind.category_id = Some(PARKS_FOR_APPEALS);
        assert_eq!(refused(wrong_kind).0, "category_id");
        let mut no_district = report();
        no_district.district_id = Some(99);
        assert_eq!(refused(no_district), ("district_id", "there is no district 99".into()));
        let mut nobody = paper_appeal();
        nobody.addressee_id = None;
        assert_eq!(refused(nobody).0, "category_id");
        let mut stranger = paper_appeal();
        stranger.addressee_id = Some(404);
        assert_eq!(refused(stranger), ("organisation_id", "there is no organisation 404".into()));
        let mut liquidated = paper_appeal();
        liquidated.addressee_id = Some(CLOSED);
        assert_eq!(refused(liquidated), ("organisation_id", "Liquidated Enterprise no longer receives appeals".into()));
    }
}
