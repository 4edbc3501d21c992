//! Categories: the list, then add or edit a category with its urgency class, its default executor and
//! an executor per district (`service::directory::save_category`, as `PUT /api/v1/categories/{id}`).
use std::collections::BTreeMap;

use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};

use super::{Done, Typed, form_again, get, line, number, optional_number, typed};
use crate::{
    domain::text::limits,
    error::AppError,
    service::{
        AppState,
        directory::{self, Category, CategoryFields, URGENCY_CLASSES, urgency, urgency_code},
    },
    web::{
        forms::{FormErrors, FormPost, error_page, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const LIST: &str = "/admin/categories";
const TEMPLATE: &str = "admin/category.html";

#[handler]
pub async fn list(site: Data<&Site>, state: Data<&AppState>, lang: Lang, Query(done): Query<Done>) -> Response {
    let loaded = async {
        let organisations = names(&state).await?;
        Ok::<_, AppError>((directory::categories(&state).await?, organisations))
    };
    match loaded.await {
        Ok((categories, organisations)) => {
            let rows: Vec<Value> = categories
                .iter()
                .map(|c| {
                    let f = &c.fields;
                    let (class, hours) = urgency_code(f.urgency);
                    context! {
                        id => c.id, code => f.code, name => if lang == Lang::En { &f.name_en } else { &f.name_uk },
                        class, hours, executor => organisations.get(&f.default_executor_id),
                        districts => f.district_executors.len(), active => f.active,
                    }
                })
                .collect();
            let notice = done.notice(&["category-saved"]);
            site.page(lang, LIST, "admin/categories.html", context! { categories => rows, notice })
        }
        Err(err) => error_page(&site, lang, LIST, &err),
    }
}

/// Organisation names by id.
async fn names(state: &AppState) -> Result<BTreeMap<i32, String>, AppError> {
    Ok(directory::organisations(state).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

fn typed_of(c: &Category) -> Typed {
    let f = &c.fields;
    let (class, hours) = urgency_code(f.urgency);
    let mut typed: Typed = [
        ("code", f.code.clone()),
        ("name_uk", f.name_uk.clone()),
        ("name_en", f.name_en.clone()),
        ("urgency_class", class.to_owned()),
        ("urgency_hours", hours.map(|h| h.to_string()).unwrap_or_default()),
        ("default_executor_id", f.default_executor_id.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (flag, on) in [("for_reports", f.for_reports), ("for_appeals", f.for_appeals), ("active", f.active)] {
        if on {
            typed.insert(flag.to_owned(), "yes".to_owned());
        }
    }
    for (district, executor) in &f.district_executors {
        typed.insert(format!("district_{district}"), executor.to_string());
    }
    typed
}

/// The fields for the use case; a field that cannot be read is named in the error.
fn fields(typed: &Typed) -> Result<CategoryFields, AppError> {
    let get = |name: &str| get(typed, name);
    let class = get("urgency_class");
    let hours = if class == "emergency" { optional_number("urgency_hours", get("urgency_hours"))? } else { None };
    let urgency = urgency(class, hours).map_err(|e| match e {
        AppError::Validation { field, message } => {
            let field = if field.as_deref() == Some("urgency.hours") { "urgency_hours" } else { "urgency_class" };
            AppError::validation(field, message)
        }
        other => other,
    })?;
    let mut district_executors = vec![];
    for (name, value) in typed {
        if let Some(district) = name.strip_prefix("district_").and_then(|d| d.parse::<i32>().ok())
            && let Some(executor) = optional_number::<i32>(name, value)?
        {
            district_executors.push((district, executor));
        }
    }
    Ok(CategoryFields {
        code: line("code", get("code"), limits::CODE)?,
        name_uk: line("name_uk", get("name_uk"), limits::LABEL)?,
        name_en: line("name_en", get("name_en"), limits::LABEL)?,
        urgency,
        default_executor_id: number("default_executor_id", get("default_executor_id"))?,
        district_executors,
        for_reports: typed.contains_key("for_reports"),
        for_appeals: typed.contains_key("for_appeals"),
        active: typed.contains_key("active"),
    })
}

/// The form's page: what was typed, the organisations to choose an executor from, the districts.
async fn page_context(
    state: &AppState,
    id: Option<i32>,
    typed: &Typed,
    done: Option<String>,
) -> Result<Value, AppError> {
    let organisations: Vec<Value> =
        names(state).await?.into_iter().map(|(id, name)| context! { id => id.to_string(), name }).collect();
    let districts: Vec<Value> = directory::districts(state)
        .await?
        .into_iter()
        .map(|d| context! { id => d.id, name => d.name, field => format!("district_{}", d.id) })
        .collect();
    let action = id.map_or_else(|| format!("{LIST}/new"), |id| format!("{LIST}/{id}"));
    Ok(context! {
        id, action, typed => Value::from_serialize(typed), organisations, districts, classes => URGENCY_CLASSES,
        notice => done,
    })
}

#[handler]
pub async fn new_page(site: Data<&Site>, state: Data<&AppState>, lang: Lang, csrf: &CsrfToken) -> Response {
    let path = format!("{LIST}/new");
    let mut typed: Typed =
        [("urgency_class", "normal"), ("for_reports", "yes"), ("for_appeals", "yes"), ("active", "yes")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    typed.insert("form_key".into(), super::new_form_key());
    match page_context(&state, None, &typed, None).await {
        Ok(page) => form_page(&site, lang, &path, TEMPLATE, csrf, &FormErrors::default(), page),
        Err(err) => error_page(&site, lang, &path, &err),
    }
}

#[handler]
pub async fn edit_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    csrf: &CsrfToken,
    Path(id): Path<i32>,
    Query(done): Query<Done>,
) -> Response {
    let path = format!("{LIST}/{id}");
    let loaded = match directory::category(&state, id).await {
        Ok(c) => page_context(&state, Some(id), &typed_of(&c), done.notice(&["category-saved"])).await,
        Err(err) => Err(err),
    };
    match loaded {
        Ok(page) => form_page(&site, lang, &path, TEMPLATE, csrf, &FormErrors::default(), page),
        Err(err) => error_page(&site, lang, &path, &err),
    }
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn create(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(&site, &state, lang, &visitor, (csrf, verifier), None, form).await
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
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(&site, &state, lang, &visitor, (csrf, verifier), Some(id), form).await
}

async fn save(
    site: &Site,
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    (csrf, verifier): (&CsrfToken, &CsrfVerifier),
    id: Option<i32>,
    form: Vec<(String, String)>,
) -> Response {
    let path = id.map_or_else(|| format!("{LIST}/new"), |id| format!("{LIST}/{id}"));
    let (typed, token) = typed(form);
    let use_case = async {
        let fields = fields(&typed)?;
        match id {
            Some(id) => Ok(directory::save_category(state, &visitor.actor, Some(id), fields).await?.id),
            None => {
                let fingerprint = serde_json::to_string(&typed).unwrap_or_default();
                let creating = async { Ok(directory::save_category(state, &visitor.actor, None, fields).await?.id) };
                super::create_once(state, visitor, (get(&typed, "form_key"), &fingerprint), LIST, creating).await
            }
        }
    };
    let saved = |id: i32| see_other(&format!("{LIST}/{id}?done=category-saved"));
    FormPost::new(site, lang, &path, ("category", "code"))
        .handle(verifier, &token, use_case, saved, async |errors| {
            let page = page_context(state, id, &typed, None).await;
            form_again(site, lang, &path, (TEMPLATE, csrf), &errors, page)
        })
        .await
}
