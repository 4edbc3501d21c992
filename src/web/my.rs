//! "My submissions": the signed-in person's appeals and reports (status, legal due date, time left),
//! petitions started and signed; the author's own page of an appeal or report (status, deadlines,
//! history, the answer) with the author's forms — confirm the fix, return it for rework, rate the
//! answer; and withdrawing a signature. Only the author sees these pages (the authorization module
//! decides: someone else's private appeal is 404, anything else not theirs 403).
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::{Deserialize, Serialize};

use super::{
    context::Ctx,
    dates,
    forms::{FormErrors, csrf_refused, local_path, login_then, see_other},
    i18n::Lang,
};
use crate::{
    domain::{appeals::AppealKind, calendar::kyiv_date, deadlines::day_containing},
    error::AppError,
    service::{
        appeals::{
            AppealDetails, citizen,
            queries::{self, ListRequest, Queue},
        },
        petitions,
    },
    storage::Page,
};

pub(super) fn routes(route: poem::Route) -> poem::Route {
    route
        .at("/my", poem::get(index))
        .at("/my/appeals/:id", poem::get(appeal_page))
        .at("/my/appeals/:id/confirm", poem::post(confirm))
        .at("/my/appeals/:id/return", poem::post(return_for_rework))
        .at("/my/appeals/:id/rate", poem::post(rate))
        .at("/petitions/:id/signature/withdraw", poem::post(withdraw_signature))
        .at("/petitions/:id/appeal", poem::get(petition_appeal_page).post(petition_appeal))
}

/// What a template shows of an appeal's deadline: the due date in words and the time left in days.
#[derive(Serialize)]
struct Due {
    date: String,
    /// Whole Kyiv days from today to the due date (negative when past); only while an answer is owed.
    days_left: Option<i64>,
    overdue: bool,
}

fn due(lang: Lang, appeal: &AppealDetails, now: DateTime<Utc>) -> Due {
    let date = day_containing(appeal.deadline.due_at);
    let open = appeal.status.awaits_answer();
    Due {
        date: dates::long_date(lang, date),
        days_left: open.then(|| (date - kyiv_date(now)).num_days()),
        overdue: open && appeal.deadline.overdue_at.is_some(),
    }
}

/// One row of the list of my appeals and reports.
fn appeal_row(lang: Lang, a: &AppealDetails, now: DateTime<Utc>) -> Value {
    context! {
        id => a.id, subject => a.subject.clone(), kind => a.kind.code(), status => a.status.code(),
        executor => a.executor_name.clone(), received => dates::date(lang, kyiv_date(a.received_at)),
        due => due(lang, a, now),
    }
}

