//! Report a problem (`/reports/new` → category → place → photos → description → nearby duplicates →
//! check → submit → `/reports/{id}/filed`), the public report page with its follow form, and `/reports`.
//!
//! The draft is kept on the server under its key (`service::reports::keep_draft`) each time a step is
//! answered; the pages carry only the key (the hidden field `draft` and the `?draft=` of the step links),
//! so addresses stay short whatever was typed and the back button works. Its photos are kept under the
//! same key (`photos`). A key that is lost, expired or another account's starts the journey again at
//! the category step, saying so. Every value is checked again by `appeals::intake` when the report is
//! filed (docs/web.md, "Report a problem"). A visitor who is not signed in is sent to log in and comes
//! back to the step they were on, with the draft.
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use poem::{
    Response, Route, handler,
    web::{Form, Path, Query},
};
use serde::{Deserialize, Serialize};

use super::{
    context::Ctx,
    dates,
    forms::{FormErrors, csrf_refused, login_then, see_other},
    i18n::Lang,
    map, paging,
};
use crate::{
    domain::calendar::kyiv_date,
    error::AppError,
    service::{
        metrics::PeriodQuery,
        once::Once,
        report_map::{FilterText, ReportFilter},
        reports::{self as use_case, ReportDraft, Step},
    },
};

mod photos;

/// The photos step, whose body may be larger than other forms' (`startup`'s body limit).
pub const PHOTOS_STEP: &str = "/reports/new/photos";

pub(super) fn routes(route: Route) -> Route {
    route
        .at("/reports", poem::get(list))
        .at("/reports/new", poem::get(start))
        // The photos step posts multipart/form-data (files), the others urlencoded forms.
        .at(PHOTOS_STEP, poem::get(photos::page).post(photos::post))
        .at("/reports/new/photos/:id", poem::get(photos::draft_photo))
        // category, place, description, duplicates, check; POST submit sends the report.
        .at("/reports/new/:step", poem::get(step_page).post(step_post))
        .at("/reports/:id/photos/:photo_id", poem::get(photos::photo))
        .at("/reports/:id/filed", poem::get(filed))
        .at("/reports/:id/follow", poem::post(follow))
        .at("/reports/:id", poem::get(view))
}

/// The draft's key as the pages carry it (`?draft=` or the hidden field), and `lost` when the journey
/// was started again because the draft under a key was no longer kept.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Carried {
    draft: String,
    lost: Option<String>,
}

/// The longest draft key an address carries (a key is a UUID; a hand-made longer one is not echoed).
const KEY_MAX: usize = 64;

/// The address of a step of the draft with `key`.
fn step_url(step: &str, key: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(key.trim().as_bytes()).collect();
    format!("/reports/new/{step}?draft={encoded}")
}

/// Where a journey whose draft is no longer kept starts again: the first step, saying why.
const STARTED_AGAIN: &str = "/reports/new/category?lost=1";

/// The category's name in the page's language.
fn category_name(lang: Lang, c: &crate::service::directory::Category) -> String {
    match lang {
        Lang::Uk => c.fields.name_uk.clone(),
        Lang::En => c.fields.name_en.clone(),
    }
}

#[derive(Serialize)]
struct Choice {
    id: i32,
    name: String,
}

/// What every step's handler works with: the request ([`Ctx`]).
struct Steps<'a> {
    ctx: &'a Ctx<'a>,
}

/// The steps with a page of their own, in order.
const STEP_PAGES: [&str; 6] = ["category", "place", "photos", "description", "duplicates", "check"];

