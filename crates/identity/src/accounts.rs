//! Accounts and sign-in. The login of a citizen is their personal id number, of a business its
//! tax code, of staff a user name. Failed sign-ins are counted in the database, per login and
//! per client address, so the limit holds across several app nodes.
use crate::entity::{org_unit, role_assignment, user};
use crate::throttle::{self, Limit};
use crate::password;
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, personal_id, roles::Role, text::nfc};
use tinhso_db::db_error;

/// Failed attempts allowed per login, and per client address, within the window.
pub const MAX_FAILURES_PER_LOGIN: u64 = 5;
pub const MAX_FAILURES_PER_CLIENT: u64 = 30;
pub const FAILURE_WINDOW_MINUTES: i64 = throttle::WINDOW_MINUTES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleGrant {
    pub role: Role,
    pub org_unit_code: Option<String>,
    pub org_unit_name: Option<String>,
}

/// The signed-in person as handlers see them.
#[derive(Clone, Serialize)]
pub struct Principal {
    pub user_id: uuid::Uuid,
    pub kind: String,
    pub full_name: String,
    pub roles: Vec<RoleGrant>,
    /// A citizen's personal id number, a business's tax code, a staff member's user name. Kept
    /// with the session's person so that reads of the registries need not look it up again
    /// (one query less per submission); never serialised, and left out of `Debug` with the
    /// full name, so neither reaches pages, API answers or logs.
    #[serde(skip)]
    pub login: String,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Principal").field("user_id", &self.user_id).field("kind", &self.kind).field("roles", &self.roles).finish_non_exhaustive()
    }
}

impl Principal {
    /// The personal id number of a citizen.
    pub fn personal_id(&self) -> Option<&str> {
        (self.kind == "citizen").then_some(self.login.as_str())
    }

    /// The tax code of a business.
    pub fn tax_code(&self) -> Option<&str> {
        (self.kind == "business").then_some(self.login.as_str())
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.iter().any(|g| g.role == role)
    }

    /// Org-unit codes in which the person holds `role`.
    pub fn units_for(&self, role: Role) -> impl Iterator<Item = &str> {
        self.roles.iter().filter(move |g| g.role == role).filter_map(|g| g.org_unit_code.as_deref())
    }

    pub fn actor(&self) -> String {
        format!("user:{}", self.user_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Citizen,
    Business,
}

/// A business tax code: 10 digits, or 10 digits, a dash and 3 for a branch.
fn check_tax_code(s: &str) -> Result<String> {
    let ok = match s.split_once('-') {
        None => s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()),
        Some((a, b)) => a.len() == 10 && b.len() == 3 && (a.to_owned() + b).bytes().all(|c| c.is_ascii_digit()),
    };
    if ok { Ok(s.to_owned()) } else {
        Err(Error::invalid("invalid_tax_code", "Mã số thuế", "phải gồm 10 chữ số (hoặc 10 chữ số, dấu gạch và 3 chữ số của chi nhánh)."))
    }
}

/// Self-registration of a citizen (by personal id number) or a business (by tax code).
pub async fn register(db: &DatabaseConnection, kind: AccountKind, login: &str, full_name: &str, pw: &str) -> Result<uuid::Uuid> {
    let login = match kind {
        AccountKind::Citizen => personal_id::parse(login)?.number,
        AccountKind::Business => check_tax_code(login.trim())?,
    };
    let kind_str = if kind == AccountKind::Citizen { "citizen" } else { "business" };
    let id = insert_user(db, kind_str, &login, full_name, pw, &[(Role::Citizen, None)], "self").await?;
    Ok(id)
}

/// An administrator creates a staff account with its roles.
pub async fn create_staff(db: &DatabaseConnection, actor: &str, username: &str, full_name: &str, pw: &str, grants: &[(Role, Option<String>)]) -> Result<uuid::Uuid> {
    let username = username.trim().to_lowercase();
    let valid = (3..=40).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_' || b == b'-');
    if !valid {
        return Err(Error::invalid("invalid_username", "Tên đăng nhập", "dài 3–40 ký tự, chỉ gồm chữ không dấu, số và . _ -"));
    }
    if grants.is_empty() || grants.iter().any(|(r, _)| !r.is_staff()) {
        return Err(Error::invalid("invalid_roles", "Vai trò", "tài khoản cán bộ cần ít nhất một vai trò cán bộ."));
    }
    insert_user(db, "staff", &username, full_name, pw, grants, actor).await
}

async fn insert_user(db: &DatabaseConnection, kind: &str, login: &str, full_name: &str, pw: &str, grants: &[(Role, Option<String>)], actor: &str) -> Result<uuid::Uuid> {
    let full_name = nfc(full_name);
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(Error::invalid("invalid_name", "Họ và tên", "không được để trống."));
    }
    let hash = password::hash(pw)?;
    let units = resolve_units(db, grants).await?;
    let tx = tinhso_audit::begin(db).await?;
    let exists = user::Entity::find().filter(user::Column::Login.eq(login)).count(&tx).await.map_err(db_error)? > 0;
    if exists {
        return Err(Error::conflict("account_exists", "Tài khoản này đã được đăng ký."));
    }
    let id = tinhso_core::new_id();
    user::Entity::insert(user::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_owned()),
        login: Set(login.to_owned()),
        full_name: Set(full_name),
        password_hash: Set(hash),
        active: Set(true),
        created_at: Set(Utc::now()),
        email: Set(None),
    })
    .exec_without_returning(&tx)
    .await
    .map_err(db_error)?;
    let actor = if actor == "self" { format!("user:{id}") } else { actor.to_owned() };
    tinhso_audit::record(&tx, Entry::new(&actor, "user.create", format!("user:{id}")).detail(serde_json::json!({"kind": kind}))).await?;
    for ((role, _), unit) in grants.iter().zip(units) {
        role_assignment::Entity::insert(role_assignment::ActiveModel {
            id: Set(tinhso_core::new_id()),
            user_id: Set(id),
            role: Set(role.as_str().to_owned()),
            org_unit_id: Set(unit.as_ref().map(|u| u.id)),
        })
        .exec_without_returning(&tx)
        .await
        .map_err(db_error)?;
        let detail = serde_json::json!({"role": role.as_str(), "org_unit": unit.map(|u| u.code)});
        tinhso_audit::record(&tx, Entry::new(&actor, "role.grant", format!("user:{id}")).detail(detail)).await?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(id)
}

