//! What people type, read one way by both front ends: days, moments, sizes and intervals.
//! Each refuses with [`Error::NotUnderstood`], saying what it expected.

use std::time::Duration;

use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};

use crate::error::{Error, Result};

fn refuse(input: &str, expected: &'static str) -> Error {
    Error::NotUnderstood {
        input: input.to_owned(),
        expected,
    }
}

/// A calendar day, `YYYY-MM-DD` (a retention date).
pub fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| refuse(s, "a date like 2031-06-30"))
}

/// A moment, as milliseconds since the Unix epoch: RFC 3339, `YYYY-MM-DD HH:MM` in local
/// time, or a day (its last millisecond, local time).
pub fn moment(s: &str) -> Result<u64> {
    let local = |t: NaiveDateTime| {
        Local
            .from_local_datetime(&t)
            .earliest()
            .map(|t| t.timestamp_millis())
    };
    let t = s.trim();
    let ms = if let Ok(t) = chrono::DateTime::parse_from_rfc3339(t) {
        Some(t.timestamp_millis())
    } else if let Ok(t) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
        local(t)
    } else if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        d.and_hms_milli_opt(23, 59, 59, 999).and_then(local)
    } else {
        None
    };
    ms.and_then(|ms| u64::try_from(ms).ok()).ok_or_else(|| {
        refuse(
            s,
            "a moment; write 2026-11-20T17:00:00Z, \"2026-11-20 17:00\" or 2026-11-20",
        )
    })
}

/// A size in bytes with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), or
/// `none` (no limit).
pub fn size(s: &str) -> Result<Option<u64>> {
    const EXPECTED: &str = "a size such as 500MB or 20GiB, or none";
    let t = s.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().map_err(|_| refuse(s, EXPECTED))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(refuse(s, EXPECTED)),
    };
    Ok(Some((n * scale) as u64))
}

/// A positive interval: a number and a unit, `s`, `m`, `h` or `d` (`30s`, `5m`, `1h`,
/// `7d`).
pub fn interval(s: &str) -> Result<Duration> {
    const EXPECTED: &str = "an interval such as 30s, 5m, 1h or 7d";
    let t = s.trim();
    let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = n.parse().map_err(|_| refuse(s, EXPECTED))?;
    let secs = match unit {
        "s" | "" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(24 * 3600),
        _ => None,
    };
    match secs {
        Some(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(refuse(s, EXPECTED)),
    }
}

/// A date in a search (`after:`, `--before`): `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (its
/// first day). Refused as a [`Error::Query`], the search's own error.
pub fn search_date(s: &str) -> Result<NaiveDate> {
    let s = s.trim();
    let bad = || Error::Query {
        query: s.to_owned(),
        problem: "is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY",
    };
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d") {
        return Ok(d);
    }
    if s.len() == 4
        && let Ok(y) = s.parse::<i32>()
    {
        return NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad);
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_moments() {
        assert_eq!(
            day(" 2031-06-30 ").unwrap(),
            NaiveDate::from_ymd_opt(2031, 6, 30).unwrap()
        );
        assert!(matches!(
            day("30/06/2031"),
            Err(Error::NotUnderstood { .. })
        ));
        assert_eq!(moment("2026-11-20T17:00:00Z").unwrap(), 1_795_194_000_000);
        assert_eq!(
            moment("2026-11-20T17:00:00+01:00").unwrap(),
            1_795_190_400_000
        );
        // Local forms: the end of a day comes after any time of that day.
        let day_end = moment("2026-11-20").unwrap();
        let evening = moment("2026-11-20 17:00").unwrap();
        assert!(day_end > evening && day_end - evening < 7 * 3_600_000 + 1);
        for bad in ["yesterday", "20/11/2026", "2026-13-01", ""] {
            let e = moment(bad).unwrap_err();
            assert!(e.to_string().contains("not a moment"), "{bad}: {e}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(size("none").unwrap(), None);
        assert_eq!(size("500MB").unwrap(), Some(500_000_000));
        assert_eq!(size("2GiB").unwrap(), Some(2 << 30));
        assert_eq!(size("1.5 kb").unwrap(), Some(1500));
        assert_eq!(size("0").unwrap(), Some(0));
        assert!(size("lots").is_err());
        assert!(size("5 parsecs").is_err());
    }

    #[test]
    fn intervals() {
        assert_eq!(interval("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(interval("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(interval("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(interval("45").unwrap(), Duration::from_secs(45));
        assert_eq!(interval("7d").unwrap(), Duration::from_secs(7 * 24 * 3600));
        for bad in ["0m", "five", "5w", "99999999999999999999h", "-5m"] {
            let e = interval(bad).unwrap_err();
            assert!(matches!(e, Error::NotUnderstood { .. }), "{bad}: {e}");
        }
    }
}
