//! The local time of a place, for printed dates and times: Indonesia's three zones (WIB, WITA,
//! WIT) by province and Vietnam's ICT. Taken from the place, not from the laptop's clock
//! setting, so a sheet printed in Jakarta of a visit in Jayapura gives Jayapura's day and hour,
//! and the same record always prints the same.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// A time zone as printed: its abbreviation and its offset from UTC (none has summer time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub name: &'static str,
    pub offset_hours: i8,
}

/// Waktu Indonesia Barat, UTC+7.
pub const WIB: Zone = Zone {
    name: "WIB",
    offset_hours: 7,
};
/// Waktu Indonesia Tengah, UTC+8.
pub const WITA: Zone = Zone {
    name: "WITA",
    offset_hours: 8,
};
/// Waktu Indonesia Timur, UTC+9.
pub const WIT: Zone = Zone {
    name: "WIT",
    offset_hours: 9,
};
/// Indochina Time, Vietnam's, UTC+7.
pub const ICT: Zone = Zone {
    name: "ICT",
    offset_hours: 7,
};

/// The zone of a region by its code: a Kemendagri code (`63.05.01.1001`, its first two digits
/// the province) or a Vietnamese one (`VN25-…`, `VN-…`). `None` for a code of neither.
pub fn of_region(code: &str) -> Option<Zone> {
    let code = code.trim();
    if code.starts_with("VN") {
        return Some(ICT);
    }
    let province = code.split('.').next()?;
    if province.len() != 2 {
        return None;
    }
    match province.parse::<u8>().ok()? {
        // Sumatra and its islands, Java, West and Central Kalimantan.
        11..=19 | 21 | 31..=36 | 61 | 62 => Some(WIB),
        // Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi.
        51..=53 | 63..=65 | 71..=76 => Some(WITA),
        // Maluku and the provinces of Papua.
        81 | 82 | 91..=96 => Some(WIT),
        _ => None,
    }
}

/// An instant (RFC 3339) in `zone`: its day (`YYYY-MM-DD`) and its time (`HH`, `MM`).
/// `None` when it is not such an instant.
pub fn local(instant: &str, zone: Zone) -> Option<(String, u8, u8)> {
    let at = OffsetDateTime::parse(instant.trim(), &Rfc3339).ok()?;
    let offset = UtcOffset::from_hms(zone.offset_hours, 0, 0).ok()?;
    let at = at.to_offset(offset);
    let day = format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    );
    Some((day, at.hour(), at.minute()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_province_has_its_zone() {
        assert_eq!(of_region("31.71.01.1001"), Some(WIB)); // Jakarta
        assert_eq!(of_region("62"), Some(WIB)); // Central Kalimantan
        assert_eq!(of_region("63.05.01.1001"), Some(WITA)); // Tapin, South Kalimantan
        assert_eq!(of_region("51.03"), Some(WITA)); // Badung, Bali
        assert_eq!(of_region("76.01"), Some(WITA)); // West Sulawesi
        assert_eq!(of_region("81.01"), Some(WIT)); // Maluku
        assert_eq!(of_region("96.01"), Some(WIT)); // Southwest Papua
        assert_eq!(of_region("VN25-00577"), Some(ICT));
        assert_eq!(of_region(""), None);
        assert_eq!(of_region("99.01"), None);
        assert_eq!(of_region("6.3"), None);
    }

    #[test]
    fn an_instant_is_read_in_the_zone_across_midnight() {
        // 20:30 UTC is already the next day in Jayapura and in Bali, not yet in Jakarta.
        let late = "2026-12-07T16:30:00Z";
        assert_eq!(local(late, WIB), Some(("2026-12-07".into(), 23, 30)));
        assert_eq!(local(late, WITA), Some(("2026-12-08".into(), 0, 30)));
        assert_eq!(local(late, WIT), Some(("2026-12-08".into(), 1, 30)));
        assert_eq!(
            local("2026-12-31T23:59:00+07:00", WIT),
            Some(("2027-01-01".into(), 1, 59))
        );
        assert_eq!(local("2026-12-07", WIB), None);
        assert_eq!(local("garbage", ICT), None);
    }
}
