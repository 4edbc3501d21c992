//! `/desk/appeals/{id}`: the case page (everything the organisation may see, the deadlines, the
//! history) and its actions, each a form that posts to `/desk/appeals/{id}/{action}` and calls one
//! use case of `service::appeals::handling`; after it, the page again with the new state and a notice.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::Deserialize;

use super::{day, due_day, time_left};
use crate::{
    domain::appeals::{RefusalCode, Resolution, Status},
    error::AppError,
    service::appeals::{
        AppealDetails,
        desk::{self, Case},
        handling::{self, Extension},
    },
    web::{
        context::Ctx,
        forms::{FormErrors, see_other},
        i18n::Lang,
        map,
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: Option<String>,
}

#[handler]
pub async fn case_page(ctx: Ctx<'_>, Path(id): Path<i32>, Query(done): Query<Done>) -> Response {
    let notice = done.done.filter(|d| ACTIONS.contains(&d.as_str()) || d == "registered");
    let typed = context! { action => "", form => context! {} };
    render(&ctx, id, notice, &FormErrors::default(), typed).await
}

/// The actions a case page posts, by their path segment.
const ACTIONS: [&str; 7] = ["acknowledge", "assign", "forward", "extend", "answer", "refuse", "duplicate-of"];

async fn render(ctx: &Ctx<'_>, id: i32, notice: Option<String>, errors: &FormErrors, typed: Value) -> Response {
    let (path, lang) = (format!("/desk/appeals/{id}"), ctx.lang);
    let found = match desk::case(ctx.state, ctx.actor(), id).await {
        Ok(found) => found,
        Err(err) => return ctx.error(&path, &err),
    };
    let next_step = lang.text(&format!("desk-next-{}", found.appeal.status.code()), None);
    let page = context! {
        ..case_view(lang, found),
        ..context! {
            notice => notice.map(|n| lang.text(&format!("desk-done-{n}"), None)),
            next_step => next_step,
            typed => typed,
            refusal_codes => RefusalCode::ALL.iter().map(|c| (c.code(), c.legal_basis())).collect::<Vec<_>>(),
            resolutions => Resolution::ALL.iter().map(|r| r.code()).collect::<Vec<_>>(),
        }
    };
    let status =
        if errors.list.is_empty() { poem::http::StatusCode::OK } else { poem::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut response = ctx.form_page(&path, "desk/case.html", errors, page);
    response.set_status(status);
    response
}

fn case_view(lang: Lang, case: Case) -> Value {
    let a: AppealDetails = case.appeal;
    // The place on the shared map: drawn on the server, and by Leaflet (assets/web/map.js) with scripts —
    // without base tiles, which would tell the tile provider where a private appeal's place is.
    let map = a.point.and_then(|point| {
        let marker = map::Marker { point, label: a.subject.clone(), kind: map::MarkerKind::Chosen };
        let picture = map::Picture { title: lang.text("desk-map-title", None), markers: vec![marker], shading: None };
        map::MapWidget::new(&case.districts, &picture).map(map::MapWidget::private)
    });
    let author = a.author.map(|au| {
        context! {
            name => au.full_name, address => au.address, email => au.email, phone => au.phone,
            cosigners => au.cosigners.into_iter().map(|c| (c.full_name, c.address)).collect::<Vec<_>>(),
        }
    });
    context! {
        id => a.id, subject => a.subject, kind => a.kind.code(), channel => a.channel.code(), status => a.status.code(),
        open => a.status.awaits_answer(), received => a.status == Status::Received, report => a.kind.code() == "issue_report",
        paragraphs => a.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect::<Vec<_>>(),
        privileged => a.privileged, executor => a.executor_name, assignee => case.assignee_name, assignee_id => a.assignee_account_id,
        category => case.category_name.map(|(uk, en)| if lang == Lang::Uk { uk } else { en }),
        district => case.district_name, address => a.address,
        point => a.point.map(|p| format!("{:.5}, {:.5}", p.lat, p.lon)),
        photos => crate::web::reports::report_photos(lang, a.id, &a.photo_ids),
        routing => a.routing.get("explanation").and_then(|e| e.as_str()).map(str::to_owned),
        received_on => day(lang, a.received_at),
        original_due => due_day(lang, a.deadline.original_due_at),
        extended_due => a.deadline.extended_due_at.map(|d| due_day(lang, d)),
        due => due_day(lang, a.deadline.due_at),
        forward_due => due_day(lang, a.deadline.forward_due_at),
        urgency => case.urgency.code(), left => time_left(lang, case.time_left),
        forwarded_count => a.forwarded_count, rework_count => a.rework_count,
        answer => a.answer.map(|x| context! { resolution => x.resolution.code(), text => x.text, competent_body => x.competent_body, on => day(lang, x.answered_at) }),
        refusal => a.refusal.map(|r| context! { code => r.code.code(), reason => r.reason }),
        duplicate_of => a.duplicate_of,
        author => author,
        history => case.history.into_iter().map(|h| context! {
            on => day(lang, h.at), to => h.to_status,
            action => if h.details.get("after_deadline") == Some(&serde_json::Value::Bool(true)) { format!("{}_after_deadline", h.action) } else { h.action },
            reason => h.details.get("reason").and_then(|r| r.as_str()).map(str::to_owned),
        }).collect::<Vec<_>>(),
        officers => case.officers, organisations => case.organisations,
        nearby => case.nearby.into_iter().map(|n| context! { id => n.id, subject => n.subject, distance => n.distance_m.round() as i64 }).collect::<Vec<_>>(),
        head => case.head,
        map => map,
        extension_limit => case.extension_limit.map(|d| crate::web::dates::date(lang, d)),
    }
}

/// Every field any action form posts; each action reads its own.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ActionForm {
    #[serde(skip_serializing)]
    csrf_token: String,
    officer_account_id: String,
    organisation_id: String,
    reason: String,
    total_days: String,
    resolution: String,
    text: String,
    competent_body: String,
    code: String,
    duplicate_of: String,
}

/// A number a form field must hold, or a field error.
fn number(field: &'static str, value: &str) -> Result<i32, AppError> {
    value.trim().parse().map_err(|_| AppError::validation(field, "choose or enter a number"))
}

async fn perform(ctx: &Ctx<'_>, id: i32, action: &str, form: &ActionForm) -> Result<AppealDetails, AppError> {
    let (state, actor) = (ctx.state, ctx.actor());
    let reason = form.reason.clone();
    match action {
        "acknowledge" => handling::acknowledge(state, actor, id).await,
        "assign" => handling::assign(state, actor, id, number("officer_account_id", &form.officer_account_id)?).await,
        "forward" => {
            handling::forward(state, actor, id, number("organisation_id", &form.organisation_id)?, reason).await
        }
        "extend" => {
            let days = form
                .total_days
                .trim()
                .parse()
                .map_err(|_| AppError::validation("total_days", "enter the total number of days, 16 to 45"))?;
            handling::extend(state, actor, id, Extension::TotalDays(days), reason).await
        }
        "answer" => {
            let resolution = Resolution::from_code(&form.resolution)
                .ok_or_else(|| AppError::validation("resolution", "choose what the answer says"))?;
            let competent = Some(form.competent_body.clone()).filter(|c| !c.trim().is_empty());
            handling::answer(state, actor, id, resolution, form.text.clone(), competent).await
        }
        "refuse" => {
            let code = RefusalCode::from_code(&form.code)
                .ok_or_else(|| AppError::validation("code", "choose the legal ground"))?;
            handling::refuse(state, actor, id, code, reason).await
        }
        "duplicate-of" => handling::mark_duplicate(state, actor, id, number("duplicate_of", &form.duplicate_of)?).await,
        _ => Err(AppError::not_found(format!("there is no action {action}"))),
    }
}

#[handler]
pub async fn act(ctx: Ctx<'_>, Path((id, action)): Path<(i32, String)>, Form(form): Form<ActionForm>) -> Response {
    let path = format!("/desk/appeals/{id}");
    let form_strings = format!("desk-{action}");
    let done = |_| match action.as_str() {
        // A forwarded appeal leaves the organisation: back to the queue, which says where it went.
        "forward" => see_other(&format!("/desk?forwarded={id}")),
        _ => see_other(&format!("/desk/appeals/{id}?done={action}#main-content")),
    };
    ctx.post(&path, (&form_strings, "reason"))
        .refused_as_page()
        .handle(&form.csrf_token, perform(&ctx, id, &action, &form), done, async |errors| {
            // Several forms share field names: each field's id on the page is `<action>-<field>`.
            let mut prefixed = FormErrors::default();
            for e in errors.list {
                prefixed.add(&format!("{action}-{}", e.field), e.text);
            }
            let typed = context! { action => action, form => Value::from_serialize(&form) };
            render(&ctx, id, None, &prefixed, typed).await
        })
        .await
}
