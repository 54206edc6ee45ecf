//! Latency figures and the two load drivers: threads for the in-process index, tokio tasks
//! for everything behind a socket. Every worker cycles through the query set from its own
//! starting point until the deadline.
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub workers: usize,
    pub count: usize,
    pub errors: usize,
    pub median_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub qps: f64,
}

impl Stats {
    pub fn from(workers: usize, mut lat: Vec<Duration>, errors: usize, wall: Duration) -> Stats {
        lat.sort_unstable();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let at = |q: f64| lat.get(((lat.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().map(us).unwrap_or(0.0);
        Stats {
            workers,
            count: lat.len(),
            errors,
            median_us: at(0.5),
            p99_us: at(0.99),
            max_us: lat.last().copied().map(us).unwrap_or(0.0),
            qps: lat.len() as f64 / wall.as_secs_f64(),
        }
    }

    pub fn line(&self) -> String {
        format!(
            "{} worker(s): {} queries, {} errors, median {:.0} µs, p99 {:.0} µs, max {:.0} µs, {:.0} q/s",
            self.workers, self.count, self.errors, self.median_us, self.p99_us, self.max_us, self.qps
        )
    }
}

/// `workers` OS threads calling `f` (true = success) for `dur`.
pub fn threads<F>(workers: usize, dur: Duration, queries: &[String], f: F) -> Stats
where
    F: Fn(&str) -> bool + Sync,
{
    let start = Instant::now();
    let deadline = start + dur;
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let f = &f;
                s.spawn(move || {
                    let (mut lat, mut errors, mut i) = (Vec::new(), 0, w * 7);
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let ok = f(&queries[i % queries.len()]);
                        lat.push(t.elapsed());
                        errors += usize::from(!ok);
                        i += 1;
                    }
                    (lat, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wall = start.elapsed();
    let errors = results.iter().map(|r| r.1).sum();
    Stats::from(workers, results.into_iter().flat_map(|r| r.0).collect(), errors, wall)
}

/// `workers` tokio tasks awaiting `f` (true = success) for `dur`.
pub async fn tasks<F, Fut>(workers: usize, dur: Duration, queries: Arc<Vec<String>>, f: F) -> Stats
where
    F: Fn(String) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let start = Instant::now();
    let deadline = start + dur;
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (f, queries) = (f.clone(), queries.clone());
            tokio::spawn(async move {
                let (mut lat, mut errors, mut i) = (Vec::new(), 0, w * 7);
                while Instant::now() < deadline {
                    let q = queries[i % queries.len()].clone();
                    let t = Instant::now();
                    let ok = f(q).await;
                    lat.push(t.elapsed());
                    errors += usize::from(!ok);
                    i += 1;
                }
                (lat, errors)
            })
        })
        .collect();
    let (mut lat, mut errors) = (Vec::new(), 0);
    for h in handles {
        let (l, e) = h.await.unwrap();
        lat.extend(l);
        errors += e;
    }
    Stats::from(workers, lat, errors, start.elapsed())
}

/// (VmRSS, VmHWM) in MiB of a process, from /proc.
pub fn rss_mib(pid: &str) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = |key: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<f64>().ok()
    };
    Some((kib("VmRSS:")? / 1024.0, kib("VmHWM:")? / 1024.0))
}
