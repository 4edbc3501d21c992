//! Petitions over HTTP: statute terms, submission and moderation, signing (with an account, or with name
//! and e-mail confirmed by mail), public reading, the council's notice and answer, closing short.
use chrono::{DateTime, NaiveDate, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags, AppState, BearerAuth,
    directory::Created,
    paging::{PageNumber, PerPage},
    parse_code,
    rate_limit::Limit,
    text::{Line, Prose},
};
use crate::{
    domain::{
        accounts::{Email, FullName},
        appeals::TEXT_MAX_CHARS,
        authorization::{Action, Principal, authorize, may_read_petition},
        petitions::{self, Actor, Command, Decision, RefusalCode, SigningMode, Status, Statute},
        text::limits,
    },
    error::{ApiResult, AppError},
    storage::{
        self,
        petitions::{ListFilter, SignatureOp, SignatureOutcome, Sort, Submission},
    },
};

#[derive(Debug, Object)]
pub struct StatuteInput {
    /// The council (an organisation of kind `council`).
    pub council_id: i32,
    /// The date from which these terms apply; petitions keep the terms in force when they were published.
    /// A date from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
    pub effective_from: NaiveDate,
    pub signature_threshold: u32,
    pub collection_days: u32,
    pub title_max_chars: u32,
    pub text_max_chars: u32,
    /// `verified_account` or `account_or_email`.
    pub signing_mode: Line<{ limits::CODE }>,
}

#[derive(Debug, Object)]
pub struct StatuteView {
    pub id: i32,
    pub council_id: i32,
    pub effective_from: NaiveDate,
    pub signature_threshold: u32,
    pub collection_days: u32,
    pub title_max_chars: u32,
    pub text_max_chars: u32,
    pub signing_mode: String,
}

impl From<Statute> for StatuteView {
    fn from(s: Statute) -> Self {
        StatuteView {
            id: s.id,
            council_id: s.council_id,
            effective_from: s.effective_from,
            signature_threshold: s.signature_threshold,
            collection_days: s.collection_days,
            title_max_chars: s.title_max_chars,
            text_max_chars: s.text_max_chars,
            signing_mode: s.signing_mode.code().to_owned(),
        }
    }
}

#[derive(Debug, Object)]
pub struct PetitionInput {
    /// The council addressed; may be left out when the installation has one council.
    #[oai(nullable)]
    pub council_id: Option<i32>,
    pub title: Line<{ petitions::TITLE_LIMIT_MAX }>,
    pub text: Prose<{ petitions::TEXT_LIMIT_MAX }>,
    #[oai(nullable)]
    pub category_id: Option<i32>,
}

/// A petition's public page data (no contacts of anyone).
#[derive(Debug, Object)]
pub struct PetitionView {
    pub id: i32,
    pub council_id: i32,
    pub author_name: String,
    pub title: String,
    pub text: String,
    #[oai(nullable)]
    pub category_id: Option<i32>,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    /// Publication (or refusal) is due within 2 working days of submission.
    pub publication_due_at: DateTime<Utc>,
    #[oai(nullable)]
    pub moderated_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub refusal_code: Option<String>,
    #[oai(nullable)]
    pub refusal_reason: Option<String>,
    #[oai(nullable)]
    pub published_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub statute_id: Option<i32>,
    #[oai(nullable)]
    pub signature_threshold: Option<i32>,
    #[oai(nullable)]
    pub collection_ends_at: Option<DateTime<Utc>>,
    /// Confirmed signatures, exact as of the last committed batch of the signature writer.
    pub signature_count: i64,
    #[oai(nullable)]
    pub threshold_reached_at: Option<DateTime<Utc>>,
    /// When the council announced the start of consideration.
    #[oai(nullable)]
    pub notice_at: Option<DateTime<Utc>>,
    /// 10 working days after the notice.
    #[oai(nullable)]
    pub consideration_due_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub answered_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub decision: Option<String>,
    #[oai(nullable)]
    pub answer: Option<String>,
    #[oai(nullable)]
    pub closed_at: Option<DateTime<Utc>>,
    /// The appeal this petition became after closing short.
    #[oai(nullable)]
    pub appeal_id: Option<i32>,
}

