//! Districts: the list, then add or edit by pasting a GeoJSON polygon or uploading a GeoJSON file →
//! a check step that shows what the domain read (polygons, points, the bounding box) → save. The check
//! and the save are `service::directory::{preview_district, save_district}`; the save is the same use
//! case as `PUT /api/v1/districts/{id}`.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Multipart, Path, Query},
};
use serde::Deserialize;

use super::Done;
use crate::{
    domain::directory::Area,
    web::map::{self, MapDistrict},
};
use crate::{
    error::AppError,
    service::{
        AppState,
        directory::{self, District, DistrictPreview},
    },
    web::{
        forms::{FormErrors, FormPost, error_page, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const LIST: &str = "/admin/districts";
const FORM: &str = "admin/district.html";
/// The largest area text read from a form or a file (a district's border rarely needs 100 KB).
const AREA_MAX_BYTES: usize = 2 * 1024 * 1024;

#[handler]
pub async fn list(site: Data<&Site>, state: Data<&AppState>, lang: Lang, Query(done): Query<Done>) -> Response {
    match directory::districts(&state).await {
        Ok(all) => {
            let rows: Vec<Value> =
                all.iter().map(|d| context! { id => d.id, name => d.name, has_area => d.area.is_some() }).collect();
            let notice = done.notice(&["district-saved"]);
            site.page(lang, LIST, "admin/districts.html", context! { districts => rows, notice })
        }
        Err(err) => error_page(&site, lang, LIST, &err),
    }
}

fn form_path(id: Option<i32>) -> String {
    id.map_or_else(|| "/admin/districts/new".to_owned(), |id| format!("/admin/districts/{id}"))
}

#[handler]
pub fn new_page(site: Data<&Site>, lang: Lang, csrf: &CsrfToken) -> Response {
    let path = form_path(None);
    let page = context! { action => path, form_key => super::new_form_key() };
    form_page(&site, lang, &path, FORM, csrf, &FormErrors::default(), page)
}

#[handler]
pub async fn edit_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    csrf: &CsrfToken,
    Path(id): Path<i32>,
) -> Response {
    let path = form_path(Some(id));
    let found = directory::districts(&state).await.and_then(|all| {
        all.into_iter().find(|d| d.id == id).ok_or_else(|| AppError::not_found(format!("there is no district {id}")))
    });
    match found {
        Ok(District { name, area, .. }) => {
            let area = area.map(|a| serde_json::to_string_pretty(&a).unwrap_or_default());
            let page = context! { action => path, id, name, area };
            form_page(&site, lang, &path, FORM, csrf, &FormErrors::default(), page)
        }
        Err(err) => error_page(&site, lang, &path, &err),
    }
}

/// The district form as posted (multipart, for the file): the pasted text, or the file's when one
/// was chosen; a file that cannot be read is kept as the error to show once the form's token is checked.
#[derive(Debug, Default)]
struct DistrictUpload {
    csrf_token: String,
    form_key: String,
    name: String,
    area: String,
    unreadable: Option<AppError>,
}

/// Reads the posted form; only a request that is not a form at all is an error.
async fn read_upload(mut multipart: Multipart) -> Result<DistrictUpload, AppError> {
    let mut upload = DistrictUpload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| AppError::BadRequest(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| AppError::BadRequest(e.to_string()))?;
        let text = if bytes.len() > AREA_MAX_BYTES {
            upload.unreadable = Some(AppError::validation("area", "the area is larger than 2 MB; simplify the border"));
            continue;
        } else if let Ok(text) = String::from_utf8(bytes) {
            text
        } else {
            let message = "the file is not text; choose a GeoJSON (.geojson or .json) file";
            upload.unreadable = Some(AppError::validation("area", message));
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
#[allow(clippy::too_many_arguments)]
pub async fn check_new(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    multipart: Multipart,
) -> Response {
    check(&site, &state, lang, &visitor, (csrf, verifier), None, multipart).await
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn check_edit(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    multipart: Multipart,
) -> Response {
    check(&site, &state, lang, &visitor, (csrf, verifier), Some(id), multipart).await
}

/// The check step: what the domain read from the area, with the button that saves it.
async fn check(
    site: &Site,
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    (csrf, verifier): (&CsrfToken, &CsrfVerifier),
    id: Option<i32>,
    multipart: Multipart,
) -> Response {
    let path = form_path(id);
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(err) => return error_page(site, lang, &path, &err),
    };
    let DistrictUpload { csrf_token, form_key, name, area, unreadable } = upload;
    let use_case = async {
        match unreadable {
            Some(err) => Err(err),
            None => {
                let preview = directory::preview_district(&visitor.actor, &name, &area)?;
                Ok((preview, directory::districts(state).await?))
            }
        }
    };
    let preview = |(preview, others): (DistrictPreview, Vec<District>)| {
        let map = Value::from_safe_string(picture(lang, id, &preview, &others));
        let page = context! { form_key => form_key.clone(), map, ..checked(id, &preview, path.clone()) };
        form_page(site, lang, &path, "admin/district-check.html", csrf, &FormErrors::default(), page)
    };
    FormPost::new(site, lang, &path, ("district", "area"))
        .handle(verifier, &csrf_token, use_case, preview, async |errors| {
            let typed = context! { action => path.clone(), id, name, area, form_key };
            form_page(site, lang, &path, FORM, csrf, &errors, typed)
        })
        .await
}

/// The shared map's SVG of the district being saved among the others (its old border left out).
fn picture(lang: Lang, id: Option<i32>, preview: &DistrictPreview, others: &[District]) -> String {
    let others: Vec<District> = others.iter().filter(|d| Some(d.id) != id).cloned().collect();
    let mut districts = map::drawable(&others);
    if let Ok(area) = Area::from_geojson(&preview.geojson) {
        districts.push(MapDistrict { id: id.unwrap_or(0), name: preview.name.clone(), area });
    }
    let title = lang
        .text("admin-district-map-title", Some(&crate::web::i18n::args_from([("name", preview.name.clone().into())])));
    map::MapFrame::around(&districts)
        .map(|frame| map::svg(&frame, &districts, &map::Picture { title, markers: vec![], shading: None }))
        .unwrap_or_default()
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
pub async fn save(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<SaveForm>,
) -> Response {
    let id = form.id.trim().parse::<i32>().ok();
    let path = form_path(id);
    let use_case = async {
        let area = serde_json::from_str::<serde_json::Value>(&form.area)
            .map_err(|e| AppError::validation("area", format!("this is not GeoJSON (JSON text): {e}")))?;
        let save =
            async { Ok(directory::save_district(&state, &visitor.actor, id, &form.name, Some(&area)).await?.id) };
        match id {
            Some(_) => save.await,
            None => {
                let fingerprint = format!("{}\u{0}{}", form.name, form.area);
                super::create_once(&state, &visitor, (&form.form_key, &fingerprint), LIST, save).await
            }
        }
    };
    let saved = |_| see_other(&format!("{LIST}?done=district-saved"));
    FormPost::new(&site, lang, &path, ("district", "name"))
        .handle(verifier, &form.csrf_token, use_case, saved, async |errors| {
            let typed = context! { action => path.clone(), id, name => form.name, area => form.area, form_key => form.form_key };
            form_page(&site, lang, &path, FORM, csrf, &errors, typed)
        })
        .await
}
