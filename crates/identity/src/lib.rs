//! Accounts, roles, org units and sessions. Citizens are identified by their personal id
//! number, businesses by their tax code, staff by a user name; staff roles are bound to an
//! org unit.
pub mod accounts;
pub mod contact;
pub mod entity;
pub mod org_units;
pub mod password;
pub mod session_store;
pub mod throttle;

pub use accounts::{Principal, RoleGrant};
