//! UTC timestamps without a calendar dependency: bundles and logs need only RFC 3339 in UTC.

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(epoch_secs: i64) -> String {
    let days = epoch_secs.div_euclid(86_400);
    let secs_of_day = epoch_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    )
}

/// Formats fractional epoch seconds with nanoseconds, as Go's `time.RFC3339Nano` (the format
/// `flux reconcile` writes into `reconcile.fluxcd.io/requestedAt`).
pub fn rfc3339_nanos(epoch: f64) -> String {
    let secs = epoch.floor();
    let nanos = ((epoch - secs) * 1e9).round().min(999_999_999.0) as u32;
    let whole = rfc3339(secs as i64);
    format!("{}.{nanos:09}Z", whole.trim_end_matches('Z'))
}

/// The current time in seconds since the Unix epoch.
pub fn now_epoch() -> i64 {
    now_precise() as i64
}

/// The current time in seconds since the Unix epoch, with its fraction (for simulated time).
pub fn now_precise() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Parses an RFC 3339 timestamp (`2026-11-24T06:00:00Z`, optional fraction and offset) into
/// epoch seconds; None when it is not one.
pub fn parse_rfc3339(text: &str) -> Option<f64> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (
        date_parts.next()??,
        date_parts.next()??,
        date_parts.next()??,
    );
    let zone_at = rest.find(['Z', 'z', '+']).or_else(|| rest.rfind('-'))?;
    let (clock, zone) = rest.split_at(zone_at);
    let mut clock_parts = clock.splitn(3, ':');
    let hour: i64 = clock_parts.next()?.parse().ok()?;
    let minute: i64 = clock_parts.next()?.parse().ok()?;
    let seconds: f64 = clock_parts.next()?.parse().ok()?;
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':')?;
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
        }
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hour * 3600 + minute * 60 - offset) as f64 + seconds)
}

// Howard Hinnant's civil-to-days algorithm, the inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_500_000), "2026-11-24T06:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(
            super::rfc3339_nanos(1_795_500_000.25),
            "2026-11-24T06:00:00.250000000Z"
        );
    }

    #[test]
    fn parses_what_it_formats_and_offsets() {
        use super::parse_rfc3339;
        for epoch in [0, 951_782_400, 1_795_500_000, -1] {
            assert_eq!(parse_rfc3339(&rfc3339(epoch)), Some(epoch as f64));
        }
        assert_eq!(
            parse_rfc3339("2026-11-24T07:00:00.5+01:00"),
            Some(1_795_500_000.5)
        );
        assert_eq!(
            parse_rfc3339("2026-11-24T06:00:00.25Z"),
            Some(1_795_500_000.25)
        );
        assert_eq!(parse_rfc3339("2026-11-24T06:00:00"), None, "no offset");
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("2026-11-24"), None);
        assert_eq!(parse_rfc3339("2026-13-24T00:00:00Z"), None);
    }
}
