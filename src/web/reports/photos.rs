//! The report journey's photos step (a `multipart/form-data` form, so it works without JavaScript):
//! the chosen files are kept on the server with the draft (`service::reports::add_draft_photos`),
//! listed with a "remove" button each, and attached when the report is filed. Also the photos' own
//! addresses: a draft's photo for its author, a filed report's photo as the API serves it.
use minijinja::Value;
use poem::{
    Response, handler,
    http::StatusCode,
    web::{Data, Field, Multipart, Path, Query},
};
use serde::Deserialize;

use super::{Carried, PHOTOS_STEP as PATH, Steps, step_url};
use crate::{
    error::AppError,
    service::{
        appeals::citizen,
        reports::{self as use_case, PhotoError, PhotoRefusal},
    },
    startup::BodyOverLimit,
    web::{
        context::Ctx,
        forms::{FormErrors, csrf_refused, see_other},
        i18n::Lang,
    },
};

/// `GET /reports/new/photos?draft=<key>`: the step with the photos kept so far.
#[handler]
pub async fn page(ctx: Ctx<'_>, Query(carried): Query<Carried>) -> Response {
    Steps { ctx: &ctx }.show("photos", &carried).await
}

/// The photos step as posted after its token: its draft, the chosen files, and which button was pressed.
#[derive(Debug, Default)]
struct Upload {
    draft: String,
    /// "upload" shows the step again; anything else goes on to the description.
    action: String,
    remove: Option<i32>,
    files: Vec<Vec<u8>>,
}

/// The longest form token read.
const TOKEN_BYTES: usize = 512;

/// At most `cap` bytes of a part; the rest of it is skipped.
async fn capped(field: Field, cap: usize) -> Result<Vec<u8>, AppError> {
    use tokio::io::AsyncReadExt;
    let mut bytes = Vec::new();
    let read = field.into_async_read().take(cap as u64).read_to_end(&mut bytes).await;
    read.map_err(|e| AppError::BadRequest(format!("the form cannot be read: {e}")))?;
    Ok(bytes)
}

