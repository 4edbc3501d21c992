//! Every authorization decision of the service, in one place, so it can be read and tested as a whole.
//!
//! Handlers first establish *who* is calling (a [`Principal`], from the bearer token), then ask
//! [`authorize`] whether that principal may perform an [`Action`]. Nothing else decides access.
use serde::{Deserialize, Serialize};

use super::accounts::Role;
use crate::DomainError;

/// A role inside one organisation (department, municipal enterprise…), as opposed to a global [`Role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganisationRole {
    /// Handles what is routed to the organisation: acknowledge, assign, forward, answer.
    Officer,
    /// Everything an officer does, plus extensions and reassignment.
    Head,
}

codes!(OrganisationRole, own parse { Officer => "officer", Head => "head" });

impl OrganisationRole {
    pub fn parse(code: &str) -> Result<OrganisationRole, DomainError> {
        Self::from_code(code)
            .ok_or_else(|| DomainError::invalid("role", format!("`{code}` is not a member role; use officer or head")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub organisation_id: i32,
    pub role: OrganisationRole,
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: i32,
    pub role: Role,
    pub memberships: Vec<Membership>,
}

impl Principal {
    fn is_admin(&self) -> bool {
        self.role == Role::Administrator
    }

    fn moderates(&self) -> bool {
        matches!(self.role, Role::Moderator | Role::Administrator)
    }

    /// The caller's role in `organisation_id`, if any.
    pub fn membership(&self, organisation_id: i32) -> Option<OrganisationRole> {
        self.memberships.iter().find(|m| m.organisation_id == organisation_id).map(|m| m.role)
    }
}

/// What a caller may want to do. Add a variant here (and a rule below) for every new protected action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read or change one's own profile.
    ManageOwnAccount,
    /// See the list of accounts and their roles.
    ListAccounts,
    /// Grant or take away the moderator or administrator role.
    ChangeAccountRole { target_account_id: i32 },
    /// Handle items routed to an organisation (acknowledge, assign, forward, answer).
    HandleForOrganisation { organisation_id: i32 },
    /// Extend a deadline or reassign inside an organisation.
    HeadOfOrganisation { organisation_id: i32 },
    /// Publish or refuse petitions, triage reports.
    Moderate,
    /// Moderate one item (publish or refuse a petition) written by `author_account_id`.
    ModerateItem { author_account_id: Option<i32> },
    /// Handle and answer, for `organisation_id`, one item written by `author_account_id`.
    HandleItem { organisation_id: i32, author_account_id: Option<i32> },
    /// Read a petition that was never published (in moderation, or refused) written by `author_account_id`.
    ReadUnpublishedPetition { author_account_id: i32 },
    /// Follow one's own submission as its author (status, deadlines, history, the answer, and what the
    /// author may do about it) on the author's own pages.
    FollowOwnSubmission { author_account_id: Option<i32> },
    /// Edit the directory, calendar, statute parameters.
    Administer,
}

/// May `viewer` (anyone, when `None`) read a petition? Published ones are public; one in moderation or
/// refused is for its author and the moderators (the public learns only that it was refused and the
/// ground, from the open data).
pub fn may_read_petition(viewer: Option<&Principal>, published: bool, author_account_id: i32) -> bool {
    published || viewer.is_some_and(|p| authorize(p, Action::ReadUnpublishedPetition { author_account_id }).is_ok())
}

/// May `viewer` (anyone, when `None`) read the whole of an appeal, its author's personal data included?
/// Its author, the staff of the organisation handling it, and administrators.
pub fn may_read_appeal_in_full(viewer: Option<&Principal>, executor_id: i32, author_account_id: Option<i32>) -> bool {
    viewer
        .is_some_and(|p| author_account_id == Some(p.account_id) || p.membership(executor_id).is_some() || p.is_admin())
}

/// May `viewer` know that an appeal exists at all? Issue reports are public (without personal data);
/// any other appeal only for those who may read it in full (art. 10: its content is not disclosed).
pub fn may_see_appeal(
    viewer: Option<&Principal>,
    public_report: bool,
    executor_id: i32,
    author_account_id: Option<i32>,
) -> bool {
    public_report || may_read_appeal_in_full(viewer, executor_id, author_account_id)
}

/// What of the staff's desk a person may use; the desk's navigation shows exactly these entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DeskAccess {
    /// Officer or head of at least one organisation: the work queue, case pages, registration.
    pub handles: bool,
    /// Head of at least one organisation: the team's overview.
    pub heads: bool,
    /// Moderator (or administrator): petitions awaiting moderation.
    pub moderates: bool,
    /// Administrator: the directory, statutes, calendar, accounts.
    pub administers: bool,
}

impl DeskAccess {
    /// Is there anything at the desk for this person? (The layout shows "Desk" only then.)
    pub fn any(&self) -> bool {
        self.handles || self.heads || self.moderates || self.administers
    }
}

/// The parts of the desk `principal` may use (nothing for a citizen without memberships).
pub fn desk_access(principal: &Principal) -> DeskAccess {
    DeskAccess {
        handles: !principal.memberships.is_empty(),
        heads: principal.memberships.iter().any(|m| m.role == OrganisationRole::Head),
        moderates: principal.moderates(),
        administers: principal.is_admin(),
    }
}

/// Decides whether `principal` may perform `action`. Denials carry a message a person can act on.
pub fn authorize(principal: &Principal, action: Action) -> Result<(), DomainError> {
    let allowed = match action {
        Action::ManageOwnAccount => true,
        Action::ListAccounts | Action::Administer => principal.is_admin(),
        // An administrator cannot demote themself: there must always be someone who can fix the directory.
        Action::ChangeAccountRole { target_account_id } => {
            principal.is_admin() && target_account_id != principal.account_id
        }
        Action::HandleForOrganisation { organisation_id } => principal.membership(organisation_id).is_some(),
        Action::HeadOfOrganisation { organisation_id } => {
            principal.membership(organisation_id) == Some(OrganisationRole::Head)
        }
        Action::Moderate => principal.moderates(),
        // Nobody moderates, handles or answers their own item: they act on it only as its author.
        Action::ModerateItem { author_account_id } => {
            principal.moderates() && author_account_id != Some(principal.account_id)
        }
        Action::HandleItem { organisation_id, author_account_id } => {
            principal.membership(organisation_id).is_some() && author_account_id != Some(principal.account_id)
        }
        Action::ReadUnpublishedPetition { author_account_id } => {
            principal.moderates() || author_account_id == principal.account_id
        }
        // Not even administrators: these pages are the author's own, staff have the desk.
        Action::FollowOwnSubmission { author_account_id } => author_account_id == Some(principal.account_id),
    };
    if allowed { Ok(()) } else { Err(DomainError::Forbidden(denial_message(principal, action))) }
}

fn denial_message(principal: &Principal, action: Action) -> String {
    match action {
        Action::ChangeAccountRole { target_account_id }
            if target_account_id == principal.account_id && principal.is_admin() =>
        {
            "administrators cannot change their own role; ask another administrator".into()
        }
        Action::ListAccounts | Action::ChangeAccountRole { .. } | Action::Administer => {
            "only an administrator may do this".into()
        }
        Action::HandleForOrganisation { organisation_id } => {
            format!("only officers of organisation {organisation_id} may handle its items")
        }
        Action::HeadOfOrganisation { organisation_id } => {
            format!("only the head of organisation {organisation_id} may do this")
        }
        Action::ModerateItem { author_account_id } | Action::HandleItem { author_account_id, .. }
            if author_account_id == Some(principal.account_id) =>
        {
            "nobody moderates, handles or answers their own item; another moderator or officer must".into()
        }
        Action::Moderate | Action::ModerateItem { .. } => "only a moderator may do this".into(),
        Action::HandleItem { organisation_id, .. } => {
            format!("only officers of organisation {organisation_id} may handle its items")
        }
        Action::ReadUnpublishedPetition { .. } => {
            "a petition that was not published is for its author and the moderators only".into()
        }
        Action::FollowOwnSubmission { .. } => "only its author follows a submission on these pages".into(),
        Action::ManageOwnAccount => "not allowed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role) -> Principal {
        Principal { account_id: 1, role, memberships: vec![] }
    }

    #[test]
    fn only_the_author_follows_a_submission_on_the_authors_pages_not_even_an_administrator() {
        let author = person(Role::Citizen);
        assert!(authorize(&author, Action::FollowOwnSubmission { author_account_id: Some(1) }).is_ok());
        assert!(authorize(&author, Action::FollowOwnSubmission { author_account_id: Some(2) }).is_err());
        assert!(authorize(&author, Action::FollowOwnSubmission { author_account_id: None }).is_err());
        let admin = Principal { account_id: 3, ..person(Role::Administrator) };
        assert!(authorize(&admin, Action::FollowOwnSubmission { author_account_id: Some(1) }).is_err());
    }

    #[test]
    fn a_citizen_manages_only_their_own_account() {
        let citizen = person(Role::Citizen);
        assert!(authorize(&citizen, Action::ManageOwnAccount).is_ok());
        assert!(authorize(&citizen, Action::ListAccounts).is_err());
        assert!(authorize(&citizen, Action::Moderate).is_err());
        assert!(authorize(&citizen, Action::Administer).is_err());
    }

    #[test]
    fn an_administrator_changes_others_roles_but_not_their_own() {
        let admin = person(Role::Administrator);
        assert!(authorize(&admin, Action::ChangeAccountRole { target_account_id: 2 }).is_ok());
        let err = authorize(&admin, Action::ChangeAccountRole { target_account_id: 1 }).unwrap_err();
        assert!(err.to_string().contains("own role"));
    }

    #[test]
    fn moderation_is_for_moderators_and_administrators() {
        assert!(authorize(&person(Role::Moderator), Action::Moderate).is_ok());
        assert!(authorize(&person(Role::Administrator), Action::Moderate).is_ok());
        assert!(authorize(&person(Role::Moderator), Action::Administer).is_err());
    }

    #[test]
    fn officers_act_for_their_organisation_only_and_heads_also_extend() {
        let officer = Principal {
            account_id: 5,
            role: Role::Citizen,
            memberships: vec![Membership { organisation_id: 7, role: OrganisationRole::Officer }],
        };
        assert!(authorize(&officer, Action::HandleForOrganisation { organisation_id: 7 }).is_ok());
        assert!(authorize(&officer, Action::HandleForOrganisation { organisation_id: 8 }).is_err());
        assert!(authorize(&officer, Action::HeadOfOrganisation { organisation_id: 7 }).is_err());

        let head =
            Principal { memberships: vec![Membership { organisation_id: 7, role: OrganisationRole::Head }], ..officer };
        assert!(authorize(&head, Action::HandleForOrganisation { organisation_id: 7 }).is_ok());
        assert!(authorize(&head, Action::HeadOfOrganisation { organisation_id: 7 }).is_ok());
    }

    #[test]
    fn nobody_moderates_or_handles_their_own_item() {
        let moderator = Principal {
            account_id: 5,
            role: Role::Moderator,
            memberships: vec![Membership { organisation_id: 7, role: OrganisationRole::Head }],
        };
        assert!(authorize(&moderator, Action::ModerateItem { author_account_id: Some(6) }).is_ok());
        let own = authorize(&moderator, Action::ModerateItem { author_account_id: Some(5) }).unwrap_err();
        assert!(own.to_string().contains("their own item"), "{own}");
        let handle = |author| Action::HandleItem { organisation_id: 7, author_account_id: author };
        assert!(authorize(&moderator, handle(None)).is_ok());
        assert!(authorize(&moderator, handle(Some(6))).is_ok());
        assert!(authorize(&moderator, handle(Some(5))).is_err());
        assert!(authorize(&person(Role::Citizen), Action::ModerateItem { author_account_id: Some(6) }).is_err());
    }

    #[test]
    fn the_desk_is_for_staff_and_shows_each_only_their_part() {
        assert!(!desk_access(&person(Role::Citizen)).any());
        let moderator = desk_access(&person(Role::Moderator));
        assert!(moderator.moderates && !moderator.handles && !moderator.administers);
        let admin = desk_access(&person(Role::Administrator));
        assert!(admin.administers && admin.moderates && !admin.handles);
        let officer = Principal {
            account_id: 5,
            role: Role::Citizen,
            memberships: vec![Membership { organisation_id: 7, role: OrganisationRole::Officer }],
        };
        assert_eq!(desk_access(&officer), DeskAccess { handles: true, ..DeskAccess::default() });
        let head =
            Principal { memberships: vec![Membership { organisation_id: 7, role: OrganisationRole::Head }], ..officer };
        assert!(desk_access(&head).heads && desk_access(&head).handles);
    }

    #[test]
    fn unpublished_petitions_are_for_their_author_and_moderators() {
        let author = Principal { account_id: 9, role: Role::Citizen, memberships: vec![] };
        let stranger = person(Role::Citizen);
        assert!(may_read_petition(None, true, 9));
        assert!(!may_read_petition(None, false, 9));
        assert!(!may_read_petition(Some(&stranger), false, 9));
        assert!(may_read_petition(Some(&author), false, 9));
        assert!(may_read_petition(Some(&person(Role::Moderator)), false, 9));
    }
}
