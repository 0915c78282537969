//! How much memory the machine has free, for planning allocations before making them.
//!
//! ```text
//! available = MemAvailable from /proc/meminfo (kB) x 1024   bytes, Linux only
//! ```
//! `MemAvailable` is the kernel's estimate of the memory a new allocation can get without
//! swapping (free memory plus reclaimable caches). Elsewhere, or when the file cannot be read
//! or parsed, the answer is `None` and callers skip the check.

/// Bytes of memory available to new allocations: `MemAvailable` from `/proc/meminfo`, or
/// `None` where that is not readable (not Linux, no `/proc`, unexpected format).
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

/// `MemAvailable` in bytes from the text of `/proc/meminfo`.
pub(crate) fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut fields = line.split_whitespace().skip(1);
    let value: u64 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") | None => value.checked_mul(1024),
        Some(_) => None,
    }
}

/// A byte count for messages: `812 B`, `1.5 KB`, `28.8 GB`, `8.0 TB` (powers of 1000).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_available_in_kilobytes() {
        let text = "MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n";
        assert_eq!(parse_mem_available(text), Some(8_000_000 * 1024));
        assert_eq!(parse_mem_available("MemAvailable: 12\n"), Some(12 * 1024));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: x kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: 5 MB\n"), None);
        assert_eq!(
            parse_mem_available(&format!("MemAvailable: {} kB\n", u64::MAX)),
            None
        );
    }

    #[test]
    fn on_linux_some_memory_is_available() {
        if std::path::Path::new("/proc/meminfo").is_file() {
            assert!(available_memory().is_some_and(|b| b > 0));
        }
    }

    #[test]
    fn byte_counts_read_as_decimal_units() {
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(1500), "1.5 KB");
        assert_eq!(human_bytes(28_800_000_000), "28.8 GB");
        assert_eq!(human_bytes(8_000_000_000_000), "8.0 TB");
        assert_eq!(human_bytes(u64::MAX), "18.4 EB");
    }
}