impl Steps<'_> {
    /// The log-in page, coming back to step `name` of the draft with `key` for a visitor who is not
    /// signed in (the draft is kept on the server, so the address stays short; answers posted with the
    /// step are not kept: there is nobody to keep them for).
    fn login_first(&self, name: &str, key: &str) -> Option<Response> {
        let key = key.trim();
        let back = match key.is_empty() || key.len() > KEY_MAX {
            true => format!("/reports/new/{name}"),
            false => step_url(name, key),
        };
        self.ctx.login_first(&back)
    }

    /// The draft kept under `key` for step `name`, or the answer that replaces the step: log in; the
    /// journey started again (`STARTED_AGAIN`) when the key is lost, expired or another account's.
    /// `fresh_if_unknown` is the first step's post: a key the server has not kept yet is a new draft.
    async fn load(&self, name: &str, key: &str, fresh_if_unknown: bool) -> Result<ReportDraft, Response> {
        if let Some(login) = self.login_first(name, key) {
            return Err(login);
        }
        let (state, actor) = (self.ctx.state, self.ctx.actor());
        match (key.trim(), use_case::kept_draft(state, actor, key).await) {
            (_, Ok(draft)) => Ok(draft),
            ("", Err(_)) if name == "category" => Ok(use_case::new_draft()),
            ("", Err(_)) => Err(see_other("/reports/new/category")),
            (key, Err(AppError::NotFound(_))) if fresh_if_unknown && key.len() <= KEY_MAX => {
                Ok(ReportDraft { key: key.to_owned(), ..ReportDraft::default() })
            }
            (_, Err(AppError::NotFound(_))) => Err(see_other(STARTED_AGAIN)),
            (_, Err(err)) => Err(self.ctx.error(&format!("/reports/new/{name}"), &err)),
        }
    }

    /// One step's page: the draft, its errors, what the step offers.
    async fn page(&self, name: &str, draft: &ReportDraft, errors: &FormErrors) -> Response {
        self.page_noting(name, draft, errors, false).await
    }

    /// A step's page, saying (`lost`) that the journey started again because the draft was no longer kept.
    async fn page_noting(&self, name: &str, draft: &ReportDraft, errors: &FormErrors, lost: bool) -> Response {
        let (ctx, lang) = (self.ctx, self.ctx.lang);
        let path = format!("/reports/new/{name}");
        if let Some(login) = self.login_first(name, &draft.key) {
            return login;
        }
        let photos = self.draft_photos(name, draft).await;
        let choices = match use_case::choices(ctx.state).await {
            Ok(c) => c,
            Err(err) => return ctx.error(&path, &err),
        };
        let categories: Vec<Choice> =
            choices.categories.iter().map(|c| Choice { id: c.id, name: category_name(lang, c) }).collect();
        let districts: Vec<Choice> =
            choices.districts.iter().map(|d| Choice { id: d.id, name: d.name.clone() }).collect();
        let picture = map::Picture { title: lang.text("report-place-map", None), ..Default::default() };
        let picker = map::MapWidget::new(&choices.districts, &picture)
            .map(|w| w.picking_into("latitude", "longitude", draft.point()));
        let nearby =
            if name == "duplicates" { use_case::nearby(ctx.state, draft).await.unwrap_or_default() } else { vec![] };
        let nearby: Vec<Choice> = nearby.into_iter().map(|n| Choice { id: n.id, name: n.subject }).collect();
        let page = context! {
            draft => draft.key.clone(),
            lost,
            kept_hours => ctx.state.settings.idempotency.retention_hours,
            d => Value::from_serialize(draft),
            categories,
            districts,
            map => picker,
            nearby,
            photos,
            max_photos => ctx.state.settings.photos.max_per_appeal,
            max_mb => photos::megabytes(ctx.state.settings.photos.max_bytes),
            category => choices.categories.iter().find(|c| Some(c.id) == draft.category_id).map(|c| category_name(lang, c)),
            district => choices.districts.iter().find(|d| Some(d.id) == draft.district_id).map(|d| d.name.clone()),
            links => context! {
                category => step_url("category", &draft.key), place => step_url("place", &draft.key),
                photos => step_url("photos", &draft.key), description => step_url("description", &draft.key),
            },
            form_key => uuid::Uuid::new_v4().to_string(),
        };
        ctx.form_page(&path, &format!("reports/{name}.html"), errors, page)
    }

    /// The draft's photos as the photos step and "check your answers" show them.
    async fn draft_photos(&self, name: &str, draft: &ReportDraft) -> Vec<Value> {
        if !matches!(name, "photos" | "check") {
            return vec![];
        }
        let kept = use_case::draft_photos(self.ctx.state, self.ctx.actor(), &draft.key).await.unwrap_or_default();
        let key: String = url::form_urlencoded::byte_serialize(draft.key.as_bytes()).collect();
        photos::listed(
            self.ctx.lang,
            kept.into_iter().map(|p| (p.id, format!("/reports/new/photos/{}?key={key}", p.id))),
        )
    }

    /// The frame of a step's POST: the log-in page (back to this step with what was posted) for a
    /// visitor who is not signed in; else the CSRF check, `use_case`, then `done`, or the step again with
    /// its errors.
    async fn post<T>(
        &self,
        (name, token, field): (&str, &str, &str),
        draft: &ReportDraft,
        use_case: impl Future<Output = Result<T, AppError>>,
        done: impl FnOnce(T) -> Response,
    ) -> Response {
        if let Some(login) = self.login_first(name, &draft.key) {
            return login;
        }
        let path = format!("/reports/new/{name}");
        let again = async |errors: FormErrors| self.page(name, draft, &errors).await;
        self.ctx.post(&path, ("report", field)).login_first().handle(token, use_case, done, again).await
    }

    /// Checks the CSRF token and the step's answers and keeps the draft; 303 to `next`, or the step
    /// again with its errors.
    async fn advance(&self, token: &str, (name, checked, next): (&str, Step, &str), draft: ReportDraft) -> Response {
        let (state, actor) = (self.ctx.state, self.ctx.actor());
        let keep = async {
            use_case::check_step(actor, checked, &draft)?;
            use_case::keep_draft(state, actor, &draft).await
        };
        self.post((name, token, "place"), &draft, keep, |()| see_other(&step_url(next, &draft.key))).await
    }

    /// The place step: a click on the picture (no JavaScript) chooses the point and shows the step
    /// again, to confirm or click again; else the place is checked and the journey goes on.
    async fn place(&self, form: &StepForm, before: ReportDraft) -> Response {
        // A field the form did not send keeps the draft's value; one sent empty clears it.
        let mut draft = ReportDraft {
            latitude: form.latitude.as_ref().map_or(before.latitude, |_| number(&form.latitude)),
            longitude: form.longitude.as_ref().map_or(before.longitude, |_| number(&form.longitude)),
            address: form.address.clone().unwrap_or_default(),
            district_id: number(&form.district_id),
            ..before
        };
        if !form.click.clicked() {
            return self.advance(&form.csrf_token, ("place", Step::Place, "photos"), draft).await;
        }
        let districts = use_case::choices(self.ctx.state).await.map(|c| c.districts).unwrap_or_default();
        if let Some(point) = form.click.point(&districts) {
            (draft.latitude, draft.longitude) = (Some(point.lat), Some(point.lon));
        }
        self.advance(&form.csrf_token, ("place", Step::Category, "place"), draft).await
    }

    /// "Is it one of these?": following an existing report instead, or going on to file a new one.
    async fn duplicates(&self, form: &StepForm, draft: ReportDraft) -> Response {
        let Some(id) = number::<i32>(&form.duplicate) else {
            return self.advance(&form.csrf_token, ("duplicates", Step::Description, "check"), draft).await;
        };
        let following = crate::service::mail::follow_report(self.ctx.state, self.ctx.actor(), id, true);
        let done = |()| see_other(&format!("/reports/{id}?followed=1"));
        self.post(("duplicates", &form.csrf_token, "duplicate"), &draft, following, done).await
    }

    /// Files the kept draft once per form key → its confirmation.
    async fn submit(&self, form: &StepForm, draft: ReportDraft) -> Response {
        let filing = use_case::file_once(self.ctx.state, self.ctx.actor(), draft.clone(), &form.form_key);
        let done = |once| match once {
            Once::Created(id) => see_other(&format!("/reports/{id}/filed")),
            Once::InFlight => {
                self.ctx.site.error(self.ctx.lang, "/reports/new/check", poem::http::StatusCode::CONFLICT)
            }
        };
        self.post(("check", &form.csrf_token, "check"), &draft, filing, done).await
    }
}

