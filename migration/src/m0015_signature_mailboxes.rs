//! One signature per person compares the mailbox (`hromada::domain::accounts::Email::mailbox`: the
//! sub-address tag and Gmail's dots dropped) instead of the address as typed, and only among counted
//! signatures: an unconfirmed one (`pending`) never blocks or reserves anything.
//!
//! The column starts as the stored address; `storage::migrate` then normalises the existing rows (the
//! rule is Rust code) wherever that does not make two counted signatures of one petition collide.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Signatures {
    Table,
    Mailbox,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Signatures::Table)
                    .add_column(string_len_null(Signatures::Mailbox, 254))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE signatures SET mailbox = email").await?;
        db.execute_unprepared("DROP INDEX uq_signature_petition_email").await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_signature_petition_mailbox ON signatures (petition_id, mailbox) \
             WHERE status <> 'pending'",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX idx_signatures_petition_email ON signatures (petition_id, email)").await?;
        Ok(())
    }
}
