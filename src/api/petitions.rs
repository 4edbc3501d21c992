//! Petitions over HTTP: statute terms, submission and moderation, signing (with an account, or with name
//! and e-mail confirmed by mail), public reading, the council's notice and answer, closing short. Each
//! handler parses, calls one use case of `service::petitions` and renders.
use chrono::{DateTime, NaiveDate, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    ApiTags, AppState, BearerAuth,
    codes::{self, Code},
    directory::Created,
    paging::{PageNumber, PerPage},
    text::{Line, Prose},
};
use crate::api::idempotency::IdempotencyKey;
use crate::{
    domain::{
        accounts::FullName,
        appeals::TEXT_MAX_CHARS,
        petitions::{self, Decision, RefusalCode, SigningMode, Status, Statute},
        text::limits,
    },
    error::ApiResult,
    service::{
        Actor,
        petitions::{self as use_case, Draft, ListQuery, PetitionRecord, Signer as SignerKind, Sort},
    },
};

/// Generates a spec enum mirroring a domain code enum, and the conversion from it.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident for $domain:ty { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
        #[oai(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value { $(<$domain>::$variant => $name::$variant),+ }
            }
        }
    };
}

code_enum!(
    /// Where a petition is: `moderation` → `collecting` (or `refused`) → `awaiting_consideration` →
    /// `under_consideration` → `answered`; `closed` when collection ended short of the threshold.
    PetitionStatus for Status {
        Moderation, Refused, Collecting, AwaitingConsideration, UnderConsideration, Answered, Closed
    }
);
code_enum!(
    /// The council's decision on a petition.
    DecisionCode for Decision { Supported, PartlySupported, NotSupported }
);
code_enum!(
    /// Why a moderator did not publish a petition.
    RefusalReasonCode for RefusalCode { BannedContent, NotCouncilCompetence, Duplicate, NoEssence, Abusive }
);
code_enum!(
    /// Who may sign: only verified accounts, or also anyone confirming by e-mail.
    SigningModeCode for SigningMode { VerifiedAccount, AccountOrEmail }
);

/// Whether a signature counts yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// Counted.
    Confirmed,
    /// Counted once the mailed link is opened.
    Pending,
}

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
    pub signing_mode: SigningModeCode,
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
            signing_mode: s.signing_mode.into(),
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
    pub status: PetitionStatus,
    pub submitted_at: DateTime<Utc>,
    /// Publication (or refusal) is due within 2 working days of submission.
    pub publication_due_at: DateTime<Utc>,
    #[oai(nullable)]
    pub moderated_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub refusal_code: Option<RefusalReasonCode>,
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
    pub decision: Option<DecisionCode>,
    #[oai(nullable)]
    pub answer: Option<String>,
    #[oai(nullable)]
    pub closed_at: Option<DateTime<Utc>>,
    /// The appeal this petition became after closing short.
    #[oai(nullable)]
    pub appeal_id: Option<i32>,
}

