//! The petition pages: the list (search, status, sort, pages), one petition (text, author, dates,
//! progress to the threshold, the deadlines and what the law says about them, signers by name, history,
//! the council's answer), signing (with the session's account, or name and e-mail where the statute
//! allows → "check your mail"), and the mailed confirmation link (a page with a button).
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use poem::{
    Response, handler,
    http::StatusCode,
    web::{
        Form, Path, Query,
        cookie::{Cookie, CookieJar, CookieKey, SameSite},
    },
};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::{
    context::Ctx,
    forms::{DraftKey, FormErrors, TokenForm, encoded, see_other},
    i18n::Lang,
};
use crate::{
    config::Settings,
    domain::{
        calendar::{kyiv_date, kyiv_end_of_day, kyiv_start_of_day},
        petitions::Status,
    },
    service::{
        directory,
        petitions::{self as use_case, ListQuery, PetitionRecord, Signer, Sort},
    },
    storage::Page,
};

const PER_PAGE: u64 = 20;

/// A date as people in Ukraine write it, in Kyiv's calendar.
pub(super) fn day(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|at| kyiv_date(at).format("%d.%m.%Y").to_string())
}

/// What a template shows of a petition.
#[derive(Serialize)]
pub(super) struct PetitionCard {
    id: i32,
    title: String,
    /// The text's paragraphs (blank lines dropped).
    paragraphs: Vec<String>,
    author_name: String,
    status: &'static str,
    collecting: bool,
    signature_count: i64,
    threshold: Option<i32>,
    /// 0–100, for the progress bar.
    percent: i64,
    submitted: Option<String>,
    publication_due: Option<String>,
    published: Option<String>,
    collection_ends: Option<String>,
    threshold_reached: Option<String>,
    notice: Option<String>,
    consideration_due: Option<String>,
    answered: Option<String>,
    decision: Option<&'static str>,
    answer: Option<String>,
    refusal_code: Option<&'static str>,
    refusal_reason: Option<String>,
    closed: Option<String>,
}

impl From<PetitionRecord> for PetitionCard {
    fn from(r: PetitionRecord) -> Self {
        let p = r.petition;
        let threshold = p.signature_threshold.filter(|t| *t > 0);
        let percent = threshold.map_or(0, |t| (p.signature_count * 100 / i64::from(t)).min(100));
        PetitionCard {
            id: p.id,
            title: r.title,
            paragraphs: r.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            author_name: r.author_name,
            status: p.status.code(),
            collecting: crate::domain::petitions::collecting_at(p.status, p.collection_ends_at, Utc::now()),
            signature_count: p.signature_count,
            threshold,
            percent,
            submitted: day(Some(p.submitted_at)),
            publication_due: day(Some(p.publication_due_at)),
            published: day(p.published_at),
            collection_ends: day(p.collection_ends_at),
            threshold_reached: day(p.threshold_reached_at),
            notice: day(p.notice_at),
            consideration_due: day(p.consideration_due_at),
            answered: day(p.answered_at),
            decision: p.decision.map(|d| d.code()),
            answer: p.answer_text,
            refusal_code: p.refusal_code.map(|c| c.code()),
            refusal_reason: p.refusal_reason,
            closed: day(p.closed_at),
        }
    }
}

