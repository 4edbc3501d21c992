//! The append-only event log: every state change of every item, written in the same transaction as the
//! change itself (callers pass their transaction), so history can never disagree with state.
use chrono::{DateTime, Utc};
use entity::events;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// One transition to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent<'a> {
    pub actor_account_id: Option<i32>,
    pub subject_type: &'a str,
    pub subject_id: String,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    /// Non-personal details (reasons, ids); never e-mails, addresses or phones.
    pub details: serde_json::Value,
}

impl<'a> NewEvent<'a> {
    /// `action`, done by `actor` (none: the system) to `subject` (its type and id), with its details.
    pub fn new(
        actor: Option<i32>,
        (subject_type, subject_id): (&'a str, impl ToString),
        action: &'a str,
        details: serde_json::Value,
    ) -> NewEvent<'a> {
        let subject_id = subject_id.to_string();
        NewEvent {
            actor_account_id: actor,
            subject_type,
            subject_id,
            action,
            from_state: None,
            to_state: None,
            details,
        }
    }

    /// The state the subject left and the one it entered.
    pub fn moved(self, from_state: Option<&'a str>, to_state: Option<&'a str>) -> NewEvent<'a> {
        NewEvent { from_state, to_state, ..self }
    }

    /// Writes the event in `conn`, the transaction of the change it records.
    pub async fn append_to(
        self,
        conn: &impl ConnectionTrait,
        at: DateTime<Utc>,
    ) -> Result<events::Model, sea_orm::DbErr> {
        self.row(at).insert(conn).await
    }

    /// The row the event is stored as, happened `at` (its id still to be given).
    pub fn row(self, at: DateTime<Utc>) -> events::ActiveModel {
        events::ActiveModel {
            occurred_at: Set(at),
            actor_account_id: Set(self.actor_account_id),
            subject_type: Set(self.subject_type.to_owned()),
            subject_id: Set(self.subject_id),
            action: Set(self.action.to_owned()),
            from_state: Set(self.from_state.map(str::to_owned)),
            to_state: Set(self.to_state.map(str::to_owned)),
            details: Set(self.details.to_string()),
            ..Default::default()
        }
    }
}

/// The history of one subject, oldest first.
pub async fn history(
    conn: &impl ConnectionTrait,
    subject_type: &str,
    subject_id: &str,
) -> Result<Vec<events::Model>, sea_orm::DbErr> {
    events::Entity::find()
        .filter(events::Column::SubjectType.eq(subject_type))
        .filter(events::Column::SubjectId.eq(subject_id))
        .order_by_asc(events::Column::Id)
        .all(conn)
        .await
}

/// The latest events of the subject types `types`, newest first, with ids below `before_id`.
pub async fn recent(
    conn: &impl ConnectionTrait,
    types: &[&str],
    before_id: Option<i32>,
    limit: u64,
) -> Result<Vec<events::Model>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    let mut query = events::Entity::find().filter(events::Column::SubjectType.is_in(types.iter().copied()));
    if let Some(before) = before_id {
        query = query.filter(events::Column::Id.lt(before));
    }
    query.order_by_desc(events::Column::Id).limit(limit).all(conn).await
}
