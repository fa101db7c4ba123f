//! How a report's times read: in UTC, whole where the report shows a clock.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

fn utc(t: Timestamp) -> DateTime {
    TimeZone::UTC.to_datetime(t)
}

/// The full time stamp (RFC 3339), or `?` when the input did not say.
pub(crate) fn stamp(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "?".to_owned(), |t| t.to_string())
}

/// The UTC calendar day of a time.
pub(crate) fn day(t: Timestamp) -> jiff::civil::Date {
    utc(t).date()
}

/// `09:00:00`, or `03-01 14:22` when the time is on another day than `on`
/// (the incident's), so a chain that starts the day before reads right;
/// `--:--:--` when the input did not say.
pub(crate) fn short_on(t: Option<Timestamp>, on: Option<jiff::civil::Date>) -> String {
    let Some(t) = t else {
        return "--:--:--".to_owned();
    };
    let dt = utc(t);
    match on {
        Some(d) if d != dt.date() => format!(
            "{:02}-{:02} {:02}:{:02}",
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute()
        ),
        _ => format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_time_reads_as_a_clock_or_a_day_and_clock() {
        let on = Some(day(t("2026-03-02T10:00:00Z")));
        assert_eq!(short_on(Some(t("2026-03-02T09:05:07Z")), on), "09:05:07");
        assert_eq!(short_on(Some(t("2026-03-01T23:59:30Z")), on), "03-01 23:59");
        assert_eq!(
            short_on(Some(t("2026-03-02T09:05:07.250Z")), on),
            "09:05:07"
        );
        assert_eq!(short_on(None, on), "--:--:--");
        assert_eq!(short_on(Some(t("2026-03-02T09:05:07Z")), None), "09:05:07");
        assert_eq!(
            stamp(Some(t("2026-03-02T09:05:07Z"))),
            "2026-03-02T09:05:07Z"
        );
        assert_eq!(stamp(None), "?");
    }
}