/// Staff roles need an existing org unit; the citizen role has none.
async fn resolve_units(db: &DatabaseConnection, grants: &[(Role, Option<String>)]) -> Result<Vec<Option<org_unit::Model>>> {
    let mut out = Vec::new();
    for (role, code) in grants {
        match (role.is_staff(), code) {
            (true, Some(code)) => out.push(Some(crate::org_units::by_code(db, code).await.map_err(|_| {
                Error::invalid("unknown_org_unit", "Đơn vị", format!("không có đơn vị mã {code}."))
            })?)),
            (true, None) => return Err(Error::invalid("missing_org_unit", "Đơn vị", format!("vai trò '{}' phải gắn với một đơn vị.", role.label()))),
            (false, _) => out.push(None),
        }
    }
    Ok(out)
}

/// Checks a login and password. Too many recent failures for the login or the client answer
/// `RateLimited` before the password is even checked.
pub async fn authenticate(db: &DatabaseConnection, login: &str, pw: &str, client: &str) -> Result<Principal> {
    let login = login.split_whitespace().collect::<String>().to_lowercase();
    let limits = [Limit::new("login", &login, MAX_FAILURES_PER_LOGIN), Limit::new("client", client, MAX_FAILURES_PER_CLIENT)];
    throttle::check(db, &limits).await?;
    let found = user::Entity::find().filter(user::Column::Login.eq(&login)).one(db).await.map_err(db_error)?;
    let ok = match &found {
        Some(u) => u.active && password::verify(pw, &u.password_hash),
        None => {
            password::decoy_verify(pw);
            false
        }
    };
    match found {
        Some(u) if ok => {
            throttle::clear(db, &limits[0]).await?;
            tinhso_audit::record_now(db, Entry::new(format!("user:{}", u.id), "session.login", format!("user:{}", u.id))).await?;
            principal(db, u.id).await
        }
        _ => {
            throttle::fail(db, &limits).await?;
            Err(Error::invalid("bad_credentials", "", "Tên đăng nhập hoặc mật khẩu không đúng."))
        }
    }
}

/// Whether `login` (a citizen's personal id number, a business's tax code) is the login of the
/// account `id`: a check that reveals nothing else about the account.
pub async fn is_login_of(db: &DatabaseConnection, id: uuid::Uuid, login: &str) -> Result<bool> {
    let u = user::Entity::find_by_id(id).one(db).await.map_err(db_error)?;
    Ok(u.is_some_and(|u| !login.is_empty() && u.login == login))
}

