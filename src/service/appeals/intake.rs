//! Filing: every way an appeal or report arrives goes through `domain::appeals::intake`, and storage
//! saves exactly what it returned.
use chrono::{DateTime, Utc};

use super::{AppealDetails, Extras, details, person};
use crate::{
    domain::{
        appeals::{AppealKind, Author, Channel, Cosigner, NewAppeal, intake},
        authorization::{Action, Principal, authorize},
        directory::GeoPoint,
        petitions,
    },
    error::AppError,
    service::{Actor, AppState, petitions::PetitionRecord},
    storage::{
        self,
        appeals::{Filed, Filing, stored_precision},
    },
};

/// What an appeal says and where it goes, the same whether a citizen files it or an officer registers it.
#[derive(Debug, Clone)]
pub struct AppealContent {
    pub kind: AppealKind,
    pub subject: String,
    pub text: String,
    pub category_id: Option<i32>,
    /// For an appeal outside every category: the organisation it is addressed to.
    pub organisation_id: Option<i32>,
    pub point: Option<GeoPoint>,
    pub address: Option<String>,
    pub district_id: Option<i32>,
    pub privileged: bool,
    pub cosigners: Vec<Cosigner>,
}

impl AppealContent {
    /// The appeal as it arrived on `channel` at `received_at` from `author`, addressed as its content
    /// says, registered by nobody and with the author's name kept private.
    fn received(self, channel: Channel, author: Author, received_at: DateTime<Utc>) -> NewAppeal {
        NewAppeal {
            kind: self.kind,
            channel,
            subject: self.subject,
            text: self.text,
            category_id: self.category_id,
            addressee_id: self.organisation_id,
            point: self.point,
            place_address: self.address,
            district_id: self.district_id,
            author,
            show_author_name: false,
            privileged: self.privileged,
            cosigners: self.cosigners,
            received_at,
            registered_by: None,
            open311_token: None,
        }
    }
}

/// What a citizen files; the author's name, e-mail and language come from the account.
#[derive(Debug, Clone)]
pub struct AppealForm {
    pub content: AppealContent,
    pub author_address: Option<String>,
    pub author_phone: Option<String>,
    pub show_author_name: bool,
}

/// An appeal received on paper, by phone or by e-mail, as the registering officer enters it.
#[derive(Debug, Clone)]
pub struct PaperForm {
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    /// Its `organisation_id` defaults to the registering officer's own organisation.
    pub content: AppealContent,
    pub author: Author,
}

/// File an appeal or an issue report (a verified citizen). Each account files at most
/// `rate_limits.appeals_per_hour`.
pub async fn file(state: &AppState, actor: &Actor, form: AppealForm) -> Result<AppealDetails, AppError> {
    let principal = person(actor)?;
    let author = storage::appeals::author_of(&state.db, principal.account_id).await?;
    let now = stored_precision(Utc::now());
    let author = Author { address: form.author_address, phone: form.author_phone, ..author };
    let new = NewAppeal { show_author_name: form.show_author_name, ..form.content.received(Channel::Web, author, now) };
    let filing = accept(state, new, now).await?;
    state.limits.check_filing(principal.account_id)?;
    let filed = state.appeals.file(filing).await?;
    filed_details(filed, principal)
}

/// Register an appeal received off-line (an officer of the receiving organisation). Its deadline runs
/// from the date it was actually received.
pub async fn register_paper(state: &AppState, actor: &Actor, form: PaperForm) -> Result<AppealDetails, AppError> {
    let principal = person(actor)?;
    let Some(own) = principal.memberships.first().map(|m| m.organisation_id) else {
        return Err(AppError::Forbidden("only officers of an organisation register appeals received off-line".into()));
    };
    let receiving = form.content.organisation_id.unwrap_or(own);
    authorize(principal, Action::HandleForOrganisation { organisation_id: receiving })?;
    let now = stored_precision(Utc::now());
    let addressee_id = if form.content.category_id.is_some() { None } else { Some(receiving) };
    let author = Author { account_id: None, ..form.author };
    let received = form.content.received(form.channel, author, stored_precision(form.received_at));
    let new = NewAppeal { addressee_id, registered_by: Some(principal.account_id), ..received };
    let filing = accept(state, new, now).await?;
    let filed = state.appeals.file(filing).await?;
    filed_details(filed, principal)
}