/// A petition in my lists.
fn petition_row(lang: Lang, p: &petitions::PetitionRecord, signed_at: Option<DateTime<Utc>>) -> Value {
    let collecting =
        crate::domain::petitions::collecting_at(p.petition.status, p.petition.collection_ends_at, Utc::now());
    context! {
        id => p.petition.id, title => p.title.clone(), status => p.petition.status.code(), collecting,
        signatures => p.petition.signature_count,
        signed => signed_at.map(|at| dates::date(lang, kyiv_date(at))),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notice {
    withdrawn: Option<String>,
    filed: Option<String>,
    confirmed: Option<String>,
    returned: Option<String>,
    rated: Option<String>,
}

#[handler]
pub async fn index(ctx: Ctx<'_>, Query(notice): Query<Notice>) -> Response {
    let (path, lang) = ("/my", ctx.lang);
    if let Some(login) = ctx.login_first(path) {
        return login;
    }
    let request = ListRequest { page: Page { number: 1, size: 100 }, ..Default::default() };
    let appeals = match queries::list(ctx.state, ctx.actor(), Queue::Authored, request).await {
        Ok(list) => list,
        Err(err) => return ctx.error(path, &err),
    };
    let (started, signed) = match petitions::mine(ctx.state, ctx.actor()).await {
        Ok(mine) => mine,
        Err(err) => return ctx.error(path, &err),
    };
    let now = Utc::now();
    let (reports, others): (Vec<_>, Vec<_>) = appeals.items.iter().partition(|a| a.kind == AppealKind::IssueReport);
    let page = context! {
        appeals => others.iter().map(|a| appeal_row(lang, a, now)).collect::<Vec<_>>(),
        reports => reports.iter().map(|a| appeal_row(lang, a, now)).collect::<Vec<_>>(),
        started => started.iter().map(|p| petition_row(lang, p, None)).collect::<Vec<_>>(),
        signed => signed.iter().map(|(p, at)| petition_row(lang, p, Some(*at))).collect::<Vec<_>>(),
        withdrawn => notice.withdrawn.is_some(),
    };
    ctx.blank_form(path, "my/index.html", page)
}

/// The author's page of one appeal or report, with `extra` (notices, or a form's errors and typed values).
async fn render_appeal(ctx: &Ctx<'_>, id: i32, (errors, extra): (&FormErrors, Value)) -> Response {
    let (path, lang) = (format!("/my/appeals/{id}"), ctx.lang);
    if let Some(login) = ctx.login_first(&path) {
        return login;
    }
    let appeal = match queries::own(ctx.state, ctx.actor(), id).await {
        Ok(appeal) => appeal,
        Err(err) => return ctx.error(&path, &err),
    };
    let history = queries::history(ctx.state, ctx.actor(), id).await.unwrap_or_default();
    let history: Vec<Value> = history
        .iter()
        .map(|step| {
            let at = kyiv_date(step.at);
            context! { what => event_label(lang, &step.action), on => dates::date(lang, at) }
        })
        .collect();
    let page = context! {
        appeal => context! {
            id => appeal.id, kind => appeal.kind.code(), status => appeal.status.code(),
            subject => appeal.subject.clone(),
            paragraphs => appeal.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
            executor => appeal.executor_name.clone(),
            received => dates::long_date(lang, kyiv_date(appeal.received_at)),
            due => due(lang, &appeal, Utc::now()),
            original_due => appeal.deadline.extended_due_at.map(|_| dates::long_date(lang, day_containing(appeal.deadline.original_due_at))),
            answer => appeal.answer.as_ref().map(|a| context! {
                resolution => a.resolution.code(), text => a.text.clone(), competent_body => a.competent_body.clone(),
                on => dates::long_date(lang, kyiv_date(a.answered_at)),
            }),
            refusal => appeal.refusal.as_ref().map(|r| context! { reason => r.reason.clone(), basis => r.code.legal_basis() }),
            rating => appeal.rating,
            rework_count => appeal.rework_count,
            may_respond => appeal.status.answer_awaits_author(),
            may_rate => appeal.status.may_be_rated() && appeal.rating.is_none(),
        },
        history,
        ..extra
    };
    ctx.form_page(&path, "my/appeal.html", errors, page)
}

/// A history step in words: its own string where there is one, else the action's code made readable.
fn event_label(lang: Lang, action: &str) -> String {
    let key = format!("my-event-{action}");
    let text = lang.text(&key, None);
    if text == key { action.replace('_', " ") } else { text }
}

#[handler]
pub async fn appeal_page(ctx: Ctx<'_>, Path(id): Path<i32>, Query(notice): Query<Notice>) -> Response {
    let extra = context! {
        filed => notice.filed.is_some(), confirmed => notice.confirmed.is_some(),
        returned => notice.returned.is_some(), rated => notice.rated.is_some(),
    };
    render_appeal(&ctx, id, (&FormErrors::default(), extra)).await
}

/// The fields of the author's forms (each form sends its own).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuthorForm {
    csrf_token: String,
    reason: String,
    score: String,
    comment: String,
}

/// A POST of the author's page: the CSRF check, the one use case, then 303 back with `notice`, or the
/// page with the form's error and what was typed (someone else's appeal: its 404 or 403 page).
async fn author_post<T>(
    ctx: &Ctx<'_>,
    (id, csrf_token): (i32, &str),
    (form, field, notice): (&str, &str, &str),
    use_case: impl Future<Output = Result<T, AppError>>,
    typed: Value,
) -> Response {
    let path = format!("/my/appeals/{id}");
    let done = |_| see_other(&format!("{path}?{notice}=1"));
    ctx.post(&path, (form, field))
        .login_first()
        .handle(csrf_token, use_case, done, async |errors| render_appeal(ctx, id, (&errors, typed)).await)
        .await
}

#[handler]
pub async fn confirm(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<AuthorForm>) -> Response {
    let confirming = citizen::confirm(ctx.state, ctx.actor(), id);
    author_post(&ctx, (id, &form.csrf_token), ("confirm", "confirm", "confirmed"), confirming, context! {}).await
}

#[handler]
pub async fn return_for_rework(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<AuthorForm>) -> Response {
    let returning = citizen::return_for_rework(ctx.state, ctx.actor(), id, form.reason.clone());
    let typed = context! { reason => &form.reason };
    author_post(&ctx, (id, &form.csrf_token), ("rework", "reason", "returned"), returning, typed).await
}

#[handler]
pub async fn rate(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<AuthorForm>) -> Response {
    // No choice made is a score of 0, which the rule refuses with its own words ("1 to 5").
    let score = form.score.trim().parse().unwrap_or(0);
    let comment = Some(form.comment.trim().to_owned()).filter(|c| !c.is_empty());
    let rating = citizen::rate(ctx.state, ctx.actor(), id, score, comment);
    let typed = context! { score => &form.score, comment => &form.comment };
    author_post(&ctx, (id, &form.csrf_token), ("rate", "score", "rated"), rating, typed).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    csrf_token: String,
    /// The page the button was on (the petition's page or /my), to go back to.
    #[serde(rename = "return")]
    return_to: String,
}

/// Withdraws the signed-in person's signature (recorded, not deleted) and goes back where the button was.
#[handler]
pub async fn withdraw_signature(
    ctx: Ctx<'_>,
    jar: &poem::web::cookie::CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<WithdrawForm>,
) -> Response {
    let petition = format!("/petitions/{id}");
    let path = format!("{petition}/signature/withdraw");
    if let Some(page) = csrf_refused(ctx.site, ctx.lang, &path, ctx.verifier, &form.csrf_token) {
        return page;
    }
    let back = local_path(&form.return_to).filter(|p| *p == "/my").unwrap_or(&petition).to_owned();
    match petitions::withdraw(ctx.state, ctx.actor(), id).await {
        Ok(()) => {
            super::petitions::remember_acted(jar, &ctx.state.settings, id);
            see_other(&format!("{back}?withdrawn=1"))
        }
        Err(AppError::Unauthorized(_)) => see_other(&login_then(&back)),
        Err(err) => ctx.error(&path, &err),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PetitionAppealForm {
    csrf_token: String,
    author_address: String,
}

/// The page where the author of a petition that closed short has it considered as an appeal.
async fn petition_appeal_form(ctx: &Ctx<'_>, id: i32, errors: &FormErrors, author_address: &str) -> Response {
    let path = format!("/petitions/{id}/appeal");
    if let Some(login) = ctx.login_first(&path) {
        return login;
    }
    match petitions::view(ctx.state, ctx.actor(), id).await {
        Ok(record) => {
            let petition = context! { id => record.petition.id, title => record.title };
            ctx.form_page(&path, "petitions/appeal.html", errors, context! { petition, author_address })
        }
        Err(err) => ctx.error(&path, &err),
    }
}

#[handler]
pub async fn petition_appeal_page(ctx: Ctx<'_>, Path(id): Path<i32>) -> Response {
    petition_appeal_form(&ctx, id, &FormErrors::default(), "").await
}

/// Files the petition as an appeal (the use case decides whether the law allows it) and opens the
/// appeal's page.
#[handler]
pub async fn petition_appeal(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<PetitionAppealForm>) -> Response {
    let path = format!("/petitions/{id}/appeal");
    let filing = petitions::to_appeal(ctx.state, ctx.actor(), id, form.author_address.clone());
    let filed = |record: petitions::PetitionRecord| match record.petition.appeal_id {
        Some(appeal) => see_other(&format!("/my/appeals/{appeal}?filed=1")),
        None => see_other(&format!("/petitions/{id}")),
    };
    ctx.post(&path, ("petition-appeal", "author_address"))
        .login_first()
        .handle(&form.csrf_token, filing, filed, async |errors| {
            petition_appeal_form(&ctx, id, &errors, &form.author_address).await
        })
        .await
}
