//! The demo certificate authority and one signing certificate per org unit, kept in the
//! database. `seed-demo` creates them all; a unit added later gets its certificate on first use.
use crate::ca::{self, KeyAlgorithm};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, DatabaseConnection};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

pub const CA_OWNER: &str = "ca";
const CA_NAME: &str = "Tinhso Demo Root CA – Quảng Ngãi";

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "signing_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// "ca" or an org-unit code.
        #[sea_orm(unique)]
        pub owner: String,
        pub cert_pem: String,
        pub key_pem: String,
        pub fingerprint: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A certificate with its key, as DER, ready to sign.
pub struct KeyPair {
    pub cert_der: Vec<u8>,
    pub key_pkcs8_der: Vec<u8>,
}

async fn find(db: &DatabaseConnection, owner: &str) -> Result<Option<entity::Model>> {
    entity::Entity::find().filter(entity::Column::Owner.eq(owner)).one(db).await.map_err(db_error)
}

fn pair(m: &entity::Model) -> Result<KeyPair> {
    Ok(KeyPair { cert_der: ca::der_from_pem(&m.cert_pem)?, key_pkcs8_der: ca::der_from_pem(&m.key_pem)? })
}

async fn store(db: &DatabaseConnection, owner: &str, issued: &ca::IssuedCert) -> Result<()> {
    let row = entity::ActiveModel {
        id: Set(tinhso_core::new_id()),
        owner: Set(owner.to_owned()),
        cert_pem: Set(issued.cert_pem.clone()),
        key_pem: Set(issued.key_pem.clone()),
        fingerprint: Set(issued.info.sha256_fingerprint.clone()),
        created_at: Set(chrono::Utc::now()),
    };
    match entity::Entity::insert(row).exec_without_returning(db).await {
        Ok(_) => Ok(()),
        // Another node created it at the same moment: theirs stands.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(()),
        Err(e) => Err(db_error(e)),
    }
}

/// The demo CA, created on first use.
pub async fn ca(db: &DatabaseConnection) -> Result<KeyPair> {
    if let Some(m) = find(db, CA_OWNER).await? {
        return pair(&m);
    }
    let issued = ca::create_root_ca(CA_NAME, 20, KeyAlgorithm::EcdsaP256)?;
    store(db, CA_OWNER, &issued).await?;
    let stored = find(db, CA_OWNER).await?.ok_or_else(|| Error::other("CA certificate vanished"))?;
    pair(&stored)
}

/// The signing certificate of an org unit, issued by the demo CA on first use.
pub async fn for_unit(db: &DatabaseConnection, unit_code: &str, unit_name: &str) -> Result<KeyPair> {
    if let Some(m) = find(db, unit_code).await? {
        return pair(&m);
    }
    let authority = ca(db).await?;
    // X.520 caps a common name at 64 characters; a few agency names are longer.
    let common_name: String = unit_name.chars().take(64).collect();
    let issued = ca::issue_agency_cert(&authority.cert_der, &authority.key_pkcs8_der, common_name.trim_end(), 5, KeyAlgorithm::EcdsaP256)?;
    store(db, unit_code, &issued).await?;
    let stored = find(db, unit_code).await?.ok_or_else(|| Error::other("unit certificate vanished"))?;
    pair(&stored)
}

/// Whether a certificate is one the platform issued to a unit (by fingerprint).
pub async fn owner_of(db: &DatabaseConnection, cert_der: &[u8]) -> Result<Option<String>> {
    let fingerprint = ca::cert_info(cert_der)?.sha256_fingerprint;
    let row = entity::Entity::find().filter(entity::Column::Fingerprint.eq(fingerprint)).one(db).await.map_err(db_error)?;
    Ok(row.map(|r| r.owner))
}
