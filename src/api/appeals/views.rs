//! What the appeal endpoints answer with, rendered from the service's plain structs.
use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::{
    api::codes::Code,
    domain::appeals::{AppealKind, Channel, RefusalCode, Resolution, Status},
    service::appeals::{AppealDetails, queries::HistoryStep},
};

#[derive(Debug, Object)]
pub struct AuthorView {
    pub full_name: String,
    #[oai(nullable)]
    pub address: Option<String>,
    #[oai(nullable)]
    pub email: Option<String>,
    #[oai(nullable)]
    pub phone: Option<String>,
    pub cosigners: Vec<CosignerView>,
}

#[derive(Debug, Object)]
pub struct CosignerView {
    pub full_name: String,
    pub address: String,
}

#[derive(Debug, Object)]
pub struct ExecutorView {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Object)]
pub struct AppealDeadlineView {
    /// The rule the appeal's term comes from, e.g. `appeal_no_study` or `{"urgency_hours":24}`.
    pub rule: serde_json::Value,
    /// The first deadline ever set.
    pub original_due_at: DateTime<Utc>,
    /// The deadline in force (exclusive instant: Kyiv midnight after the due date, or the exact hour).
    pub due_at: DateTime<Utc>,
    /// Set when the head extended the term (never over 45 days from receipt).
    #[oai(nullable)]
    pub extended_due_at: Option<DateTime<Utc>>,
    /// When the deadline in force passed without an answer. Kept when the head extends the term after
    /// it passed: the appeal stays late in the figures.
    #[oai(nullable)]
    pub overdue_at: Option<DateTime<Utc>>,
    /// Art. 7: by when an appeal outside the competence had to be forwarded.
    pub forward_due_at: DateTime<Utc>,
    /// How the deadline was computed, step by step (when it was just computed).
    #[oai(nullable, skip_serializing_if_is_none)]
    pub explanation: Option<Vec<String>>,
}

#[derive(Debug, Object)]
pub struct AnswerView {
    pub resolution: Code<Resolution>,
    pub text: String,
    #[oai(nullable)]
    pub competent_body: Option<String>,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Object)]
pub struct RefusalView {
    pub code: Code<RefusalCode>,
    pub reason: String,
    pub legal_basis: String,
    #[oai(nullable)]
    pub refused_at: Option<DateTime<Utc>>,
}

/// An appeal or report. `author` and `assignee_account_id` appear only to the author, the executor's staff
/// and administrators; the public sees issue reports only, without personal data.
#[derive(Debug, Object)]
pub struct AppealView {
    pub id: i32,
    pub kind: Code<AppealKind>,
    pub channel: Code<Channel>,
    pub status: Code<Status>,
    /// What the public sees: a duplicate shows the status of the report it follows.
    pub public_status: Code<Status>,
    pub subject: String,
    pub text: String,
    #[oai(nullable)]
    pub category_id: Option<i32>,
    #[oai(nullable)]
    pub location: Option<PointView>,
    #[oai(nullable)]
    pub address: Option<String>,
    #[oai(nullable)]
    pub district_id: Option<i32>,
    pub executor: ExecutorView,
    /// The routing decision recorded on intake: executor, rule, explanation.
    pub routing: serde_json::Value,
    pub privileged: bool,
    pub received_at: DateTime<Utc>,
    pub deadline: AppealDeadlineView,
    pub forwarded_count: i32,
    #[oai(nullable)]
    pub answer: Option<AnswerView>,
    #[oai(nullable)]
    pub refusal: Option<RefusalView>,
    #[oai(nullable)]
    pub confirmed_at: Option<DateTime<Utc>>,
    pub rework_count: i32,
    #[oai(nullable)]
    pub rating: Option<i32>,
    #[oai(nullable)]
    pub duplicate_of: Option<i32>,
    pub photo_ids: Vec<i32>,
    /// The author's name when shown publicly (issue reports whose author agreed), or to those who may see it.
    #[oai(nullable)]
    pub author_name: Option<String>,
    #[oai(nullable, skip_serializing_if_is_none)]
    pub author: Option<AuthorView>,
    #[oai(nullable, skip_serializing_if_is_none)]
    pub assignee_account_id: Option<i32>,
}

#[derive(Debug, Clone, Copy, Object)]
pub struct PointView {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Object)]
pub struct AppealPage {
    pub items: Vec<AppealView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Debug, Object)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    #[oai(nullable)]
    pub from_status: Option<String>,
    #[oai(nullable)]
    pub to_status: Option<String>,
    /// The account that acted; absent for the deadline watcher (and for the public).
    #[oai(nullable, skip_serializing_if_is_none)]
    pub actor_account_id: Option<i32>,
    pub details: serde_json::Value,
}

impl From<AppealDetails> for AppealView {
    fn from(d: AppealDetails) -> Self {
        AppealView {
            id: d.id,
            kind: d.kind.into(),
            channel: d.channel.into(),
            status: d.status.into(),
            public_status: d.public_status.into(),
            subject: d.subject,
            text: d.text,
            category_id: d.category_id,
            location: d.point.map(|p| PointView { latitude: p.lat, longitude: p.lon }),
            address: d.address,
            district_id: d.district_id,
            executor: ExecutorView { id: d.executor_id, name: d.executor_name },
            routing: d.routing,
            privileged: d.privileged,
            received_at: d.received_at,
            deadline: AppealDeadlineView {
                rule: d.deadline.rule,
                original_due_at: d.deadline.original_due_at,
                due_at: d.deadline.due_at,
                extended_due_at: d.deadline.extended_due_at,
                overdue_at: d.deadline.overdue_at,
                forward_due_at: d.deadline.forward_due_at,
                explanation: d.deadline.explanation,
            },
            forwarded_count: d.forwarded_count,
            answer: d.answer.map(|a| AnswerView {
                resolution: a.resolution.into(),
                text: a.text,
                competent_body: a.competent_body,
                answered_at: a.answered_at,
            }),
            refusal: d.refusal.map(|r| RefusalView {
                code: r.code.into(),
                reason: r.reason,
                legal_basis: r.code.legal_basis().to_owned(),
                refused_at: r.refused_at,
            }),
            confirmed_at: d.confirmed_at,
            rework_count: d.rework_count,
            rating: d.rating,
            duplicate_of: d.duplicate_of,
            photo_ids: d.photo_ids,
            author_name: d.author_name,
            author: d.author.map(|a| AuthorView {
                full_name: a.full_name,
                address: a.address,
                email: a.email,
                phone: a.phone,
                cosigners: a
                    .cosigners
                    .into_iter()
                    .map(|c| CosignerView { full_name: c.full_name, address: c.address })
                    .collect(),
            }),
            assignee_account_id: d.assignee_account_id,
        }
    }
}

impl From<HistoryStep> for HistoryEntry {
    fn from(step: HistoryStep) -> Self {
        HistoryEntry {
            at: step.at,
            action: step.action,
            from_status: step.from_status,
            to_status: step.to_status,
            actor_account_id: step.actor_account_id,
            details: step.details,
        }
    }
}
