use sea_orm::entity::prelude::*;

/// One idempotency key in use: who asked with it (a digest), what they sent (a digest), and, once known,
/// what was created and the answer given. A technical record, deleted when it expires.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    pub fingerprint: String,
    /// While the first request runs: until when it holds the key.
    pub locked_until: Option<DateTimeUtc>,
    /// What the request created, written in the transaction that created it.
    pub created_resource: Option<String>,
    pub response_status: Option<i32>,
    /// The replayed headers as a JSON object.
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
