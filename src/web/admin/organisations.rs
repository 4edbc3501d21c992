//! Organisations (list, add, edit) and their members (add by account number or e-mail, remove):
//! `service::directory`, as `PUT /api/v1/organisations/{id}` and its members' endpoints.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::{Deserialize, Serialize};

use super::{Done, form_again, line, optional_line, optional_number};
use crate::{
    domain::text::limits,
    error::AppError,
    service::{
        AppState,
        directory::{self, Organisation, OrganisationFields},
    },
    web::{
        forms::{CsrfOnly, FormErrors, FormPost, csrf_refused, error_page, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const LIST: &str = "/admin/organisations";
const TEMPLATE: &str = "admin/organisation.html";

#[handler]
pub async fn list(site: Data<&Site>, state: Data<&AppState>, lang: Lang, Query(done): Query<Done>) -> Response {
    match directory::organisations(&state).await {
        Ok(all) => {
            let rows: Vec<Value> = all.iter().map(view).collect();
            let notice = done.notice(&["organisation-saved"]);
            site.page(lang, LIST, "admin/organisations.html", context! { organisations => rows, notice })
        }
        Err(err) => error_page(&site, lang, LIST, &err),
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
    visitor: &Visitor,
    id: Option<i32>,
    typed: &OrganisationForm,
    done: Option<String>,
) -> Result<Value, AppError> {
    let others: Vec<Value> =
        directory::organisations(state).await?.iter().filter(|o| Some(o.id) != id).map(view).collect();
    let members: Vec<Value> = match id {
        Some(id) => directory::members(state, &visitor.actor, id)
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

#[handler]
pub async fn new_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
) -> Response {
    let typed = OrganisationForm {
        active: Some("yes".into()),
        kind: "department".into(),
        form_key: super::new_form_key(),
        ..Default::default()
    };
    let path = "/admin/organisations/new";
    match page_context(&state, &visitor, None, &typed, None).await {
        Ok(page) => form_page(&site, lang, path, TEMPLATE, csrf, &FormErrors::default(), page),
        Err(err) => error_page(&site, lang, path, &err),
    }
}

#[handler]
pub async fn edit_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    Path(id): Path<i32>,
    Query(done): Query<Done>,
) -> Response {
    let path = format!("/admin/organisations/{id}");
    let loaded = match directory::organisation(&state, id).await {
        Ok(o) => page_context(&state, &visitor, Some(id), &OrganisationForm::of(&o), done.notice(&NOTICES)).await,
        Err(err) => Err(err),
    };
    match loaded {
        Ok(page) => form_page(&site, lang, &path, TEMPLATE, csrf, &FormErrors::default(), page),
        Err(err) => error_page(&site, lang, &path, &err),
    }
}

const NOTICES: [&str; 3] = ["organisation-saved", "member-saved", "member-removed"];

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn create(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<OrganisationForm>,
) -> Response {
    save(&site, &state, lang, &visitor, csrf, verifier, None, form).await
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn update(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<OrganisationForm>,
) -> Response {
    save(&site, &state, lang, &visitor, csrf, verifier, Some(id), form).await
}

#[allow(clippy::too_many_arguments)]
async fn save(
    site: &Site,
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    id: Option<i32>,
    form: OrganisationForm,
) -> Response {
    let path = id.map_or_else(|| "/admin/organisations/new".to_owned(), |id| format!("/admin/organisations/{id}"));
    let use_case = async {
        let fields = form.fields()?;
        match id {
            Some(id) => Ok(directory::save_organisation(state, &visitor.actor, Some(id), fields).await?.id),
            None => {
                let fingerprint = serde_json::to_string(&form).unwrap_or_default();
                let creating =
                    async { Ok(directory::save_organisation(state, &visitor.actor, None, fields).await?.id) };
                super::create_once(state, visitor, (&form.form_key, &fingerprint), LIST, creating).await
            }
        }
    };
    let saved = |id: i32| see_other(&format!("/admin/organisations/{id}?done=organisation-saved"));
    FormPost::new(site, lang, &path, ("organisation", "name"))
        .handle(verifier, &form.csrf_token, use_case, saved, async |errors| {
            let page = page_context(state, visitor, id, &form, None).await;
            form_again(site, lang, &path, (TEMPLATE, csrf), &errors, page)
        })
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    csrf_token: String,
    account: String,
    role: String,
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn add_member(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<MemberForm>,
) -> Response {
    let path = format!("/admin/organisations/{id}");
    let use_case = async {
        let account = directory::account_named(&state, &visitor.actor, &form.account).await?;
        directory::set_member(&state, &visitor.actor, id, account, &form.role).await
    };
    let saved = |()| see_other(&format!("/admin/organisations/{id}?done=member-saved#members"));
    FormPost::new(&site, lang, &path, ("member", "account"))
        .handle(verifier, &form.csrf_token, use_case, saved, async |errors| {
            let page = match directory::organisation(&state, id).await {
                Ok(o) => page_context(&state, &visitor, Some(id), &OrganisationForm::of(&o), None).await,
                Err(err) => Err(err),
            };
            let typed = context! { member_account => form.account, member_role => form.role };
            form_again(&site, lang, &path, (TEMPLATE, csrf), &errors, page.map(|page| context! { ..typed, ..page }))
        })
        .await
}

#[handler]
pub async fn remove_member(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    verifier: &CsrfVerifier,
    Path((id, account)): Path<(i32, i32)>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let path = format!("/admin/organisations/{id}");
    if let Some(page) = csrf_refused(&site, lang, &path, verifier, &form.csrf_token) {
        return page;
    }
    match directory::remove_member(&state, &visitor.actor, id, account).await {
        Ok(()) => see_other(&format!("{path}?done=member-removed#members")),
        Err(err) => error_page(&site, lang, &path, &err),
    }
}