impl From<PetitionRecord> for PetitionView {
    fn from(r: PetitionRecord) -> Self {
        let p = r.petition;
        PetitionView {
            id: p.id,
            council_id: p.council_id,
            author_name: r.author_name,
            title: r.title,
            text: r.text,
            category_id: r.category_id,
            status: p.status.into(),
            submitted_at: p.submitted_at,
            publication_due_at: p.publication_due_at,
            moderated_at: p.moderated_at,
            refusal_code: p.refusal_code.map(Into::into),
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
            decision: p.decision.map(Into::into),
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
    pub status: SignatureStatus,
    pub message: String,
}

#[derive(Debug, Object)]
pub struct ConfirmInput {
    pub token: Line<{ limits::CODE }>,
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
    pub from_status: Option<PetitionStatus>,
    #[oai(nullable)]
    pub to_status: Option<PetitionStatus>,
    pub details: serde_json::Value,
}

#[derive(Default)]
pub struct PetitionsApi;

fn status_code(code: Option<String>) -> Option<PetitionStatus> {
    code.as_deref().and_then(Status::parse).map(Into::into)
}

#[OpenApi(prefix_path = "/", tag = "ApiTags::Petitions")]
impl PetitionsApi {
    /// Statute terms of every council, over time
    #[oai(path = "/petitions/statutes", method = "get")]
    async fn statutes(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<StatuteView>>> {
        Ok(Json(use_case::statutes(&state).await?.into_iter().map(Into::into).collect()))
    }

    /// One council's statute terms from one date
    #[oai(path = "/petitions/statutes/:id", method = "get")]
    async fn statute(&self, state: Data<&AppState>, id: Path<i32>) -> ApiResult<Json<StatuteView>> {
        Ok(Json(use_case::statute(&state, id.0).await?.into()))
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
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<StatuteInput>,
    ) -> ApiResult<Created<StatuteView>> {
        let actor = state.actor(&auth).await?;
        let input = body.0;
        let statute = Statute {
            id: 0,
            council_id: input.council_id,
            effective_from: input.effective_from,
            signature_threshold: input.signature_threshold,
            collection_days: input.collection_days,
            title_max_chars: input.title_max_chars,
            text_max_chars: input.text_max_chars,
            signing_mode: codes::parse(
                "signing_mode",
                &input.signing_mode.read("signing_mode")?,
                SigningMode::parse,
                SigningMode::listing,
            )?,
        };
        Ok(Created::Created(Json(use_case::add_statute(&state, &actor, statute).await?.into())))
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
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<PetitionInput>,
    ) -> ApiResult<Created<PetitionView>> {
        let actor = state.actor(&auth).await?;
        let input = body.0;
        let draft = Draft {
            council_id: input.council_id,
            title: input.title.read("title")?,
            text: input.text.read("text")?,
            category_id: input.category_id,
        };
        Ok(Created::Created(Json(use_case::submit(&state, &actor, draft).await?.into())))
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
        status: Query<Option<Code<Status>>>,
        category_id: Query<Option<i32>>,
        submitted_from: Query<Option<DateTime<Utc>>>,
        submitted_to: Query<Option<DateTime<Utc>>>,
        sort: Query<Option<Code<Sort>>>,
        #[oai(default)] page: Query<PageNumber>,
        #[oai(default = "twenty")] per_page: Query<PerPage>,
    ) -> ApiResult<Json<PetitionPage>> {
        let page = page.0.with_size(per_page.0);
        let status = Code::read_optional(status.0.as_ref(), "status")?;
        let query = ListQuery {
            status,
            query: q.0,
            category_id: category_id.0,
            submitted_from: submitted_from.0,
            submitted_to: submitted_to.0,
            sort: Code::read_optional(sort.0.as_ref(), "sort")?.unwrap_or(Sort::Newest),
            page,
        };
        let viewer =
            if status.is_some_and(|s| !s.was_published()) { state.caller(req).await? } else { Actor::Anonymous };
        let (records, total) = use_case::list(&state, &viewer, query).await?;
        Ok(Json(PetitionPage {
            items: records.into_iter().map(Into::into).collect(),
            page: page.number,
            per_page: page.size,
            total,
        }))
    }

    /// One petition
    #[oai(path = "/petitions/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, req: &Request, id: Path<i32>) -> ApiResult<Json<PetitionView>> {
        let viewer = state.caller(req).await?;
        Ok(Json(use_case::view(&state, &viewer, id.0).await?.into()))
    }

    /// The history of a petition (public once published)
    #[oai(path = "/petitions/:id/history", method = "get")]
    async fn history(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> ApiResult<Json<Vec<PetitionHistoryEntry>>> {
        let viewer = state.caller(req).await?;
        let entries = use_case::history(&state, &viewer, id.0).await?;
        Ok(Json(
            entries
                .into_iter()
                .map(|e| PetitionHistoryEntry {
                    at: e.at,
                    action: e.action,
                    from_status: status_code(e.from_status),
                    to_status: status_code(e.to_status),
                    details: e.details,
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
        let (names, total) = use_case::signers(&state, id.0, page).await?;
        let items = names.into_iter().map(|(full_name, signed_at)| Signer { full_name, signed_at }).collect();
        Ok(Json(SignerPage { items, page: page.number, per_page: page.size, total }))
    }

    /// Publish a submitted petition (moderators)
    #[oai(path = "/petitions/:id/publish", method = "post")]
    async fn publish(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PetitionView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(use_case::publish(&state, &actor, id.0).await?.into()))
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
        let actor = state.actor(&auth).await?;
        let ModerationRefusal { code, reason } = body.0;
        let code = codes::parse("code", &code.read("code")?, RefusalCode::parse, RefusalCode::listing)?;
        Ok(Json(use_case::refuse(&state, &actor, id.0, code, reason.read("reason")?).await?.into()))
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
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<SignInput>,
    ) -> ApiResult<Created<SignatureReceipt>> {
        let input = body.0;
        let signer = match state.bearer_digest(req)? {
            Some(digest) => SignerKind::Session(digest),
            None => SignerKind::ByEmail {
                full_name: Line::read_optional(input.full_name, "full_name")?.unwrap_or_default(),
                email: Line::read_optional(input.email, "email")?.unwrap_or_default(),
            },
        };
        let counted = use_case::sign(&state, state.client_ip(req), id.0, signer, input.notify).await?;
        let receipt = if counted {
            SignatureReceipt { status: SignatureStatus::Confirmed, message: "Your signature is counted.".into() }
        } else {
            SignatureReceipt {
                status: SignatureStatus::Pending,
                message: "Open the link we mailed you to confirm the signature; until then it is not counted.".into(),
            }
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
        let actor = state.actor(&auth).await?;
        use_case::withdraw(&state, &actor, id.0).await?;
        Ok(super::accounts::NoContent::Done)
    }

    /// Confirm an e-mail signature with the token from the mail
    #[oai(path = "/petitions/signatures/confirm", method = "post")]
    async fn confirm(&self, state: Data<&AppState>, body: Json<ConfirmInput>) -> ApiResult<Json<SignatureReceipt>> {
        confirmed(&state, &body.0.token.read("token")?).await
    }

    /// Confirm an e-mail signature by opening the mailed link
    #[oai(path = "/petitions/signatures/confirm", method = "get")]
    async fn confirm_link(&self, state: Data<&AppState>, token: Query<String>) -> ApiResult<Json<SignatureReceipt>> {
        confirmed(&state, &token.0).await
    }

    /// Publish the notice of the start of consideration (officers of the council)
    #[oai(path = "/petitions/:id/notice", method = "post")]
    async fn notice(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<PetitionView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(use_case::notice(&state, &actor, id.0).await?.into()))
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
        let actor = state.actor(&auth).await?;
        let PetitionAnswerInput { decision, text } = body.0;
        let decision = codes::parse("decision", &decision.read("decision")?, Decision::parse, Decision::listing)?;
        Ok(Json(use_case::answer(&state, &actor, id.0, decision, text.read("text")?).await?.into()))
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
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<ToAppealInput>,
    ) -> ApiResult<Json<PetitionView>> {
        let actor = state.actor(&auth).await?;
        let address = body.0.author_address.read("author_address")?;
        Ok(Json(use_case::to_appeal(&state, &actor, id.0, address).await?.into()))
    }
}

async fn confirmed(state: &AppState, token: &str) -> ApiResult<Json<SignatureReceipt>> {
    let petition_id = use_case::confirm_signature(state, token).await?;
    Ok(Json(SignatureReceipt {
        status: SignatureStatus::Confirmed,
        message: format!("Your signature under petition {petition_id} is confirmed and counted."),
    }))
}

fn twenty() -> PerPage {
    PerPage(20)
}

fn hundred() -> PerPage {
    PerPage(100)
}
