//! `/desk/registrations/new`: register an appeal received on paper, by phone or by e-mail, with the
//! real date of receipt; the check step shows the executor and the deadline it gets before saving;
//! the form's key makes a double click register one appeal.
use chrono::NaiveDate;
use minijinja::{Value, context};
use poem::{
    Response, handler,
    http::StatusCode,
    web::{CsrfToken, CsrfVerifier, Data, Form},
};
use serde::{Deserialize, Serialize};

use super::due_day;
use crate::{
    domain::{
        accounts::Language,
        appeals::{AppealKind, Author, Channel},
        calendar::kyiv_start_of_day,
    },
    error::AppError,
    service::{
        AppState,
        appeals::intake::{self, AppealContent, PaperForm},
        once::Once,
    },
    web::{
        forms::{FormErrors, FormPost, csrf_refused, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const NEW: &str = "/desk/registrations/new";

/// What the registering officer typed (kept as typed, so the form can be shown again).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Registration {
    #[serde(skip_serializing)]
    csrf_token: String,
    form_key: String,
    channel: String,
    day: String,
    month: String,
    year: String,
    kind: String,
    category_id: String,
    subject: String,
    text: String,
    author_name: String,
    author_address: String,
    author_email: String,
    author_phone: String,
    privileged: Option<String>,
    #[serde(skip_serializing)]
    change: Option<String>,
}

impl Registration {
    /// The use case's input, or the first field a person must correct.
    fn paper_form(&self) -> Result<PaperForm, AppError> {
        let channel = match Channel::from_code(&self.channel) {
            Some(c @ (Channel::Paper | Channel::Phone | Channel::Email)) => c,
            _ => return Err(AppError::validation("channel", "choose how the appeal was received")),
        };
        let date = (|| {
            NaiveDate::from_ymd_opt(
                self.year.trim().parse().ok()?,
                self.month.trim().parse().ok()?,
                self.day.trim().parse().ok()?,
            )
        })()
        .filter(|_| self.year.trim().len() == 4)
        .ok_or_else(|| AppError::validation("day", "enter the real date of receipt, for example 27 3 2026"))?;
        let kind = match AppealKind::from_code(&self.kind) {
            Some(k) if k != AppealKind::IssueReport => k,
            _ => return Err(AppError::validation("kind", "choose the kind of appeal")),
        };
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(PaperForm {
            channel,
            received_at: kyiv_start_of_day(date),
            content: AppealContent {
                kind,
                subject: self.subject.clone(),
                text: self.text.clone(),
                category_id: self.category_id.trim().parse().ok(),
                organisation_id: None,
                point: None,
                address: None,
                district_id: None,
                privileged: self.privileged.is_some(),
                cosigners: Vec::new(),
            },
            author: Author {
                account_id: None,
                name: self.author_name.clone(),
                address: optional(&self.author_address),
                email: optional(&self.author_email),
                phone: optional(&self.author_phone),
                language: Language::Uk,
            },
        })
    }
}

async fn form(
    site: &Site,
    state: &AppState,
    lang: Lang,
    csrf: &CsrfToken,
    errors: &FormErrors,
    typed: &Registration,
) -> Response {
    let categories = crate::service::directory::categories(state).await.unwrap_or_default();
    let page = context! {
        r => Value::from_serialize(typed),
        categories => categories.iter().map(|c| (c.id, if lang == Lang::Uk { c.fields.name_uk.clone() } else { c.fields.name_en.clone() })).collect::<Vec<_>>(),
        kinds => ["proposal", "application", "complaint"],
        channels => ["paper", "phone", "email"],
    };
    let mut response = form_page(site, lang, NEW, "desk/register.html", csrf, errors, page);
    if !errors.list.is_empty() {
        response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    response
}

/// The empty form, with a fresh key; refused (403) to anyone who registers for no organisation.
#[handler]
pub async fn new_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
) -> Response {
    if !visitor.actor.principal().is_some_and(|p| crate::domain::authorization::desk_access(p).handles) {
        return site.error(lang, NEW, StatusCode::FORBIDDEN);
    }
    let typed =
        Registration { form_key: uuid::Uuid::new_v4().to_string(), channel: "paper".into(), ..Registration::default() };
    form(&site, &state, lang, csrf, &FormErrors::default(), &typed).await
}

/// The check step: what would be registered, with its executor and deadline; or the form again.
#[handler]
pub async fn check(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(typed): Form<Registration>,
) -> Response {
    if typed.change.is_some() {
        return match csrf_refused(&site, lang, NEW, verifier, &typed.csrf_token) {
            Some(page) => page,
            None => form(&site, &state, lang, csrf, &FormErrors::default(), &typed).await,
        };
    }
    let preview = async {
        let paper = typed.paper_form()?;
        intake::preview_paper(&state, &visitor.actor, paper).await
    };
    let checked = |preview: intake::PaperPreview| {
        let d = preview.deadline;
        let page = context! {
            r => Value::from_serialize(&typed),
            executor => preview.executor_name,
            due => due_day(lang, d.due_at),
            legal_basis => d.legal_basis,
            received => crate::web::dates::date(lang, d.event_at.date_naive()),
        };
        form_page(&site, lang, NEW, "desk/register-check.html", csrf, &FormErrors::default(), page)
    };
    FormPost::new(&site, lang, NEW, ("desk-register", "subject"))
        .refused_as_page()
        .handle(verifier, &typed.csrf_token, preview, checked, async |errors| {
            form(&site, &state, lang, csrf, &errors, &typed).await
        })
        .await
}

/// Registers the checked appeal once per form key and opens its case page.
#[handler]
pub async fn submit(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(typed): Form<Registration>,
) -> Response {
    let registering = async {
        let paper = typed.paper_form()?;
        intake::register_paper_once(&state, &visitor.actor, paper, &typed.form_key).await
    };
    let registered = |once| match once {
        Once::Created(id) => see_other(&format!("/desk/appeals/{id}?done=registered")),
        Once::InFlight => site.error(lang, NEW, StatusCode::CONFLICT),
    };
    FormPost::new(&site, lang, NEW, ("desk-register", "subject"))
        .refused_as_page()
        .handle(verifier, &typed.csrf_token, registering, registered, async |errors| {
            form(&site, &state, lang, csrf, &errors, &typed).await
        })
        .await
}
