//! Org units: the province People's Committee, its departments and agencies, and the
//! commune-level units. Imported from CSV all-or-nothing.
use crate::entity::org_unit;
use sea_orm::{ActiveValue::{NotSet, Set}, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, roles::ORG_UNIT_KINDS, text::nfc};
use tinhso_db::db_error;

pub use org_unit::Model as OrgUnit;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct OrgUnitRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub demo: bool,
    #[serde(default)]
    pub source: String,
    /// The unit's official mailbox; empty keeps what is on file.
    #[serde(default)]
    pub email: String,
}

/// `000.00.12.H48`: four groups, the last naming the province.
pub fn is_valid_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    parts.len() == 4
        && digits(parts[0], 3)
        && digits(parts[1], 2)
        && digits(parts[2], 2)
        && parts[3].len() == 3
        && parts[3].starts_with('H')
        && digits(&parts[3][1..], 2)
}

/// Reads org units from CSV; every row is checked before anything is written.
pub fn parse_csv(input: &[u8]) -> Result<Vec<OrgUnitRow>> {
    let mut reader = csv::Reader::from_reader(input);
    let mut rows = Vec::new();
    for (i, rec) in reader.deserialize::<OrgUnitRow>().enumerate() {
        let line = i + 2;
        let mut row = rec.map_err(|e| Error::invalid("invalid_csv", format!("Dòng {line}"), e.to_string()))?;
        row.code = row.code.trim().to_owned();
        row.name = nfc(&row.name);
        row.parent_code = row.parent_code.trim().to_owned();
        if !is_valid_code(&row.code) {
            return Err(Error::invalid("invalid_org_unit_code", format!("Dòng {line}"), format!("mã '{}' không đúng dạng 000.00.00.H00.", row.code)));
        }
        if !ORG_UNIT_KINDS.contains(&row.kind.as_str()) {
            return Err(Error::invalid("invalid_org_unit_kind", format!("Dòng {line}"), format!("loại đơn vị '{}' không hợp lệ.", row.kind)));
        }
        if row.name.is_empty() {
            return Err(Error::invalid("missing_name", format!("Dòng {line}"), "thiếu tên đơn vị."));
        }
        row.email = crate::contact::checked_email(&row.email).map_err(|_| Error::invalid("invalid_email", format!("Dòng {line}"), "địa chỉ thư điện tử không hợp lệ."))?.unwrap_or_default();
        rows.push(row);
    }
    Ok(rows)
}

/// Inserts or updates the given units in one transaction. Parents must be in the file or
/// already stored; a duplicate code in the file is refused.
pub async fn import(db: &DatabaseConnection, actor: &str, rows: Vec<OrgUnitRow>) -> Result<usize> {
    let mut known: HashMap<String, uuid::Uuid> =
        list(db).await?.into_iter().map(|u| (u.code, u.id)).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        if !seen.insert(row.code.as_str()) {
            return Err(Error::invalid("duplicate_code", format!("Dòng {}", i + 2), format!("mã '{}' lặp lại trong tệp.", row.code)));
        }
        known.entry(row.code.clone()).or_insert_with(tinhso_core::new_id);
    }
    for (i, row) in rows.iter().enumerate() {
        if !row.parent_code.is_empty() && !known.contains_key(&row.parent_code) {
            return Err(Error::invalid("unknown_parent", format!("Dòng {}", i + 2), format!("đơn vị cấp trên '{}' không tồn tại.", row.parent_code)));
        }
    }
    let tx = tinhso_audit::begin(db).await?;
    for row in &rows {
        let id = known[&row.code];
        let model = org_unit::ActiveModel {
            id: Set(id),
            code: Set(row.code.clone()),
            name: Set(row.name.clone()),
            kind: Set(row.kind.clone()),
            parent_id: Set(known.get(&row.parent_code).copied()),
            demo: Set(row.demo),
            source: Set(row.source.clone()),
            email: if row.email.is_empty() { NotSet } else { Set(Some(row.email.clone())) },
        };
        let exists = org_unit::Entity::find_by_id(id).one(&tx).await.map_err(db_error)?.is_some();
        if exists {
            org_unit::Entity::update(model).exec(&tx).await.map_err(db_error)?;
        } else {
            org_unit::Entity::insert(model).exec_without_returning(&tx).await.map_err(db_error)?;
        }
        let action = if exists { "org_unit.update" } else { "org_unit.create" };
        tinhso_audit::record(&tx, Entry::new(actor, action, format!("org_unit:{}", row.code))).await?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(rows.len())
}

pub async fn list(db: &DatabaseConnection) -> Result<Vec<OrgUnit>> {
    org_unit::Entity::find().order_by_asc(org_unit::Column::Code).all(db).await.map_err(db_error)
}

pub async fn by_code(db: &DatabaseConnection, code: &str) -> Result<OrgUnit> {
    org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(db)
        .await
        .map_err(db_error)?
        .ok_or_else(|| Error::not_found(format!("đơn vị có mã {code}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn code_shape() {
        assert!(is_valid_code("000.00.12.H48"));
        assert!(!is_valid_code("000.00.12"));
        assert!(!is_valid_code("000.0A.12.H48"));
        assert!(!is_valid_code("000.00.12.X48"));
    }

    #[test]
    fn csv_reports_the_bad_line() {
        let csv = "code,name,kind,parent_code,demo,source\n000.00.00.H55,UBND,province,,false,x\n000.00.01,Sở,department,000.00.00.H55,false,x\n";
        let err = parse_csv(csv.as_bytes()).unwrap_err();
        assert!(err.public_message().contains("Dòng 3"), "{}", err.public_message());
    }
}