/// The form's token, read before any other part. Browsers send a form's fields in the form's order
/// (HTML's "constructing the entry list"), and the token is the step's first field, so an anonymous
/// or forged post is refused before a byte of its files is read. Not in the address (it would stand in
/// logs and the history), not in a header (a form without JavaScript cannot send one). A post whose
/// first part is anything else has no token.
async fn token_first(multipart: &mut Multipart) -> String {
    match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf_token") => {
            capped(field, TOKEN_BYTES).await.map(|t| String::from_utf8_lossy(&t).into_owned()).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// Reads the rest of the form; a file input left empty sends an empty part, which is no photo. A file
/// is read only one byte past the largest photo: the photo rule refuses it by its size. A text field is
/// read up to `text_bytes` (the limit of any other form).
async fn read_upload(multipart: &mut Multipart, (photo_bytes, text_bytes): (usize, usize)) -> Result<Upload, AppError> {
    let unreadable = |e: poem::error::ParseMultipartError| AppError::BadRequest(e.to_string());
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            let bytes = capped(field, photo_bytes + 1).await?;
            if !bytes.is_empty() {
                upload.files.push(bytes);
            }
            continue;
        }
        let text = String::from_utf8_lossy(&capped(field, text_bytes).await?).into_owned();
        match name.as_str() {
            "draft" => upload.draft = text,
            "action" => upload.action = text,
            "remove" => upload.remove = text.trim().parse().ok(),
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /reports/new/photos` (the form's address carries the draft's key, `?draft=`): the log-in page
/// for a visitor who is not signed in and the 403 page for a post without its token, both before the
/// files are read; then keeps the chosen photos (or removes one) under the draft's key → the step again
/// or the next. A body over the limit (`BodyOverLimit`) gets the step again with the error, 413.
#[handler]
pub async fn post(
    ctx: Ctx<'_>,
    Query(carried): Query<Carried>,
    over: Option<Data<&BodyOverLimit>>,
    mut multipart: Multipart,
) -> Response {
    let steps = Steps { ctx: &ctx };
    if let Some(login) = steps.login_first("photos", &carried.draft) {
        return login;
    }
    let token = token_first(&mut multipart).await;
    if let Some(refused) = csrf_refused(ctx.site, ctx.lang, PATH, ctx.verifier, &token) {
        return refused;
    }
    let limits = &ctx.state.settings.photos;
    // What is left of a body over the limit is not read: the connection closes after the page (a
    // browser still sending shows it; Chromium does, tests/browser/reports.rs, 1.5 MB).
    if over.is_some() {
        let draft = match steps.load("photos", &carried.draft, false).await {
            Ok(draft) => draft,
            Err(instead) => return instead,
        };
        let errors = over_limit(ctx.lang, (limits.max_per_appeal, limits.max_bytes));
        let mut again = steps.page("photos", &draft, &errors).await;
        again.set_status(StatusCode::PAYLOAD_TOO_LARGE);
        return again;
    }
    let upload = match read_upload(&mut multipart, (limits.max_bytes, ctx.state.settings.max_body_bytes)).await {
        Ok(upload) => upload,
        Err(err) => return ctx.error(PATH, &err),
    };
    // The address names the draft (the form's action); the hidden field too, for a hand-made post.
    let key = if carried.draft.trim().is_empty() { &upload.draft } else { &carried.draft };
    let draft = match steps.load("photos", key, false).await {
        Ok(draft) => draft,
        Err(instead) => return instead,
    };
    let stay = upload.remove.is_some() || upload.action == "upload";
    let (state, actor, key) = (ctx.state, ctx.actor(), draft.key.as_str());
    let keeping = async {
        use_case::check_step(actor, use_case::Step::Photos, &draft)?;
        match upload.remove {
            Some(id) => use_case::remove_draft_photo(state, actor, key, id).await,
            None if upload.files.is_empty() => Ok(()),
            None => {
                use_case::add_draft_photos(state, actor, key, &upload.files).await.map_err(|e| in_words(ctx.lang, e))
            }
        }
    };
    let done = |()| see_other(&step_url(if stay { "photos" } else { "description" }, &draft.key));
    steps.post(("photos", &token, "photo"), &draft, keeping, done).await
}

/// A photo upload's failure as the step shows it: a photo rule's refusal in the page's language.
fn in_words(lang: Lang, err: PhotoError) -> AppError {
    match err {
        PhotoError::Refused(refusal) => {
            let errors = refused(lang, refusal);
            AppError::validation("photo", errors.by_field.get("photo").cloned().unwrap_or_default())
        }
        PhotoError::Failed(err) => err,
    }
}

/// The error of the photo field for a photo rule's refusal, in the page's language.
fn refused(lang: Lang, refusal: PhotoRefusal) -> FormErrors {
    let mut args = fluent_bundle::FluentArgs::new();
    let key = match refusal {
        PhotoRefusal::TooLarge { max_bytes } => {
            args.set("mb", megabytes(max_bytes));
            "report-photos-error-size"
        }
        PhotoRefusal::NotAnImage => "report-photos-error-type",
        PhotoRefusal::TooMany { max } => {
            args.set("max", max);
            "report-photos-error-count"
        }
    };
    let mut errors = FormErrors::default();
    errors.add("photo", lang.text(key, Some(&args)));
    errors
}

/// The error of the photo field for a body over the step's limit (`max_per_appeal` photos of
/// `max_bytes` and the form): too many photos or one too large, which the size alone cannot tell.
fn over_limit(lang: Lang, (count, max_bytes): (u32, usize)) -> FormErrors {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("count", count);
    args.set("mb", megabytes(max_bytes));
    let mut errors = FormErrors::default();
    errors.add("photo", lang.text("report-photos-error-body", Some(&args)));
    errors
}

/// `bytes` in megabytes, to one decimal.
pub(super) fn megabytes(bytes: usize) -> f64 {
    (bytes as f64 / (1024.0 * 1024.0) * 10.0).round() / 10.0
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PhotoKey {
    key: String,
}

/// `GET /reports/new/photos/{id}?key=…`: a photo of the visitor's own draft.
#[handler]
pub async fn draft_photo(ctx: Ctx<'_>, Path(id): Path<i32>, Query(query): Query<PhotoKey>) -> Response {
    let file = use_case::draft_photo(ctx.state, ctx.actor(), &query.key, id).await;
    image(&ctx, &format!("{PATH}/{id}"), file, "private, no-store")
}

/// `GET /reports/{id}/photos/{photo_id}`: a filed report's photo, to whoever may read the report (the
/// public for a public report; the API's `GET /appeals/{id}/photos/{photo_id}` rule).
#[handler]
pub async fn photo(ctx: Ctx<'_>, Path((id, photo_id)): Path<(i32, i32)>) -> Response {
    let file = citizen::photo(ctx.state, ctx.actor(), id, photo_id).await;
    image(&ctx, &format!("/reports/{id}/photos/{photo_id}"), file, "private, max-age=3600")
}

/// A photo's bytes as the browser gets them: its type, never sniffed, nothing in it run; or the error
/// page of `path`.
fn image(ctx: &Ctx<'_>, path: &str, file: Result<citizen::PhotoFile, AppError>, cache: &str) -> Response {
    let file = match file {
        Ok(file) => file,
        Err(err) => return ctx.error(path, &err),
    };
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
