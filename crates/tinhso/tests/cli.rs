//! The `tinhso` command as an operator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use sea_orm::ConnectionTrait;
use std::process::Command;

fn tinhso(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tinhso"))
        .args(args)
        .current_dir(dir)
        .env("TINHSO__LOG_FORMAT", "text")
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tinhso-cli-{}", uuid_like()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn uuid_like() -> String {
    format!("{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

#[test]
fn every_command_has_help() {
    let dir = temp_dir();
    for args in [vec!["--help"], vec!["serve", "--help"], vec!["migrate", "--help"], vec!["seed-demo", "--help"], vec!["import", "procedures", "--help"], vec!["audit", "verify", "--help"]] {
        let (ok, out) = tinhso(&dir, &args);
        assert!(ok && out.contains("Usage"), "{args:?}: {out}");
    }
}

#[test]
fn an_unknown_database_scheme_is_refused_clearly() {
    let dir = temp_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_tinhso")).arg("migrate").current_dir(&dir).env("DATABASE_URL", "mysql://root@localhost/x").output().unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("mysql") && text.contains("sqlite://") && text.contains("postgres://"), "{text}");
}

#[tokio::test]
async fn seed_import_and_audit_verify_on_the_default_sqlite() {
    let dir = temp_dir();
    let (ok, out) = tinhso(&dir, &["seed-demo"]);
    assert!(ok, "{out}");
    assert!(dir.join("data/tinhso.db").exists(), "the default database lives in ./data");
    let (ok, out) = tinhso(&dir, &["audit", "verify"]);
    assert!(ok && out.contains("toàn vẹn"), "{out}");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"[{"code":"2.777001","name":"Thử","field":"Văn hóa","level":"province","agencies":["Sở Không Có"],"processing_days":1,"documents":[{"name":"Đơn","form":"original","count":1}],"service_level":"in_person","target_groups":["citizen"]}]"#).unwrap();
    let (ok, out) = tinhso(&dir, &["import", "procedures", bad.to_str().unwrap()]);
    assert!(!ok && out.contains("Bản ghi 1") && out.contains("unknown_agency") && out.contains("Không có dữ liệu nào được ghi"), "{out}");

    let db = tinhso_db::connect(&format!("sqlite://{}/data/tinhso.db", dir.display())).await.unwrap();
    db.execute_unprepared("UPDATE audit_log SET subject = 'user:x' WHERE seq = 7").await.unwrap();
    db.close().await.unwrap();
    let (ok, out) = tinhso(&dir, &["audit", "verify"]);
    assert!(!ok && out.contains("bản ghi số 7"), "{out}");
}
