//! The open data portal's tables. Other modules never touch them: they call [`crate::OpenData`].
pub mod dataset {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "od_datasets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub title: String,
        pub notes: String,
        pub owner_org: String,
        pub license_id: String,
        pub author: String,
        pub author_email: String,
        pub maintainer: String,
        pub maintainer_email: String,
        pub version: String,
        pub url: String,
        pub frequency: String,
        pub spatial: String,
        pub temporal_start: String,
        pub temporal_end: String,
        pub theme: String,
        pub tags: String,
        pub extras: String,
        pub private: bool,
        pub state: String,
        pub source: String,
        pub creator_user_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub modified_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod resource {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "od_resources")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub package_id: Uuid,
        pub position: i32,
        pub name: String,
        pub description: String,
        pub format: String,
        pub url: String,
        pub url_type: String,
        pub blob_hash: Option<String>,
        pub mimetype: String,
        pub size: Option<i64>,
        pub schema: Option<String>,
        pub report: Option<String>,
        pub state: String,
        pub created_at: DateTimeUtc,
        pub modified_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_key {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "od_api_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub name: String,
        pub token_hash: String,
        pub revoked: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod usage {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "od_usage")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dataset_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub month: String,
        pub views: i64,
        pub downloads: i64,
        pub api_calls: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod reuse {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "od_reuses")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dataset_id: Uuid,
        pub kind: String,
        pub title: String,
        pub url: String,
        pub description: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod priority {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "od_priorities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub org_code: String,
        pub title: String,
        pub description: String,
        pub due_date: Date,
        pub dataset_name: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
