//! Working days and working time, for appointment dates and deadlines. The schedule of days off
//! is data per year (data/holidays.toml), because the government announces bridging and
//! make-up days each year. Vietnam keeps UTC+7 all year, so local time is a fixed offset.
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use std::collections::{BTreeSet, HashSet};

/// Office hours: 07:30–11:30 and 13:30–17:30, eight working hours a day.
const PERIODS: [((u32, u32), (u32, u32)); 2] = [((7, 30), (11, 30)), ((13, 30), (17, 30))];
const HOURS_PER_DAY: f64 = 8.0;

const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Asia/Ho_Chi_Minh: UTC+7 without daylight saving.
pub fn vietnam() -> FixedOffset {
    VIETNAM
}

#[derive(serde::Deserialize)]
struct File {
    year: Vec<YearRow>,
}

#[derive(serde::Deserialize)]
struct YearRow {
    year: i32,
    #[serde(default)]
    demo: bool,
    #[serde(default)]
    days_off: Vec<NaiveDate>,
    #[serde(default)]
    working_saturdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    days_off: HashSet<NaiveDate>,
    working_saturdays: HashSet<NaiveDate>,
    years: BTreeSet<i32>,
    demo_years: BTreeSet<i32>,
}

fn at(d: NaiveDate, (h, m): (u32, u32)) -> DateTime<FixedOffset> {
    let t = NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    vietnam().from_local_datetime(&d.and_time(t)).single().unwrap_or_else(|| Utc::now().with_timezone(&vietnam()))
}

impl WorkingCalendar {
    pub fn from_toml(text: &str) -> Result<WorkingCalendar> {
        let file: File = toml::from_str(text).map_err(|e| Error::invalid("invalid_calendar", "Lịch làm việc", e.to_string()))?;
        let mut cal = WorkingCalendar::default();
        for y in file.year {
            if y.days_off.iter().chain(&y.working_saturdays).any(|d| d.year() != y.year) {
                return Err(Error::invalid("invalid_calendar", "Lịch làm việc", format!("năm {} có ngày không thuộc năm đó.", y.year)));
            }
            cal.years.insert(y.year);
            if y.demo {
                cal.demo_years.insert(y.year);
            }
            cal.days_off.extend(y.days_off);
            cal.working_saturdays.extend(y.working_saturdays);
        }
        Ok(cal)
    }

    /// The calendar shipped with the platform.
    pub fn builtin() -> &'static WorkingCalendar {
        static CAL: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
        CAL.get_or_init(|| WorkingCalendar::from_toml(include_str!("../../../data/holidays.toml")).unwrap_or_default())
    }

    /// Years whose schedule is known, and whether it is demo data.
    pub fn covers(&self, year: i32) -> Option<bool> {
        self.years.contains(&year).then(|| self.demo_years.contains(&year))
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.working_saturdays.contains(&d) {
            return true;
        }
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || self.days_off.contains(&d) {
            return false;
        }
        // Outside the known years, at least the fixed solar holidays are off.
        self.years.contains(&d.year()) || !matches!((d.month(), d.day()), (1, 1) | (4, 30) | (5, 1) | (9, 2))
    }

    /// The instant `days` working days (of eight office hours) after `start`. Time outside office
    /// hours does not count: a dossier received on Saturday starts on Monday morning.
    pub fn add_working_days(&self, start: DateTime<Utc>, days: f64) -> DateTime<Utc> {
        let mut left = Duration::minutes((days.max(0.0) * HOURS_PER_DAY * 60.0).round() as i64);
        let mut now = start.with_timezone(&vietnam());
        let mut date = now.date_naive();
        // A limit of 0 means "within the day": due at the close of the next office period end.
        for _ in 0..3660 {
            if self.is_working_day(date) {
                for (open, close) in PERIODS {
                    let (open, close) = (at(date, open), at(date, close));
                    if now >= close {
                        continue;
                    }
                    let from = now.max(open);
                    let available = close - from;
                    if left <= available && (left > Duration::zero() || days <= 0.0) {
                        let due = if days <= 0.0 { at(date, PERIODS[1].1) } else { from + left };
                        return due.with_timezone(&Utc);
                    }
                    left -= available;
                    now = close;
                }
            }
            date = date.succ_opt().unwrap_or(date);
            now = at(date, (0, 0));
        }
        start
    }

    /// Working days between two instants (whole office hours / 8), for "days late".
    pub fn working_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
        if to <= from {
            return 0.0;
        }
        let (mut minutes, mut date) = (0i64, from.with_timezone(&vietnam()).date_naive());
        let end = to.with_timezone(&vietnam());
        while date <= end.date_naive() {
            if self.is_working_day(date) {
                for (open, close) in PERIODS {
                    let a = at(date, open).max(from.with_timezone(&vietnam()));
                    let b = at(date, close).min(end);
                    if b > a {
                        minutes += (b - a).num_minutes();
                    }
                }
            }
            date = match date.succ_opt() { Some(d) => d, None => break };
        }
        minutes as f64 / 60.0 / HOURS_PER_DAY
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let cal = WorkingCalendar::builtin();
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2025, 1, 29).unwrap()), "mùng 1 Tết Ất Tỵ");
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2025, 4, 7).unwrap()), "Giỗ Tổ Hùng Vương 2025");
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2025, 4, 26).unwrap()), "Saturday made up for 2/5");
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 2, 17).unwrap()), "mùng 1 Tết Bính Ngọ");
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2027, 4, 16).unwrap()), "Giỗ Tổ 2027");
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2030, 9, 2).unwrap()), "fixed holiday beyond the data");
        assert_eq!(cal.covers(2025), Some(false));
        assert_eq!(cal.covers(2026), Some(true));
    }

    #[test]
    fn appointments_skip_tet_and_weekends() {
        let cal = WorkingCalendar::builtin();
        // Received Friday 24/1/2025 at 09:00 with 3 working days: Tết takes 27–31/1, so the
        // days are 24/1 (rest), 3/2, 4/2 and due 5/2 at 09:00.
        assert_eq!(cal.add_working_days(local(2025, 1, 24, 9, 0), 3.0), local(2025, 2, 5, 9, 0));
        // Received on a Saturday evening: counting starts Monday 07:30, one day ends Monday 17:30.
        assert_eq!(cal.add_working_days(local(2025, 3, 8, 20, 0), 1.0), local(2025, 3, 10, 17, 30));
        // Half a day from 10:00 runs through lunch.
        assert_eq!(cal.add_working_days(local(2025, 3, 10, 10, 0), 0.5), local(2025, 3, 10, 16, 0));
        // "Within the day" is the close of the day it was received.
        assert_eq!(cal.add_working_days(local(2025, 3, 10, 10, 0), 0.0), local(2025, 3, 10, 17, 30));
    }

    #[test]
    fn lateness_in_working_days() {
        let cal = WorkingCalendar::builtin();
        let due = local(2025, 4, 29, 17, 30);
        // 30/4, 1/5, 2/5 and the weekend do not count: late by one day on 5/5 at 17:30.
        assert_eq!(cal.working_days_between(due, local(2025, 5, 5, 17, 30)), 1.0);
    }
}
