//! Filing an appeal (proposal, application or complaint) on the web: the form (kind with art. 5
//! explained, addressee, the words, residence and contact) → "check your answers" (a GET of the draft
//! kept on the server, with who will handle it and the legal due date) → send, once per form key →
//! the author's own page of the appeal. Signed-in citizens only: others log in and come back.
use minijinja::context;
use poem::{
    Response, handler,
    http::StatusCode,
    web::{Form, Query},
};
use serde::Deserialize;

use super::{
    context::Ctx,
    dates,
    forms::{DraftKey, FormErrors, Refusal, csrf_refused, encoded, login_then, refusal, see_other},
};
use crate::{
    error::AppError,
    service::{
        appeals::intake::{self as use_case, AppealDraft},
        directory,
        forms::Once,
    },
};

const NEW: &str = "/appeals/new";
const CHECK: &str = "/appeals/new/check";
/// The kinds a person files here, in the order the form offers them.
const KINDS: [&str; 3] = ["proposal", "application", "complaint"];

pub(super) fn routes(route: poem::Route) -> poem::Route {
    route
        .at(NEW, poem::get(new_page).post(continue_draft))
        .at(CHECK, poem::get(check_page))
        .at("/appeals/new/submit", poem::post(submit))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AppealFields {
    csrf_token: String,
    form_key: String,
    kind: String,
    organisation_id: String,
    subject: String,
    text: String,
    author_address: String,
    author_phone: String,
    privileged: Option<String>,
}

impl AppealFields {
    fn draft(&self) -> AppealDraft {
        AppealDraft {
            kind: self.kind.clone(),
            organisation_id: self.organisation_id.trim().parse().ok(),
            subject: self.subject.clone(),
            text: self.text.clone(),
            author_address: self.author_address.clone(),
            author_phone: self.author_phone.clone(),
            privileged: self.privileged.is_some(),
        }
    }
}

/// The form page: blank with a new key, or `draft` as typed, with `errors`.
async fn form(ctx: &Ctx<'_>, (form_key, draft): (String, AppealDraft), errors: &FormErrors) -> Response {
    let organisations: Vec<minijinja::Value> = match directory::organisations(ctx.state).await {
        Ok(all) => all.into_iter().filter(|o| o.active).map(|o| context! { id => o.id, name => o.name }).collect(),
        Err(err) => return ctx.error(NEW, &err),
    };
    let page = context! {
        form_key, kinds => KINDS, organisations,
        kind => draft.kind, organisation_id => draft.organisation_id, subject => draft.subject,
        text => draft.text, author_address => draft.author_address, author_phone => draft.author_phone,
        privileged => draft.privileged,
    };
    ctx.form_page(NEW, "appeals/new.html", errors, page)
}

#[handler]
pub async fn new_page(ctx: Ctx<'_>, Query(q): Query<DraftKey>) -> Response {
    if let Some(login) = ctx.login_first(NEW) {
        return login;
    }
    let kept = match use_case::kept_words(ctx.state, ctx.actor(), &q.key).await {
        Ok(draft) => (q.key, draft),
        // One key per form shown: the same form sent twice files one appeal.
        Err(_) => (uuid::Uuid::new_v4().to_string(), AppealDraft::default()),
    };
    form(&ctx, kept, &FormErrors::default()).await
}

/// "Continue": checked by intake and kept, then "check your answers"; or the form again with what is wrong.
#[handler]
pub async fn continue_draft(ctx: Ctx<'_>, Form(fields): Form<AppealFields>) -> Response {
    let keeping = use_case::keep_draft(ctx.state, ctx.actor(), &fields.form_key, fields.draft());
    let kept = |_| see_other(&format!("{CHECK}?key={}", encoded(&fields.form_key)));
    ctx.post(NEW, ("new-appeal", "text"))
        .login_first()
        .handle(&fields.csrf_token, keeping, kept, async |errors| {
            form(&ctx, (fields.form_key.clone(), fields.draft()), &errors).await
        })
        .await
}

/// The form again with the use case's refusal, or the page the refusal needs.
async fn form_again(ctx: &Ctx<'_>, fields: &AppealFields, err: AppError) -> Response {
    if matches!(err, AppError::Unauthorized(_)) {
        return see_other(&login_then(NEW));
    }
    match refusal(ctx.site, ctx.lang, NEW, "new-appeal", "text", err) {
        Refusal::Form(errors) => form(ctx, (fields.form_key.clone(), fields.draft()), &errors).await,
        Refusal::Page(page) => page,
    }
}

/// "Check your answers", from the kept draft: what will be sent, to whom, and the legal due date.
#[handler]
pub async fn check_page(ctx: Ctx<'_>, Query(q): Query<DraftKey>) -> Response {
    if let Some(login) = ctx.login_first(NEW) {
        return login;
    }
    let lang = ctx.lang;
    match use_case::kept_draft(ctx.state, ctx.actor(), &q.key).await {
        Ok(preview) => {
            let draft = preview.draft;
            let paragraphs: Vec<&str> = draft.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let page = context! {
                form_key => q.key.clone(), change => format!("{NEW}?key={}", encoded(&q.key)),
                kind => draft.kind, subject => draft.subject, paragraphs, author_address => draft.author_address,
                author_phone => draft.author_phone, privileged => draft.privileged,
                executor => preview.executor_name, due => dates::long_date(lang, preview.due_date),
            };
            ctx.blank_form(CHECK, "appeals/check.html", page)
        }
        // Lost, expired, or no longer acceptable: back to the form (a kept draft shows what is wrong on continuing).
        Err(AppError::NotFound(_)) | Err(AppError::BadRequest(_)) => see_other(NEW),
        Err(_) => see_other(&format!("{NEW}?key={}", encoded(&q.key))),
    }
}

/// Sends the kept appeal, once per form key, and opens the author's page of it.
#[handler]
pub async fn submit(ctx: Ctx<'_>, Form(fields): Form<AppealFields>) -> Response {
    let path = "/appeals/new/submit";
    if let Some(page) = csrf_refused(ctx.site, ctx.lang, path, ctx.verifier, &fields.csrf_token) {
        return page;
    }
    match use_case::file_kept(ctx.state, ctx.actor(), &fields.form_key).await {
        Ok(Once::Created(id)) => see_other(&format!("/my/appeals/{id}?filed=1")),
        Ok(Once::InFlight) => ctx.site.error(ctx.lang, path, StatusCode::CONFLICT),
        // No draft under this key (lost, expired, or another account's): start again.
        Err(AppError::NotFound(_)) => see_other(NEW),
        Err(err) => {
            // The draft as kept, so the form shows what was sent with what is wrong.
            let kept = use_case::kept_words(ctx.state, ctx.actor(), &fields.form_key).await.unwrap_or_default();
            let fields = AppealFields { form_key: fields.form_key, ..fields_of(kept) };
            form_again(&ctx, &fields, err).await
        }
    }
}

fn fields_of(draft: AppealDraft) -> AppealFields {
    AppealFields {
        kind: draft.kind,
        organisation_id: draft.organisation_id.map(|id| id.to_string()).unwrap_or_default(),
        subject: draft.subject,
        text: draft.text,
        author_address: draft.author_address,
        author_phone: draft.author_phone,
        privileged: draft.privileged.then(|| "on".to_owned()),
        ..Default::default()
    }
}
