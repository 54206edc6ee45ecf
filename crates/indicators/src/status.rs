//! A value against its target: met, on track, at risk, missed.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    OnTrack,
    AtRisk,
    Missed,
    /// No target for this period.
    NoTarget,
    /// No value yet.
    NoData,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "Đạt",
            Status::OnTrack => "Đúng tiến độ",
            Status::AtRisk => "Có nguy cơ không đạt",
            Status::Missed => "Không đạt",
            Status::NoTarget => "Chưa có chỉ tiêu",
            Status::NoData => "Chưa có dữ liệu",
        }
    }

    /// The CSS class of its colour on the dashboard.
    pub fn class(self) -> &'static str {
        match self {
            Status::Met => "s-met",
            Status::OnTrack => "s-ontrack",
            Status::AtRisk => "s-risk",
            Status::Missed => "s-missed",
            Status::NoTarget | Status::NoData => "s-none",
        }
    }
}

/// How far below target a value may be and still count as on track (a tenth of the target).
const ON_TRACK_SHARE: f64 = 0.9;

/// `last_month` says whether the month is the last of the target's period: a value short of
/// target then is missed, not at risk.
pub fn judge(value: Option<f64>, target: Option<f64>, higher_is_better: bool, last_month: bool) -> Status {
    let (Some(v), Some(t)) = (value, target) else {
        return if value.is_none() { Status::NoData } else { Status::NoTarget };
    };
    let met = if higher_is_better { v >= t } else { v <= t };
    if met {
        return Status::Met;
    }
    if last_month {
        return Status::Missed;
    }
    let close = if higher_is_better { v >= t * ON_TRACK_SHARE } else { v <= t / ON_TRACK_SHARE };
    if close { Status::OnTrack } else { Status::AtRisk }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_target() {
        assert_eq!(judge(Some(96.0), Some(95.0), true, false), Status::Met);
        assert_eq!(judge(Some(90.0), Some(95.0), true, false), Status::OnTrack);
        assert_eq!(judge(Some(50.0), Some(95.0), true, false), Status::AtRisk);
        assert_eq!(judge(Some(90.0), Some(95.0), true, true), Status::Missed);
        assert_eq!(judge(Some(4.0), Some(5.0), false, false), Status::Met);
        assert_eq!(judge(None, Some(5.0), true, false), Status::NoData);
        assert_eq!(judge(Some(5.0), None, true, false), Status::NoTarget);
    }
}
