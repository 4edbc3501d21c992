//! The three datasets: their columns, what each leaves out and why, and the published schema.
use sea_orm::DatabaseConnection;
use serde::Serialize;

use super::rows::PSEUDONYM_HEX;
use crate::{error::AppError, storage};

/// One published column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    /// `integer`, `number`, `boolean`, `string` or `timestamp` (RFC 3339, UTC).
    pub kind: &'static str,
    pub nullable: bool,
    pub description: &'static str,
}

const fn col(name: &'static str, kind: &'static str, nullable: bool, description: &'static str) -> ColumnSpec {
    ColumnSpec { name, kind, nullable, description }
}

const PETITION_COLUMNS: &[ColumnSpec] = &[
    col("id", "integer", false, "The petition's number, as on the site."),
    col(
        "council_id",
        "integer",
        false,
        "The council it is addressed to (an organisation of /api/v1/directory/organisations).",
    ),
    col("category_id", "integer", true, "Its category (/api/v1/directory/categories), when the author chose one."),
    col(
        "status",
        "string",
        false,
        "moderation, refused, collecting, awaiting_consideration, under_consideration, answered or closed.",
    ),
    col(
        "submitted_at",
        "timestamp",
        false,
        "When it was submitted. This date puts a petition in a period (the from/to filter).",
    ),
    col(
        "publication_due_at",
        "timestamp",
        false,
        "End of the moderation term (2 working days after submission): publication or refusal before this instant is on time.",
    ),
    col("moderated_at", "timestamp", true, "When it was published or refused."),
    col("published_at", "timestamp", true, "When it was published and signature collection began."),
    col(
        "refusal_code",
        "string",
        true,
        "Why publication was refused: banned_content, not_council_competence, duplicate, no_essence or abusive.",
    ),
    col("statute_id", "integer", true, "The statute terms in force at publication (/api/v1/petitions/statutes)."),
    col("signature_threshold", "integer", true, "Signatures needed, from those statute terms."),
    col("collection_ends_at", "timestamp", true, "When signature collection ends."),
    col("signature_count", "integer", false, "Signatures counted (confirmed, withdrawals subtracted)."),
    col("threshold_reached_at", "timestamp", true, "When the count reached the threshold."),
    col("notice_at", "timestamp", true, "When the council published the notice that consideration started."),
    col(
        "consideration_due_at",
        "timestamp",
        true,
        "End of the consideration term (10 working days after the notice): an answer before this instant is on time.",
    ),
    col("answered_at", "timestamp", true, "When the council's answer was published."),
    col("decision", "string", true, "The council's decision: supported, partly_supported or not_supported."),
    col("closed_at", "timestamp", true, "When collection ended short of the threshold."),
    col(
        "appeal_id",
        "integer",
        true,
        "The appeal this petition became at its author's request, after closing short (see the appeals dataset).",
    ),
    col(
        "title",
        "string",
        true,
        "The title, only for petitions that were published; empty while in moderation and for refused petitions.",
    ),
];

