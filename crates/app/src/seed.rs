//! `tinhso seed-demo`: the province's org units, demo accounts for every role and the demo
//! catalogue. Running it again changes nothing that is already there.
use sea_orm::DatabaseConnection;
use tinhso_catalog::Catalog;
use tinhso_core::{Error, roles::Role};
use tinhso_identity::{accounts, org_units};

pub const ORG_UNITS_CSV: &str = include_str!("../../../data/org_units.csv");

/// The org unit standing for the whole province (UBND tỉnh).
pub const PROVINCE: &str = "000.00.00.H55";

/// The demo password of every demo account (demo data only).
pub const DEMO_PASSWORD: &str = "tinhso-demo-2026";

/// (login, name, role, org unit). The citizen's number is synthetic.
pub const DEMO_ACCOUNTS: [(&str, &str, Role, &str); 7] = [
    ("051095000123", "Nguyễn Văn An", Role::Citizen, ""),
    ("motcua.tuphap", "Trần Thị Bích (một cửa Sở Tư pháp)", Role::OneStopOfficer, "000.00.04.H55"),
    ("chuyenvien.tuphap", "Lê Văn Cường (chuyên viên Sở Tư pháp)", Role::ProcessingOfficer, "000.00.04.H55"),
    ("pheduyet.tuphap", "Phạm Thị Dung (Phó Giám đốc Sở Tư pháp)", Role::Approver, "000.00.04.H55"),
    ("lanhdao.tinh", "Hoàng Văn Em (lãnh đạo UBND tỉnh)", Role::Leader, "000.00.00.H55"),
    ("dulieu.khcn", "Võ Thị Giang (quản lý dữ liệu Sở KH&CN)", Role::DataSteward, "000.00.03.H55"),
    ("quantri", "Đặng Văn Hùng (quản trị hệ thống)", Role::Admin, "000.00.03.H55"),
];

/// Where `tinhso sandbox registry` listens (the demo's registries are registered there).
pub const REGISTRY_SANDBOX: &str = "http://127.0.0.1:8094";

pub struct SeedReport {
    pub org_units: usize,
    pub accounts_created: usize,
    pub procedures_created: usize,
}

pub async fn seed_demo(db: &DatabaseConnection, catalog: &Catalog) -> Result<SeedReport, Error> {
    let units = org_units::import(db, "system:seed-demo", org_units::parse_csv(ORG_UNITS_CSV.as_bytes())?).await?;
    let mut accounts_created = 0;
    for (login, name, role, unit) in DEMO_ACCOUNTS {
        let created = if role == Role::Citizen {
            accounts::register(db, accounts::AccountKind::Citizen, login, name, DEMO_PASSWORD).await
        } else {
            accounts::create_staff(db, "system:seed-demo", login, name, DEMO_PASSWORD, &[(role, Some(unit.to_owned()))]).await
        };
        match created {
            Ok(_) => accounts_created += 1,
            Err(Error::Conflict { code: "account_exists", .. }) => {}
            Err(e) => return Err(e),
        }
    }
    // The demo certificate authority and a signing certificate for every unit.
    for unit in org_units::list(db).await? {
        tinhso_signing::keystore::for_unit(db, &unit.code, &unit.name).await?;
    }
    let rows = tinhso_catalog::import::parse_json(tinhso_catalog::DEMO_PROCEDURES.as_bytes())?;
    let existing = catalog.index().len();
    let procedures_created = if existing == 0 { catalog.import("system:seed-demo", rows, false).await?.created } else { 0 };
    // The province's plan: indicators, targets and tasks of data/plan/ (idempotent).
    tinhso_indicators::import::import(db, "system:seed-demo", tinhso_indicators::import::bundled()).await?;
    // The open data portal's roadmap; its datasets are self-published when the app starts.
    tinhso_opendata::seed::seed_demo(db).await?;
    tinhso_exchange::seed::seed_demo(db, REGISTRY_SANDBOX).await?;
    Ok(SeedReport { org_units: units, accounts_created, procedures_created })
}
