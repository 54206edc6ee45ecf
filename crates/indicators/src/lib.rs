//! Plan indicators and the operations centre (Bộ chỉ số; IOC): indicators with targets per
//! period from the plan documents, values computed from the platform's own data by named
//! queries or reported by agencies and approved by the lead agency, kept per month and org
//! unit; the leaders' dashboard and the public page of the main indicators. Also the plan
//! importer, which loads indicators and (through `tinhso-tasks`) tasks in one transaction.
pub mod compute;
pub mod entity;
pub mod http;
pub mod import;
pub mod ioc;
pub mod open;
mod pages;
mod report_pages;
pub mod reports;
pub mod service;
pub mod status;
pub mod svg;
pub mod xlsx;

pub use pages::Public;
pub use open::PublicValue;
pub use service::{Indicators, OrgValue, View};

/// Recomputes the current month and refreshes the dashboard every `every` (a background job
/// of `tinhso serve`).
pub fn spawn_job(svc: std::sync::Arc<Indicators>, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = svc.refresh().await {
                tracing::warn!(error = %e, "indicator computation or dashboard refresh failed");
            }
        }
    });
}
