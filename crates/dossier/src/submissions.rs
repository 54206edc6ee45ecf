//! Submissions written in groups. SQLite has one writer at a time, and a submission's write
//! transaction holds that turn for five requests, each a hop to the connection's thread; at a
//! thousand submissions a second the turn, not the CPU, sets the pace. One writer task per
//! node therefore takes every submission waiting at that moment into one transaction (the
//! exchange log does the same with its rows): the codes of all of them in one statement, their
//! rows, events, figures and audit entries in one batch, one commit. Each submitter waits for
//! the commit of its own row, so an acknowledged dossier is a committed one. When a group
//! fails (a duplicate idempotency key, an agency past its daily limit) its submissions are
//! written again one by one, so each gets its own answer and none is lost for another's fault.
use crate::codes::{Drawn, Lasts, Remembered, day_of, next_codes};
use crate::entity::dossier;
use crate::figures::{self, Delta};
use crate::machine::State;
use crate::service::{Event, push_event};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel, QueryTrait};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::{batch::Batch, db_error};
use tokio::sync::{mpsc, oneshot};

/// Most submissions in one transaction (about 80 bound values each; SQLite takes 32,766).
const GROUP: usize = 64;

/// A submission ready to be written: everything but its code.
pub(crate) struct Pending {
    pub row: dossier::Model,
    pub actor: String,
    pub fully_online: bool,
    /// The registries' read of the applicant's data, recorded with the submission.
    pub read: Option<Entry>,
    /// Online submissions remove the applicant's draft of the procedure.
    pub discard_draft: bool,
}

type Job = (Pending, oneshot::Sender<Result<dossier::Model>>);

/// The handle submissions are written through; cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task on the current runtime.
    pub fn spawn(db: DatabaseConnection) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>(GROUP * 8);
        tokio::spawn(run(db, rx));
        Writer { tx }
    }

    /// Writes one submission; returns its row, code included, once it is committed.
    pub async fn write(&self, p: Pending) -> Result<dossier::Model> {
        let (done, wait) = oneshot::channel();
        self.tx.send((p, done)).await.map_err(|_| Error::other("submission writer stopped"))?;
        wait.await.map_err(|_| Error::other("submission writer dropped a submission"))?
    }
}

async fn run(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    // The codes' last numbers as this writer left them, on SQLite only (see `Remembered`):
    // PostgreSQL nodes share the sequences.
    let backend = db.get_database_backend();
    let remember = backend == DbBackend::Sqlite;
    let mut known = Remembered::default();
    let mut jobs: Vec<Job> = Vec::with_capacity(GROUP);
    while rx.recv_many(&mut jobs, GROUP).await > 0 {
        let group: Vec<&Pending> = jobs.iter().map(|(p, _)| p).collect();
        let drawn = if remember { known.draw(backend, &wanted(&group)) } else { None };
        let from_memory = drawn.is_some();
        let mut written = write_group(&db, &group, drawn).await;
        if written.is_err() && from_memory {
            // Perhaps only a stale number: once more, numbered from the database.
            known.forget();
            written = write_group(&db, &group, None).await;
        }
        match written {
            Ok((rows, lasts)) => {
                if remember {
                    known.learn(lasts);
                }
                for ((_, done), row) in jobs.drain(..).zip(rows) {
                    let _ = done.send(Ok(row));
                }
            }
            Err(e) if jobs.len() == 1 => {
                if let Some((_, done)) = jobs.pop() {
                    let _ = done.send(Err(e));
                }
            }
            Err(_) => {
                for (p, done) in jobs.drain(..) {
                    let one = write_group(&db, &[&p], None).await.map(|(mut rows, _)| rows.remove(0));
                    let _ = done.send(one);
                }
            }
        }
    }
}

/// The sequence (agency code, numbering day) each submission of `group` takes its code from.
fn wanted(group: &[&Pending]) -> Vec<(String, String)> {
    group.iter().map(|p| (p.row.agency_code.clone(), day_of(p.row.submitted_at.unwrap_or(p.row.created_at)))).collect()
}

/// One transaction for `group`: returns their rows in the same order, and the sequences' new
/// last numbers. The codes are `drawn` from remembered numbers, or else read from the database.
async fn write_group(db: &DatabaseConnection, group: &[&Pending], drawn: Option<Drawn>) -> Result<(Vec<dossier::Model>, Lasts)> {
    let tx = tinhso_audit::begin(db).await?;
    let backend = tx.get_database_backend();
    let written = async {
        // Everything after the codes in one request: the write turn is held for as few round
        // trips as possible (see `tinhso_db::batch`).
        let mut batch = Batch::new();
        let (codes, lasts) = match drawn {
            Some((codes, sequences, lasts)) => {
                batch.push(sequences);
                (codes, lasts)
            }
            None => next_codes(&tx, &wanted(group)).await?,
        };
        let mut rows = Vec::with_capacity(group.len());
        for (p, code) in group.iter().zip(codes) {
            let row = dossier::Model { code: Some(code), ..p.row.clone() };
            batch.push(dossier::Entity::insert(row.clone().into_active_model().reset_all()).build(backend));
            push_event(&tx, &mut batch, Event { dossier: row.id, actor: &p.actor, action: "submit", from: None, to: State::Submitted, note: "" });
            figures::push(&mut batch, backend, &row, &Delta::submission(&row, p.fully_online));
            if let Some(entry) = &p.read {
                tinhso_audit::record_in(&tx, &mut batch, entry.clone());
            }
            if p.discard_draft {
                batch.push(crate::drafts::discard_statement(backend, row.applicant_id, &row.procedure_code));
            }
            rows.push(row);
        }
        tx.run(batch).await.map_err(db_error)?;
        Ok::<_, Error>((rows, lasts))
    }
    .await;
    match written {
        Ok(written) => {
            tx.commit().await.map_err(db_error)?;
            Ok(written)
        }
        Err(e) => {
            // Given back before the turn passes on, so the next writer does not find SQLite
            // still locked by this one.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}
