//! Dossier codes `<agency code>-<yymmdd>-<4-digit sequence>`: the sequence of the agency and
//! day is advanced by one upsert inside the transaction that creates the dossiers, so a
//! rolled-back submission gives its numbers back and codes stay unique and gap-free on both
//! backends (PostgreSQL locks the row; SQLite has one writer).
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, Value};
use std::collections::HashMap;
use tinhso_core::{Error, Result, calendar::vietnam};
use tinhso_db::db_error;

/// The numbering day of a dossier submitted at `at` (Vietnam's calendar), as in its code.
pub fn day_of(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam()).format("%y%m%d").to_string()
}

/// Draws the next codes for submissions at `(agency code, day)`, in order: one statement for
/// the whole group, whatever the number of agencies (a group commit writes many submissions).
/// Fails with `daily_limit` when an agency would pass 9,999 dossiers in a day. Also returns
/// each sequence's new last number.
pub async fn next_codes(tx: &DatabaseTransaction, wanted: &[(String, String)]) -> Result<(Vec<String>, Lasts)> {
    // How many each (agency, day) needs; a key appears once in the statement (PostgreSQL
    // refuses to update one row twice in one upsert).
    let mut counts: Vec<(&str, &str, i32)> = Vec::new();
    for (agency, day) in wanted {
        match counts.iter_mut().find(|(a, d, _)| a == agency && d == day) {
            Some((_, _, n)) => *n += 1,
            None => counts.push((agency, day, 1)),
        }
    }
    let backend = tx.get_database_backend();
    let rows: Vec<String> = (0..counts.len()).map(|_| "(?, ?, ?)".to_owned()).collect();
    let sql = crate::stats::numbered(
        backend,
        &format!(
            "INSERT INTO dossier_sequences (agency_code, day, last) VALUES {} \
             ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_sequences.last + excluded.last RETURNING agency_code, day, last",
            rows.join(", ")
        ),
    );
    let values: Vec<Value> = counts.iter().flat_map(|(a, d, n)| [Value::from(*a), Value::from(*d), Value::from(*n)]).collect();
    let returned = tx.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await.map_err(db_error)?;
    // The first number each key hands out next: its new last minus what this group takes.
    let mut next: HashMap<(String, String), i32> = HashMap::new();
    let mut lasts = Lasts::new();
    for row in returned {
        let (agency, day, last): (String, String, i32) = (row.try_get("", "agency_code").map_err(db_error)?, row.try_get("", "day").map_err(db_error)?, row.try_get("", "last").map_err(db_error)?);
        if last > 9999 {
            return Err(Error::conflict("daily_limit", "Đơn vị đã tiếp nhận quá 9.999 hồ sơ trong ngày."));
        }
        let taken = counts.iter().find(|(a, d, _)| *a == agency && *d == day).map_or(0, |c| c.2);
        lasts.insert((agency.clone(), day.clone()), last);
        next.insert((agency, day), last - taken + 1);
    }
    let codes = hand_out(wanted, &mut next).ok_or_else(|| Error::other("the sequence upsert missed an agency"))?;
    Ok((codes, lasts))
}

/// The last number of each `(agency code, day)`.
pub type Lasts = HashMap<(String, String), i32>;

/// Codes drawn from remembered numbers: the codes in order, the statement that moves their
/// sequences on, and the sequences' new last numbers.
pub(crate) type Drawn = (Vec<String>, Statement, Lasts);

/// The codes of `wanted`, in order, numbered from `next` (the first free number of each key).
fn hand_out(wanted: &[(String, String)], next: &mut Lasts) -> Option<Vec<String>> {
    wanted
        .iter()
        .map(|(agency, day)| {
            let n = next.get_mut(&(agency.clone(), day.clone()))?;
            let code = format!("{agency}-{day}-{:04}", *n);
            *n += 1;
            Some(code)
        })
        .collect()
}

/// The last numbers as this node's submission writer left them. On SQLite that writer is the
/// database's only one, so these are the database's own numbers and a group's codes need no
/// read inside the write turn (the sequences are still moved on in the group's batch). Were a
/// number ever stale, the code drawn from it would already be taken: the dossiers' unique code
/// refuses it, the group fails, this is forgotten, and the group is written again on numbers
/// read from the database.
#[derive(Default)]
pub(crate) struct Remembered(Lasts);

impl Remembered {
    /// The codes of `wanted` and the statement that moves their sequences on, from remembered
    /// numbers alone; `None` when one is not remembered or would pass 9,999 (the database's
    /// path then answers).
    pub fn draw(&self, backend: DbBackend, wanted: &[(String, String)]) -> Option<Drawn> {
        let mut next = Lasts::new();
        for key in wanted {
            next.insert(key.clone(), *self.0.get(key)? + 1);
        }
        let codes = hand_out(wanted, &mut next)?;
        // `next` now holds each key's first free number after the group.
        let lasts: Lasts = next.into_iter().map(|(key, n)| (key, n - 1)).collect();
        if lasts.values().any(|&n| n > 9999) {
            return None;
        }
        let rows: Vec<String> = lasts.keys().map(|_| "(?, ?, ?)".to_owned()).collect();
        let sql = crate::stats::numbered(backend, &format!("INSERT INTO dossier_sequences (agency_code, day, last) VALUES {} ON CONFLICT (agency_code, day) DO UPDATE SET last = excluded.last", rows.join(", ")));
        let values: Vec<Value> = lasts.iter().flat_map(|((a, d), n)| [Value::from(a.as_str()), Value::from(d.as_str()), Value::from(*n)]).collect();
        Some((codes, Statement::from_sql_and_values(backend, sql, values), lasts))
    }

    /// After a commit: the numbers it left.
    pub fn learn(&mut self, lasts: Lasts) {
        // Old days' numbers are of no more use; a bound keeps the map small over months.
        if self.0.len() > 20_000 {
            self.0.clear();
        }
        self.0.extend(lasts);
    }

    /// After a failure: nothing remembered can be trusted.
    pub fn forget(&mut self) {
        self.0.clear();
    }
}