impl From<entity::petitions::Model> for PetitionView {
    fn from(p: entity::petitions::Model) -> Self {
        PetitionView {
            id: p.id,
            council_id: p.council_id,
            author_name: p.author_name,
            title: p.title,
            text: p.text,
            category_id: p.category_id,
            status: p.status,
            submitted_at: p.submitted_at,
            publication_due_at: p.publication_due_at,
            moderated_at: p.moderated_at,
            refusal_code: p.refusal_code,
            refusal_reason: p.refusal_reason,
            published_at: p.published_at,
            statute_id: p.statute_id,
            signature_threshold: p.signature_threshold,
            collection_ends_at: p.collection_ends_at,
            signature_count: p.signature_count,
            threshold_reached_at: p.threshold_reached_at,
            notice_at: p.notice_at,
            consideration_due_at: p.consideration_due_at,
            answered_at: p.answered_at,
            decision: p.decision,
            answer: p.answer_text,
            closed_at: p.closed_at,
            appeal_id: p.appeal_id,
        }
    }
}

#[derive(Debug, Object)]
pub struct PetitionPage {
    pub items: Vec<PetitionView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Debug, Object)]
pub struct Signer {
    pub full_name: String,
    pub signed_at: DateTime<Utc>,
}

#[derive(Debug, Object)]
pub struct SignerPage {
    pub items: Vec<Signer>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// With a bearer token the account signs; without one (where the statute allows) give name and e-mail.
#[derive(Debug, Object)]
pub struct SignInput {
    #[oai(nullable)]
    pub full_name: Option<Line<{ FullName::MAX_CHARS }>>,
    #[oai(nullable)]
    pub email: Option<Line<{ limits::EMAIL }>>,
    /// Tell me by mail when the council considers and answers. Default false.
    #[oai(default)]
    pub notify: bool,
}

#[derive(Debug, Object)]
pub struct SignatureReceipt {
    /// `confirmed` (counted) or `pending` (counted once the mailed link is opened).
    pub status: String,
    pub message: String,
}

#[derive(Debug, Object)]
pub struct ConfirmInput {
    pub token: String,
}

#[derive(Debug, Object)]
pub struct ModerationRefusal {
    /// `banned_content`, `not_council_competence`, `duplicate`, `no_essence` or `abusive`.
    pub code: Line<{ limits::CODE }>,
    /// The explanation the author receives.
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct PetitionAnswerInput {
    /// `supported`, `partly_supported` or `not_supported`.
    pub decision: Line<{ limits::CODE }>,
    /// The answer with its reasons, published on the petition.
    pub text: Prose<TEXT_MAX_CHARS>,
}

#[derive(Debug, Object)]
pub struct ToAppealInput {
    /// The author's place of residence (required for an appeal, art. 5).
    pub author_address: Line<{ limits::ADDRESS }>,
}

#[derive(Debug, Object)]
pub struct PetitionHistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    #[oai(nullable)]
    pub from_status: Option<String>,
    #[oai(nullable)]
    pub to_status: Option<String>,
    pub details: serde_json::Value,
}

pub struct PetitionsApi;

/// The petition if `viewer` may see it: one never published (in moderation, refused) only to its author
/// and the moderators; to everyone else it does not exist.
async fn visible(state: &AppState, id: i32, viewer: Option<&Principal>) -> Result<entity::petitions::Model, AppError> {
    let row = storage::petitions::get(&state.db, id).await?;
    let published = Status::parse(&row.status).is_some_and(Status::was_published);
    if may_read_petition(viewer, published, row.author_account_id) {
        Ok(row)
    } else {
        Err(AppError::not_found(format!("there is no petition {id}")))
    }
}

impl PetitionsApi {
    async fn act(
        &self,
        state: &AppState,
        auth: &BearerAuth,
        id: i32,
        command: Command,
    ) -> ApiResult<Json<PetitionView>> {
        let (principal, _) = state.authenticate(auth).await?;
        let row = storage::petitions::get(&state.db, id).await?;
        let actor = Actor {
            account_id: Some(principal.account_id),
            is_author: principal.account_id == row.author_account_id,
            moderator: authorize(&principal, Action::ModerateItem { author_account_id: Some(row.author_account_id) })
                .is_ok(),
            council_officer: authorize(
                &principal,
                Action::HandleItem { organisation_id: row.council_id, author_account_id: Some(row.author_account_id) },
            )
            .is_ok(),
            system: false,
        };
        let calendar = state.calendar().await?;
        let (updated, _) = storage::petitions::transition(
            &state.db,
            &calendar,
            &state.settings.public_url,
            id,
            actor,
            command,
            Utc::now(),
        )
        .await?;
        state.mail_wake.notify_one();
        Ok(Json(updated.into()))
    }
}

#[OpenApi(prefix_path = "/", tag = "ApiTags::Petitions")]
impl PetitionsApi {
    /// Statute terms of every council, over time
    #[oai(path = "/petitions/statutes", method = "get")]
    async fn statutes(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<StatuteView>>> {
        let rows = storage::petitions::statutes(&state.db).await?;
        Ok(Json(rows.iter().map(|r| storage::petitions::domain_statute(r).into()).collect()))
    }

    /// Adopt statute terms from a date (administrators)
    ///
    /// Terms are never edited: a change is new terms with a later date. A petition keeps the terms in
    /// force when it was published.
    #[oai(path = "/petitions/statutes", method = "post")]
    async fn add_statute(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<StatuteInput>,
    ) -> ApiResult<Created<StatuteView>> {
        let admin = state.administrator(&auth).await?;
        let input = body.0;
        let statute = Statute {
            id: 0,
            council_id: input.council_id,
            effective_from: input.effective_from,
            signature_threshold: input.signature_threshold,
            collection_days: input.collection_days,
            title_max_chars: input.title_max_chars,
            text_max_chars: input.text_max_chars,
            signing_mode: parse_code(
                "signing_mode",
                &input.signing_mode.read("signing_mode")?,
                SigningMode::parse,
                SigningMode::listing,
            )?,
        };
        let row = storage::petitions::add_statute(&state.db, Some(admin), &statute, Utc::now()).await?;
        Ok(Created::Created(Json(storage::petitions::domain_statute(&row).into())))
    }

    /// Submit a petition (verified citizens)
    ///
    /// It waits for moderation; publication or refusal is due within 2 working days.
    #[oai(path = "/petitions", method = "post")]
    async fn submit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<PetitionInput>,
    ) -> ApiResult<Created<PetitionView>> {
        let (principal, account) = state.authenticate(&auth).await?;
        let input = body.0;
        let council_id = match input.council_id {
            Some(id) => id,
            None => {
                let councils: Vec<i32> = storage::directory::list_organisations(&state.db)
                    .await?
                    .into_iter()
                    .filter(|o| o.kind == "council" && o.active)
                    .map(|o| o.id)
                    .collect();
                match councils[..] {
                    [only] => only,
                    _ => {
                        return Err(AppError::validation(
                            "council_id",
                            "name the council the petition is addressed to",
                        )
                        .into());
                    }
                }
            }
        };
        let calendar = state.calendar().await?;
        let submission = Submission {
            council_id,
            author_account_id: principal.account_id,
            author_name: account.full_name,
            title: input.title.read("title")?,
            text: input.text.read("text")?,
            category_id: input.category_id,
        };
        let row = storage::petitions::submit(&state.db, &calendar, submission, Utc::now()).await?;
        Ok(Created::Created(Json(row.into())))
    }

