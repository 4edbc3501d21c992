use sea_orm::entity::prelude::*;

/// An appeal or issue report. The `author_*` columns are personal data: never public, never exported.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "appeals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub channel: String,
    pub status: String,
    pub subject: String,
    pub text: String,
    /// The subject and text folded to lower case by the service, for search by words (see migration m0020).
    pub search_text: String,
    pub category_id: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub place_address: Option<String>,
    pub district_id: Option<i32>,
    pub author_account_id: Option<i32>,
    pub author_name: String,
    pub author_address: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub author_language: String,
    pub show_author_name: bool,
    pub privileged: bool,
    pub executor_id: i32,
    pub routing: String,
    pub assignee_account_id: Option<i32>,
    pub deadline_rule: String,
    pub received_at: DateTimeUtc,
    pub registered_at: DateTimeUtc,
    pub registered_by: Option<i32>,
    pub executor_received_at: DateTimeUtc,
    pub original_due_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub extended_due_at: Option<DateTimeUtc>,
    pub forward_due_at: DateTimeUtc,
    pub forwarded_count: i32,
    pub overdue_at: Option<DateTimeUtc>,
    pub escalated_due_at: Option<DateTimeUtc>,
    pub reminder_level: Option<i32>,
    pub answered_at: Option<DateTimeUtc>,
    pub resolution: Option<String>,
    pub answer_text: Option<String>,
    pub competent_body: Option<String>,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub rework_count: i32,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub duplicate_of_id: Option<i32>,
    pub open311_token: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
