//! Tasks assigned by the province's plans (Hệ thống theo dõi nhiệm vụ): each task with its
//! source document and number, lead and coordinating agencies, deadline, budget and status;
//! progress reports of the lead agency that the assigning office accepts or returns; overdue
//! flags; budget roll-ups computed from the task rows.
pub mod entity;
pub mod http;
pub mod import;
pub mod model;
mod pages;
pub mod rollup;
pub mod service;

pub use model::{Report, Status, Task};
pub use rollup::{Budget, TaskFigures};
pub use service::{Filter, NewReport, Scope, Tasks, scope_of};

/// Runs the overdue check every `every` (a background job of `tinhso serve`).
pub fn spawn_overdue_job(tasks: std::sync::Arc<Tasks>, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match tasks.flag_overdue(chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(flagged = n, "plan tasks flagged overdue"),
                Err(e) => tracing::warn!(error = %e, "plan task overdue check failed"),
            }
        }
    });
}
