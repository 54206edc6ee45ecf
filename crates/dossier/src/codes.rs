//! Dossier codes `<agency code>-<yymmdd>-<4-digit sequence>`: the sequence of the agency and
//! day is incremented by one upsert inside the transaction that creates the dossier, so a
//! rolled-back submission gives its number back and codes stay unique and gap-free on both
//! backends (PostgreSQL locks the row; SQLite has one writer).
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};
use tinhso_core::{Error, Result, calendar::vietnam};
use tinhso_db::db_error;

pub async fn next_code(tx: &DatabaseTransaction, agency_code: &str, at: DateTime<Utc>) -> Result<String> {
    let day = at.with_timezone(&vietnam()).format("%y%m%d").to_string();
    let backend = tx.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO dossier_sequences (agency_code, day, last) VALUES ($1, $2, 1) \
             ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last"
        }
        _ => {
            "INSERT INTO dossier_sequences (agency_code, day, last) VALUES (?, ?, 1) \
             ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last"
        }
    };
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [agency_code.into(), day.clone().into()]))
        .await
        .map_err(db_error)?
        .ok_or_else(|| Error::other("the sequence upsert returned no row"))?;
    let last: i32 = row.try_get("", "last").map_err(db_error)?;
    if last > 9999 {
        return Err(Error::conflict("daily_limit", "Đơn vị đã tiếp nhận quá 9.999 hồ sơ trong ngày."));
    }
    Ok(format!("{agency_code}-{day}-{last:04}"))
}
