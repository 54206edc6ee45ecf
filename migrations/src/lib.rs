//! The one migration set of the platform. It runs unchanged on SQLite and PostgreSQL, so it
//! uses only the portable column types of sea-query.
use sea_orm_migration::prelude::*;

mod m001_identity_audit;
pub use m001_identity_audit::GENESIS;
mod m002_catalog;
mod m003_dossier;
mod m004_results;
mod m005_payments;
mod m006_notifications;
mod m007_wallet;
mod m008_dossier_figures;
mod m009_exchange;
mod m010_plan;
mod m011_opendata;
mod m013_task_mail;
mod m014_dossier_data_and_queue;
mod m015_exchange_certificates;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m001_identity_audit::Migration),
            Box::new(m002_catalog::Migration),
            Box::new(m003_dossier::Migration),
            Box::new(m004_results::Migration),
            Box::new(m005_payments::Migration),
            Box::new(m006_notifications::Migration),
            Box::new(m007_wallet::Migration),
            Box::new(m008_dossier_figures::Migration),
            Box::new(m009_exchange::Migration),
            Box::new(m010_plan::Migration),
            Box::new(m011_opendata::Migration),
            Box::new(m013_task_mail::Migration),
            Box::new(m014_dossier_data_and_queue::Migration),
            Box::new(m015_exchange_certificates::Migration),
        ]
    }
}

/// Shorthand for an index on one table.
pub(crate) fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(*c);
    }
    idx.take()
}