#[handler]
pub async fn start(ctx: Ctx<'_>) -> Response {
    let signed_in = ctx.visitor.signed_in();
    ctx.page("/reports/new", "reports/start.html", context! { signed_in, login => login_then("/reports/new") })
}

/// `GET /reports/new/{step}?draft=<key>`: the step's page with the draft kept under the key.
#[handler]
pub async fn step_page(ctx: Ctx<'_>, Path(name): Path<String>, Query(carried): Query<Carried>) -> Response {
    if !STEP_PAGES.contains(&name.as_str()) {
        return ctx.site.error(ctx.lang, &format!("/reports/new/{name}"), poem::http::StatusCode::NOT_FOUND);
    }
    Steps { ctx: &ctx }.show(&name, &carried).await
}

impl Steps<'_> {
    /// Step `name`'s page for the draft `carried` names (see [`Steps::load`]).
    async fn show(&self, name: &str, carried: &Carried) -> Response {
        match self.load(name, &carried.draft, false).await {
            Ok(draft) => self.page_noting(name, &draft, &FormErrors::default(), carried.lost.is_some()).await,
            Err(instead) => instead,
        }
    }
}

/// What every step posts, plus its own fields (all optional: a step reads its own).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    csrf_token: String,
    draft: String,
    category_id: Option<String>,
    latitude: Option<String>,
    longitude: Option<String>,
    address: Option<String>,
    district_id: Option<String>,
    subject: Option<String>,
    description: Option<String>,
    /// The description step's "show my name" box: "yes" when ticked, absent when not.
    show_name: Option<String>,
    duplicate: Option<String>,
    form_key: String,
    #[serde(flatten)]
    click: map::ImageClick,
}

