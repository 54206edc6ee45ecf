//! The peers: PostgreSQL full-text search and SQLite FTS5 over the same procedures, each
//! asked through a pool as an application would (sea-orm over sqlx).
use crate::Engine;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value};
use std::time::Duration;
use tinhso_catalog::Procedure;

/// Connections per pool: enough to keep two cores busy without drowning them in backends.
pub const POOL: u32 = 8;

/// One parameterised query returning codes best first; `prep` turns the typed text into the
/// engine's query syntax.
#[derive(Clone)]
pub struct Sql {
    pub db: DatabaseConnection,
    pub sql: String,
    pub prep: fn(&str) -> String,
}

impl Engine for Sql {
    async fn top(&self, q: &str) -> anyhow::Result<Option<String>> {
        let stmt = Statement::from_sql_and_values(self.db.get_database_backend(), &self.sql, [Value::from((self.prep)(q))]);
        let rows = self.db.query_all_raw(stmt).await?;
        Ok(match rows.first() {
            Some(r) => Some(r.try_get_by_index::<String>(0)?),
            None => None,
        })
    }
}

fn columns(p: &Procedure) -> [String; 5] {
    let docs = p.documents.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(" ");
    [p.code.clone(), p.name.clone(), p.aliases.join(" "), p.field.clone(), docs]
}

async fn insert(db: &DatabaseConnection, procs: &[Procedure]) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    for chunk in procs.chunks(500) {
        let mut values = Vec::with_capacity(chunk.len() * 5);
        let mut rows = Vec::with_capacity(chunk.len());
        for p in chunk {
            let marks: Vec<String> = columns(p)
                .into_iter()
                .map(|col| {
                    values.push(Value::from(col));
                    if backend == DbBackend::Postgres { format!("${}", values.len()) } else { "?".to_owned() }
                })
                .collect();
            rows.push(format!("({})", marks.join(", ")));
        }
        let sql = format!("INSERT INTO procedures (code, name, aliases, field, docs) VALUES {}", rows.join(", "));
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    }
    Ok(())
}

fn quoted(q: &str, sep: &str) -> String {
    q.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(sep)
}

async fn pool(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(POOL).connect_timeout(Duration::from_secs(3)).acquire_timeout(Duration::from_secs(30)).sqlx_logging(false);
    Ok(Database::connect(opts).await?)
}

/// SQLite FTS5 with diacritics removed by the tokenizer and bm25 weighted like our fields;
/// (AND, OR) variants of the query.
pub async fn sqlite(dir: &std::path::Path, procs: &[Procedure]) -> anyhow::Result<(Sql, Sql)> {
    let db = pool(&format!("sqlite://{}/fts.db?mode=rwc", dir.display())).await?;
    db.execute_unprepared(
        "CREATE VIRTUAL TABLE procedures USING fts5(code UNINDEXED, name, aliases, field, docs, \
         tokenize = 'unicode61 remove_diacritics 2')",
    )
    .await?;
    insert(&db, procs).await?;
    let sql = "SELECT code FROM procedures WHERE procedures MATCH ? ORDER BY bm25(procedures, 0.0, 10.0, 4.0, 2.0, 1.0) LIMIT 20";
    let and = Sql { db: db.clone(), sql: sql.into(), prep: |q| quoted(q, " ") };
    let or = Sql { db, sql: sql.into(), prep: |q| quoted(q, " OR ") };
    Ok((and, or))
}

/// `url` with its database name replaced.
fn with_db(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let host = base.find("://").map_or(0, |i| i + 3);
    let path = base[host..].find('/').map_or(base.len(), |i| host + i);
    format!("{}/{name}{}", &base[..path], query.map(|q| format!("?{q}")).unwrap_or_default())
}

pub struct Postgres {
    pub admin: DatabaseConnection,
    pub name: String,
    pub unaccent: bool,
    /// websearch_to_tsquery as typed (every word required), and with the words OR-ed.
    pub and: Sql,
    pub or: Sql,
}

/// A fresh database with a weighted tsvector (A name, B aliases, C field, D documents) under
/// a GIN index, ranked by ts_rank_cd. Err when PostgreSQL cannot be reached.
pub async fn postgres(admin_url: &str, procs: &[Procedure]) -> anyhow::Result<Postgres> {
    let admin = pool(admin_url).await?;
    let name = format!("tinhso_bench_{}", uuid::Uuid::new_v4().simple());
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    match fill_postgres(&with_db(admin_url, &name), procs).await {
        Ok((unaccent, and, or)) => Ok(Postgres { admin, name, unaccent, and, or }),
        Err(e) => {
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
            Err(e)
        }
    }
}

async fn fill_postgres(url: &str, procs: &[Procedure]) -> anyhow::Result<(bool, Sql, Sql)> {
    let db = pool(url).await?;
    let unaccent = db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS unaccent").await.is_ok();
    let fold = |col: &str| if unaccent { format!("unaccent({col})") } else { col.to_owned() };
    db.execute_unprepared("CREATE TABLE procedures (code text PRIMARY KEY, name text, aliases text, field text, docs text, tsv tsvector)").await?;
    insert(&db, procs).await?;
    let weighted = [("name", 'A'), ("aliases", 'B'), ("field", 'C'), ("docs", 'D')]
        .map(|(col, w)| format!("setweight(to_tsvector('simple', {}), '{w}')", fold(col)))
        .join(" || ");
    db.execute_unprepared(&format!("UPDATE procedures SET tsv = {weighted}")).await?;
    db.execute_unprepared("CREATE INDEX procedures_tsv ON procedures USING gin (tsv)").await?;
    db.execute_unprepared("ANALYZE procedures").await?;
    let sql = format!(
        "SELECT code FROM procedures, websearch_to_tsquery('simple', {}) AS q WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC, code LIMIT 20",
        fold("$1")
    );
    let and = Sql { db: db.clone(), sql: sql.clone(), prep: |q| q.to_owned() };
    let or = Sql { db, sql, prep: |q| q.split_whitespace().collect::<Vec<_>>().join(" or ") };
    Ok((unaccent, and, or))
}

impl Postgres {
    pub async fn drop_database(self) -> anyhow::Result<()> {
        drop(self.or);
        self.and.db.close().await?;
        self.admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await?;
        Ok(())
    }
}
