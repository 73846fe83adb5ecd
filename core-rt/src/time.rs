//! Time: the TSC is the clock. Its frequency is learnt once at boot (see `arch::cpu::tsc`);
//! monotonic time counts from kernel entry; real time adds the CMOS RTC reading taken at boot.

use core::sync::atomic::{AtomicI64, AtomicU64, Ordering};

static TSC_HZ: AtomicU64 = AtomicU64::new(0);
static TSC_AT_ENTRY: AtomicU64 = AtomicU64::new(0);
static REALTIME_AT_ENTRY: AtomicI64 = AtomicI64::new(0);

/// Record the clock's parameters (called once at boot).
pub fn init(tsc_hz: u64, tsc_at_entry: u64, unix_seconds_at_boot: i64) {
    TSC_HZ.store(tsc_hz.max(1), Ordering::Relaxed);
    TSC_AT_ENTRY.store(tsc_at_entry, Ordering::Relaxed);
    REALTIME_AT_ENTRY.store(unix_seconds_at_boot, Ordering::Relaxed);
}

/// TSC ticks per second.
pub fn tsc_hz() -> u64 {
    TSC_HZ.load(Ordering::Relaxed)
}

/// Convert a TSC delta to nanoseconds without overflowing for years of uptime.
pub fn ticks_to_ns(ticks: u64, hz: u64) -> u64 {
    ((ticks as u128 * 1_000_000_000) / hz.max(1) as u128) as u64
}

/// Nanoseconds since kernel entry.
pub fn monotonic_ns() -> u64 {
    let now = crate::arch::cpu::tsc::read();
    ticks_to_ns(now.saturating_sub(TSC_AT_ENTRY.load(Ordering::Relaxed)), tsc_hz())
}

/// Microseconds between kernel entry and TSC value `tsc` (for the boot log).
pub fn us_since_entry(tsc: u64) -> u64 {
    ticks_to_ns(tsc.saturating_sub(TSC_AT_ENTRY.load(Ordering::Relaxed)), tsc_hz()) / 1000
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> i128 {
    REALTIME_AT_ENTRY.load(Ordering::Relaxed) as i128 * 1_000_000_000 + monotonic_ns() as i128
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 11, 21), 20_778);
    }

    #[test]
    fn ticks_conversion_does_not_overflow() {
        assert_eq!(ticks_to_ns(3_000_000_000, 3_000_000_000), 1_000_000_000);
        let ten_years = 3_000_000_000u64 * 86_400 * 3650;
        assert_eq!(ticks_to_ns(ten_years, 3_000_000_000), 86_400 * 3650 * 1_000_000_000);
    }
}
