//! Migrations that fill a new column from the rows already stored, tested on rows written before they ran:
//! the schema is brought up to the step before the migration, rows are written as the service then wrote
//! them, and the rest of the migrations run as at the next start.
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::helpers::fresh_persistent_database_url;

/// A fresh database migrated up to (not including) the migration `name`.
async fn migrated_up_to(name: &str) -> DatabaseConnection {
    let db = Database::connect(fresh_persistent_database_url().await).await.unwrap();
    let before = Migrator::migrations().iter().position(|m| m.name() == name).expect("a migration of that name");
    Migrator::up(&db, Some(u32::try_from(before).unwrap())).await.unwrap();
    db
}

async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
}

async fn column(db: &DatabaseConnection, sql: &str, column: &str) -> Vec<Option<String>> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
    rows.iter().map(|row| row.try_get::<Option<String>>("", column).unwrap()).collect()
}

/// An appeal as stored before m0020, due at `due_at`, marked overdue at `overdue_at` (SQL literals).
fn old_appeal(id: i32, subject: &str, text: &str, due_at: &str, overdue_at: &str) -> String {
    format!(
        "INSERT INTO appeals (id, kind, channel, status, subject, text, author_name, author_language, executor_id, \
         routing, deadline_rule, received_at, registered_at, executor_received_at, original_due_at, due_at, \
         forward_due_at, overdue_at, updated_at) VALUES ({id}, 'application', 'paper', 'in_progress', '{subject}', \
         '{text}', 'Hryhorii Skovoroda', 'uk', 1, '{{}}', '\"AppealNoStudy\"', '2026-01-05 09:00:00+00:00', \
         '2026-01-05 09:00:00+00:00', '2026-01-05 09:00:00+00:00', '2026-01-21 22:00:00+00:00', {due_at}, \
         '2026-01-09 22:00:00+00:00', {overdue_at}, '2026-01-05 09:00:00+00:00')"
    )
}

const ORGANISATION: &str = "INSERT INTO organisations (id, name, kind, created_at, updated_at) VALUES \
     (1, 'Roads Department', 'department', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')";

#[tokio::test]
async fn m0020_folds_the_words_of_the_appeals_stored_before_it() {
    let db = migrated_up_to("m0020_desk_search_text").await;
    execute(&db, ORGANISATION).await;
    let due = "'2026-01-21 22:00:00+00:00'";
    execute(&db, &old_appeal(1, "ЯМА на дорозі", "Їжак упав у ЯМУ", due, "NULL")).await;
    execute(&db, &old_appeal(2, "Ліхтар", "Не світить", due, "NULL")).await;
    Migrator::up(&db, None).await.unwrap();
    let folded = column(&db, "SELECT search_text FROM appeals ORDER BY id", "search_text").await;
    assert_eq!(folded, [Some("яма на дорозі\nїжак упав у яму".to_owned()), Some("ліхтар\nне світить".to_owned())]);
}

#[tokio::test]
async fn m0024_and_m0025_fill_escalations_and_account_names_stored_before_them() {
    let db = migrated_up_to("m0024_desk_escalation").await;
    execute(&db, ORGANISATION).await;
    let (due, extended) = ("'2026-01-21 22:00:00+00:00'", "'2026-02-18 22:00:00+00:00'");
    // Marked overdue by the watcher for the deadline it still has: that deadline was escalated.
    execute(&db, &old_appeal(1, "Marked", "Watcher marked it", due, "'2026-01-21 22:01:00+00:00'")).await;
    // Extended after the miss, to a deadline still ahead: whether the miss was escalated is unknown; the
    // extended one is still owed.
    let ahead = "'2099-02-18 22:00:00+00:00'";
    execute(&db, &old_appeal(2, "Extended", "Extended late", ahead, due)).await;
    execute(&db, &old_appeal(3, "Open", "Not overdue", extended, "NULL")).await;
    // Extended after the miss and missed again before the upgrade: the old code never escalated it, and
    // the first sweep must not mail that old miss, so it counts as escalated.
    execute(&db, &old_appeal(4, "Missed twice", "Extended late, missed again", extended, due)).await;
    execute(
        &db,
        "INSERT INTO accounts (id, email, full_name, password_hash, language, role, created_at, updated_at) VALUES \
         (1, 'Olena@Example.org', 'Олена ПЕТРЕНКО', 'x', 'uk', 'citizen', '2026-01-01 00:00:00+00:00', \
         '2026-01-01 00:00:00+00:00')",
    )
    .await;
    Migrator::up(&db, None).await.unwrap();

    let escalated = column(
        &db,
        "SELECT CASE WHEN escalated_due_at IS NULL THEN NULL WHEN escalated_due_at = due_at THEN 'due_at' \
         ELSE 'other' END AS escalated FROM appeals ORDER BY id",
        "escalated",
    )
    .await;
    assert_eq!(escalated, [Some("due_at".to_owned()), None, None, Some("due_at".to_owned())]);
    let names = column(&db, "SELECT search_name FROM accounts", "search_name").await;
    assert_eq!(names, [Some("олена петренко\nolena@example.org".to_owned())]);
}