fn number<T: std::str::FromStr>(text: &Option<String>) -> Option<T> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).and_then(|t| t.parse().ok())
}

/// The steps that post a form of their own (the photos step posts multipart, `photos::post`).
const POSTED_STEPS: [&str; 5] = ["category", "place", "description", "duplicates", "submit"];

/// `POST /reports/new/{step}`: the step's answers into the kept draft, then onwards. The log-in page
/// and the form token come first, then the draft the form names (see [`Steps::load`]).
#[handler]
pub async fn step_post(ctx: Ctx<'_>, Path(name): Path<String>, Form(form): Form<StepForm>) -> Response {
    let path = format!("/reports/new/{name}");
    if !POSTED_STEPS.contains(&name.as_str()) {
        return ctx.site.error(ctx.lang, &path, poem::http::StatusCode::NOT_FOUND);
    }
    let steps = Steps { ctx: &ctx };
    let token = form.csrf_token.as_str();
    // "submit" is posted from the check page: a visitor sent to log in comes back there.
    let page = if name == "submit" { "check" } else { name.as_str() };
    if let Some(login) = steps.login_first(page, &form.draft) {
        return login;
    }
    if let Some(refused) = csrf_refused(ctx.site, ctx.lang, &path, ctx.verifier, token) {
        return refused;
    }
    let before = match steps.load(page, &form.draft, name == "category").await {
        Ok(draft) => draft,
        Err(instead) => return instead,
    };
    match name.as_str() {
        "category" => {
            let draft = ReportDraft { category_id: number(&form.category_id), ..before };
            steps.advance(token, ("category", Step::Category, "place"), draft).await
        }
        "place" => steps.place(&form, before).await,
        "description" => {
            let subject = form.subject.clone().unwrap_or_default();
            let description = form.description.clone().unwrap_or_default();
            let show_name = form.show_name.as_deref() == Some("yes");
            let draft = ReportDraft { subject, description, show_name, ..before };
            steps.advance(token, ("description", Step::Description, "duplicates"), draft).await
        }
        "duplicates" => steps.duplicates(&form, before).await,
        _ => steps.submit(&form, before).await,
    }
}

fn day_in_words(lang: Lang, at: DateTime<Utc>) -> String {
    dates::long_date(lang, kyiv_date(at))
}

/// What the report pages show of a report: public data only.
#[derive(Serialize)]
struct ReportCard {
    id: i32,
    subject: String,
    text: String,
    status: &'static str,
    category: Option<String>,
    executor: String,
    address: Option<String>,
    district: Option<String>,
    received: String,
    due: String,
    due_date: String,
    answer: Option<String>,
    /// The author's name, only when they agreed to show it.
    author: Option<String>,
}

fn card(lang: Lang, found: &use_case::PublicReport) -> ReportCard {
    let r = &found.report;
    let due = r.deadline.extended_due_at.unwrap_or(r.deadline.due_at);
    ReportCard {
        id: r.id,
        subject: r.subject.clone(),
        text: r.text.clone(),
        status: r.public_status.code(),
        category: found.category.as_ref().map(|c| category_name(lang, c)),
        executor: r.executor_name.clone(),
        address: r.address.clone(),
        district: found.districts.iter().find(|d| Some(d.id) == r.district_id).map(|d| d.name.clone()),
        received: day_in_words(lang, r.received_at),
        due: day_in_words(lang, due),
        due_date: kyiv_date(due).to_string(),
        answer: r.answer.as_ref().map(|a| a.text.clone()),
        author: r.author_name.clone(),
    }
}

