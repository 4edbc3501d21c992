use sea_orm::entity::prelude::*;

/// A photo attached to an issue report; the bytes live in the photo folder under `file_name`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub appeal_id: i32,
    #[sea_orm(unique)]
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
