//! Composes the modules into one HTTP application: configuration, shared state, router,
//! middleware and background jobs.
pub mod account;
pub mod admin;
pub mod config;
pub mod exchange_tls;
pub mod openapi;
pub mod org_units;
pub mod seed;
pub mod server;
pub mod state;

pub use config::Config;
pub use server::{Started, build_router, serve, start, start_all, start_on};
pub use state::AppState;
