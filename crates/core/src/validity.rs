//! How long a star certificate holds, and where one stands on a given day.
//!
//! The rule is programme data ([`Certification`] in a programme file): which stars are
//! certified, for how many months, and how many days ahead the office lists a certificate as
//! lapsing. The day is always passed in; nothing here reads a clock.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// A programme's certificates as data: OCOP and OVOP certify three stars and more, for 36
/// months; a certificate is listed as lapsing `list_days` before its last day, and urgent
/// `notice_days` before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub min_star: u8,
    pub valid_months: u32,
    pub list_days: u32,
    pub notice_days: u32,
}

/// Where a certificate stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "bindings",
    derive(ts_rs::TS),
    ts(rename = "CertificateStanding")
)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// Valid, and its last day is more than `list_days` away.
    Valid { days_left: u32 },
    /// Valid, its last day within `list_days` (`urgent` within `notice_days`).
    Lapsing { days_left: u32, urgent: bool },
    /// Its last day has passed: the star is no longer current.
    Lapsed { days_ago: u32 },
    /// Issued after the day asked about (a clock set wrong, or a record from the future).
    NotYet,
}

impl Standing {
    /// The star still holds on that day.
    pub fn current(self) -> bool {
        matches!(self, Standing::Valid { .. } | Standing::Lapsing { .. })
    }

    /// Lapsing within the listing window, or lapsed: the office should re-assess.
    pub fn listed(self) -> bool {
        matches!(self, Standing::Lapsing { .. } | Standing::Lapsed { .. })
    }
}

/// A `YYYY-MM-DD` day, or the day of a `YYYY-MM-DDT...` instant.
pub fn parse_day(text: &str) -> Option<Date> {
    let day = text.get(..10)?;
    if text.len() > 10 && !text[10..].starts_with('T') {
        return None;
    }
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || !day.is_ascii() {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// `YYYY-MM-DD`.
pub fn format_day(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The same day `months` later, or that month's last day where it has fewer days.
pub fn add_months_of(date: Date, months: u32) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1;
    let index = index + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).ok()
}

/// The day before the same date `months` later; where that date does not exist (31 January
/// and one month), the last day of that month.
fn day_before_anniversary(date: Date, months: u32) -> Option<Date> {
    let same = add_months_of(date, months)?;
    if same.day() < date.day() {
        // Clamped to the month's last day: that day is the last one valid.
        Some(same)
    } else {
        same.previous_day()
    }
}

impl Certification {
    /// A star this programme certifies.
    pub fn certifies(&self, star: u8) -> bool {
        star >= self.min_star && star <= 5
    }

    /// The last day a certificate issued on `issued` is valid: the day before the same date
    /// `valid_months` later (issued 15 March 2026 for 36 months: valid to 14 March 2029; issued
    /// 29 February 2028 for a year: valid to 28 February 2029).
    pub fn valid_until(&self, issued: &str) -> Option<String> {
        day_before_anniversary(parse_day(issued)?, self.valid_months).map(format_day)
    }

    /// Where a certificate valid until `valid_until` and issued on `issued` stands on `today`.
    pub fn standing(&self, issued: &str, valid_until: &str, today: &str) -> Option<Standing> {
        let (issued, until, today) = (
            parse_day(issued)?,
            parse_day(valid_until)?,
            parse_day(today)?,
        );
        if today < issued {
            return Some(Standing::NotYet);
        }
        let left = (until - today).whole_days();
        let days = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Some(if left < 0 {
            Standing::Lapsed {
                days_ago: days(-left),
            }
        } else if left <= i64::from(self.list_days) {
            Standing::Lapsing {
                days_left: days(left),
                urgent: left <= i64::from(self.notice_days),
            }
        } else {
            Standing::Valid {
                days_left: days(left),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OCOP: Certification = Certification {
        min_star: 3,
        valid_months: 36,
        list_days: 90,
        notice_days: 30,
    };

    #[test]
    fn thirty_six_months_end_the_day_before_the_anniversary() {
        assert_eq!(
            OCOP.valid_until("2026-03-15").as_deref(),
            Some("2029-03-14")
        );
        assert_eq!(
            OCOP.valid_until("2026-01-01").as_deref(),
            Some("2028-12-31")
        );
        // 29 February has no anniversary in 2029: the certificate holds to February's end.
        let one_year = Certification {
            valid_months: 12,
            ..OCOP
        };
        assert_eq!(
            one_year.valid_until("2028-02-29").as_deref(),
            Some("2029-02-28")
        );
        assert_eq!(
            Certification {
                valid_months: 1,
                ..OCOP
            }
            .valid_until("2026-01-31")
            .as_deref(),
            Some("2026-02-28")
        );
        assert_eq!(OCOP.valid_until("2026-02-30"), None);
        assert_eq!(OCOP.valid_until("26-03-15"), None);
        assert_eq!(OCOP.valid_until(""), None);
        assert_eq!(
            OCOP.valid_until("2026-03-15T10:00:00Z").as_deref(),
            Some("2029-03-14")
        );
        assert_eq!(OCOP.valid_until("2026-03-15 10:00"), None);
    }

    #[test]
    fn a_certificate_is_valid_then_lapsing_then_lapsed() {
        let at = |today| OCOP.standing("2026-03-15", "2029-03-14", today);
        assert_eq!(at("2026-03-15"), Some(Standing::Valid { days_left: 1095 }));
        assert_eq!(at("2028-12-13"), Some(Standing::Valid { days_left: 91 }));
        assert_eq!(
            at("2028-12-14"),
            Some(Standing::Lapsing {
                days_left: 90,
                urgent: false
            })
        );
        assert_eq!(
            at("2029-02-12"),
            Some(Standing::Lapsing {
                days_left: 30,
                urgent: true
            })
        );
        let last = at("2029-03-14");
        assert_eq!(
            last,
            Some(Standing::Lapsing {
                days_left: 0,
                urgent: true
            })
        );
        assert!(last.is_some_and(Standing::current));
        let after = at("2029-03-15");
        assert_eq!(after, Some(Standing::Lapsed { days_ago: 1 }));
        assert!(after.is_some_and(|s| !s.current() && s.listed()));
        assert_eq!(at("2026-03-14"), Some(Standing::NotYet));
        assert!(!Standing::NotYet.current());
        assert_eq!(OCOP.standing("2026-03-15", "garbage", "2027-01-01"), None);
    }

    #[test]
    fn only_the_programme_s_stars_are_certified() {
        assert!(!OCOP.certifies(2));
        assert!(OCOP.certifies(3) && OCOP.certifies(5));
        assert!(!OCOP.certifies(6));
    }
}