const APPEAL_COLUMNS: &[ColumnSpec] = &[
    col("id", "integer", false, "The appeal's registration number."),
    col("kind", "string", false, "proposal, application, complaint or issue_report."),
    col("channel", "string", false, "How it arrived: web, paper, phone, email or open311."),
    col("category_id", "integer", true, "Its category (/api/v1/directory/categories)."),
    col("district_id", "integer", true, "The district it concerns (/api/v1/directory/districts)."),
    col(
        "executor_id",
        "integer",
        false,
        "The organisation that must answer now (/api/v1/directory/organisations); after forwarding, the last one.",
    ),
    col("status", "string", false, "received, in_progress, rework, answered, confirmed, refused or duplicate."),
    col("deadline_rule", "string", false, "The legal term applied (see /api/v1/deadlines/rules)."),
    col(
        "received_at",
        "timestamp",
        false,
        "When it was received (for paper appeals: the date written on it). This date puts an appeal in a period (the from/to filter).",
    ),
    col("registered_at", "timestamp", false, "When it was entered into the service."),
    col(
        "executor_received_at",
        "timestamp",
        false,
        "When the current executor received it (differs from received_at after forwarding).",
    ),
    col("original_due_at", "timestamp", false, "The first deadline, before any extension or forwarding."),
    col(
        "due_at",
        "timestamp",
        false,
        "The deadline in force: an answer before this instant is on time (it includes any extension).",
    ),
    col(
        "extended_due_at",
        "timestamp",
        true,
        "The extended deadline, when the head extended the term (reported separately from on-time answers).",
    ),
    col(
        "forward_due_at",
        "timestamp",
        false,
        "The last moment to forward it to the competent body within 5 days (art. 7).",
    ),
    col("forwarded_count", "integer", false, "How many times it was forwarded."),
    col(
        "overdue_at",
        "timestamp",
        true,
        "The first deadline it missed: the due time that passed without an answer (kept when the head extended the term after it passed: such an appeal is never answered on time). Rows marked before 5 December 2026 hold when the deadline watcher noticed the miss instead, a little after that deadline.",
    ),
    col("answered_at", "timestamp", true, "When the last written answer or refusal was given."),
    col("resolution", "string", true, "The answer's outcome: resolved, not_resolved or not_competent."),
    col(
        "refusal_code",
        "string",
        true,
        "Why it was not considered: anonymous, repeated, complaint_out_of_time or non_conforming.",
    ),
    col("confirmed_at", "timestamp", true, "When the author confirmed the fix."),
    col("rework_count", "integer", false, "How many times the author returned the answer for rework."),
    col("rating", "integer", true, "The author's rating of the answer, 1 to 5."),
    col("duplicate_of_id", "integer", true, "The earlier report this one duplicates."),
    col(
        "author_pseudonym",
        "string",
        true,
        "A stable opaque token per author account (see `pseudonym`); empty for appeals whose author has no account (paper, phone).",
    ),
    col(
        "latitude",
        "number",
        true,
        "Issue reports only (they are public anyway): the point, rounded to 4 decimals (about 10 m). Empty for other appeals.",
    ),
    col("longitude", "number", true, "Issue reports only: the point, rounded to 4 decimals. Empty for other appeals."),
];

const TRANSITION_COLUMNS: &[ColumnSpec] = &[
    col(
        "id",
        "integer",
        false,
        "The event's number in the service's log (the same as event_id in /api/v1/audit/chain); gives the order.",
    ),
    col(
        "occurred_at",
        "timestamp",
        false,
        "When it happened. This date puts a transition in a period (the from/to filter).",
    ),
    col("subject_type", "string", false, "appeal (every kind, issue reports included) or petition."),
    col("subject_id", "integer", false, "The id of the appeal or petition in its dataset."),
    col(
        "action",
        "string",
        false,
        "What happened, e.g. received, acknowledged, forwarded, extended, answered, submitted, published, threshold_reached.",
    ),
    col("from_state", "string", true, "The status before, when the status changed."),
    col("to_state", "string", true, "The status after, when the status changed."),
];

/// The three datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Petitions,
    Appeals,
    Transitions,
}

impl Dataset {
    pub const ALL: [Dataset; 3] = [Dataset::Petitions, Dataset::Appeals, Dataset::Transitions];

