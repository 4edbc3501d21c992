//! The queries behind the Open311 GeoReport v2 interface: public issue reports only, never private appeals.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{appeal_photos, appeals};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, Query},
};

use crate::{
    domain::appeals::{AppealKind, Status},
    error::AppError,
};

/// Open311's two states: `open` while the executor owes an answer, `closed` afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    Open,
    Closed,
}

impl Openness {
    pub fn of(status: Status) -> Openness {
        if status.awaits_answer() { Openness::Open } else { Openness::Closed }
    }

    pub fn code(self) -> &'static str {
        match self {
            Openness::Open => "open",
            Openness::Closed => "closed",
        }
    }
}

/// What `GET requests` asks for.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Given ids override every other filter (as the specification says).
    pub ids: Option<Vec<i32>>,
    pub category_ids: Option<Vec<i32>>,
    /// Inclusive bounds on the time of receipt.
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
    pub openness: Option<Openness>,
    pub limit: u64,
}

fn open_codes() -> Vec<&'static str> {
    Status::awaiting_answer_codes()
}

/// Open, as the public sees it: awaiting an answer, or a duplicate of a report that awaits one.
fn open_condition() -> Condition {
    let open_originals = Query::select()
        .column(appeals::Column::Id)
        .from(appeals::Entity)
        .and_where(Expr::col(appeals::Column::Status).is_in(open_codes()))
        .to_owned();
    Condition::any().add(appeals::Column::Status.is_in(open_codes())).add(
        Condition::all()
            .add(appeals::Column::Status.eq(Status::Duplicate.code()))
            // Never NULL inside, so that `NOT (…)` selects exactly the closed ones.
            .add(appeals::Column::DuplicateOfId.is_not_null())
            .add(appeals::Column::DuplicateOfId.in_subquery(open_originals)),
    )
}

/// Issue reports matching `filter`, newest first, at most `filter.limit`.
pub async fn requests(db: &DatabaseConnection, filter: &RequestFilter) -> Result<Vec<appeals::Model>, AppError> {
    let mut query = appeals::Entity::find().filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code()));
    if let Some(ids) = &filter.ids {
        query = query.filter(appeals::Column::Id.is_in(ids.clone()));
    } else {
        if let Some(categories) = &filter.category_ids {
            query = query.filter(appeals::Column::CategoryId.is_in(categories.clone()));
        }
        if let Some(from) = filter.received_from {
            query = query.filter(appeals::Column::ReceivedAt.gte(from));
        }
        if let Some(to) = filter.received_to {
            query = query.filter(appeals::Column::ReceivedAt.lte(to));
        }
        match filter.openness {
            Some(Openness::Open) => query = query.filter(open_condition()),
            Some(Openness::Closed) => query = query.filter(open_condition().not()),
            None => {}
        }
    }
    Ok(query
        .order_by_desc(appeals::Column::ReceivedAt)
        .order_by_desc(appeals::Column::Id)
        .limit(filter.limit)
        .all(db)
        .await?)
}

/// One issue report by id; private appeals do not exist here.
pub async fn request(db: &DatabaseConnection, id: i32) -> Result<Option<appeals::Model>, AppError> {
    Ok(appeals::Entity::find_by_id(id).filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code())).one(db).await?)
}

/// The id of the issue report filed with this Open311 token.
pub async fn request_id_for_token(db: &DatabaseConnection, token: &str) -> Result<Option<i32>, AppError> {
    Ok(appeals::Entity::find()
        .select_only()
        .column(appeals::Column::Id)
        .filter(appeals::Column::Open311Token.eq(token))
        .filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code()))
        .into_tuple()
        .one(db)
        .await?)
}

/// The first photo of each of `appeal_ids` that has one: appeal id → photo id.
pub async fn first_photos(db: &DatabaseConnection, appeal_ids: &[i32]) -> Result<BTreeMap<i32, i32>, AppError> {
    if appeal_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let found: Vec<(i32, Option<i32>)> = appeal_photos::Entity::find()
        .select_only()
        .column(appeal_photos::Column::AppealId)
        .column_as(Expr::from(Func::min(Expr::col(appeal_photos::Column::Id))), "first_photo_id")
        .filter(appeal_photos::Column::AppealId.is_in(appeal_ids.to_vec()))
        .group_by(appeal_photos::Column::AppealId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().filter_map(|(appeal, photo)| Some((appeal, photo?))).collect())
}
