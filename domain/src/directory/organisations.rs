//! Organisations: their kinds, the community's share, and which fall under indicator C03.
use super::*;

/// What kind of body an organisation is; it decides, among other things,
/// whether transparency indicators for municipal enterprises apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// The city council itself (міська рада).
    Council,
    /// The executive committee (виконавчий комітет).
    ExecutiveBody,
    /// A department or directorate of the executive bodies.
    Department,
    /// A municipal enterprise or company the community (partly) owns.
    MunicipalEnterprise,
    /// Anything else that can receive appeals (e.g. a contractor).
    Other,
}

codes!(OrganisationKind, own parse {
    Council => "council", ExecutiveBody => "executive_body", Department => "department",
    MunicipalEnterprise => "municipal_enterprise", Other => "other",
});

impl OrganisationKind {
    pub fn parse(code: &str) -> Result<OrganisationKind, DomainError> {
        Self::from_code(code).ok_or_else(|| {
            DomainError::invalid(
                "kind",
                format!(
                    "`{code}` is not an organisation kind; use council, executive_body, department, \
                     municipal_enterprise or other"
                ),
            )
        })
    }
}

/// An organisation that can act as an executor of appeals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    /// The organisation this one reports to, if any (e.g. a department's
    /// executive committee).
    pub parent: Option<OrganisationId>,
    /// The community's equity share in percent (0–100). Only meaningful for
    /// municipal enterprises; `None` when unknown or not applicable.
    pub community_share_percent: Option<f64>,
    /// Inactive organisations (liquidated, merged) stay in the directory for
    /// history but must not receive new appeals.
    pub active: bool,
}

impl Organisation {
    /// Checks the fields a person types in by hand.
    pub fn validate(&self) -> Result<(), ShareError> {
        if let Some(share) = self.community_share_percent {
            validate_community_share(share)?;
        }
        Ok(())
    }

    /// Whether TI Ukraine's indicator C03 covers this organisation.
    pub fn in_c03_scope(&self) -> bool {
        in_c03_scope(self.kind, self.community_share_percent)
    }
}

/// The smallest community share (percent) that puts an enterprise under
/// indicator C03.
pub const C03_MIN_COMMUNITY_SHARE_PERCENT: f64 = 50.0;

/// Whether Transparency International Ukraine's indicator C03 covers an
/// organisation: municipal enterprises/companies in which the community owns
/// 50% or more (exactly 50% is in scope).
///
/// An unknown share is treated as out of scope rather than guessed, and an
/// invalid share (outside 0–100 or not finite) is never in scope; run
/// [`validate_community_share`] to report it.
pub fn in_c03_scope(kind: OrganisationKind, community_share_percent: Option<f64>) -> bool {
    kind == OrganisationKind::MunicipalEnterprise
        && community_share_percent
            .is_some_and(|share| share.is_finite() && (C03_MIN_COMMUNITY_SHARE_PERCENT..=100.0).contains(&share))
}

/// Why a community share was rejected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShareError {
    /// NaN or infinity: a bug or a broken import, never a real share.
    NotFinite,
    /// Below 0 or above 100.
    OutOfRange { value: f64 },
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::NotFinite => write!(f, "the community share is not a number; enter a percentage from 0 to 100"),
            ShareError::OutOfRange { value } => {
                write!(f, "the community share must be a percentage from 0 to 100, but {value} was given")
            }
        }
    }
}

impl std::error::Error for ShareError {}

/// Accepts a community share in percent if it lies in 0..=100.
pub fn validate_community_share(share: f64) -> Result<f64, ShareError> {
    if !share.is_finite() {
        Err(ShareError::NotFinite)
    } else if !(0.0..=100.0).contains(&share) {
        Err(ShareError::OutOfRange { value: share })
    } else {
        Ok(share)
    }
}
