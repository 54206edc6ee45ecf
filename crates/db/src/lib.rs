//! The database connection: SQLite (the embedded default) or PostgreSQL, chosen from the URL.
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

pub mod batch;
pub mod blobs;
pub mod testing;
pub mod write_turn;

pub use sea_orm::DatabaseConnection as Db;

/// Which backend a URL names, or a clear refusal.
pub fn backend_of(url: &str) -> anyhow::Result<DbBackend> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(DbBackend::Sqlite),
        "postgres" | "postgresql" => Ok(DbBackend::Postgres),
        other => anyhow::bail!(
            "DATABASE_URL dùng giao thức '{other}', tinhso chỉ hỗ trợ sqlite:// và postgres:// \
             (unsupported database URL scheme '{other}': use sqlite:// or postgres://)"
        ),
    }
}

/// Connects, creating the SQLite file and its folder when needed. SQLite runs in WAL mode with
/// foreign keys on and a busy timeout, so readers never block the writer.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let backend = backend_of(url)?;
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(10));
    if backend == DbBackend::Sqlite {
        if let Some(dir) = sqlite_path(url).and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_owned()))
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(&dir)?;
        }
        // No ping before each use: a SQLite connection is a file, not a link that can drop, and
        // on SQLite every request (a ping too) is a hop to the connection's thread and back.
        opts.max_connections(8).test_before_acquire(false).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        // A connection idle this long may have been dropped by the server or a firewall: it is
        // checked before use. A busy one is not, which spares each query a round trip.
        opts.max_connections(16).test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    let db = Database::connect(opts).await?;
    db.execute_unprepared("SELECT 1").await?;
    Ok(db)
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (path != ":memory:" && !path.is_empty()).then_some(path)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    tinhso_migrations::Migrator::up(db, None).await?;
    Ok(())
}

/// Connects and migrates: what every command that touches data starts with.
pub async fn open(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = connect(url).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Maps a storage error into the domain error; unique-key violations become a conflict.
pub fn db_error(e: sea_orm::DbErr) -> tinhso_core::Error {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            tinhso_core::Error::conflict("duplicate", "Bản ghi này đã tồn tại.")
        }
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            tinhso_core::Error::conflict("reference_missing", "Bản ghi liên quan không tồn tại.")
        }
        _ => tinhso_core::Error::other(e),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn unknown_scheme_is_refused_clearly() {
        let err = backend_of("mysql://localhost/x").unwrap_err().to_string();
        assert!(err.contains("mysql") && err.contains("sqlite://"), "{err}");
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), DbBackend::Postgres);
        assert_eq!(backend_of("sqlite://./data/t.db?mode=rwc").unwrap(), DbBackend::Sqlite);
    }
}
