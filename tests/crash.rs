//! Crash safety of the state store in the unikernel: QEMU is killed with SIGKILL at
//! pseudo-random moments while the guest saves snapshots to the state disk, 20 times; after each
//! kill a fresh boot must find the newest snapshot that was reported saved (or a newer one that
//! completed just before the kill), with exactly the contents its counter implies — or start
//! clean if none was ever saved. Never a corrupt one. Needs `make image`.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::Qemu;

/// The kernel image on the state disk `disk`, running `cmdline`.
fn on_disk(disk: &Path, cmdline: &[&str]) -> Qemu {
    Qemu::image().timeout(120).disk(disk).args(cmdline)
}

fn verify(disk: &Path) -> (Option<u64>, String) {
    let b = on_disk(disk, &["snapshot", "verify", "/dev/state"]).run();
    let out = b.serial;
    assert_eq!(b.code, 0, "verify failed (a corrupt snapshot was accepted?):\n{out}");
    let counter = out.lines().find_map(|l| l.split("holds counter ").nth(1)?.split(',').next()?.parse().ok());
    assert!(counter.is_some() || out.contains("no snapshot (clean start)"), "unexpected verify output:\n{out}");
    (counter, out)
}

#[test]
fn sigkill_during_snapshot_writes_never_yields_a_corrupt_snapshot() {
    let disk = support::temp_path("crash.img");
    std::fs::write(&disk, vec![0u8; 4 << 20]).unwrap();
    let mut seed: u64 = 0x005e_ed0f_c4a5;
    let mut last_reported: Option<u64> = None;
    let mut kills_mid_write = 0;
    for round in 0..20 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let wait_saves = (seed >> 33) % 3; // let 0..2 saves complete, then kill during the next ones
        let extra_ms = (seed >> 40) % 120; // a save takes tens of ms under TCG: land inside one
        let pidfile = support::temp_path("crash.pid");
        let _ = std::fs::remove_file(&pidfile);
        let mut child = on_disk(&disk, &["snapshot", "stress", "/dev/state", "1000"])
            .pidfile(&pidfile)
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut saves = 0;
        let deadline = Instant::now() + Duration::from_secs(90);
        while saves <= wait_saves && Instant::now() < deadline {
            match lines.next() {
                Some(Ok(l)) => {
                    if let Some(k) = l.split("saved counter ").nth(1).and_then(|r| r.split(' ').next()?.parse().ok()) {
                        last_reported = Some(k);
                        saves += 1;
                    }
                }
                _ => break,
            }
        }
        std::thread::sleep(Duration::from_millis(extra_ms));
        // SIGKILL QEMU itself (no chance to flush anything), by the pid it wrote.
        let qemu_pid = std::fs::read_to_string(&pidfile).unwrap_or_default().trim().to_string();
        assert!(qemu_pid.parse::<u32>().is_ok_and(|p| p > 1), "no QEMU pid in {}", pidfile.display());
        let _ = std::process::Command::new("kill").args(["-KILL", &qemu_pid]).status();
        let _ = child.wait();
        let (found, out) = verify(&disk);
        if let Some(k) = last_reported {
            let f = found.unwrap_or_else(|| {
                panic!("round {round}: counter {k} was saved, but the next boot found nothing:\n{out}")
            });
            assert!(f >= k, "round {round}: counter {k} was saved, the next boot found only {f}:\n{out}");
            // Both slots are written by the time counter 2 is saved: an empty or rejected slot
            // afterwards means the kill interrupted a save.
            if f >= 2 && (out.contains("rejected") || out.contains(" empty")) {
                kills_mid_write += 1;
            }
            last_reported = Some(f);
        }
        eprintln!(
            "crash round {round}: killed after {saves} reported saves + {extra_ms} ms; next boot found {found:?}"
        );
    }
    let _ = std::fs::remove_file(&disk);
    eprintln!(
        "crash test: 20 kills, {kills_mid_write} of them interrupted a save (its slot was empty or rejected at the next boot)"
    );
}
