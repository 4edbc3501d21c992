use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub council_id: i32,
    pub author_account_id: i32,
    pub author_name: String,
    pub title: String,
    pub text: String,
    pub category_id: Option<i32>,
    pub status: String,
    pub submitted_at: DateTimeUtc,
    pub publication_due_at: DateTimeUtc,
    pub moderated_at: Option<DateTimeUtc>,
    pub moderator_id: Option<i32>,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub statute_id: Option<i32>,
    pub signature_threshold: Option<i32>,
    pub collection_ends_at: Option<DateTimeUtc>,
    pub signature_count: i64,
    pub threshold_reached_at: Option<DateTimeUtc>,
    pub notice_at: Option<DateTimeUtc>,
    pub consideration_due_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    pub decision: Option<String>,
    pub answer_text: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub appeal_id: Option<i32>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
