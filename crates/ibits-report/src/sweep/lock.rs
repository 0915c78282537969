//! One sweep at a time per output directory.
//!
//! [`run_sweep`](crate::sweep::run_sweep) holds `DIR/sweep.lock` for the whole run. The file
//! is created with `create_new` (`O_CREAT | O_EXCL`: of two processes, exactly one creates it)
//! and records who holds it:
//!
//! ```text
//! ibits sweep lock
//! pid = 4242
//! started = 1733480580          Unix time, seconds
//! proc_start = 8170231          Linux: field 22 of /proc/<pid>/stat (clock ticks after boot)
//! host = build-07               Linux: /proc/sys/kernel/hostname
//! token = 1733480580123456789-0 tells this holder's file from any later one
//! ```
//!
//! A second sweep on the directory is refused with [`ReportError::Locked`], naming the
//! directory, the holder's pid, host and start time, and the lock file. The lock is removed
//! when the run ends, successfully or not (also on a panic); a process killed outright
//! (SIGKILL, SIGINT without a handler, power loss) leaves it behind. Such a stale lock is taken
//! over, with a note, when its process is gone: no `/proc/<pid>`, a zombie, or a process of
//! that pid started at another time (the pid was reused). A lock taken on another host, or on
//! a system without `/proc`, cannot be checked and is never taken over: the error says to
//! remove it by hand if no sweep runs.
//!
//! Taking over renames the stale file aside, checks that the file moved is the one judged
//! stale (another process may have taken it over and locked first), and only then deletes
//! it, so two sweeps that find the same stale lock cannot both run.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::ReportError;

/// File name of the lock inside a sweep directory.
pub const LOCK_FILE: &str = "sweep.lock";

/// First line of a lock file.
const MAGIC: &str = "ibits sweep lock";

/// How long to wait for a lock file that another process has just created to hold its
/// content (it is written right after `create_new`).
const READ_PATIENCE: Duration = Duration::from_millis(500);

/// Attempts at creating the lock before giving up (each failed one took over a stale lock or
/// lost a race with another process).
const ATTEMPTS: usize = 8;

/// An exclusive lock on a sweep directory, released when dropped.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
    content: String,
    note: Option<String>,
}

/// What a lock file says about its holder.
#[derive(Debug, Clone, PartialEq)]
struct Holder {
    pid: u32,
    started: Option<u64>,
    proc_start: Option<u64>,
    host: Option<String>,
}

/// Whether the holder of a lock still runs.
enum Liveness {
    Alive,
    /// Gone, and why we think so.
    Gone(String),
    /// Cannot be checked, and why.
    Unknown(String),
}

