//! Fresh databases for tests: a new SQLite file always, or a new PostgreSQL database when
//! `TINHSO_TEST_POSTGRES` names a server (CI sets it), so store tests run on both backends.
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// A migrated, empty database of its own for one test.
pub async fn fresh_db() -> anyhow::Result<(DatabaseConnection, String)> {
    let url = fresh_url().await?;
    let db = crate::open(&url).await?;
    Ok((db, url))
}

/// The URL of a new, empty database (not yet migrated).
pub async fn fresh_url() -> anyhow::Result<String> {
    let name = format!("tinhso_test_{}", uuid::Uuid::now_v7().simple());
    match std::env::var("TINHSO_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            let admin = crate::connect(&server).await?;
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await?;
            let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
            Ok(format!("{base}/{name}"))
        }
        _ => {
            let dir = std::env::temp_dir().join("tinhso-tests");
            std::fs::create_dir_all(&dir)?;
            Ok(format!("sqlite://{}/{name}.db", dir.display()))
        }
    }
}
