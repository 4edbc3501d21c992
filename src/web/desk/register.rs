//! `/desk/registrations/new`: register an appeal received on paper, by phone or by e-mail, with the
//! real date of receipt; the check step shows the executor and the deadline it gets before saving;
//! the form's key makes a double click register one appeal.
use chrono::NaiveDate;
use minijinja::{Value, context};
use poem::{Response, handler, http::StatusCode, web::Form};
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
        appeals::intake::{self, AppealContent, PaperForm},
        once::Once,
    },
    web::{
        context::Ctx,
        forms::{FormErrors, csrf_refused, see_other},
        i18n::Lang,
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

async fn form(ctx: &Ctx<'_>, errors: &FormErrors, typed: &Registration) -> Response {
    let lang = ctx.lang;
    let categories = crate::service::directory::categories(ctx.state).await.unwrap_or_default();
    let page = context! {
        r => Value::from_serialize(typed),
        categories => categories.iter().map(|c| (c.id, if lang == Lang::Uk { c.fields.name_uk.clone() } else { c.fields.name_en.clone() })).collect::<Vec<_>>(),
        kinds => ["proposal", "application", "complaint"],
        channels => ["paper", "phone", "email"],
    };
    let mut response = ctx.form_page(NEW, "desk/register.html", errors, page);
    if !errors.list.is_empty() {
        response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    response
}

/// The empty form, with a fresh key; refused (403) to anyone who registers for no organisation.
#[handler]
pub async fn new_page(ctx: Ctx<'_>) -> Response {
    if !ctx.actor().principal().is_some_and(|p| crate::domain::authorization::desk_access(p).handles) {
        return ctx.site.error(ctx.lang, NEW, StatusCode::FORBIDDEN);
    }
    let typed =
        Registration { form_key: uuid::Uuid::new_v4().to_string(), channel: "paper".into(), ..Registration::default() };
    form(&ctx, &FormErrors::default(), &typed).await
}

/// The check step: what would be registered, with its executor and deadline; or the form again.
#[handler]
pub async fn check(ctx: Ctx<'_>, Form(typed): Form<Registration>) -> Response {
    if typed.change.is_some() {
        return match csrf_refused(ctx.site, ctx.lang, NEW, ctx.verifier, &typed.csrf_token) {
            Some(page) => page,
            None => form(&ctx, &FormErrors::default(), &typed).await,
        };
    }
    let lang = ctx.lang;
    let preview = async {
        let paper = typed.paper_form()?;
        intake::preview_paper(ctx.state, ctx.actor(), paper).await
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
        ctx.blank_form(NEW, "desk/register-check.html", page)
    };
    register_post(&ctx, &typed, preview, checked).await
}

/// A POST of the registration's form: the check step or the registration, else the form again.
async fn register_post<T>(
    ctx: &Ctx<'_>,
    typed: &Registration,
    use_case: impl Future<Output = Result<T, AppError>>,
    done: impl FnOnce(T) -> Response,
) -> Response {
    ctx.post(NEW, ("desk-register", "subject"))
        .refused_as_page()
        .handle(&typed.csrf_token, use_case, done, async |errors| form(ctx, &errors, typed).await)
        .await
}

/// Registers the checked appeal once per form key and opens its case page.
#[handler]
pub async fn submit(ctx: Ctx<'_>, Form(typed): Form<Registration>) -> Response {
    let registering = async {
        let paper = typed.paper_form()?;
        intake::register_paper_once(ctx.state, ctx.actor(), paper, &typed.form_key).await
    };
    let registered = |once| match once {
        Once::Created(id) => see_other(&format!("/desk/appeals/{id}?done=registered")),
        Once::InFlight => ctx.site.error(ctx.lang, NEW, StatusCode::CONFLICT),
    };
    register_post(&ctx, &typed, registering, registered).await
}
