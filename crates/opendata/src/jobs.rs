//! Background work of the portal: follow other nodes' writes, refresh self-published data.
use crate::OpenData;
use crate::selfpub::{Inputs, publish_all};
use std::sync::Arc;
use std::time::Duration;

/// How often the self-published statistics are recomputed.
pub const SELFPUB_EVERY: Duration = Duration::from_secs(3600);

/// `inputs` are the services the self-published statistics are computed from.
pub fn spawn(od: Arc<OpenData>, inputs: Inputs) {
    let follower = od.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = follower.refresh().await {
                tracing::warn!(error = %e, "open data index refresh failed");
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SELFPUB_EVERY);
        loop {
            tick.tick().await;
            let n = publish_all(&od, &inputs).await;
            if n > 0 {
                tracing::info!(datasets = n, "self-published statistics refreshed");
            }
        }
    });
}
