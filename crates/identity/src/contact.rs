//! Where an org unit is told things by e-mail: its official mailbox and the work addresses
//! of its active staff. Setting an address is audited; so is every read of the staff's
//! addresses, by the module that reads them to send (it knows the purpose).
use crate::entity::{org_unit, role_assignment, user};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::BTreeSet;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

/// `Ok(None)` for an empty address, the trimmed, lower-cased address if it looks like one.
pub fn checked_email(raw: &str) -> Result<Option<String>> {
    let e = raw.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let ok = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.') && !domain.ends_with('.'));
    if ok { Ok(Some(e.to_lowercase())) } else { Err(Error::invalid("invalid_email", "Thư điện tử", "địa chỉ không hợp lệ.")) }
}

/// Sets (or clears, with an empty string) a staff account's work address.
pub async fn set_user_email(db: &DatabaseConnection, actor: &str, user_id: uuid::Uuid, email: &str) -> Result<()> {
    let email = checked_email(email)?;
    user::Entity::find_by_id(user_id).one(db).await.map_err(db_error)?.filter(|u| u.kind == "staff").ok_or_else(|| Error::not_found("tài khoản cán bộ"))?;
    let tx = tinhso_audit::begin(db).await?;
    user::Entity::update(user::ActiveModel { id: Set(user_id), email: Set(email.clone()), ..Default::default() }).exec(&tx).await.map_err(db_error)?;
    tinhso_audit::record(&tx, Entry::new(actor, "user.email", format!("user:{user_id}")).detail(serde_json::json!({"set": email.is_some()}))).await?;
    tx.commit().await.map_err(db_error)
}

/// Sets (or clears) an org unit's official mailbox.
pub async fn set_unit_email(db: &DatabaseConnection, actor: &str, code: &str, email: &str) -> Result<()> {
    let email = checked_email(email)?;
    let unit = crate::org_units::by_code(db, code).await?;
    let tx = tinhso_audit::begin(db).await?;
    org_unit::Entity::update(org_unit::ActiveModel { id: Set(unit.id), email: Set(email.clone()), ..Default::default() }).exec(&tx).await.map_err(db_error)?;
    tinhso_audit::record(&tx, Entry::new(actor, "org_unit.email", format!("org_unit:{code}")).detail(serde_json::json!({"email": email}))).await?;
    tx.commit().await.map_err(db_error)
}

/// The addresses notices to a unit go to: its mailbox, and its active staff's work
/// addresses, each once, sorted. Empty when the unit has none on file.
pub async fn unit_addresses(db: &DatabaseConnection, code: &str) -> Result<Vec<String>> {
    let Some(unit) = org_unit::Entity::find().filter(org_unit::Column::Code.eq(code)).one(db).await.map_err(db_error)? else {
        return Ok(Vec::new());
    };
    let mut out: BTreeSet<String> = unit.email.into_iter().collect();
    let staff: Vec<uuid::Uuid> = role_assignment::Entity::find().filter(role_assignment::Column::OrgUnitId.eq(unit.id)).all(db).await.map_err(db_error)?.into_iter().map(|r| r.user_id).collect();
    if !staff.is_empty() {
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(staff))
            .filter(user::Column::Kind.eq("staff"))
            .filter(user::Column::Active.eq(true))
            .filter(user::Column::Email.is_not_null())
            .all(db)
            .await
            .map_err(db_error)?;
        out.extend(users.into_iter().filter_map(|u| u.email));
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::checked_email;

    #[test]
    fn addresses_are_checked_and_folded() {
        assert_eq!(checked_email(" VP@QuangNgai.gov.vn ").ok().flatten().as_deref(), Some("vp@quangngai.gov.vn"));
        assert_eq!(checked_email("").ok().flatten(), None);
        assert!(checked_email("khong phai dia chi").is_err());
        assert!(checked_email("a@b").is_err());
    }
}
