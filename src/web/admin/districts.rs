//! Districts: the list, then add or edit by pasting a GeoJSON polygon or uploading a GeoJSON file →
//! a check step that shows what the domain read (polygons, points, the bounding box) → save. The check
//! and the save are `service::directory::{preview_district, save_district}`; the save is the same use
//! case as `PUT /api/v1/districts/{id}`.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Form, Multipart, Path, Query},
};
use serde::Deserialize;

use super::Done;
use crate::{
    error::AppError,
    service::directory::{self, AreaProblem, District, DistrictPreview, DistrictRefusal},
    web::{
        context::Ctx,
        forms::{FormErrors, see_other},
        i18n::Lang,
        map,
    },
};

const LIST: &str = "/admin/districts";
const FORM: &str = "admin/district.html";
/// The largest area text read from a form or a file (a district's border rarely needs 100 KB).
const AREA_MAX_BYTES: usize = 2 * 1024 * 1024;

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(done): Query<Done>) -> Response {
    let page = directory::districts(ctx.state).await.map(|all| {
        let rows: Vec<Value> =
            all.iter().map(|d| context! { id => d.id, name => d.name, has_area => d.area.is_some() }).collect();
        context! { districts => rows, notice => done.notice(&["district-saved"]) }
    });
    ctx.loaded_page(LIST, "admin/districts.html", page)
}

fn form_path(id: Option<i32>) -> String {
    id.map_or_else(|| "/admin/districts/new".to_owned(), |id| format!("/admin/districts/{id}"))
}

#[handler]
pub fn new_page(ctx: Ctx<'_>) -> Response {
    let path = form_path(None);
    ctx.blank_form(&path, FORM, context! { action => &path, form_key => super::new_form_key() })
}

#[handler]
pub async fn edit_page(ctx: Ctx<'_>, Path(id): Path<i32>) -> Response {
    let path = form_path(Some(id));
    let found = directory::districts(ctx.state).await.and_then(|all| {
        all.into_iter().find(|d| d.id == id).ok_or_else(|| AppError::not_found(format!("there is no district {id}")))
    });
    let page = found.map(|District { name, area, .. }| {
        let area = area.map(|a| serde_json::to_string_pretty(&a).unwrap_or_default());
        context! { action => &path, id, name, area }
    });
    ctx.loaded_form(&path, FORM, &FormErrors::default(), page)
}

/// The district form as posted (multipart, for the file): the pasted text, or the file's when one
/// was chosen; a file that cannot be read is kept as the error to show once the form's token is checked.
#[derive(Debug, Default)]
struct DistrictUpload {
    csrf_token: String,
    form_key: String,
    name: String,
    area: String,
    /// The string (`locales/*/admin.ftl`) saying why a chosen file cannot be used.
    unreadable: Option<&'static str>,
}

/// Reads the posted form; only a request that is not a form at all is an error.
async fn read_upload(mut multipart: Multipart) -> Result<DistrictUpload, AppError> {
    let mut upload = DistrictUpload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| AppError::BadRequest(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| AppError::BadRequest(e.to_string()))?;
        let text = if bytes.len() > AREA_MAX_BYTES {
            upload.unreadable = Some("area-error-too-large");
            continue;
        } else if let Ok(text) = String::from_utf8(bytes) {
            text
        } else {
            upload.unreadable = Some("area-error-not-text");
            continue;
        };
        match name.as_str() {
            "csrf_token" => upload.csrf_token = text,
            "form_key" => upload.form_key = text,
            "name" => upload.name = text,
            "area" if upload.area.trim().is_empty() => upload.area = text,
            "file" if !text.trim().is_empty() => upload.area = text,
            _ => {}
        }
    }
    Ok(upload)
}

#[handler]
pub async fn check_new(ctx: Ctx<'_>, multipart: Multipart) -> Response {
    check(&ctx, None, multipart).await
}

#[handler]
pub async fn check_edit(ctx: Ctx<'_>, Path(id): Path<i32>, multipart: Multipart) -> Response {
    check(&ctx, Some(id), multipart).await
}