#[handler]
pub async fn filed(ctx: Ctx<'_>, Path(id): Path<i32>) -> Response {
    let path = format!("/reports/{id}/filed");
    let found = use_case::public_report(ctx.state, id).await;
    ctx.loaded_page(&path, "reports/filed.html", found.map(|found| context! { report => card(ctx.lang, &found) }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ViewNotice {
    followed: Option<String>,
}

#[handler]
pub async fn view(ctx: Ctx<'_>, Path(id): Path<i32>, Query(notice): Query<ViewNotice>) -> Response {
    let (path, lang) = (format!("/reports/{id}"), ctx.lang);
    let found = match use_case::public_report(ctx.state, id).await {
        Ok(found) => found,
        Err(err) => return ctx.error(&path, &err),
    };
    let report = &found.report;
    let markers = report
        .point
        .map(|point| map::Marker { point, label: report.subject.clone(), kind: map::MarkerKind::Report })
        .into_iter()
        .collect();
    let picture = map::Picture { title: lang.text("report-map", None), markers, shading: None };
    let history: Vec<Value> = found
        .history
        .iter()
        .map(|h| context! { at => day_in_words(lang, h.at), status => h.to_status.clone(), action => h.action.clone() })
        .collect();
    let page = context! {
        report => card(lang, &found),
        photos => report_photos(lang, id, &report.photo_ids),
        map => map::MapWidget::new(&found.districts, &picture),
        history,
        signed_in => ctx.visitor.signed_in(),
        followed => notice.followed.as_deref(),
        login => login_then(&path),
    };
    ctx.blank_form(&path, "reports/report.html", page)
}

/// A filed report's photos as its pages show them (the public page, the desk's case page): each at
/// `/reports/{id}/photos/{photo_id}`, which serves it under the API's read rule.
pub(in crate::web) fn report_photos(lang: Lang, id: i32, photo_ids: &[i32]) -> Vec<Value> {
    photos::listed(lang, photo_ids.iter().map(|p| (*p, format!("/reports/{id}/photos/{p}"))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowForm {
    csrf_token: String,
    follow: String,
}

/// Follow or stop following a report (signed in): news of it by mail.
#[handler]
pub async fn follow(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<FollowForm>) -> Response {
    let path = format!("/reports/{id}");
    let on = form.follow == "1";
    let following = crate::service::mail::follow_report(ctx.state, ctx.actor(), id, on);
    let done = |()| see_other(&format!("/reports/{id}?followed={}", if on { "1" } else { "0" }));
    let again = async |_errors: FormErrors| ctx.site.error(ctx.lang, &path, poem::http::StatusCode::NOT_FOUND);
    ctx.post(&path, ("report", "follow")).login_first().handle(&form.csrf_token, following, done, again).await
}

/// How many reports the list page's map shows.
const MAP_REPORTS: u64 = 50;

/// `/reports?category_id=&status=&district_id=&period=&from=&to=&page=` (older links' `category=` and
/// `district=` too): the filters as sent; the same names as the map of reports and `GET /reports/geojson`.
#[derive(Debug, Default)]
pub struct ListParams {
    category_id: String,
    status: String,
    district_id: String,
    period: String,
    from: String,
    to: String,
    page: String,
}

/// The list's query as sent: the old names (`category=`, `district=`) read apart from the new ones, so
/// an address with both is no error; the new one wins.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SentListParams {
    category_id: Option<String>,
    category: Option<String>,
    district_id: Option<String>,
    district: Option<String>,
    status: String,
    period: String,
    from: String,
    to: String,
    page: String,
}

impl From<SentListParams> for ListParams {
    fn from(sent: SentListParams) -> ListParams {
        let SentListParams { category_id, category, district_id, district, status, period, from, to, page } = sent;
        ListParams {
            category_id: category_id.or(category).unwrap_or_default(),
            district_id: district_id.or(district).unwrap_or_default(),
            status,
            period,
            from,
            to,
            page,
        }
    }
}

impl ListParams {
    fn filter(&self) -> Result<ReportFilter, AppError> {
        let (category_id, status, district_id) = (&self.category_id, &self.status, &self.district_id);
        ReportFilter::read(FilterText {
            category_id: Some(category_id),
            status: Some(status),
            district_id: Some(district_id),
        })
    }

    /// When the reports were received, as typed (blank: any time).
    fn period(&self) -> PeriodQuery {
        let given = |text: &String| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        PeriodQuery { period: given(&self.period), from: given(&self.from), to: given(&self.to) }
    }

    /// The list's address with these filters on page `page`.
    fn page_url(&self, page: u64) -> String {
        let filters =
            [("category_id", &self.category_id), ("status", &self.status), ("district_id", &self.district_id)];
        let period = [("period", &self.period), ("from", &self.from), ("to", &self.to)];
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters.iter().chain(&period).filter(|(_, v)| !v.trim().is_empty()) {
            url.append_pair(name, value.trim());
        }
        url.append_pair("page", &page.to_string());
        format!("/reports?{}", url.finish())
    }
}

/// The public reports, narrowed by category, status and district, a page at a time, under a map of
/// the newest of them; a choice that is not offered gets the page again with its error (422), a page
/// that is none the error page linking to the first.
#[handler]
pub async fn list(ctx: Ctx<'_>, Query(sent): Query<SentListParams>) -> Response {
    let params = ListParams::from(sent);
    let (path, lang, state) = ("/reports", ctx.lang, ctx.state);
    let Some(number) = paging::page_number(Some(&params.page)) else {
        return paging::no_such_page(ctx.site, lang, path, &params.page_url(1));
    };
    let found = match params.filter() {
        Ok(filter) => {
            let query = use_case::ListQuery { period: params.period(), filter, page: number, map_points: MAP_REPORTS };
            use_case::public_list(state, &query).await.map(|found| (found, filter))
        }
        Err(err) => Err(err),
    };
    let (found, errors) = match found {
        Ok(found) => (Some(found), FormErrors::default()),
        Err(AppError::Validation { field, message }) => {
            (None, FormErrors::field(lang, "reports", field.as_deref().unwrap_or("category_id"), &message))
        }
        Err(err) => return ctx.error(path, &err),
    };
    let choices = match &found {
        Some((found, _)) => found.choices.clone(),
        None => match use_case::choices(state).await {
            Ok(choices) => choices,
            Err(err) => return ctx.error(path, &err),
        },
    };
    let filters = context! {
        categories => choices.categories.iter().map(|c| Choice { id: c.id, name: category_name(lang, c) }).collect::<Vec<_>>(),
        districts => choices.districts.iter().map(|d| Choice { id: d.id, name: d.name.clone() }).collect::<Vec<_>>(),
        statuses => crate::domain::appeals::Status::ALL.iter().map(|s| s.code()).collect::<Vec<_>>(),
        category_id => params.category_id.trim(), status => params.status.trim(), district_id => params.district_id.trim(),
        received => context! { period => params.period.trim(), from => params.from.trim(), to => params.to.trim() },
    };
    let frame = context! { errors => errors.list.clone(), field_errors => errors.by_field.clone() };
    let Some((found, filter)) = found else {
        let mut page = ctx.page(path, "reports/list.html", context! { ..filters, ..frame });
        page.set_status(poem::http::StatusCode::UNPROCESSABLE_ENTITY);
        return page;
    };
    let category_of =
        |id: Option<i32>| choices.categories.iter().find(|c| Some(c.id) == id).map(|c| category_name(lang, c));
    let district_of = |id: Option<i32>| choices.districts.iter().find(|d| Some(d.id) == id).map(|d| d.name.clone());
    let reports: Vec<Value> = found
        .items
        .iter()
        .map(|r| context! { id => r.id, subject => r.subject.clone(), status => r.status.code(), received => day_in_words(lang, r.received_at), category => category_of(r.category_id), district => district_of(r.district_id) })
        .collect();
    let pages = found.total.div_ceil(found.page.size).max(1);
    let number = found.page.number;
    let pagination = context! {
        number, pages, total => found.total,
        previous => (number > 1).then(|| params.page_url(number - 1)),
        next => (number < pages).then(|| params.page_url(number + 1)),
    };
    let map = list_map(lang, &found.map, &filter, &params.period());
    let listed = context! { reports, pagination, map };
    ctx.page(path, "reports/list.html", context! { ..listed, ..filters, ..frame })
}

/// The map above the list: the newest of the listed reports that have a point, drawn by the server
/// and, with JavaScript, fetched with the same filter (`GET /reports/geojson`).
fn list_map(
    lang: Lang,
    found: &use_case::ReportsMap,
    filter: &ReportFilter,
    period: &PeriodQuery,
) -> Option<map::MapWidget> {
    let picture = map::Picture {
        title: lang.text("map-recent-reports", None),
        markers: map::report_markers(&found.points),
        shading: None,
    };
    map::MapWidget::new(&found.districts, &picture)
        .map(|w| w.with_points(&map::points_query(filter, period, MAP_REPORTS)))
}
