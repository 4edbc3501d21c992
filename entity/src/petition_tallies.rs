use sea_orm::entity::prelude::*;

/// Daily petition counts per council (Kyiv submission date): the moment-independent part of the
/// petition figures, kept by every petition transition. Storage reads and writes it with SQL shared
/// with the appeal tallies; this entity mirrors the schema.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submitted_on: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub council_id: i32,
    pub submitted: i64,
    pub unmoderated: i64,
    pub moderated_within_term: i64,
    pub moderated_late: i64,
    pub published: i64,
    pub refused: i64,
    pub reached_threshold: i64,
    pub awaiting_notice: i64,
    pub notices_published: i64,
    pub answers_published: i64,
    pub considered_within_term: i64,
    pub considered_late: i64,
    pub unanswered_after_notice: i64,
    pub closed_short: i64,
    pub became_appeals: i64,
    /// `decision:count,…`
    pub decisions: String,
    /// `days:count,…` — days from the threshold to the notice, for exact medians.
    pub days_to_notice: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