/// The check step: what the domain read from the area, with the button that saves it.
async fn check(ctx: &Ctx<'_>, id: Option<i32>, multipart: Multipart) -> Response {
    let path = form_path(id);
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(err) => return ctx.error(&path, &err),
    };
    let DistrictUpload { csrf_token, form_key, name, area, unreadable } = upload;
    let use_case = async {
        if let Some(key) = unreadable {
            return Err(AppError::validation("area", ctx.lang.text(key, None)));
        }
        let preview = directory::preview_district(ctx.actor(), &name, &area).map_err(|refusal| match refusal {
            DistrictRefusal::Area(problem) => AppError::validation("area", area_words(ctx.lang, &problem)),
            DistrictRefusal::Other(err) => err,
        })?;
        Ok((preview, directory::districts(ctx.state).await?))
    };
    let preview = |(preview, others): (DistrictPreview, Vec<District>)| {
        let map = picture(ctx.lang, id, &preview, &others);
        let page = context! { form_key => form_key.clone(), map, ..checked(id, &preview, path.clone()) };
        ctx.blank_form(&path, "admin/district-check.html", page)
    };
    let typed = context! { action => &path, id, name, area, form_key };
    ctx.post(&path, ("district", "area")).again_on(&csrf_token, use_case, preview, (FORM, typed)).await
}

/// Why the area was refused, in the page's language.
fn area_words(lang: Lang, problem: &AreaProblem) -> String {
    let (key, args) = match problem {
        AreaProblem::Missing => ("area-error-missing", vec![]),
        AreaProblem::NotJson { line, column } => {
            ("area-error-not-json", vec![("line", line.to_string()), ("column", column.to_string())])
        }
        AreaProblem::Geometry(e) => e.message(),
    };
    let args = crate::web::i18n::args_from(args.into_iter().map(|(name, value)| (name, value.into())));
    lang.text(key, Some(&args))
}

/// The shared map of the district being saved among the others (its old border left out): the server's
/// SVG, and Leaflet with the new outline highlighted when scripts run.
fn picture(lang: Lang, id: Option<i32>, preview: &DistrictPreview, others: &[District]) -> Option<map::MapWidget> {
    let mut districts: Vec<District> = others.iter().filter(|d| Some(d.id) != id).cloned().collect();
    let name = preview.name.clone();
    districts.push(District { id: id.unwrap_or(0), name: name.clone(), area: Some(preview.geojson.clone()) });
    let title = lang.text("admin-district-map-title", Some(&crate::web::i18n::args_from([("name", name.into())])));
    let picture = map::Picture { title, markers: vec![], shading: None };
    map::MapWidget::new(&districts, &picture).map(|w| w.with_outline(&preview.geojson, id))
}

fn checked(id: Option<i32>, p: &DistrictPreview, back: String) -> Value {
    let round = |v: f64| format!("{v:.5}");
    context! {
        id, back, name => p.name, area => p.geojson.to_string(), polygons => p.polygons, points => p.points,
        south => round(p.south_west.0), west => round(p.south_west.1),
        north => round(p.north_east.0), east => round(p.north_east.1),
    }
}

/// The check step's form: the district as checked, to save.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SaveForm {
    csrf_token: String,
    form_key: String,
    id: String,
    name: String,
    area: String,
}

#[handler]
pub async fn save(ctx: Ctx<'_>, Form(form): Form<SaveForm>) -> Response {
    let id = form.id.trim().parse::<i32>().ok();
    let path = form_path(id);
    let use_case = async {
        // The area as the check step read it; it is checked again by the save.
        let area = serde_json::from_str::<serde_json::Value>(&form.area).map_err(|e| {
            let problem = AreaProblem::NotJson { line: e.line(), column: e.column() };
            AppError::validation("area", area_words(ctx.lang, &problem))
        })?;
        // Checked by the check step: a refused area here was changed since (the form's hidden field).
        let save = async {
            let saved = directory::save_district(ctx.state, ctx.actor(), id, &form.name, Some(&area)).await;
            match saved {
                Err(AppError::Validation { field: Some(field), .. }) if field == "area" => {
                    Err(AppError::validation("area", ctx.lang.text("area-error-changed", None)))
                }
                other => Ok(other?.id),
            }
        };
        match id {
            Some(_) => save.await,
            None => {
                let fingerprint = format!("{}\u{0}{}", form.name, form.area);
                super::create_once(ctx.state, &ctx.visitor, (&form.form_key, &fingerprint), LIST, save).await
            }
        }
    };
    let saved = |_| see_other(&format!("{LIST}?done=district-saved"));
    let typed = context! { action => &path, id, name => &form.name, area => &form.area, form_key => &form.form_key };
    ctx.post(&path, ("district", "name")).again_on(&form.csrf_token, use_case, saved, (FORM, typed)).await
}
