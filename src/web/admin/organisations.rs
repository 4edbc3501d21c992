//! Organisations (list, add, edit) and their members (add by account number or e-mail, remove):
//! `service::directory`, as `PUT /api/v1/organisations/{id}` and its members' endpoints.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::{Deserialize, Serialize};

use super::{Done, line, optional_line, optional_number};
use crate::{
    domain::text::limits,
    error::AppError,
    service::{
        Actor, AppState,
        directory::{self, Organisation, OrganisationFields},
    },
    web::{
        context::Ctx,
        forms::{CsrfOnly, FormErrors, see_other},
    },
};

const LIST: &str = "/admin/organisations";
const TEMPLATE: &str = "admin/organisation.html";

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(done): Query<Done>) -> Response {
    match directory::organisations(ctx.state).await {
        Ok(all) => {
            let rows: Vec<Value> = all.iter().map(view).collect();
            let notice = done.notice(&["organisation-saved"]);
            ctx.page(LIST, "admin/organisations.html", context! { organisations => rows, notice })
        }
        Err(err) => ctx.error(LIST, &err),
    }
}

/// What the organisation form holds, as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OrganisationForm {
    #[serde(skip_serializing)]
    csrf_token: String,
    form_key: String,
    name: String,
    kind: String,
    parent_id: String,
    community_share_percent: String,
    email: String,
    phone: String,
    address: String,
    website: String,
    active: Option<String>,
}

impl OrganisationForm {
    fn of(o: &Organisation) -> OrganisationForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        OrganisationForm {
            name: o.name.clone(),
            kind: o.kind.clone(),
            parent_id: o.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            community_share_percent: o.community_share_percent.map(|p| p.to_string()).unwrap_or_default(),
            email: text(&o.email),
            phone: text(&o.phone),
            address: text(&o.address),
            website: text(&o.website),
            active: o.active.then(|| "yes".into()),
            ..OrganisationForm::default()
        }
    }

    /// The fields for the use case; a field that cannot be read is named in the error.
    fn fields(&self) -> Result<OrganisationFields, AppError> {
        let share = match self.community_share_percent.trim().replace(',', ".") {
            typed if typed.is_empty() => None,
            typed => Some(typed.parse::<f64>().map_err(|_| {
                AppError::validation("community_share_percent", "enter the community's share as a number from 0 to 100")
            })?),
        };
        Ok(OrganisationFields {
            name: line("name", &self.name, limits::LABEL)?,
            kind: directory::organisation_kind(&self.kind).map_err(|e| match e {
                AppError::Validation { message, .. } => AppError::validation("kind", message),
                other => other,
            })?,
            parent_id: optional_number("parent_id", &self.parent_id)?,
            community_share_percent: share,
            email: optional_line("email", &self.email, limits::EMAIL)?,
            phone: optional_line("phone", &self.phone, limits::PHONE)?,
            address: optional_line("address", &self.address, limits::ADDRESS)?,
            website: optional_line("website", &self.website, limits::URL)?,
            active: self.active.is_some(),
        })
    }
}

fn view(o: &Organisation) -> Value {
    context! {
        id => o.id, name => o.name, kind => o.kind, in_c03_scope => o.in_c03_scope, active => o.active,
        community_share_percent => o.community_share_percent,
    }
}

/// What the organisation page shows besides the form: the other organisations (a parent is one of
/// them), the kinds, and for an existing one its members.
async fn page_context(
    state: &AppState,
    actor: &Actor,
    id: Option<i32>,
    typed: &OrganisationForm,
    done: Option<String>,
) -> Result<Value, AppError> {
    let others: Vec<Value> =
        directory::organisations(state).await?.iter().filter(|o| Some(o.id) != id).map(view).collect();
    let members: Vec<Value> = match id {
        Some(id) => directory::members(state, actor, id)
            .await?
            .into_iter()
            .map(|m| context! { account_id => m.account_id, full_name => m.full_name, role => m.role })
            .collect(),
        None => vec![],
    };
    Ok(context! {
        id, org => Value::from_serialize(typed), others, members, notice => done,
        kinds => directory::organisation_kind_codes(),
    })
}

