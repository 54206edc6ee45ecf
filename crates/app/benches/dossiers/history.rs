//! The province's history as synthetic dossiers, written straight into the tables in large
//! multi-row inserts (the way a migration from the old system would load them), and the raw
//! insert ceiling: one dossier row and its event per transaction, sent as one request, with no
//! application around.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait, Value};
use std::collections::HashMap;

const COLUMNS: &str = "id, code, procedure_code, agency_code, current_unit_code, applicant_id, applicant_name, channel, state, resume_state, form_data, \
    assigned_to, step_index, submitted_at, received_at, due_at, remaining_days, finished_at, overdue, apologized, stage_due_at, idempotency_key, \
    fee_vnd, payment_status, version, created_at, updated_at";
const NCOL: usize = 27;
const ROWS_PER_INSERT: usize = 1000;

/// A tiny deterministic generator, so two runs load the same history.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Where a procedure's dossiers go: its agency, or every commune for a commune-level one.
pub struct Target {
    pub procedure: String,
    pub agencies: Vec<String>,
    pub days: f64,
}

pub async fn targets(db: &DatabaseConnection) -> Vec<Target> {
    let units = tinhso_identity::org_units::list(db).await.unwrap();
    let communes: Vec<String> = units.iter().filter(|u| tinhso_core::roles::is_commune_level(&u.kind)).map(|u| u.code.clone()).collect();
    tinhso_catalog::store::all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| !p.retired)
        .map(|p| Target { agencies: if p.level == "commune" { communes.clone() } else { p.agencies.clone() }, procedure: p.code, days: p.processing_days.max(1.0) })
        .filter(|t| !t.agencies.is_empty())
        .collect()
}

/// One historical dossier's values, in `COLUMNS` order.
fn row(rng: &mut Rng, t: &Target, seq: &mut HashMap<(String, String), u32>, now: DateTime<Utc>, applicants: &[uuid::Uuid]) -> Vec<Value> {
    let agency = t.agencies[rng.below(t.agencies.len() as u64) as usize].clone();
    // 7% are still open and recent; the rest closed within the last two years.
    let open = rng.below(100) < 7;
    let age = if open { Duration::hours(24 + rng.below(20 * 24) as i64) } else { Duration::hours(24 * 21 + rng.below(24 * 700) as i64) };
    let submitted = now - age;
    let day = submitted.with_timezone(&tinhso_core::calendar::vietnam()).format("%y%m%d").to_string();
    let n = seq.entry((agency.clone(), day.clone())).or_default();
    *n += 1;
    let code = format!("{agency}-{day}-{:04}", *n);
    let received = submitted + Duration::hours(2);
    let due = received + Duration::hours((t.days * 34.0) as i64);
    let (state, finished) = if open {
        (["received", "assigned", "in_processing", "awaiting_approval", "supplement_requested"][rng.below(5) as usize], None)
    } else {
        let roll = rng.below(100);
        let state = if roll < 90 { "result_returned" } else if roll < 96 { "refused" } else { "withdrawn" };
        let late = rng.below(100) < 4;
        let took = if late { due - received + Duration::hours(30) } else { Duration::hours(rng.below(((due - received).num_hours().max(2)) as u64) as i64 + 1) };
        (state, Some(received + took))
    };
    let overdue = open && due < now;
    let applicant = applicants[rng.below(applicants.len() as u64) as usize];
    let phone = format!("09{:08}", rng.below(100_000_000));
    vec![
        tinhso_core::new_id().into(),
        code.into(),
        t.procedure.clone().into(),
        agency.clone().into(),
        agency.into(),
        applicant.into(),
        "Công dân thử nghiệm".into(),
        (if rng.below(100) < 80 { "online" } else { "counter" }).into(),
        state.into(),
        Option::<String>::None.into(),
        format!("{{\"address\":\"Tổ dân phố {}\",\"phone\":\"{phone}\"}}", rng.below(40) + 1).into(),
        Option::<uuid::Uuid>::None.into(),
        0i32.into(),
        Some(submitted).into(),
        Some(received).into(),
        Some(due).into(),
        Option::<f64>::None.into(),
        finished.into(),
        overdue.into(),
        false.into(),
        Option::<DateTime<Utc>>::None.into(),
        Option::<String>::None.into(),
        0i64.into(),
        "none".into(),
        1i32.into(),
        submitted.into(),
        finished.unwrap_or(received).into(),
    ]
}

