//! Categories: the list, then add or edit a category with its urgency class, its default executor and
//! an executor per district (`service::directory::save_category`, as `PUT /api/v1/categories/{id}`).
use std::collections::BTreeMap;

use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Path, Query},
};

use super::{Done, Posted, Typed, get, line, number, optional_number};
use crate::{
    domain::text::limits,
    error::AppError,
    service::{
        AppState,
        directory::{self, Category, CategoryFields, URGENCY_CLASSES, urgency, urgency_code},
    },
    web::{
        context::Ctx,
        forms::{FormErrors, see_other},
        i18n::Lang,
    },
};

const LIST: &str = "/admin/categories";
const TEMPLATE: &str = "admin/category.html";

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(done): Query<Done>) -> Response {
    let (state, lang) = (ctx.state, ctx.lang);
    let loaded = async {
        let organisations = names(state).await?;
        Ok::<_, AppError>((directory::categories(state).await?, organisations))
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
            ctx.page(LIST, "admin/categories.html", context! { categories => rows, notice })
        }
        Err(err) => ctx.error(LIST, &err),
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
    let action = form_path(id);
    Ok(context! {
        id, action, typed => Value::from_serialize(typed), organisations, districts, classes => URGENCY_CLASSES,
        notice => done,
    })
}

/// The form's path: a new category's, or category `id`'s.
fn form_path(id: Option<i32>) -> String {
    id.map_or_else(|| format!("{LIST}/new"), |id| format!("{LIST}/{id}"))
}

#[handler]
pub async fn new_page(ctx: Ctx<'_>) -> Response {
    let mut typed: Typed =
        [("urgency_class", "normal"), ("for_reports", "yes"), ("for_appeals", "yes"), ("active", "yes")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    typed.insert("form_key".into(), super::new_form_key());
    let page = page_context(ctx.state, None, &typed, None).await;
    ctx.loaded_form(&form_path(None), TEMPLATE, &FormErrors::default(), page)
}

#[handler]
pub async fn edit_page(ctx: Ctx<'_>, Path(id): Path<i32>, Query(done): Query<Done>) -> Response {
    let page = async {
        let category = directory::category(ctx.state, id).await?;
        page_context(ctx.state, Some(id), &typed_of(&category), done.notice(&["category-saved"])).await
    };
    ctx.loaded_form(&form_path(Some(id)), TEMPLATE, &FormErrors::default(), page.await)
}

#[handler]
pub async fn create(ctx: Ctx<'_>, posted: Posted) -> Response {
    save(&ctx, None, posted).await
}

#[handler]
pub async fn update(ctx: Ctx<'_>, Path(id): Path<i32>, posted: Posted) -> Response {
    save(&ctx, Some(id), posted).await
}

async fn save(ctx: &Ctx<'_>, id: Option<i32>, Posted { typed, token }: Posted) -> Response {
    let (state, actor) = (ctx.state, ctx.actor());
    let use_case = async {
        let fields = fields(&typed)?;
        match id {
            Some(id) => Ok(directory::save_category(state, actor, Some(id), fields).await?.id),
            None => {
                let fingerprint = serde_json::to_string(&typed).unwrap_or_default();
                let creating = async { Ok(directory::save_category(state, actor, None, fields).await?.id) };
                super::create_once(state, &ctx.visitor, (get(&typed, "form_key"), &fingerprint), LIST, creating).await
            }
        }
    };
    let saved = |id: i32| see_other(&format!("{LIST}/{id}?done=category-saved"));
    let page = async || page_context(state, id, &typed, None).await;
    let path = form_path(id);
    ctx.post(&path, ("category", "code")).again_loaded(&token, use_case, saved, (TEMPLATE, page)).await
}