    /// Petitions: search, filter, sort, page
    ///
    /// `q` matches every word in the title or text. `status` is one of the statuses (default: everything
    /// published; `moderation` is for moderators). `sort`: `newest` (default), `most_signed`, `closing_soon`.
    #[oai(path = "/petitions", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        req: &Request,
        q: Query<Option<String>>,
        status: Query<Option<String>>,
        category_id: Query<Option<i32>>,
        submitted_from: Query<Option<DateTime<Utc>>>,
        submitted_to: Query<Option<DateTime<Utc>>>,
        sort: Query<Option<String>>,
        #[oai(default)] page: Query<PageNumber>,
        #[oai(default = "twenty")] per_page: Query<PerPage>,
    ) -> ApiResult<Json<PetitionPage>> {
        let page = page.0.with_size(per_page.0);
        let statuses = match status.0.as_deref() {
            None => Status::ALL.iter().copied().filter(|s| s.was_published()).collect(),
            Some(code) => {
                let status = parse_code("status", code, Status::parse, Status::listing)?;
                if !status.was_published() {
                    let viewer = state.optional_principal(req).await?;
                    match viewer {
                        Some(p) => authorize(&p, Action::Moderate)?,
                        None => {
                            return Err(AppError::Unauthorized(
                                "petitions in moderation or refused are listed for moderators only".into(),
                            )
                            .into());
                        }
                    }
                }
                vec![status]
            }
        };
        let sort = match sort.0.as_deref() {
            None | Some("newest") => Sort::Newest,
            Some("most_signed") => Sort::MostSigned,
            Some("closing_soon") => Sort::ClosingSoon,
            Some(other) => {
                return Err(AppError::validation(
                    "sort",
                    format!("`{other}` is not newest, most_signed or closing_soon"),
                )
                .into());
            }
        };
        let filter = ListFilter {
            statuses,
            query: q.0.filter(|q| !q.trim().is_empty()),
            category_id: category_id.0,
            submitted_from: submitted_from.0,
            submitted_to: submitted_to.0,
            sort,
            page,
        };
        let (rows, total) = storage::petitions::list(&state.db, &filter).await?;
        Ok(Json(PetitionPage {
            items: rows.into_iter().map(Into::into).collect(),
            page: page.number,
            per_page: page.size,
            total,
        }))
    }

