//! The legal rules a deadline follows (art. 20 terms, urgency hours, petition terms) and the deadline they give.
use super::*;

/// Art. 20: "the total term ... may not exceed forty-five days".
pub const EXTENSION_MAX_DAYS: u32 = 45;

/// Urgency classes may only shorten the 1-month term of art. 20; a day count
/// above this is clamped before the month ceiling is applied.
pub const URGENCY_MAX_DAYS: u32 = 30;

pub(super) const APPEALS_LAW: &str = "Law of Ukraine 'On Citizens' Appeals'";

/// Which legal term applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// Appeal needing no additional study: "without delay, but not later than
    /// fifteen days from receipt" (art. 20).
    AppealNoStudy,
    /// Ordinary appeal: within one month of receipt (art. 20).
    AppealStandard,
    /// Term set by the head of the body when a month is not enough; the total
    /// from receipt is at most 45 days (art. 20). Build it with [`extend`].
    AppealExtension { total_days: u32 },
    /// Appeal outside the body's competence: forwarded within 5 days (art. 7).
    Forwarding,
    /// Appeal lacking the content required by art. 5: returned within 10 days.
    ReturnNonConforming,
    /// Electronic petition published within 2 working days of submission
    /// (art. 23-1; the community statute may regulate details).
    PetitionPublication,
    /// Petition considered within 10 working days of the announcement that
    /// consideration has started (art. 23-1).
    PetitionConsideration,
    /// Emergency category: elapsed clock hours from the event instant,
    /// never longer than the standard 1-month term.
    UrgencyHours(u32),
    /// Urgent category: calendar days with rollover, at most 30 and never
    /// longer than the standard 1-month term.
    UrgencyDays(u32),
}

/// A term as the law states it, before any rollover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum Term {
    Hours(u32),
    Days(u32),
    Months(u32),
    WorkingDays(u32),
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Term::Hours(n) => (n, "hour"),
            Term::Days(n) => (n, "day"),
            Term::Months(n) => (n, "month"),
            Term::WorkingDays(n) => (n, "working day"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

impl DeadlineRule {
    /// The term as written in the rule, before clamping and rollover.
    pub fn term(&self) -> Term {
        match *self {
            Self::AppealNoStudy => Term::Days(15),
            Self::AppealStandard => Term::Months(1),
            Self::AppealExtension { total_days } => Term::Days(total_days),
            Self::Forwarding => Term::Days(5),
            Self::ReturnNonConforming => Term::Days(10),
            Self::PetitionPublication => Term::WorkingDays(2),
            Self::PetitionConsideration => Term::WorkingDays(10),
            Self::UrgencyHours(h) => Term::Hours(h),
            Self::UrgencyDays(d) => Term::Days(d),
        }
    }

    /// The provision the term comes from.
    pub fn legal_basis(&self) -> String {
        match self {
            Self::AppealNoStudy | Self::AppealStandard | Self::AppealExtension { .. } => {
                format!("{APPEALS_LAW} art. 20")
            }
            Self::Forwarding => format!("{APPEALS_LAW} art. 7"),
            Self::ReturnNonConforming => format!("{APPEALS_LAW} art. 5"),
            Self::PetitionPublication | Self::PetitionConsideration => {
                format!("{APPEALS_LAW} art. 23-1")
            }
            Self::UrgencyHours(_) | Self::UrgencyDays(_) => {
                format!("Council urgency category, within the ceiling of {APPEALS_LAW} art. 20")
            }
        }
    }

    pub(super) fn event_verb(&self) -> &'static str {
        match self {
            Self::PetitionPublication => "Submitted",
            Self::PetitionConsideration => "Start of consideration announced",
            _ => "Received",
        }
    }

    pub(super) fn outcome(&self) -> &'static str {
        match self {
            Self::Forwarding => "forwarding to the competent body",
            Self::ReturnNonConforming => "returning the appeal with explanations",
            Self::PetitionPublication => "publication of the petition",
            Self::PetitionConsideration => "the response to the petition",
            _ => "the answer",
        }
    }
}

/// A computed deadline with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub rule: DeadlineRule,
    /// The term actually applied, after any clamping.
    pub term: Term,
    pub legal_basis: String,
    pub event_at: DateTime<Utc>,
    /// Kyiv date the term starts: the day after the event (Civil Code
    /// art. 253). For hour terms, which run from the instant itself, the
    /// event's own Kyiv date.
    pub start_date: NaiveDate,
    /// Last day of the term before the non-working-day rollover.
    pub nominal_last_day: NaiveDate,
    /// Kyiv date by whose end the action is due.
    pub due_date: NaiveDate,
    /// Exclusive due instant: Kyiv midnight starting the day after
    /// `due_date` (for hour terms, the exact elapsed instant).
    pub due_at: DateTime<Utc>,
    /// Whether a legal ceiling shortened what the rule asked for.
    pub capped: bool,
    /// Plain-English reasoning, one sentence per step.
    pub steps: Vec<String>,
}