/// A history entry in words: its own string where there is one, else the action's code made readable.
pub(super) fn event_label(lang: Lang, action: &str) -> String {
    let key = format!("petition-event-{action}");
    let text = lang.text(&key, None);
    if text == key { action.replace('_', " ") } else { text }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    q: Option<String>,
    status: Option<String>,
    /// A petition category's id.
    category: Option<String>,
    /// Submitted on or after / on or before these days (YYYY-MM-DD, Kyiv).
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// The first page of the list with these filters.
    fn first_page(&self) -> String {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        let filters = [("q", &self.q), ("status", &self.status), ("category", &self.category), ("from", &self.from)];
        for (name, value) in filters.into_iter().chain([("to", &self.to), ("sort", &self.sort)]) {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                url.append_pair(name, value);
            }
        }
        let query = url.finish();
        if query.is_empty() { "/petitions".to_owned() } else { format!("/petitions?{query}") }
    }
}

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(params): Query<ListParams>) -> Response {
    let (state, lang) = (ctx.state, ctx.lang);
    let path = "/petitions";
    // Unknown choices fall back to the defaults: a hand-edited address still shows a list.
    let status = params.status.as_deref().and_then(Status::parse).filter(|s| s.was_published());
    let sort = params.sort.as_deref().and_then(Sort::parse).unwrap_or(Sort::Newest);
    let Some(number) = super::paging::page_number(params.page.as_deref()) else {
        return super::paging::no_such_page(ctx.site, lang, path, &params.first_page());
    };
    let day =
        |text: &Option<String>| text.as_deref().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let (from, to) = (day(&params.from), day(&params.to));
    let category_id = params.category.as_deref().and_then(|c| c.parse::<i32>().ok());
    let query = ListQuery {
        status,
        query: params.q.clone(),
        category_id,
        submitted_from: from.map(kyiv_start_of_day),
        submitted_to: to.map(kyiv_end_of_day),
        sort,
        page: Page { number, size: PER_PAGE },
    };
    let categories: Vec<Value> = directory::categories(state)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.fields.active)
        .map(|c| {
            let name = if lang == Lang::En { c.fields.name_en } else { c.fields.name_uk };
            context! { id => c.id, name }
        })
        .collect();
    match use_case::list(state, ctx.actor(), query).await {
        Ok((records, total)) => {
            let pages = total.div_ceil(PER_PAGE).max(1);
            let page = context! {
                petitions => records.into_iter().map(PetitionCard::from).collect::<Vec<_>>(),
                total => total,
                q => params.q.unwrap_or_default(),
                status => status.map(|s| s.code()).unwrap_or(""),
                sort => sort.code(),
                statuses => Status::ALL.iter().filter(|s| s.was_published()).map(|s| s.code()).collect::<Vec<_>>(),
                page_number => number,
                pages => pages,
                categories, category => category_id, from => from.map(|d| d.to_string()).unwrap_or_default(),
                to => to.map(|d| d.to_string()).unwrap_or_default(),
            };
            ctx.page(path, "petitions/list.html", page)
        }
        Err(err) => ctx.error(path, &err),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notice {
    signed: Option<String>,
    confirmed: Option<String>,
    withdrawn: Option<String>,
}

/// The petition's page with what the visitor may do on it.
/// `fresh`: read now, not the copy shared for a moment (for the visitor who has just acted).
async fn petition_page(ctx: &Ctx<'_>, id: i32, fresh: bool, extra: Value) -> Response {
    let (state, lang, visitor) = (ctx.state, ctx.lang, &ctx.visitor);
    let path = format!("/petitions/{id}");
    let use_case::PetitionPage { public, has_signed } = match use_case::page(state, &visitor.actor, id, fresh).await {
        Ok(page) => page,
        Err(err) => return ctx.error(&path, &err),
    };
    let is_author = visitor.actor.principal().is_some_and(|p| p.account_id == public.record.petition.author_account_id);
    let page = context! {
        has_signed, is_author,
        petition => PetitionCard::from(public.record.clone()),
        signers => public.signers.iter().map(|(name, at)| context! { name => name, on => day(Some(*at)) }).collect::<Vec<_>>(),
        history => public.history.iter().map(|e| context! { what => event_label(lang, &e.action), on => day(Some(e.at)) }).collect::<Vec<_>>(),
        signed_in => visitor.signed_in(),
        by_email => public.by_email,
        csrf_token => ctx.csrf.0.clone(),
        ..extra
    };
    // A page without errors still has (empty) ones for the form partials.
    let page = context! { ..page, ..context! { errors => Vec::<()>::new(), field_errors => context! {} } };
    ctx.page(&path, "petitions/petition.html", page)
}

/// The petition's page: the copy shared for a moment, except for the visitor who has just signed,
/// confirmed or withdrawn on it (see [`remember_acted`]), who reads it now and sees their signature
/// counted. The notice (`?signed=1`…) only words the banner: anyone may type it, so it never skips the
/// shared copy (a viral petition's page stays cached whatever its links say).
#[handler]
pub async fn view(ctx: Ctx<'_>, jar: &CookieJar, Path(id): Path<i32>, Query(notice): Query<Notice>) -> Response {
    let (signed, confirmed, withdrawn) =
        (notice.signed.is_some(), notice.confirmed.is_some(), notice.withdrawn.is_some());
    let fresh = has_just_acted(jar, &ctx.state.settings, id);
    petition_page(&ctx, id, fresh, context! { signed, confirmed, withdrawn }).await
}

/// The cookie that tells a petition's page its visitor has just acted on it.
const ACTED_COOKIE: &str = "hromada-acted";
/// How long after acting the visitor reads the petition's page fresh.
const ACTED_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// The key that seals [`ACTED_COOKIE`]: derived from `web.csrf_secret`, else random for this process
/// (then another instance does not read it, and its visitor sees the shared copy, at most a second old).
fn acted_key(settings: &Settings) -> CookieKey {
    static RANDOM: LazyLock<CookieKey> = LazyLock::new(CookieKey::generate);
    match &settings.web.csrf_secret {
        Some(secret) => CookieKey::from(&sha2::Sha512::digest(format!("hromada:petition-acted:{secret}"))[..]),
        None => RANDOM.clone(),
    }
}

/// Remembers in the browser that its visitor has just signed, confirmed or withdrawn on petition `id`:
/// a cookie for that petition's page, sealed with the server's key (one made by hand is not read) and
/// good for [`ACTED_FOR`].
pub(super) fn remember_acted(jar: &CookieJar, settings: &Settings, id: i32) {
    let until = Utc::now().timestamp() + ACTED_FOR.as_secs() as i64;
    let mut cookie = Cookie::new_with_str(ACTED_COOKIE, format!("{id}:{until}"));
    cookie.set_path(format!("/petitions/{id}"));
    cookie.set_max_age(ACTED_FOR);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(settings.public_url.starts_with("https://"));
    jar.signed_with_key(&acted_key(settings)).add(cookie);
}

/// Whether the browser carries our sealed, unexpired cookie for petition `id`.
fn has_just_acted(jar: &CookieJar, settings: &Settings, id: i32) -> bool {
    let Some(cookie) = jar.signed_with_key(&acted_key(settings)).get(ACTED_COOKIE) else { return false };
    let Some((petition, until)) = cookie.value_str().split_once(':') else { return false };
    petition.parse::<i32>() == Ok(id) && until.parse::<i64>().is_ok_and(|until| Utc::now().timestamp() <= until)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignForm {
    csrf_token: String,
    full_name: String,
    email: String,
    notify: Option<String>,
}

/// `GET /petitions/{id}/sign`: the signing part of the petition's page.
#[handler]
pub fn sign_page(Path(id): Path<i32>) -> Response {
    see_other(&format!("/petitions/{id}#sign"))
}

#[handler]
pub async fn sign(ctx: Ctx<'_>, jar: &CookieJar, Path(id): Path<i32>, Form(form): Form<SignForm>) -> Response {
    let path = format!("/petitions/{id}/sign");
    let signer = match &ctx.visitor.session_digest {
        Some(digest) => Signer::Session(digest.clone()),
        None => Signer::ByEmail { full_name: form.full_name.clone(), email: form.email.clone() },
    };
    let signing = use_case::sign(ctx.state, ctx.client_ip(), id, signer, form.notify.is_some());
    let signed = |counted| match counted {
        true => {
            remember_acted(jar, &ctx.state.settings, id);
            see_other(&format!("/petitions/{id}?signed=1#sign"))
        }
        false => see_other("/petitions/signatures/check-email"),
    };
    ctx.post(&path, ("sign", "full_name"))
        .handle(&form.csrf_token, signing, signed, async |errors| {
            let extra = form_errors(&errors, context! { full_name => form.full_name, email => form.email });
            petition_page(&ctx, id, true, extra).await
        })
        .await
}

fn form_errors(errors: &FormErrors, typed: Value) -> Value {
    context! { errors => errors.list.clone(), field_errors => errors.by_field.clone(), ..typed }
}

const CONFIRM: &str = "/petitions/signatures/confirm";

#[handler]
pub async fn confirm(ctx: Ctx<'_>, jar: &CookieJar, Form(form): Form<TokenForm>) -> Response {
    let confirming = use_case::confirm_signature(ctx.state, &form.token);
    let confirmed = |id| {
        remember_acted(jar, &ctx.state.settings, id);
        see_other(&format!("/petitions/{id}?confirmed=1#sign"))
    };
    let typed = context! { token => &form.token };
    ctx.post(CONFIRM, ("signature-confirm", "token"))
        .again_on(&form.csrf_token, confirming, confirmed, ("petitions/confirm.html", typed))
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DraftForm {
    csrf_token: String,
    form_key: String,
    title: String,
    text: String,
}

const NEW: &str = "/petitions/new";

/// Step 1 of 2: the words — blank, or as kept when the author comes back to change them. Signed-in
/// citizens only; others are sent to log in first and brought back.
#[handler]
pub async fn new_page(ctx: Ctx<'_>, Query(q): Query<DraftKey>) -> Response {
    if let Some(login) = ctx.login_first(NEW) {
        return login;
    }
    let page = match use_case::kept_draft(ctx.state, ctx.actor(), &q.key).await {
        Ok(draft) => context! { form_key => q.key, title => draft.title, text => draft.text },
        // One key per form shown: the same form posted twice creates one petition.
        Err(_) => context! { form_key => uuid::Uuid::new_v4().to_string() },
    };
    ctx.blank_form(NEW, "petitions/new.html", page)
}

/// "Continue": the words are checked and kept, then "check your answers" (POST → 303 → GET); or the
/// words again with what is wrong.
#[handler]
pub async fn check_draft(ctx: Ctx<'_>, Form(form): Form<DraftForm>) -> Response {
    let draft =
        use_case::Draft { council_id: None, title: form.title.clone(), text: form.text.clone(), category_id: None };
    let keeping = use_case::keep_draft(ctx.state, ctx.actor(), &form.form_key, draft);
    let kept = |_| see_other(&format!("{NEW}/check?key={}", encoded(&form.form_key)));
    ctx.post(NEW, ("new-petition", "title")).login_first().again_on(&form.csrf_token, keeping, kept, words(&form)).await
}

/// The words page again with what was typed (and what is wrong).
fn words(form: &DraftForm) -> (&'static str, Value) {
    ("petitions/new.html", context! { form_key => &form.form_key, title => &form.title, text => &form.text })
}

/// Step 2 of 2: "check your answers", from the kept draft.
#[handler]
pub async fn check_page(ctx: Ctx<'_>, Query(q): Query<DraftKey>) -> Response {
    let path = "/petitions/new/check";
    if let Some(login) = ctx.login_first(NEW) {
        return login;
    }
    match use_case::kept_draft(ctx.state, ctx.actor(), &q.key).await {
        Ok(draft) => {
            let paragraphs: Vec<&str> = draft.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let change = format!("{NEW}?key={}", encoded(&q.key));
            let page = context! { form_key => q.key, title => draft.title, paragraphs, change };
            ctx.blank_form(path, "petitions/check.html", page)
        }
        // Lost or expired: start again.
        Err(_) => see_other(NEW),
    }
}

/// Sends the kept petition, once per form key, and shows its confirmation.
#[handler]
pub async fn submit_draft(ctx: Ctx<'_>, Form(form): Form<DraftForm>) -> Response {
    let path = "/petitions/new/submit";
    let submitting = use_case::submit_once(ctx.state, ctx.actor(), &form.form_key);
    let on_file = |once| match once {
        use_case::Once::Created(id) => see_other(&format!("/petitions/{id}/submitted")),
        use_case::Once::InFlight => ctx.site.error(ctx.lang, path, StatusCode::CONFLICT),
    };
    ctx.post(NEW, ("new-petition", "title"))
        .login_first()
        .again_on(&form.csrf_token, submitting, on_file, words(&form))
        .await
}

/// The confirmation: the petition's number and the 2-working-day publication term.
#[handler]
pub async fn submitted(ctx: Ctx<'_>, Path(id): Path<i32>) -> Response {
    let path = format!("/petitions/{id}/submitted");
    match use_case::view(ctx.state, ctx.actor(), id).await {
        Ok(record) => ctx.page(&path, "petitions/submitted.html", context! { petition => PetitionCard::from(record) }),
        Err(err) => ctx.error(&path, &err),
    }
}
