//! Dossier statistics kept current in the transaction of every change: per receiving agency
//! and per procedure, per month of submission (Vietnam time). A change adds the difference it
//! makes to each counter, so the figures of millions of dossiers are read from a few thousand
//! rows, and `rebuild` recounts everything from the dossiers when the table must be made anew.
use crate::entity::dossier;
use crate::machine::State;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use tinhso_db::batch::Batch;
use tinhso_core::Result;
use tinhso_db::db_error;

/// Every counter, as named in the `dossier_figures` table and in [`crate::stats::Figures`].
pub const COUNTERS: [&str; 17] = [
    "submitted", "received", "finished", "on_time", "late", "in_progress", "overdue", "online", "fully_online", "paid_online",
    "electronic_results", "digitised", "documents", "documents_reused", "ratings", "satisfied", "counter",
];

/// How one change moves the counters: (counter, difference).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Delta(pub Vec<(&'static str, i64)>);

impl Delta {
    pub fn add(mut self, counter: &'static str, by: i64) -> Self {
        if by != 0 {
            match self.0.iter_mut().find(|(c, _)| *c == counter) {
                Some((_, v)) => *v += by,
                None => self.0.push((counter, by)),
            }
            self.0.retain(|(_, v)| *v != 0);
        }
        self
    }

    pub fn merge(self, other: Delta) -> Self {
        other.0.into_iter().fold(self, |d, (c, v)| d.add(c, v))
    }

    /// The counters that follow a dossier's state: what it is now minus what it was.
    pub fn state_change(self, old: Option<&dossier::Model>, new: &dossier::Model) -> Self {
        let was = old.map(standing).unwrap_or_default().into_iter().map(|(c, v)| (c, -v));
        standing(new).into_iter().chain(was).fold(self, |d, (c, v)| d.add(c, v))
    }

    /// What a newly submitted dossier adds besides its state. A document a registry's data
    /// replaced counts as a document given and not given again (the share of reuse).
    pub fn submission(new: &dossier::Model, fully_online_procedure: bool) -> Self {
        let online = new.channel == "online";
        let from_data = serde_json::from_str::<Vec<i32>>(&new.data_documents).map_or(0, |v| v.len() as i64);
        Delta::default()
            .add("submitted", 1)
            .add(if online { "online" } else { "counter" }, 1)
            .add("fully_online", i64::from(online && fully_online_procedure))
            .add("documents", from_data)
            .add("documents_reused", from_data)
            .state_change(None, new)
    }
}

/// The state-bound counters a dossier holds up: each 0 or 1.
fn standing(d: &dossier::Model) -> Vec<(&'static str, i64)> {
    let state = State::parse(&d.state).unwrap_or(State::Submitted);
    let returned = state == State::ResultReturned;
    let on_time = returned && !d.apologized && d.due_at.is_none_or(|due| d.finished_at.is_some_and(|f| f <= due));
    let open = !state.is_final();
    vec![
        ("received", i64::from(d.received_at.is_some())),
        ("finished", i64::from(returned)),
        ("on_time", i64::from(on_time)),
        ("late", i64::from(returned && !on_time)),
        ("in_progress", i64::from(open)),
        ("overdue", i64::from(open && d.overdue)),
        ("paid_online", i64::from(d.payment_status == "paid")),
    ]
}

/// The month a dossier is counted in: of its submission, in Vietnam's time.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.with_timezone(&tinhso_core::calendar::vietnam()).format("%Y-%m").to_string()
}

/// Adds `delta` to the dossier's agency row and procedure row (in that order on every path, so
/// concurrent writers on PostgreSQL lock them in the same order).
pub async fn apply<C: ConnectionTrait>(conn: &C, d: &dossier::Model, delta: &Delta) -> Result<()> {
    let mut batch = Batch::new();
    push(&mut batch, conn.get_database_backend(), d, delta);
    batch.run(conn).await.map_err(db_error)
}

/// The same as [`apply`], as statements added to the caller's batch.
pub fn push(batch: &mut Batch, backend: DbBackend, d: &dossier::Model, delta: &Delta) {
    if delta.0.is_empty() {
        return;
    }
    let month = month_of(d.submitted_at.unwrap_or(d.created_at));
    for (dimension, key) in [("agency", d.agency_code.as_str()), ("procedure", d.procedure_code.as_str())] {
        batch.push(upsert(backend, dimension, key, &month, delta));
    }
}

pub(crate) fn upsert(backend: DbBackend, dimension: &str, key: &str, month: &str, delta: &Delta) -> Statement {
    let cols: Vec<&str> = delta.0.iter().map(|(c, _)| *c).collect();
    let params = vec!["?"; 3 + cols.len()];
    let updates: Vec<String> = cols.iter().map(|c| format!("{c} = dossier_figures.{c} + excluded.{c}")).collect();
    let sql = crate::stats::numbered(
        backend,
        &format!(
        "INSERT INTO dossier_figures (dimension, key, month, {}) VALUES ({}) ON CONFLICT (dimension, month, key) DO UPDATE SET {}",
        cols.join(", "),
        params.join(", "),
        updates.join(", ")
        ),
    );
    let mut values: Vec<Value> = vec![dimension.into(), key.into(), month.into()];
    values.extend(delta.0.iter().map(|(_, v)| Value::from(*v)));
    Statement::from_sql_and_values(backend, sql, values)
}