    pub fn name(self) -> &'static str {
        match self {
            Dataset::Petitions => "petitions",
            Dataset::Appeals => "appeals",
            Dataset::Transitions => "transitions",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Dataset::Petitions => PETITION_COLUMNS,
            Dataset::Appeals => APPEAL_COLUMNS,
            Dataset::Transitions => TRANSITION_COLUMNS,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Dataset::Petitions => "Every petition ever submitted, with its terms, dates and signature count.",
            Dataset::Appeals => {
                "Every citizens' appeal and issue report, with its executor, deadlines, answer dates and outcome."
            }
            Dataset::Transitions => "Every recorded step of every appeal and petition, oldest first.",
        }
    }

    pub fn filtered_by(self) -> &'static str {
        match self {
            Dataset::Petitions => "submitted_at",
            Dataset::Appeals => "received_at",
            Dataset::Transitions => "occurred_at",
        }
    }

    pub async fn last_id(self, db: &DatabaseConnection) -> Result<Option<i32>, AppError> {
        match self {
            Dataset::Petitions => storage::open_data::last_petition_id(db).await,
            Dataset::Appeals => storage::open_data::last_appeal_id(db).await,
            Dataset::Transitions => storage::open_data::last_event_id(db).await,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnDoc {
    pub name: String,
    /// `integer`, `number`, `boolean`, `string` or `timestamp` (RFC 3339, UTC, microseconds).
    #[serde(rename = "type")]
    pub column_type: String,
    pub nullable: bool,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatasetDoc {
    pub name: String,
    pub description: String,
    pub csv: String,
    pub json: String,
    /// The column that `from` and `to` filter on.
    pub period_column: String,
    pub columns: Vec<ColumnDoc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exclusion {
    pub dataset: String,
    pub fields: Vec<String>,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenDataSchema {
    pub datasets: Vec<DatasetDoc>,
    /// How `author_pseudonym` is made.
    pub pseudonym: String,
    /// What is left out, and why.
    pub excluded: Vec<Exclusion>,
    /// How values are written.
    pub formats: String,
    /// What `from` and `to` mean.
    pub period: String,
}

fn exclusions() -> Vec<Exclusion> {
    let fields = |list: &[&str]| list.iter().map(|f| (*f).to_owned()).collect();
    vec![
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&[
                "author_name",
                "author_email",
                "author_phone",
                "author_address",
                "author_account_id",
                "cosigners",
                "registered_by",
                "assignee_account_id",
            ]),
            why: "Personal data of citizens and staff (Law 'On Personal Data Protection'); the author is a pseudonym."
                .into(),
        },
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&[
                "subject",
                "text",
                "answer_text",
                "competent_body",
                "refusal_reason",
                "rating_comment",
                "place_address",
                "routing",
                "photos",
            ]),
            why: "Free text and photos written by or for one person can name them or others; appeals other than issue \
                  reports are private. Coded outcomes (status, resolution, refusal_code, rating) are published instead."
                .into(),
        },
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&["privileged"]),
            why: "A claimed privilege (art. 18: veterans, people with disabilities…) is sensitive data about the \
                  author, and with the pseudonym it would follow them across appeals."
                .into(),
        },
        Exclusion {
            dataset: "appeals".into(),
            fields: fields(&["latitude", "longitude (appeals other than issue reports)"]),
            why: "A point given with a private appeal can locate the author's home.".into(),
        },
        Exclusion {
            dataset: "petitions".into(),
            fields: fields(&[
                "author_name",
                "author_account_id",
                "moderator_id",
                "text",
                "refusal_reason",
                "answer_text",
                "title (petitions never published)",
            ]),
            why: "Authors are not published by this dataset; the text, the answer and the reasons are on each \
                  published petition's page; what moderators refused to publish stays unpublished."
                .into(),
        },
        Exclusion {
            dataset: "transitions".into(),
            fields: fields(&["actor_account_id", "details"]),
            why: "Who acted is staff or citizen personal data, and details may quote private text.".into(),
        },
    ]
}

pub fn schema() -> OpenDataSchema {
    OpenDataSchema {
        datasets: Dataset::ALL
            .iter()
            .map(|d| DatasetDoc {
                name: d.name().into(),
                description: d.description().into(),
                csv: format!("{}/open-data/{}.csv", crate::api::API_PREFIX, d.name()),
                json: format!("{}/open-data/{}.json", crate::api::API_PREFIX, d.name()),
                period_column: d.filtered_by().into(),
                columns: d
                    .columns()
                    .iter()
                    .map(|c| ColumnDoc {
                        name: c.name.into(),
                        column_type: c.kind.into(),
                        nullable: c.nullable,
                        description: c.description.into(),
                    })
                    .collect(),
            })
            .collect(),
        pseudonym: format!(
            "author_pseudonym is the first {PSEUDONYM_HEX} hex digits of HMAC-SHA256(key, the author's account id \
             in decimal). The key is secret and never published, so nobody can tell which account a pseudonym \
             belongs to, while every appeal of one account carries the same pseudonym in every export."
        ),
        excluded: exclusions(),
        formats: "Timestamps are RFC 3339 in UTC with microseconds. CSV: RFC 4180, UTF-8 with a byte-order mark \
                  (so that spreadsheets read Cyrillic right), one header line, an empty field is null; a text \
                  field that begins with =, +, -, @, a tab or a carriage return is written with an apostrophe (') \
                  before it, so that no spreadsheet runs it as a formula (the JSON export has the text as it is). \
                  JSON: an array of objects with every column as a key, null for null. Rows are ordered by id."
            .into(),
        period: "from and to are Kyiv calendar dates (YYYY-MM-DD), both included: a row is listed when its period \
                 column falls on or after Kyiv midnight starting `from` and before Kyiv midnight ending `to`."
            .into(),
    }
}