impl DirLock {
    /// Lock `dir` (created if needed) for this process.
    ///
    /// # Errors
    /// [`ReportError::Locked`] when another sweep holds it (or held it and cannot be checked);
    /// [`ReportError::Io`] when the directory or the lock file cannot be created.
    pub fn acquire(dir: &Path) -> Result<Self, ReportError> {
        fs::create_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
        let path = dir.join(LOCK_FILE);
        let mut notes = Vec::new();
        for _ in 0..ATTEMPTS {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let content = own_content();
                    let written = file
                        .write_all(content.as_bytes())
                        .and_then(|()| file.sync_all());
                    if let Err(e) = written {
                        drop(file);
                        let _ = fs::remove_file(&path);
                        return Err(ReportError::io(&path, e));
                    }
                    return Ok(Self {
                        path,
                        content,
                        note: (!notes.is_empty()).then(|| notes.join("; ")),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(ReportError::io(&path, e)),
            }
            let Some((text, holder)) = read_holder(&path)? else {
                continue; // removed meanwhile: try again
            };
            let Some(holder) = holder else {
                return Err(locked(
                    dir,
                    &path,
                    format!("its lock file does not read as one ibits writes: {text:?}"),
                ));
            };
            match liveness(&holder) {
                Liveness::Alive => return Err(locked(dir, &path, describe(&holder))),
                Liveness::Unknown(why) => {
                    return Err(locked(dir, &path, format!("{}; {why}", describe(&holder))))
                }
                Liveness::Gone(why) => {
                    if take_over(&path, &text)? {
                        notes.push(format!(
                            "took over the stale lock {} of {}: {why}",
                            path.display(),
                            describe(&holder)
                        ));
                    }
                }
            }
        }
        Err(locked(
            dir,
            &path,
            format!("other processes kept taking {LOCK_FILE} ({ATTEMPTS} attempts)"),
        ))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was done to get the lock, when a stale one was taken over.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

impl Drop for DirLock {
    /// Remove the lock file, if it is still this lock's.
    fn drop(&mut self) {
        if fs::read_to_string(&self.path).is_ok_and(|text| text == self.content) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn locked(dir: &Path, lock: &Path, holder: String) -> ReportError {
    ReportError::Locked {
        dir: dir.to_path_buf(),
        lock: lock.to_path_buf(),
        holder,
    }
}

/// The lock file's text and what it says; `None` when the file no longer exists. A file
/// still empty or half written (its creator is between `create_new` and `write`) is read
/// again for up to [`READ_PATIENCE`].
#[allow(clippy::type_complexity)]
fn read_holder(path: &Path) -> Result<Option<(String, Option<Holder>)>, ReportError> {
    let start = std::time::Instant::now();
    loop {
        let text = match fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ReportError::io(path, e)),
        };
        let holder = parse_holder(&text);
        if holder.is_some() || start.elapsed() >= READ_PATIENCE {
            return Ok(Some((text, holder)));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Parse a lock file written by [`own_content`]; `None` when it is not complete.
fn parse_holder(text: &str) -> Option<Holder> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC || !text.ends_with('\n') {
        return None;
    }
    let mut holder = Holder {
        pid: 0,
        started: None,
        proc_start: None,
        host: None,
    };
    let mut pid = None;
    for line in lines {
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        match key {
            "pid" => pid = value.parse().ok(),
            "started" => holder.started = value.parse().ok(),
            "proc_start" => holder.proc_start = value.parse().ok(),
            "host" => holder.host = Some(value.to_string()),
            _ => {}
        }
    }
    holder.pid = pid?;
    Some(holder)
}

/// The lock file this process writes.
fn own_content() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut text = format!("{MAGIC}\npid = {pid}\nstarted = {}\n", now.as_secs());
    if let Some(start) = process_start(pid) {
        text.push_str(&format!("proc_start = {start}\n"));
    }
    if let Some(host) = hostname() {
        text.push_str(&format!("host = {host}\n"));
    }
    text.push_str(&format!(
        "token = {}-{}\n",
        now.as_nanos(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    text
}

/// `pid 4242 on host build-07, started 2024-12-06 10:23:00 UTC`.
fn describe(holder: &Holder) -> String {
    let mut text = format!("pid {}", holder.pid);
    if let Some(host) = &holder.host {
        text.push_str(&format!(" on host {host}"));
    }
    if let Some(started) = holder.started {
        text.push_str(&format!(", started {}", utc(started)));
    }
    text
}

/// Whether the process that holds a lock still runs.
fn liveness(holder: &Holder) -> Liveness {
    if let (Some(theirs), Some(ours)) = (&holder.host, hostname()) {
        if *theirs != ours {
            return Liveness::Unknown(format!(
                "the lock was taken on host {theirs} and this is {ours}, so whether it still runs cannot be checked here"
            ));
        }
    }
    if !Path::new("/proc/self/stat").exists() {
        return Liveness::Unknown(
            "this system has no /proc to check whether that process still runs".into(),
        );
    }
    let pid = holder.pid;
    let stat = match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Liveness::Gone(format!("no process {pid} runs"))
        }
        Err(e) => {
            return Liveness::Unknown(format!(
                "whether process {pid} runs cannot be checked ({e})"
            ))
        }
    };
    let (state, start) = parse_stat(&stat);
    if matches!(state, Some('Z' | 'X')) {
        return Liveness::Gone(format!("process {pid} has exited"));
    }
    match (holder.proc_start, start) {
        (Some(recorded), Some(now)) if recorded != now => Liveness::Gone(format!(
            "process {pid} is another program (started after the lock was taken)"
        )),
        _ => Liveness::Alive,
    }
}

/// State letter and start time (field 22, clock ticks after boot) from `/proc/<pid>/stat`.
/// The command name (field 2) is in parentheses and may hold spaces and parentheses, so the
/// fields are counted from the last `)`.
fn parse_stat(stat: &str) -> (Option<char>, Option<u64>) {
    let Some(close) = stat.rfind(')') else {
        return (None, None);
    };
    let mut fields = stat[close + 1..].split_whitespace();
    let state = fields.next().and_then(|s| s.chars().next());
    // Fields 4..=21 come between the state (3) and the start time (22).
    let start = fields.nth(18).and_then(|s| s.parse().ok());
    (state, start)
}

/// Start time of process `pid` (clock ticks after boot), where `/proc` has it.
fn process_start(pid: u32) -> Option<u64> {
    parse_stat(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?).1
}

/// This machine's host name, where `/proc` has it.
fn hostname() -> Option<String> {
    let name = fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Remove the stale lock at `path` whose text was `stale`: rename it aside, check that what
/// moved is that text, delete it. When another process replaced the lock in the meantime,
/// put its file back. Returns whether the stale lock was removed.
fn take_over(path: &Path, stale: &str) -> Result<bool, ReportError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let aside = path.with_file_name(format!(
        ".{LOCK_FILE}.stale-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    match fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(ReportError::io(path, e)),
    }
    let moved = fs::read_to_string(&aside).unwrap_or_default();
    if moved == stale {
        fs::remove_file(&aside).map_err(|e| ReportError::io(&aside, e))?;
        return Ok(true);
    }
    // Another process's live lock: give it back, unless a third one has locked meanwhile.
    if fs::hard_link(&aside, path).is_err() && !path.exists() {
        let _ = fs::rename(&aside, path);
    }
    let _ = fs::remove_file(&aside);
    Ok(false)
}

/// `2024-12-06 10:23:00 UTC` from Unix seconds (proleptic Gregorian calendar).
fn utc(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 >= 0.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_stat_lines_read_right() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_733_480_580), "2024-12-06 10:23:00 UTC");
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 8170231 1000 \
                    10 18446744073709551615";
        assert_eq!(parse_stat(stat), (Some('S'), Some(8_170_231)));
        assert_eq!(parse_stat("garbage"), (None, None));
    }

    #[test]
    fn own_lock_files_parse_back() {
        let text = own_content();
        let holder = parse_holder(&text).unwrap();
        assert_eq!(holder.pid, std::process::id());
        assert!(parse_holder("").is_none());
        assert!(
            parse_holder(&text[..text.len() - 1]).is_none(),
            "half written"
        );
        if Path::new("/proc/self/stat").exists() {
            assert!(matches!(liveness(&holder), Liveness::Alive));
        }
    }
}
