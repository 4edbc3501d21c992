//! Filing: every way an appeal or report arrives goes through `domain::appeals::intake`, and storage
//! saves exactly what it returned.
use chrono::{DateTime, Utc};

use super::{AppealDetails, Extras, details, person};
use crate::{
    domain::{
        appeals::{AppealKind, Author, Channel, Cosigner, Intake, IntakeDirectory, NewAppeal, intake},
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
    file_with_photos(state, actor, form, Vec::new()).await
}

/// [`file`] with the photos chosen on the report journey before the report existed: they become its
/// photos in the filing's transaction.
pub async fn file_with_photos(
    state: &AppState,
    actor: &Actor,
    form: AppealForm,
    photos: Vec<storage::appeals::PendingPhoto>,
) -> Result<AppealDetails, AppError> {
    let principal = person(actor)?;
    let author = storage::appeals::author_of(&state.db, principal.account_id).await?;
    let now = stored_precision(Utc::now());
    let filing = accept(state, web_appeal(form, author, now), now).await?.with_photos(photos);
    state.limits.check_filing(principal.account_id)?;
    let filed = state.appeals.file(filing).await?;
    filed_details(filed, principal)
}

/// A citizen's appeal from the web or the API, received `now`.
fn web_appeal(form: AppealForm, author: Author, now: DateTime<Utc>) -> NewAppeal {
    let author = Author { address: form.author_address, phone: form.author_phone, ..author };
    NewAppeal { show_author_name: form.show_author_name, ..form.content.received(Channel::Web, author, now) }
}

/// Register an appeal received off-line (an officer of the receiving organisation). Its deadline runs
/// from the date it was actually received.
pub async fn register_paper(state: &AppState, actor: &Actor, form: PaperForm) -> Result<AppealDetails, AppError> {
    let principal = person(actor)?;
    let now = stored_precision(Utc::now());
    let filing = accept(state, paper_appeal(principal, form)?, now).await?;
    let filed = state.appeals.file(filing).await?;
    filed_details(filed, principal)
}

/// What registering `form` would give, without saving it: the executor and the deadline.
#[derive(Debug, Clone)]
pub struct PaperPreview {
    pub executor_name: String,
    pub deadline: crate::domain::deadlines::Deadline,
}

/// The check step before registering: the same intake as [`register_paper`], nothing saved.
pub async fn preview_paper(state: &AppState, actor: &Actor, form: PaperForm) -> Result<PaperPreview, AppError> {
    let principal = person(actor)?;
    let now = stored_precision(Utc::now());
    let (accepted, executor_name) = intake_preview(state, paper_appeal(principal, form)?, now).await?;
    Ok(PaperPreview { executor_name, deadline: accepted.deadline })
}

/// Registers `form` once per form key (`service::once`): a double click or a retried POST registers
/// one appeal and gets it.
pub async fn register_paper_once(
    state: &AppState,
    actor: &Actor,
    form: PaperForm,
    form_key: &str,
) -> Result<crate::service::once::Once, AppError> {
    let principal = person(actor)?;
    let fingerprint = format!("paper\u{0}{}\u{0}{}\u{0}{}", form.author.name, form.content.subject, form.content.text);
    let registering = async { Ok(register_paper(state, actor, form).await?.id) };
    crate::service::once::create_once(state, principal.account_id, form_key, &fingerprint, "/appeals", registering)
        .await
}

/// The appeal `principal` registers from `form`, received where they work.
fn paper_appeal(principal: &Principal, form: PaperForm) -> Result<NewAppeal, AppError> {
    let Some(own) = principal.memberships.first().map(|m| m.organisation_id) else {
        return Err(AppError::Forbidden("only officers of an organisation register appeals received off-line".into()));
    };
    let receiving = form.content.organisation_id.unwrap_or(own);
    authorize(principal, Action::HandleForOrganisation { organisation_id: receiving })?;
    let addressee_id = if form.content.category_id.is_some() { None } else { Some(receiving) };
    let author = Author { account_id: None, ..form.author };
    let received = form.content.received(form.channel, author, stored_precision(form.received_at));
    Ok(NewAppeal { addressee_id, registered_by: Some(principal.account_id), ..received })
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
async fn intake_now(state: &AppState, new: NewAppeal, now: DateTime<Utc>) -> Result<Intake, AppError> {
    let directory = storage::directory::intake_directory(&state.db).await?;
    let calendar = state.calendar().await?;
    Ok(intake(new, directory.as_ref(), &calendar, now)?)
}

/// A check step's intake: what filing `new` would give, nothing saved, with the name of the
/// organisation that would handle it.
async fn intake_preview(state: &AppState, new: NewAppeal, now: DateTime<Utc>) -> Result<(Intake, String), AppError> {
    let directory = storage::directory::intake_directory(&state.db).await?;
    let calendar = state.calendar().await?;
    let accepted = intake(new, directory.as_ref(), &calendar, now)?;
    let executor_name = directory.organisation(accepted.appeal.executor_id).map(|o| o.name).unwrap_or_default();
    Ok((accepted, executor_name))
}

/// Intake, ready to be stored.
async fn accept(state: &AppState, new: NewAppeal, now: DateTime<Utc>) -> Result<Filing, AppError> {
    Ok(Filing::new(intake_now(state, new, now).await?, now))
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

/// An appeal as typed into the web form, kept between its steps (`service::forms`). The kinds a person
/// files here are the three of art. 3; issue reports have their own journey.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AppealDraft {
    pub kind: String,
    pub organisation_id: Option<i32>,
    pub subject: String,
    pub text: String,
    pub author_address: String,
    pub author_phone: String,
    pub privileged: bool,
}

/// What filing a draft would do, told before it is sent: who will handle it and by when.
#[derive(Debug, Clone)]
pub struct Preview {
    pub draft: AppealDraft,
    pub executor_name: String,
    pub due_date: chrono::NaiveDate,
}

impl AppealDraft {
    fn form(&self) -> Result<AppealForm, AppError> {
        let kind = AppealKind::parse(&self.kind).filter(|k| *k != AppealKind::IssueReport).ok_or_else(|| {
            AppError::validation("kind", "choose whether it is a proposal, an application or a complaint")
        })?;
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(AppealForm {
            content: AppealContent {
                kind,
                subject: self.subject.clone(),
                text: self.text.clone(),
                category_id: None,
                organisation_id: Some(self.organisation_id.ok_or_else(|| {
                    AppError::validation("organisation_id", "choose the organisation the appeal is addressed to")
                })?),
                point: None,
                address: None,
                district_id: None,
                privileged: self.privileged,
                cosigners: Vec::new(),
            },
            author_address: optional(&self.author_address),
            author_phone: optional(&self.author_phone),
            show_author_name: false,
        })
    }
}

/// The web form's name for its kept draft and its key.
const NEW_APPEAL: &str = "new-appeal";

/// Checks a draft as intake would (art. 5, the addressee) without filing it, and tells who would
/// handle it and by when.
pub async fn preview(state: &AppState, actor: &Actor, draft: AppealDraft) -> Result<Preview, AppError> {
    let principal = person(actor)?;
    let form = draft.form()?;
    let author = storage::appeals::author_of(&state.db, principal.account_id).await?;
    let now = stored_precision(Utc::now());
    let (accepted, executor_name) = intake_preview(state, web_appeal(form, author, now), now).await?;
    Ok(Preview { draft, executor_name, due_date: accepted.deadline.due_date })
}

/// The "continue" step of the web form: checks the draft and keeps it under the form's key.
pub async fn keep_draft(
    state: &AppState,
    actor: &Actor,
    form_key: &str,
    draft: AppealDraft,
) -> Result<Preview, AppError> {
    let preview = preview(state, actor, draft).await?;
    crate::service::forms::keep_draft(state, person(actor)?, (NEW_APPEAL, form_key), &preview.draft).await?;
    Ok(preview)
}

/// The draft kept under the form's key, checked again (the directory may have changed since).
pub async fn kept_draft(state: &AppState, actor: &Actor, form_key: &str) -> Result<Preview, AppError> {
    let draft: AppealDraft = crate::service::forms::kept_draft(state, person(actor)?, (NEW_APPEAL, form_key)).await?;
    preview(state, actor, draft).await
}

/// Only the kept draft, as typed (to change it).
pub async fn kept_words(state: &AppState, actor: &Actor, form_key: &str) -> Result<AppealDraft, AppError> {
    crate::service::forms::kept_draft(state, person(actor)?, (NEW_APPEAL, form_key)).await
}

/// Files the draft kept under the form's key, once per key: a double click or a retried POST files one
/// appeal and gets that appeal's id.
pub async fn file_kept(
    state: &AppState,
    actor: &Actor,
    form_key: &str,
) -> Result<crate::service::forms::Once, AppError> {
    let principal = person(actor)?;
    let draft = kept_words(state, actor, form_key).await?;
    let fingerprint = serde_json::to_string(&draft).map_err(|e| AppError::Internal(e.into()))?;
    let create = async { file(state, actor, draft.form()?).await.map(|filed| filed.id) };
    crate::service::once::create_once(state, principal.account_id, form_key, &fingerprint, "/appeals", create).await
}
