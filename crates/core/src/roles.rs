//! Roles of the platform. Staff roles are bound to an org unit; the citizen role is not.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    OneStopOfficer,
    ProcessingOfficer,
    Approver,
    Leader,
    DataSteward,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Citizen,
        Role::OneStopOfficer,
        Role::ProcessingOfficer,
        Role::Approver,
        Role::Leader,
        Role::DataSteward,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::OneStopOfficer => "one_stop_officer",
            Role::ProcessingOfficer => "processing_officer",
            Role::Approver => "approver",
            Role::Leader => "leader",
            Role::DataSteward => "data_steward",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Vietnamese name shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Citizen => "Công dân, doanh nghiệp",
            Role::OneStopOfficer => "Cán bộ một cửa",
            Role::ProcessingOfficer => "Chuyên viên xử lý",
            Role::Approver => "Lãnh đạo phê duyệt",
            Role::Leader => "Lãnh đạo UBND tỉnh",
            Role::DataSteward => "Cán bộ quản lý dữ liệu",
            Role::Admin => "Quản trị hệ thống",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }
}

/// Kinds of org unit, as stored.
pub const ORG_UNIT_KINDS: [&str; 6] =
    ["province", "department", "agency", "commune", "ward", "special_zone"];

pub fn is_commune_level(kind: &str) -> bool {
    matches!(kind, "commune" | "ward" | "special_zone")
}
