use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_mails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    /// The HTML alternative of `body_text` (mails queued before it existed have none).
    pub body_html: Option<String>,
    /// The one-click unsubscribe URL of an optional mail (`List-Unsubscribe`); none for mandatory mail.
    pub list_unsubscribe: Option<String>,
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
