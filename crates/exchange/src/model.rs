//! What the exchange's API takes and gives.
use crate::entity::{credential, grant, service, subsystem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An information system of a member (agency), e.g. `000.00.04.H55/hotich`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Subsystem {
    pub id: uuid::Uuid,
    pub member_code: String,
    pub code: String,
    /// `member/code`, the identifier consumers send in `X-Tinhso-Client`.
    pub ident: String,
    pub name: String,
    pub rate_per_sec: i32,
    pub active: bool,
}

impl From<subsystem::Model> for Subsystem {
    fn from(m: subsystem::Model) -> Self {
        Subsystem { id: m.id, ident: format!("{}/{}", m.member_code, m.code), member_code: m.member_code, code: m.code, name: m.name, rate_per_sec: m.rate_per_sec, active: m.active }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubsystem {
    pub member_code: String,
    pub code: String,
    pub name: String,
    /// Calls per second this consumer may make (default 100).
    #[serde(default)]
    pub rate_per_sec: Option<i32>,
}

/// A data service a subsystem provides.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Service {
    pub id: uuid::Uuid,
    pub subsystem_id: uuid::Uuid,
    /// `member/subsystem/code`; the gateway path is `/x/{ident}/…`.
    pub ident: String,
    pub code: String,
    pub description: String,
    /// The service's OpenAPI or JSON Schema document, as text.
    pub schema: String,
    pub upstream_url: String,
    pub timeout_ms: i32,
    pub personal_data: bool,
    pub log_bodies: bool,
    pub active: bool,
}

impl Service {
    pub fn from_row(m: service::Model, provider: &str) -> Self {
        Service {
            id: m.id,
            subsystem_id: m.subsystem_id,
            ident: format!("{provider}/{}", m.code),
            code: m.code,
            description: m.description,
            schema: m.schema,
            upstream_url: m.upstream_url,
            timeout_ms: m.timeout_ms,
            personal_data: m.personal_data,
            log_bodies: m.log_bodies,
            active: m.active,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    pub code: String,
    pub description: String,
    #[serde(default)]
    pub schema: String,
    pub upstream_url: String,
    /// Default 5000 ms.
    #[serde(default)]
    pub timeout_ms: Option<i32>,
    #[serde(default)]
    pub personal_data: bool,
    /// Keep request and response bodies in the exchange log (off by default).
    #[serde(default)]
    pub log_bodies: bool,
}

/// Changes to a service; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceChange {
    pub description: Option<String>,
    pub schema: Option<String>,
    pub upstream_url: Option<String>,
    pub timeout_ms: Option<i32>,
    pub log_bodies: Option<bool>,
    pub active: Option<bool>,
}

/// An API key, without the key itself (kept only as its hash), or a client certificate for
/// mutual TLS.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Credential {
    pub id: uuid::Uuid,
    pub subsystem_id: uuid::Uuid,
    /// `key` or `certificate`.
    pub kind: String,
    /// The first characters of a key, or a certificate's name (CN) and SHA-256 fingerprint's
    /// first characters, to tell credentials apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<credential::Model> for Credential {
    fn from(m: credential::Model) -> Self {
        Credential { id: m.id, subsystem_id: m.subsystem_id, kind: m.kind, prefix: m.key_prefix, created_at: m.created_at, revoked_at: m.revoked_at }
    }
}

/// A new key: shown this once, never again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssuedKey {
    pub credential: Credential,
    pub key: String,
}

/// Access of a consumer subsystem to a service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Grant {
    pub id: uuid::Uuid,
    pub consumer_id: uuid::Uuid,
    pub service_id: uuid::Uuid,
    pub method: Option<String>,
    pub path_prefix: String,
    pub purpose: String,
    /// pending | approved | rejected | revoked
    pub state: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<grant::Model> for Grant {
    fn from(m: grant::Model) -> Self {
        Grant {
            id: m.id,
            consumer_id: m.consumer_id,
            service_id: m.service_id,
            method: m.method,
            path_prefix: m.path_prefix,
            purpose: m.purpose,
            state: m.state,
            expires_at: m.expires_at,
            created_at: m.created_at,
            decided_at: m.decided_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    /// The consumer subsystem, `member/code`.
    pub consumer: String,
    pub service_id: uuid::Uuid,
    /// GET, POST… or absent for any method.
    #[serde(default)]
    pub method: Option<String>,
    /// Only paths under this prefix (absent: the whole service).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// The legal purpose: the law or decision that allows this use.
    pub purpose: String,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A service a consumer may call now (the gateway's `allowedMethods`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Allowed {
    pub service: String,
    pub description: String,
    pub method: Option<String>,
    pub path_prefix: String,
    pub purpose: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub personal_data: bool,
}
