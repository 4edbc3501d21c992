//! Extending an appeal's deadline at the head's request, within the 45 days of art. 20.
use super::*;

/// What the head of the body asks for when extending an appeal (art. 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionRequest {
    /// Total term in days counted from receipt (not days added on top).
    TotalDays(u32),
    /// A specific new due date (Kyiv).
    NewDueDate(NaiveDate),
}

/// Why an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExtensionError {
    /// A total of zero days extends nothing.
    ZeroDays,
    /// The result would not be later than the deadline already in force.
    NotLater { proposed_due_date: NaiveDate, current_due_date: NaiveDate, capped: bool },
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroDays => write!(f, "an extension must request a total term of at least 1 day from receipt"),
            Self::NotLater { proposed_due_date, current_due_date, capped } => {
                write!(
                    f,
                    "the extended deadline ({}) would not be later than the current one ({}); \
                     an extension must move the deadline later",
                    medium(*proposed_due_date),
                    medium(*current_due_date)
                )?;
                if *capped {
                    write!(
                        f,
                        ", and the total term may not exceed {EXTENSION_MAX_DAYS} days from \
                         receipt ({APPEALS_LAW} art. 20)"
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ExtensionError {}

/// Extends an appeal's deadline at the head's request (art. 20).
///
/// The result is capped at 45 days from receipt (with the usual rollover) and
/// must end later than `current_due_at`, the `due_at` of the deadline in force.
pub fn extend(
    received_at: DateTime<Utc>,
    current_due_at: DateTime<Utc>,
    request: ExtensionRequest,
    calendar: &Calendar,
) -> Result<Deadline, ExtensionError> {
    let received = kyiv_date(received_at);
    let current_due_date = day_containing(current_due_at);
    let (total_days, request_step) = match request {
        ExtensionRequest::TotalDays(0) => return Err(ExtensionError::ZeroDays),
        ExtensionRequest::TotalDays(n) => {
            (n, format!("The head of the body extended the term to a total of {n} days from receipt (art. 20)."))
        }
        ExtensionRequest::NewDueDate(date) => {
            let days = (date - received).num_days();
            if days <= 0 {
                return Err(ExtensionError::NotLater { proposed_due_date: date, current_due_date, capped: false });
            }
            let n = u32::try_from(days).unwrap_or(u32::MAX);
            (
                n,
                format!(
                    "The head of the body set a new due date of {}, a total of {n} days from \
                     receipt (art. 20).",
                    medium(date)
                ),
            )
        }
    };
    let mut deadline = compute(&DeadlineRule::AppealExtension { total_days }, received_at, calendar);
    if deadline.due_at <= current_due_at {
        return Err(ExtensionError::NotLater {
            proposed_due_date: deadline.due_date,
            current_due_date,
            capped: deadline.capped,
        });
    }
    // Right after "Received on ...", before the counting.
    let at = deadline.steps.len().min(1);
    deadline.steps.insert(at, request_step);
    Ok(deadline)
}
