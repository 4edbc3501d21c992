//! The report journey's photos step (a `multipart/form-data` form, so it works without JavaScript):
//! the chosen files are kept on the server with the draft (`service::reports::add_draft_photos`),
//! listed with a "remove" button each, and attached when the report is filed. Also the photos' own
//! addresses: a draft's photo for its author, a filed report's photo as the API serves it.
use minijinja::Value;
use poem::{
    Response, handler,
    http::StatusCode,
    web::{CsrfToken, CsrfVerifier, Data, Multipart, Path, Query},
};
use serde::Deserialize;

use super::{Carried, Steps, step_url};
use crate::{
    config::PhotoSettings,
    error::AppError,
    service::{AppState, appeals::citizen, reports as use_case},
    web::{
        forms::{FormErrors, FormPost, error_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const PATH: &str = "/reports/new/photos";

/// `GET /reports/new/photos`: the step with the photos kept so far.
#[handler]
pub async fn page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    Query(carried): Query<Carried>,
) -> Response {
    let steps = Steps { site: &site, state: &state, lang, visitor: &visitor, csrf };
    steps.page("photos", &carried.read(), &FormErrors::default()).await
}

/// The photos step as posted: its token and draft, the chosen files, and which button was pressed.
#[derive(Debug, Default)]
struct Upload {
    csrf_token: String,
    draft: String,
    /// "upload" shows the step again; anything else goes on to the description.
    action: String,
    remove: Option<i32>,
    files: Vec<Vec<u8>>,
}

/// Reads the posted form; a file input left empty sends an empty part, which is no photo.
async fn read_upload(mut multipart: Multipart) -> Result<Upload, AppError> {
    let unreadable = |e: poem::error::ParseMultipartError| AppError::BadRequest(e.to_string());
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(unreadable)?;
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "photo" if !bytes.is_empty() => upload.files.push(bytes),
            "csrf_token" => upload.csrf_token = text(),
            "draft" => upload.draft = text(),
            "action" => upload.action = text(),
            "remove" => upload.remove = text().trim().parse().ok(),
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /reports/new/photos`: keeps the chosen photos (or removes one), then the step again or the next.
#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn post(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    verifier: &CsrfVerifier,
    csrf: &CsrfToken,
    multipart: Multipart,
) -> Response {
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(err) => return error_page(&site, lang, PATH, &err),
    };
    let steps = Steps { site: &site, state: &state, lang, visitor: &visitor, csrf };
    let draft = Carried { draft: upload.draft.clone() }.read();
    let stay = upload.remove.is_some() || upload.action == "upload";
    let (actor, key) = (&visitor.actor, draft.photos_key.as_str());
    let keeping = async {
        use_case::check_step(actor, use_case::Step::Photos, &draft)?;
        match upload.remove {
            Some(id) => use_case::remove_draft_photo(&state, actor, key, id).await,
            None if upload.files.is_empty() => Ok(()),
            None => use_case::add_draft_photos(&state, actor, key, &upload.files).await,
        }
    };
    let done = |()| see_other(&step_url(if stay { "photos" } else { "description" }, &draft));
    let again =
        async |errors: FormErrors| steps.page("photos", &draft, &in_words(lang, &state.settings.photos, errors)).await;
    let post = FormPost::new(&site, lang, PATH, ("report", "photo")).login_first();
    post.handle(verifier, &upload.csrf_token, keeping, done, again).await
}

/// The photo rules' messages (the API's, in English) in the page's language: which rule refused it
/// is read from the message, as the rules word them in `service::appeals::citizen::checked_photo` and
/// `service::reports::add_draft_photos`.
fn in_words(lang: Lang, limits: &PhotoSettings, errors: FormErrors) -> FormErrors {
    let Some(message) = errors.by_field.get("photo") else { return errors };
    let key = if message.starts_with("a photo may be at most") {
        "report-photos-error-size"
    } else if message.starts_with("the file is not") {
        "report-photos-error-type"
    } else if message.starts_with("a report may carry at most") {
        "report-photos-error-count"
    } else {
        return errors;
    };
    let mut worded = FormErrors::default();
    worded.add("photo", lang.text(key, Some(&limit_args(limits))));
    worded
}

/// The largest photo in megabytes, to one decimal.
pub(super) fn megabytes(limits: &PhotoSettings) -> f64 {
    (limits.max_bytes as f64 / (1024.0 * 1024.0) * 10.0).round() / 10.0
}

/// The limits as the step's words give them: `$mb` per photo, `$max` per report.
fn limit_args(limits: &PhotoSettings) -> fluent_bundle::FluentArgs<'static> {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("mb", megabytes(limits));
    args.set("max", limits.max_per_appeal);
    args
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PhotoKey {
    key: String,
}

/// `GET /reports/new/photos/{id}?key=…`: a photo of the visitor's own draft.
#[handler]
pub async fn draft_photo(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    Path(id): Path<i32>,
    Query(query): Query<PhotoKey>,
) -> Response {
    match use_case::draft_photo(&state, &visitor.actor, &query.key, id).await {
        Ok(file) => image(file, "private, no-store"),
        Err(err) => error_page(&site, lang, &format!("{PATH}/{id}"), &err),
    }
}

/// `GET /reports/{id}/photos/{photo_id}`: a filed report's photo, to whoever may read the report (the
/// public for a public report; the API's `GET /appeals/{id}/photos/{photo_id}` rule).
#[handler]
pub async fn photo(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    Path((id, photo_id)): Path<(i32, i32)>,
) -> Response {
    match citizen::photo(&state, &visitor.actor, id, photo_id).await {
        Ok(file) => image(file, "private, max-age=3600"),
        Err(err) => error_page(&site, lang, &format!("/reports/{id}/photos/{photo_id}"), &err),
    }
}

/// A photo's bytes as the browser gets them: its type, never sniffed, nothing in it run.
fn image(file: citizen::PhotoFile, cache: &str) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type(file.content_type)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", cache)
        .body(file.bytes)
}

/// The photos of a report as its pages list them: the address and the words "Photo N of the report".
pub(super) fn listed(lang: Lang, urls: impl Iterator<Item = (i32, String)>) -> Vec<Value> {
    urls.enumerate()
        .map(|(n, (id, src))| {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("n", n + 1);
            minijinja::context! { id, src, alt => lang.text("report-photo-alt", Some(&args)) }
        })
        .collect()
}
