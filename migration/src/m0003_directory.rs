//! The city directory: organisations and their members, districts, categories and routing overrides.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Kind,
    ParentId,
    CommunitySharePercent,
    Email,
    Phone,
    Address,
    Website,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganisationMembers {
    Table,
    Id,
    OrganisationId,
    AccountId,
    Role,
    CreatedAt,
    RemovedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Name,
    AreaGeojson,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Code,
    NameUk,
    NameEn,
    Urgency,
    DefaultExecutorId,
    ForReports,
    ForAppeals,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CategoryDistrictExecutors {
    Table,
    Id,
    CategoryId,
    DistrictId,
    ExecutorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(pk_auto(Organisations::Id))
                    // Unique: two bodies with one name would confuse citizens (and it makes seeding idempotent).
                    .col(string_len_uniq(Organisations::Name, 300))
                    .col(string_len(Organisations::Kind, 32))
                    .col(integer_null(Organisations::ParentId))
                    .col(double_null(Organisations::CommunitySharePercent))
                    .col(string_len_null(Organisations::Email, 254))
                    .col(string_len_null(Organisations::Phone, 64))
                    .col(string_len_null(Organisations::Address, 500))
                    .col(string_len_null(Organisations::Website, 500))
                    .col(boolean(Organisations::Active).default(true))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisations::Table, Organisations::ParentId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrganisationMembers::Table)
                    .col(pk_auto(OrganisationMembers::Id))
                    .col(integer(OrganisationMembers::OrganisationId))
                    .col(integer(OrganisationMembers::AccountId))
                    .col(string_len(OrganisationMembers::Role, 16))
                    .col(timestamp_with_time_zone(OrganisationMembers::CreatedAt))
                    .col(timestamp_with_time_zone_null(OrganisationMembers::RemovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganisationMembers::Table, OrganisationMembers::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganisationMembers::Table, OrganisationMembers::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_members_account")
                    .table(OrganisationMembers::Table)
                    .col(OrganisationMembers::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Districts::Table)
                    .col(pk_auto(Districts::Id))
                    .col(string_len_uniq(Districts::Name, 200))
                    .col(text_null(Districts::AreaGeojson))
                    .col(timestamp_with_time_zone(Districts::CreatedAt))
                    .col(timestamp_with_time_zone(Districts::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(pk_auto(Categories::Id))
                    .col(string_len_uniq(Categories::Code, 64))
                    .col(string_len(Categories::NameUk, 200))
                    .col(string_len(Categories::NameEn, 200))
                    // The urgency class as JSON, e.g. {"class":"emergency","hours":24}.
                    .col(string_len(Categories::Urgency, 100))
                    .col(integer(Categories::DefaultExecutorId))
                    .col(boolean(Categories::ForReports).default(true))
                    .col(boolean(Categories::ForAppeals).default(true))
                    .col(boolean(Categories::Active).default(true))
                    .col(timestamp_with_time_zone(Categories::CreatedAt))
                    .col(timestamp_with_time_zone(Categories::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Categories::Table, Categories::DefaultExecutorId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CategoryDistrictExecutors::Table)
                    .col(pk_auto(CategoryDistrictExecutors::Id))
                    .col(integer(CategoryDistrictExecutors::CategoryId))
                    .col(integer(CategoryDistrictExecutors::DistrictId))
                    .col(integer(CategoryDistrictExecutors::ExecutorId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CategoryDistrictExecutors::Table, CategoryDistrictExecutors::CategoryId)
                            .to(Categories::Table, Categories::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CategoryDistrictExecutors::Table, CategoryDistrictExecutors::DistrictId)
                            .to(Districts::Table, Districts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CategoryDistrictExecutors::Table, CategoryDistrictExecutors::ExecutorId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_category_district")
                    .table(CategoryDistrictExecutors::Table)
                    .col(CategoryDistrictExecutors::CategoryId)
                    .col(CategoryDistrictExecutors::DistrictId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
