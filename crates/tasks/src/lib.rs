//! Tasks assigned by the province's plans (Hệ thống theo dõi nhiệm vụ): each task with its
//! source document and number, lead and coordinating agencies, deadline, budget and status;
//! progress reports of the lead agency that the assigning office accepts or returns; overdue
//! flags; budget roll-ups computed from the task rows.
pub mod entity;
pub mod http;
pub mod import;
pub mod mail;
pub mod model;
mod pages;
pub mod rollup;
pub mod service;

pub use model::{Report, Status, Task};
pub use rollup::{Budget, TaskFigures};
pub use service::{Filter, NewReport, Scope, Tasks, scope_of};

/// Runs the overdue check every `every` (a background job of `tinhso serve`), then sends the
/// queued notices to the agencies (when mail is configured). A zero interval leaves it off.
pub fn spawn_overdue_job(tasks: std::sync::Arc<Tasks>, notifier: Option<mail::Notifier>, every: std::time::Duration) {
    if every.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match tasks.flag_overdue(chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(flagged = n, "plan tasks flagged overdue"),
                Err(e) => tracing::warn!(error = %e, "plan task overdue check failed"),
            }
            if let Some(n) = &notifier {
                mail::run_logged(n).await;
            }
        }
    });
}
