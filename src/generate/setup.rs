//! Setup: a few more organisations and categories, staff, moderators.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{accounts, organisation_members};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};

use super::{GENERATED_DOMAIN, appeal_life::Staff};
use crate::{
    domain::{authorization::OrganisationRole, directory::UrgencyClass},
    storage::{
        self,
        directory::{CategoryFields, OrganisationFields},
    },
};

/// (name, kind, parent name contains, community share, email)
const EXTRA_ORGANISATIONS: &[(&str, &str, &str, Option<f64>, &str)] = &[
    ("ТОВ «Паркінг-Сервіс» (Parking)", "municipal_enterprise", "(Roads and Transport)", Some(30.0), "parking"),
    (
        "КП «Ритуальна служба» (Cemeteries)",
        "municipal_enterprise",
        "(Housing and Communal Services)",
        Some(100.0),
        "ritual",
    ),
    (
        "КП «Центр поводження з тваринами» (Animal Care)",
        "municipal_enterprise",
        "(Housing and Communal Services)",
        Some(100.0),
        "animals",
    ),
    ("ТОВ «Ринок Центральний» (Central Market)", "municipal_enterprise", "(Executive Committee)", Some(51.0), "market"),
];

/// (code, name_uk, name_en, urgency, executor name contains)
const EXTRA_CATEGORIES: &[(&str, &str, &str, UrgencyClass, &str)] = &[
    ("parking", "Паркування", "Parking", UrgencyClass::Normal, "(Parking)"),
    ("stray_animals", "Безпритульні тварини", "Stray animals", UrgencyClass::Normal, "(Animal Care)"),
    ("cemetery", "Утримання кладовищ", "Cemetery upkeep", UrgencyClass::Complex, "(Cemeteries)"),
    ("market_trade", "Торгівля на ринку", "Market trade", UrgencyClass::Normal, "(Central Market)"),
];

/// Adds the extra enterprises and categories that are not there yet (matched by name and code).
pub(super) async fn add_enterprises(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut organisations = storage::directory::list_organisations(db).await?;
    let find =
        |all: &[entity::organisations::Model], part: &str| all.iter().find(|o| o.name.contains(part)).map(|o| o.id);
    for (name, kind, parent, share, mailbox) in EXTRA_ORGANISATIONS {
        if organisations.iter().any(|o| o.name == *name) {
            continue;
        }
        let fields = OrganisationFields {
            name: (*name).to_owned(),
            kind: storage::directory::parse_kind(kind)?,
            parent_id: find(&organisations, parent),
            community_share_percent: *share,
            email: Some(format!("{mailbox}@{GENERATED_DOMAIN}")),
            phone: None,
            address: None,
            website: None,
            active: true,
        };
        organisations.push(storage::directory::save_organisation(db, None, None, fields, now).await?);
    }
    let categories = storage::directory::list_categories(db).await?;
    for (code, name_uk, name_en, urgency, executor) in EXTRA_CATEGORIES {
        if categories.iter().any(|c| c.category.code == *code) {
            continue;
        }
        let Some(executor) = find(&organisations, executor) else { continue };
        let fields = CategoryFields {
            code: (*code).to_owned(),
            name_uk: (*name_uk).to_owned(),
            name_en: (*name_en).to_owned(),
            urgency: *urgency,
            default_executor_id: executor,
            district_executors: Vec::new(),
            for_reports: true,
            for_appeals: true,
            active: true,
        };
        storage::directory::save_category(db, None, None, fields, now).await?;
    }
    Ok(())
}

/// An account with a fixed e-mail, created once (a second run with --force reuses it).
async fn ensure_account(
    db: &DatabaseConnection,
    email: &str,
    full_name: &str,
    role: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(i32, bool)> {
    if let Some(found) = accounts::Entity::find().filter(accounts::Column::Email.eq(email)).one(db).await? {
        return Ok((found.id, false));
    }
    let created = accounts::ActiveModel {
        email: Set(email.to_owned()),
        full_name: Set(full_name.to_owned()),
        search_name: Set(crate::storage::accounts::search_name(full_name, email)),
        password_hash: Set(hash.to_owned()),
        language: Set("uk".to_owned()),
        role: Set(role.to_owned()),
        email_verified_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((created.id, true))
}

/// A head and officers for every organisation that has no members yet, and moderators if there are none.
/// Returns the staff per organisation, the moderators, and how many accounts were created.
pub(super) async fn ensure_staff(
    db: &DatabaseConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<(HashMap<i32, Staff>, Vec<i32>, u64)> {
    let mut created = 0;
    let (admin, new) =
        ensure_account(db, &format!("admin@{GENERATED_DOMAIN}"), "Вигаданий Адміністратор", "administrator", hash, now)
            .await?;
    created += u64::from(new);
    let mut staff = HashMap::new();
    for organisation in storage::directory::list_organisations(db).await? {
        let members = organisation_members::Entity::find()
            .filter(organisation_members::Column::OrganisationId.eq(organisation.id))
            .filter(organisation_members::Column::RemovedAt.is_null())
            .all(db)
            .await?;
        let mut head = members.iter().find(|m| m.role == OrganisationRole::Head.code()).map(|m| m.account_id);
        let mut officers: Vec<i32> =
            members.iter().filter(|m| m.role == OrganisationRole::Officer.code()).map(|m| m.account_id).collect();
        if head.is_none() {
            let email = format!("head-{}@{GENERATED_DOMAIN}", organisation.id);
            let (id, new) = ensure_account(db, &email, "Вигаданий Керівник", "citizen", hash, now).await?;
            storage::directory::set_member(db, admin, organisation.id, id, OrganisationRole::Head, now).await?;
            created += u64::from(new);
            head = Some(id);
        }
        while officers.len() < 4 {
            let email = format!("officer-{}-{}@{GENERATED_DOMAIN}", organisation.id, officers.len() + 1);
            let (id, new) = ensure_account(db, &email, "Вигаданий Посадовець", "citizen", hash, now).await?;
            storage::directory::set_member(db, admin, organisation.id, id, OrganisationRole::Officer, now).await?;
            created += u64::from(new);
            officers.push(id);
        }
        staff.insert(organisation.id, Staff { head: head.unwrap_or(officers[0]), officers });
    }
    let mut moderators: Vec<i32> = accounts::Entity::find()
        .filter(accounts::Column::Role.eq("moderator"))
        .select_only()
        .column(accounts::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for n in moderators.len()..3 {
        let email = format!("moderator-{}@{GENERATED_DOMAIN}", n + 1);
        let (id, new) = ensure_account(db, &email, "Вигаданий Модератор", "moderator", hash, now).await?;
        created += u64::from(new);
        moderators.push(id);
    }
    Ok((staff, moderators, created))
}