/// Loads a user with their roles and the org units those roles are bound to, in one query:
/// every signed-in request starts here, and on SQLite each query is a hop to the connection's
/// thread and back.
pub async fn principal(db: &DatabaseConnection, id: uuid::Uuid) -> Result<Principal> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
    let (u, ra, ou) = (user::Entity, role_assignment::Entity, org_unit::Entity);
    let query = Query::select()
        .columns([(u, user::Column::Kind), (u, user::Column::FullName), (u, user::Column::Login), (u, user::Column::Active)])
        .column((ra, role_assignment::Column::Role))
        .expr_as(Expr::col((ou, org_unit::Column::Code)), Alias::new("unit_code"))
        .expr_as(Expr::col((ou, org_unit::Column::Name)), Alias::new("unit_name"))
        .from(u)
        .join(JoinType::LeftJoin, ra, Expr::col((ra, role_assignment::Column::UserId)).equals((u, user::Column::Id)))
        .join(JoinType::LeftJoin, ou, Expr::col((ou, org_unit::Column::Id)).equals((ra, role_assignment::Column::OrgUnitId)))
        .and_where(Expr::col((u, user::Column::Id)).eq(id))
        .to_owned();
    let rows = db.query_all_raw(db.get_database_backend().build(&query)).await.map_err(db_error)?;
    let first = rows.first().ok_or(Error::Unauthorized)?;
    if !first.try_get::<bool>("", "active").map_err(db_error)? {
        return Err(Error::Unauthorized);
    }
    let mut roles = Vec::new();
    for row in &rows {
        let Some(role) = row.try_get::<Option<String>>("", "role").map_err(db_error)?.as_deref().and_then(Role::parse) else { continue };
        roles.push(RoleGrant { role, org_unit_code: row.try_get("", "unit_code").map_err(db_error)?, org_unit_name: row.try_get("", "unit_name").map_err(db_error)? });
    }
    Ok(Principal {
        user_id: id,
        kind: first.try_get("", "kind").map_err(db_error)?,
        full_name: first.try_get("", "full_name").map_err(db_error)?,
        roles,
        login: first.try_get("", "login").map_err(db_error)?,
    })
}

/// Staff accounts for the administrators' page (citizens' accounts are not listed).
pub async fn list_staff(db: &DatabaseConnection) -> Result<Vec<Principal>> {
    let staff = user::Entity::find().filter(user::Column::Kind.eq("staff")).order_by_asc(user::Column::Login).all(db).await.map_err(db_error)?;
    let mut out = Vec::with_capacity(staff.len());
    for u in staff {
        out.push(principal(db, u.id).await?);
    }
    Ok(out)
}

/// An administrator grants one more role to a staff account.
pub async fn grant_role(db: &DatabaseConnection, actor: &str, user_id: uuid::Uuid, role: Role, org_unit_code: &str) -> Result<()> {
    if !role.is_staff() {
        return Err(Error::invalid("invalid_roles", "Vai trò", "chỉ gán được vai trò cán bộ."));
    }
    let target = user::Entity::find_by_id(user_id).one(db).await.map_err(db_error)?.filter(|u| u.kind == "staff");
    if target.is_none() {
        return Err(Error::not_found("tài khoản cán bộ"));
    }
    let unit = crate::org_units::by_code(db, org_unit_code).await?;
    let existing = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(user_id))
        .filter(role_assignment::Column::Role.eq(role.as_str()))
        .filter(role_assignment::Column::OrgUnitId.eq(unit.id))
        .count(db)
        .await
        .map_err(db_error)?;
    if existing > 0 {
        return Err(Error::conflict("role_exists", "Cán bộ đã có vai trò này tại đơn vị này."));
    }
    let tx = tinhso_audit::begin(db).await?;
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(tinhso_core::new_id()),
        user_id: Set(user_id),
        role: Set(role.as_str().to_owned()),
        org_unit_id: Set(Some(unit.id)),
    })
    .exec_without_returning(&tx)
    .await
    .map_err(db_error)?;
    let detail = serde_json::json!({"role": role.as_str(), "org_unit": unit.code});
    tinhso_audit::record(&tx, Entry::new(actor, "role.grant", format!("user:{user_id}")).detail(detail)).await?;
    tx.commit().await.map_err(db_error)
}

/// The citizen account of a personal id number, created for a person who comes to the desk
/// without one. The new account has a random password nobody knows: the person sets their own
/// when they first sign in through the national identity or at the desk.
pub async fn find_or_create_citizen(db: &DatabaseConnection, actor: &str, personal_id_number: &str, full_name: &str) -> Result<uuid::Uuid> {
    let number = personal_id::parse(personal_id_number)?.number;
    if let Some(u) = user::Entity::find().filter(user::Column::Login.eq(&number)).one(db).await.map_err(db_error)? {
        return Ok(u.id);
    }
    let mut secret = [0u8; 24];
    rand::fill(&mut secret);
    match insert_user(db, "citizen", &number, full_name, &hex::encode(secret), &[(Role::Citizen, None)], actor).await {
        Ok(id) => Ok(id),
        // Created by a concurrent request a moment ago.
        Err(Error::Conflict { .. }) => user::Entity::find().filter(user::Column::Login.eq(&number)).one(db).await.map_err(db_error)?.map(|u| u.id).ok_or_else(|| Error::other("account vanished")),
        Err(e) => Err(e),
    }
}
