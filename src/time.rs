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
}