    /// One petition
    #[oai(path = "/petitions/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, req: &Request, id: Path<i32>) -> ApiResult<Json<PetitionView>> {
        let viewer = state.optional_principal(req).await?;
        Ok(Json(visible(&state, id.0, viewer.as_ref()).await?.into()))
    }

    /// The history of a petition (public once published)
    #[oai(path = "/petitions/:id/history", method = "get")]
    async fn history(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> ApiResult<Json<Vec<PetitionHistoryEntry>>> {
        let viewer = state.optional_principal(req).await?;
        visible(&state, id.0, viewer.as_ref()).await?;
        let events = storage::events::history(&state.db, storage::petitions::SUBJECT, &id.0.to_string()).await?;
        Ok(Json(
            events
                .into_iter()
                .map(|e| PetitionHistoryEntry {
                    at: e.occurred_at,
                    action: e.action,
                    from_status: e.from_state,
                    to_status: e.to_state,
                    details: serde_json::from_str(&e.details).unwrap_or_default(),
                })
                .collect(),
        ))
    }

    /// The signers (names only), oldest first
    #[oai(path = "/petitions/:id/signers", method = "get")]
    async fn signers(
        &self,
        state: Data<&AppState>,
        id: Path<i32>,
        #[oai(default)] page: Query<PageNumber>,
        #[oai(default = "hundred")] per_page: Query<PerPage>,
    ) -> ApiResult<Json<SignerPage>> {
        let page = page.0.with_size(per_page.0);
        visible(&state, id.0, None).await?;
        let (names, total) = storage::petitions::signer_names(&state.db, id.0, page).await?;
        let items = names.into_iter().map(|(full_name, signed_at)| Signer { full_name, signed_at }).collect();
        Ok(Json(SignerPage { items, page: page.number, per_page: page.size, total }))
    }

    /// Publish a submitted petition (moderators)
    #[oai(path = "/petitions/:id/publish", method = "post")]
    async fn publish(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PetitionView>> {
        let row = storage::petitions::get(&state.db, id.0).await?;
        let statute = storage::petitions::statute_in_force(
            &state.db,
            row.council_id,
            crate::domain::calendar::kyiv_date(Utc::now()),
        )
        .await?
        .ok_or_else(|| AppError::Conflict("the council has no petition statute in force".into()))?;
        self.act(&state, &auth, id.0, Command::Publish { statute }).await
    }

    /// Refuse to publish, with a coded reason the author receives (moderators)
    #[oai(path = "/petitions/:id/refuse", method = "post")]
    async fn refuse(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ModerationRefusal>,
    ) -> ApiResult<Json<PetitionView>> {
        state.authenticate(&auth).await?;
        let ModerationRefusal { code, reason } = body.0;
        let code = parse_code("code", &code.read("code")?, RefusalCode::parse, RefusalCode::listing)?;
        self.act(&state, &auth, id.0, Command::Refuse { code, reason: reason.read("reason")? }).await
    }

    /// Sign a petition
    ///
    /// With a bearer token the verified account signs and is counted at once. Without one, where the
    /// council's statute allows it, give `full_name` and `email`: the signature counts once the mailed
    /// link is opened. One signature per e-mail address per petition. Rate-limited per address.
    #[oai(path = "/petitions/:id/signatures", method = "post")]
    async fn sign(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<SignInput>,
    ) -> ApiResult<Created<SignatureReceipt>> {
        state.limits.check(Limit::Sign, state.client_ip(req))?;
        let input = body.0;
        let op = match state.bearer_digest(req)? {
            // The writer looks up the sessions of a whole batch at once (unless this one was seen just now).
            Some(digest) => match state.sessions.get(&digest) {
                Some(super::CachedSession { account, .. }) => SignatureOp::Sign {
                    petition_id: id.0,
                    account_id: Some(account.id),
                    full_name: account.full_name,
                    email: Email::parse(&account.email)?,
                    notify: input.notify,
                },
                None => SignatureOp::SignWithSession { petition_id: id.0, token_digest: digest, notify: input.notify },
            },
            None => {
                let row = storage::petitions::get(&state.db, id.0).await?;
                let mode = match row.statute_id {
                    Some(statute_id) => storage::petitions::statutes(&state.db)
                        .await?
                        .iter()
                        .find(|s| s.id == statute_id)
                        .map(|s| storage::petitions::domain_statute(s).signing_mode),
                    None => None,
                };
                if mode != Some(SigningMode::AccountOrEmail) {
                    return Err(AppError::Unauthorized(
                        "this council's statute requires signing with a verified account; log in first".into(),
                    )
                    .into());
                }
                let name = FullName::parse(&Line::read_optional(input.full_name, "full_name")?.unwrap_or_default())?;
                let email = Email::parse(&Line::read_optional(input.email, "email")?.unwrap_or_default())?;
                SignatureOp::Sign {
                    petition_id: id.0,
                    account_id: None,
                    full_name: name.as_str().to_owned(),
                    email,
                    notify: input.notify,
                }
            }
        };
        let receipt = match state.signatures.submit(op).await? {
            SignatureOutcome::Signed { counted: true } => {
                SignatureReceipt { status: "confirmed".into(), message: "Your signature is counted.".into() }
            }
            _ => SignatureReceipt {
                status: "pending".into(),
                message: "Open the link we mailed you to confirm the signature; until then it is not counted.".into(),
            },
        };
        Ok(Created::Created(Json(receipt)))
    }

    /// Withdraw one's signature while collection runs (recorded, not deleted)
    #[oai(path = "/petitions/:id/signatures/mine", method = "delete")]
    async fn withdraw(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
    ) -> ApiResult<super::accounts::NoContent> {
        let (_, account) = state.authenticate(&auth).await?;
        state
            .signatures
            .submit(SignatureOp::Withdraw { petition_id: id.0, email: Email::parse(&account.email)? })
            .await?;
        Ok(super::accounts::NoContent::Done)
    }

    /// Confirm an e-mail signature with the token from the mail
    #[oai(path = "/petitions/signatures/confirm", method = "post")]
    async fn confirm(&self, state: Data<&AppState>, body: Json<ConfirmInput>) -> ApiResult<Json<SignatureReceipt>> {
        self.confirm_token(&state, body.0.token).await
    }

    /// Confirm an e-mail signature by opening the mailed link
    #[oai(path = "/petitions/signatures/confirm", method = "get")]
    async fn confirm_link(&self, state: Data<&AppState>, token: Query<String>) -> ApiResult<Json<SignatureReceipt>> {
        self.confirm_token(&state, token.0).await
    }

    /// Publish the notice of the start of consideration (officers of the council)
    #[oai(path = "/petitions/:id/notice", method = "post")]
    async fn notice(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PetitionView>> {
        self.act(&state, &auth, id.0, Command::PublishNotice).await
    }

    /// Publish the council's answer with its reasons (officers of the council)
    #[oai(path = "/petitions/:id/answer", method = "post")]
    async fn answer(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<PetitionAnswerInput>,
    ) -> ApiResult<Json<PetitionView>> {
        state.authenticate(&auth).await?;
        let PetitionAnswerInput { decision, text } = body.0;
        let decision = parse_code("decision", &decision.read("decision")?, Decision::parse, Decision::listing)?;
        self.act(&state, &auth, id.0, Command::Answer { decision, text: text.read("text")? }).await
    }

    /// Have a petition that closed short considered as an ordinary appeal (its author)
    ///
    /// Files an application to the council with the petition's text; the appeal's own deadline applies.
    #[oai(path = "/petitions/:id/appeal", method = "post")]
    async fn to_appeal(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<ToAppealInput>,
    ) -> ApiResult<Json<PetitionView>> {
        let actor = crate::service::Actor::Person(state.authenticate(&auth).await?.0);
        let author_address = body.0.author_address.read("author_address")?;
        let petition =
            crate::service::appeals::intake::file_petition_as_appeal(&state, &actor, id.0, author_address).await?;
        Ok(Json(petition.into()))
    }
}

impl PetitionsApi {
    async fn confirm_token(&self, state: &AppState, token: String) -> ApiResult<Json<SignatureReceipt>> {
        match state.signatures.submit(SignatureOp::Confirm { token: token.trim().to_owned() }).await? {
            SignatureOutcome::Confirmed { petition_id } => Ok(Json(SignatureReceipt {
                status: "confirmed".into(),
                message: format!("Your signature under petition {petition_id} is confirmed and counted."),
            })),
            _ => Err(AppError::Internal(anyhow::anyhow!("unexpected confirmation outcome")).into()),
        }
    }
}

fn twenty() -> PerPage {
    PerPage(20)
}

fn hundred() -> PerPage {
    PerPage(100)
}