/// An issue report filed through Open311, as stored.
#[derive(Debug, Clone)]
pub struct FiledReport {
    pub id: i32,
    pub executor_id: i32,
    pub due_at: DateTime<Utc>,
    pub token: Option<String>,
}

/// File an issue report sent by an Open311 client (the client's key was checked by the caller).
pub async fn file_open311(state: &AppState, new: NewAppeal) -> Result<FiledReport, AppError> {
    let now = stored_precision(Utc::now());
    let new = NewAppeal { channel: Channel::Open311, received_at: now, registered_by: None, ..new };
    let filing = accept(state, new, now).await?;
    let filed = storage::appeals::file(&state.db, &state.settings.public_url, filing).await?;
    state.mail_wake.notify_one();
    let row = filed.row;
    Ok(FiledReport { id: row.id, executor_id: row.executor_id, due_at: row.due_at, token: row.open311_token })
}

/// Have a petition that closed short considered as an ordinary appeal (its author): an application to the
/// council with the petition's text and its own deadline. The appeal and the petition's link to it are
/// stored in one transaction: either both or neither. Answers with the petition as it now is.
pub async fn file_petition_as_appeal(
    state: &AppState,
    actor: &Actor,
    petition_id: i32,
    author_address: String,
) -> Result<PetitionRecord, AppError> {
    let principal = person(actor)?;
    let petition = storage::petitions::get(&state.db, petition_id).await?;
    let author = storage::appeals::author_of(&state.db, principal.account_id).await?;
    let now = stored_precision(Utc::now());
    let content = AppealContent {
        kind: AppealKind::Application,
        subject: petition.title.chars().take(200).collect(),
        text: format!(
            "{}\n\n(Petition No. {} closed with {} signatures.)",
            petition.text, petition.id, petition.signature_count
        ),
        category_id: None,
        organisation_id: Some(petition.council_id),
        point: None,
        address: None,
        district_id: None,
        privileged: false,
        cosigners: Vec::new(),
    };
    let new = content.received(Channel::Web, Author { address: Some(author_address), phone: None, ..author }, now);
    let filing = accept(state, new, now).await?;
    let calendar = state.calendar().await?;
    let actor = petitions::Actor {
        account_id: Some(principal.account_id),
        is_author: principal.account_id == petition.author_account_id,
        ..Default::default()
    };
    let stored = storage::appeals::file_for_petition(
        &state.db,
        &calendar,
        &state.settings.public_url,
        filing,
        petition_id,
        actor,
        now,
    )
    .await?;
    state.mail_wake.notify_one();
    stored.try_into()
}

/// Intake by the domain, against the directory and calendar as they are now.
async fn accept(state: &AppState, new: NewAppeal, now: DateTime<Utc>) -> Result<Filing, AppError> {
    let directory = storage::directory::intake_directory(&state.db).await?;
    let calendar = state.calendar().await?;
    let accepted = intake(new, directory.as_ref(), &calendar, now)?;
    Ok(Filing::new(accepted, now))
}

/// An appeal just filed, as the filer sees it: nothing is read again.
fn filed_details(filed: Filed, viewer: &Principal) -> Result<AppealDetails, AppError> {
    let Filed { row, deadline, executor_name, cosigners } = filed;
    let extras = Extras {
        executor_name,
        followed: None,
        photo_ids: Vec::new(),
        in_full: super::in_full(Some(viewer), &row),
        cosigners: cosigners.into_iter().map(|(full_name, address)| Cosigner { full_name, address }).collect(),
        deadline: Some(deadline),
    };
    details(row, extras)
}