/// The page of organisation `id` as saved, with what was typed in its member form.
async fn saved_page(ctx: &Ctx<'_>, id: i32, done: Option<String>) -> Result<Value, AppError> {
    let o = directory::organisation(ctx.state, id).await?;
    page_context(ctx.state, ctx.actor(), Some(id), &OrganisationForm::of(&o), done).await
}

#[handler]
pub async fn new_page(ctx: Ctx<'_>) -> Response {
    let typed = OrganisationForm {
        active: Some("yes".into()),
        kind: "department".into(),
        form_key: super::new_form_key(),
        ..Default::default()
    };
    let page = page_context(ctx.state, ctx.actor(), None, &typed, None).await;
    ctx.loaded_form("/admin/organisations/new", TEMPLATE, &FormErrors::default(), page)
}

#[handler]
pub async fn edit_page(ctx: Ctx<'_>, Path(id): Path<i32>, Query(done): Query<Done>) -> Response {
    let page = saved_page(&ctx, id, done.notice(&NOTICES)).await;
    ctx.loaded_form(&format!("/admin/organisations/{id}"), TEMPLATE, &FormErrors::default(), page)
}

const NOTICES: [&str; 3] = ["organisation-saved", "member-saved", "member-removed"];

#[handler]
pub async fn create(ctx: Ctx<'_>, Form(form): Form<OrganisationForm>) -> Response {
    save(&ctx, None, form).await
}

#[handler]
pub async fn update(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<OrganisationForm>) -> Response {
    save(&ctx, Some(id), form).await
}

async fn save(ctx: &Ctx<'_>, id: Option<i32>, form: OrganisationForm) -> Response {
    let path = id.map_or_else(|| "/admin/organisations/new".to_owned(), |id| format!("/admin/organisations/{id}"));
    let (state, actor) = (ctx.state, ctx.actor());
    let use_case = async {
        let fields = form.fields()?;
        match id {
            Some(id) => Ok(directory::save_organisation(state, actor, Some(id), fields).await?.id),
            None => {
                let fingerprint = serde_json::to_string(&form).unwrap_or_default();
                let creating = async { Ok(directory::save_organisation(state, actor, None, fields).await?.id) };
                super::create_once(state, &ctx.visitor, (&form.form_key, &fingerprint), LIST, creating).await
            }
        }
    };
    let saved = |id: i32| see_other(&format!("/admin/organisations/{id}?done=organisation-saved"));
    let page = async || page_context(state, actor, id, &form, None).await;
    ctx.post(&path, ("organisation", "name")).again_loaded(&form.csrf_token, use_case, saved, (TEMPLATE, page)).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    csrf_token: String,
    account: String,
    role: String,
}

#[handler]
pub async fn add_member(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<MemberForm>) -> Response {
    let path = format!("/admin/organisations/{id}");
    let use_case = async {
        let account = directory::account_named(ctx.state, ctx.actor(), &form.account).await?;
        directory::set_member(ctx.state, ctx.actor(), id, account, &form.role).await
    };
    let saved = |()| see_other(&format!("/admin/organisations/{id}?done=member-saved#members"));
    let page = async || {
        let typed = context! { member_account => &form.account, member_role => &form.role };
        Ok(context! { ..typed, ..saved_page(&ctx, id, None).await? })
    };
    ctx.post(&path, ("member", "account")).again_loaded(&form.csrf_token, use_case, saved, (TEMPLATE, page)).await
}

#[handler]
pub async fn remove_member(
    ctx: Ctx<'_>,
    Path((id, account)): Path<(i32, i32)>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let path = format!("/admin/organisations/{id}");
    let removing = directory::remove_member(ctx.state, ctx.actor(), id, account);
    ctx.button((&path, &form.csrf_token), removing, |()| format!("{path}?done=member-removed#members")).await
}
