//! Crash safety of the state store in the unikernel, shown rather than assumed: QEMU is killed
//! with SIGKILL while the guest saves snapshots to the state disk (`bareflow snapshot stress
//! --slow-write`, which announces each save and paces its writes so that the kill can be aimed
//! inside one), 20 times. After each kill a fresh boot must recover the newest complete snapshot
//! — the last one reported saved, or the one being written if it completed just before the kill —
//! byte for byte, or start clean if none was ever saved. Most kills must provably land mid-write.
//! Needs `make image`.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::Qemu;

const ROUNDS: usize = 20;
/// The pause between the pieces a save writes (`--slow-write`): a save writes at least one
/// payload chunk and the header, so its slot stays incomplete for at least two pauses.
const SLOW_WRITE_MS: u64 = 40;

/// The kernel image on the state disk `disk`, running `cmdline`.
fn on_disk(disk: &Path, cmdline: &[&str]) -> Qemu {
    Qemu::image().timeout(120).disk(disk).args(cmdline)
}

/// What a boot of `snapshot verify` found.
struct Recovered {
    /// The counter of the newest valid snapshot, whose contents verify compared in full (None:
    /// a clean start).
    counter: Option<u64>,
    /// A slot was empty (its save was interrupted, or it was never written).
    empty_slot: bool,
    /// Slots that failed their checks, with the reason.
    rejected: Vec<String>,
    serial: String,
}

fn verify(disk: &Path) -> Recovered {
    let b = on_disk(disk, &["snapshot", "verify", "/dev/state"]).run();
    let out = b.serial;
    assert_eq!(b.code, 0, "verify failed (a corrupt or wrong snapshot was accepted?):\n{out}");
    // "verify: generation G holds counter K, contents ok (2 sections, B bytes equal)": every byte
    // of every section equals the stress payload of counter K.
    let counter = out.lines().find_map(|l| {
        let rest = l.strip_prefix("verify: generation ")?;
        let (k, tail) = rest.split("holds counter ").nth(1)?.split_once(", ")?;
        tail.starts_with("contents ok (2 sections, ").then_some(())?;
        k.parse().ok()
    });
    assert!(counter.is_some() || out.contains("verify: no snapshot (clean start)"), "unexpected verify output:\n{out}");
    let slot_lines = || out.lines().filter(|l| l.starts_with("verify: slot "));
    let empty_slot = slot_lines().any(|l| l.ends_with(" empty"));
    let rejected = slot_lines().filter(|l| l.contains(" rejected: ")).map(str::to_string).collect();
    Recovered { counter, empty_slot, rejected, serial: out }
}

/// The number after `prefix` in `line`, if it starts so.
fn number_after(line: &str, prefix: &str) -> Option<u64> {
    line.strip_prefix(prefix)?.split(' ').next()?.parse().ok()
}

#[test]
fn sigkill_during_snapshot_writes_recovers_the_newest_complete_snapshot() {
    let disk = support::temp_path("crash.img");
    std::fs::write(&disk, vec![0u8; 4 << 20]).unwrap();
    let mut seed: u64 = 0x005e_ed0f_c4a5;
    // What the previous round's verify recovered: where the next stress run must start.
    let mut recovered: Option<u64> = None;
    let mut kills_mid_write = 0;
    for round in 0..ROUNDS {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // Let 0..2 saves complete, then kill inside the next one; the first round kills the very
        // first save, whose next boot must be a clean start.
        let wait_saves = if round == 0 { 0 } else { (seed >> 33) % 3 };
        // Past the header's zeroing (a few ms after the announcement), before the header's write
        // (at least two pauses later).
        let delay_ms = 10 + (seed >> 40) % (2 * SLOW_WRITE_MS - 20);
        let pidfile = support::temp_path("crash.pid");
        let _ = std::fs::remove_file(&pidfile);
        let slow = SLOW_WRITE_MS.to_string();
        let mut child = on_disk(&disk, &["snapshot", "stress", "/dev/state", "1000", "--slow-write", &slow])
            .pidfile(&pidfile)
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut start, mut last_saved, mut writing) = (None, None, None);
        let mut saves = 0;
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut log = String::new();
        while writing.is_none() && Instant::now() < deadline {
            let Some(Ok(l)) = lines.next() else { break };
            log.push_str(&l);
            log.push('\n');
            if let Some(s) = number_after(&l, "stress: starting after counter ") {
                start = Some(s);
            } else if let Some(k) = number_after(&l, "stress: saved counter ") {
                last_saved = Some(k);
                saves += 1;
            } else if let Some(k) = number_after(&l, "stress: writing counter ")
                && saves == wait_saves
            {
                writing = Some(k);
            }
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SIGKILL QEMU itself (no chance to flush anything), by the pid it wrote.
        let qemu_pid = std::fs::read_to_string(&pidfile).unwrap_or_default().trim().to_string();
        assert!(qemu_pid.parse::<u32>().is_ok_and(|p| p > 1), "no QEMU pid in {}", pidfile.display());
        let _ = std::process::Command::new("kill").args(["-KILL", &qemu_pid]).status();
        let _ = child.wait();
        let _ = std::fs::remove_file(&pidfile);

        // The writer started on top of what the previous boot recovered.
        assert_eq!(start, Some(recovered.unwrap_or(0)), "round {round}: stress started elsewhere:\n{log}");
        let k = writing.unwrap_or_else(|| panic!("round {round}: no save announced in time:\n{log}"));
        assert_eq!(k, recovered.unwrap_or(0) + wait_saves + 1, "round {round}: saves skipped:\n{log}");
        // The last counter reported saved in this round, or the one it started from.
        assert_eq!(last_saved.or(start), Some(k - 1), "round {round}: the save before counter {k}:\n{log}");

        let found = verify(&disk);
        // Counter k - 1 (reported saved, or recovered at the start) or k (its save completed just
        // before the kill): nothing older, nothing else. Counter 0 is a clean start.
        let f = found.counter.unwrap_or(0);
        assert!(
            f == k - 1 || f == k,
            "round {round}: killed while writing counter {k}, the next boot recovered {:?}:\n{}",
            found.counter,
            found.serial
        );
        // A save zeroes its slot's header before it writes the payload and writes the header
        // last, so an interrupted save leaves its slot empty: a rejected slot (a header over a
        // torn payload) means that order was broken, even though the checksums caught it.
        assert!(
            found.rejected.is_empty(),
            "round {round}: killed while writing counter {k}, the next boot rejected a slot (its header does not \
             describe the payload under it: not zeroed first, or written before the payload?): {:?}\n{}",
            found.rejected,
            found.serial
        );
        // Mid-write, proven: from counter 3 on both slots held a snapshot before the save began;
        // the previous snapshot is the newest and the slot being written is empty.
        let mid_write = k >= 3 && f == k - 1 && found.empty_slot;
        kills_mid_write += usize::from(mid_write);
        eprintln!(
            "crash round {round}: killed {delay_ms} ms into the save of counter {k} (after {saves} saves); \
             recovered {:?}{}",
            found.counter,
            if mid_write { ", mid-write" } else { "" }
        );
        recovered = found.counter;
    }
    let _ = std::fs::remove_file(&disk);
    eprintln!("crash test: {ROUNDS} kills, {kills_mid_write} of them provably interrupted a save");
    assert!(
        kills_mid_write >= ROUNDS / 2,
        "only {kills_mid_write} of {ROUNDS} kills landed inside a save: the test no longer exercises torn writes"
    );
}