fn insert_sql(db: &DatabaseConnection, rows: usize) -> String {
    let postgres = db.get_database_backend() == sea_orm::DbBackend::Postgres;
    let mut n = 0;
    let groups: Vec<String> = (0..rows)
        .map(|_| {
            let ps: Vec<String> = (0..NCOL)
                .map(|_| {
                    n += 1;
                    if postgres { format!("${n}") } else { "?".into() }
                })
                .collect();
            format!("({})", ps.join(","))
        })
        .collect();
    format!("INSERT INTO dossiers ({COLUMNS}) VALUES {}", groups.join(","))
}

/// Loads `total` dossiers; returns rows per second.
pub async fn load(db: &DatabaseConnection, total: usize) -> f64 {
    let targets = targets(db).await;
    let mut rng = Rng::new(0x5eed_2026);
    let applicants: Vec<uuid::Uuid> = (0..50_000).map(|_| tinhso_core::new_id()).collect();
    let mut seq = HashMap::new();
    let now = Utc::now();
    let full = insert_sql(db, ROWS_PER_INSERT);
    let started = std::time::Instant::now();
    let mut done = 0;
    while done < total {
        let tx = db.begin().await.unwrap();
        for _ in 0..50 {
            let rows = ROWS_PER_INSERT.min(total - done);
            if rows == 0 {
                break;
            }
            let mut values = Vec::with_capacity(rows * NCOL);
            for _ in 0..rows {
                let t = &targets[rng.below(targets.len() as u64) as usize];
                values.extend(row(&mut rng, t, &mut seq, now, &applicants));
            }
            let sql = if rows == ROWS_PER_INSERT { full.clone() } else { insert_sql(db, rows) };
            tx.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await.unwrap();
            done += rows;
        }
        tx.commit().await.unwrap();
        if done % 200_000 < ROWS_PER_INSERT * 50 {
            eprintln!("  … {done} dossiers loaded");
        }
    }
    done as f64 / started.elapsed().as_secs_f64()
}

/// The ceiling: `workers` tasks each committing one dossier row and one event row per
/// transaction for `dur`, through the same pool. Returns committed dossiers per second.
pub async fn raw_insert_rate(db: &DatabaseConnection, workers: usize, dur: std::time::Duration) -> f64 {
    let targets = std::sync::Arc::new(targets(db).await);
    let start = std::time::Instant::now();
    let deadline = start + dur;
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (db, targets) = (db.clone(), targets.clone());
            tokio::spawn(async move {
                let mut rng = Rng::new(0xc0ffee + w as u64);
                let mut seq = HashMap::new();
                let applicants = [tinhso_core::new_id()];
                let one = insert_sql(&db, 1);
                let backend = db.get_database_backend();
                let event = if backend == sea_orm::DbBackend::Postgres {
                    "INSERT INTO dossier_events (id, dossier_id, at, actor, action, from_state, to_state, note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
                } else {
                    "INSERT INTO dossier_events (id, dossier_id, at, actor, action, from_state, to_state, note) VALUES (?,?,?,?,?,?,?,?)"
                };
                let mut n = 0usize;
                while std::time::Instant::now() < deadline {
                    let t = &targets[rng.below(targets.len() as u64) as usize];
                    let mut values = row(&mut rng, t, &mut seq, Utc::now() - Duration::days(800 + w as i64), &applicants);
                    // Distinct codes from the history's: a prefix of the worker.
                    values[1] = format!("RAW{w}-{n}").into();
                    let id = values[0].clone();
                    // The same write turn the platform's writers take, so the ceiling is the best
                    // this database does, not one slowed by SQLite's busy sleeps.
                    // Both rows in one request, as the platform's own writers send them.
                    let (turn, tx) = tinhso_db::write_turn::begin(&db).await.unwrap();
                    let ev: Vec<Value> = vec![tinhso_core::new_id().into(), id, Utc::now().into(), "raw".into(), "submit".into(), Option::<String>::None.into(), "submitted".into(), "".into()];
                    let mut batch = tinhso_db::batch::Batch::new();
                    batch.push(Statement::from_sql_and_values(backend, one.clone(), values)).push(Statement::from_sql_and_values(backend, event, ev));
                    batch.run(&tx).await.unwrap();
                    tx.commit().await.unwrap();
                    drop(turn);
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut total = 0;
    for h in handles {
        total += h.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}
