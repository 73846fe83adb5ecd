//! `bareflow snapshot show STORE`: what a state store holds — both slots, the newest snapshot's
//! generation and its sections (a `bareflow run --state` snapshot decoded: profile, tiers, object
//! cache, dead functions; other JSON sections printed in full).
//! `bareflow snapshot put STORE SECTION FILE`: save a new generation with SECTION set to FILE's
//! bytes (the other sections carried over).
//! `bareflow snapshot stress STORE N [--slow-write MS]` / `verify STORE`: the crash test's writer
//! and checker — N saves whose contents are derived from a counter, each announced before it
//! starts and reported when it completed (`--slow-write` pauses MS between the pieces a save
//! writes, so a kill can land inside one), and a check that the newest snapshot holds exactly
//! what its counter says, every byte of every section (so a torn save can never pass for a good one).
//! STORE is a directory (userspace: STORE/state.img), a store file, or the raw disk image
//! `make qemu` attaches.

use bareflow_state::Store;
use bareflow_state::content::RunState;
use bareflow_state::store::SlotState;
use std::path::Path;

const USAGE: &str =
    "usage: bareflow snapshot show STORE | put STORE SECTION FILE | stress STORE N [--slow-write MS] | verify STORE";

pub fn main(args: &[String]) -> i32 {
    match args {
        [cmd, path] if cmd == "show" => show(path),
        [cmd, path, section, file] if cmd == "put" => put(path, section, file),
        [cmd, path, n, rest @ ..] if cmd == "stress" => {
            let slow_ms = match rest {
                [] => Some(0),
                [opt, ms] if opt == "--slow-write" => ms.parse().ok(),
                _ => None,
            };
            match (n.parse(), slow_ms) {
                (Ok(n), Some(ms)) => stress(path, n, ms),
                _ => {
                    eprintln!("bareflow snapshot: stress: expected a count and optionally --slow-write MS: {USAGE}");
                    2
                }
            }
        }
        [cmd, path] if cmd == "verify" => verify(path),
        _ => {
            eprintln!("bareflow snapshot: {USAGE}");
            2
        }
    }
}

fn open(path: &str) -> Option<Store> {
    let p = Path::new(path);
    let opened = if p.is_dir() || !p.exists() { Store::open_dir(p) } else { Store::open_file(p) };
    opened.map_err(|e| eprintln!("bareflow snapshot: {e}")).ok()
}

/// The payload the stress writer saves for counter `k`: its own counter and k-dependent bytes
/// (30–250 KB, so saves span many sectors).
fn stress_payload(k: u64) -> bareflow_state::Snapshot {
    let mut snap = bareflow_state::Snapshot::default();
    snap.sections.insert("counter".into(), k.to_string().into_bytes());
    let len = 30_000 + (k.wrapping_mul(7919) % 220_000) as usize;
    let mut x = k.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let data = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    snap.sections.insert("data".into(), data);
    snap
}

/// Where the contents of `snap` differ from `stress_payload(k)`: a missing, extra or different
/// section (compared byte for byte), or None when every section matches.
fn payload_mismatch(snap: &bareflow_state::Snapshot, k: u64) -> Option<String> {
    let want = stress_payload(k);
    if let Some(extra) = snap.sections.keys().find(|n| !want.sections.contains_key(*n)) {
        return Some(format!("unexpected section '{extra}'"));
    }
    want.sections.iter().find_map(|(name, bytes)| match snap.sections.get(name) {
        None => Some(format!("section '{name}' missing")),
        Some(got) if got.len() != bytes.len() => {
            Some(format!("section '{name}' has {} bytes, not {}", got.len(), bytes.len()))
        }
        Some(got) => {
            got.iter().zip(bytes).position(|(a, b)| a != b).map(|at| format!("section '{name}' differs at byte {at}"))
        }
    })
}

fn stress(path: &str, n: u64, slow_ms: u64) -> i32 {
    let Some(mut store) = open(path) else { return 1 };
    if slow_ms > 0 {
        store.pace_saves(move || std::thread::sleep(std::time::Duration::from_millis(slow_ms)));
    }
    let start = match store.load() {
        Ok(l) => l
            .snapshot
            .and_then(|(_, s)| std::str::from_utf8(s.sections.get("counter")?).ok()?.parse::<u64>().ok())
            .unwrap_or(0),
        Err(e) => {
            eprintln!("bareflow snapshot: {e}");
            return 1;
        }
    };
    println!("stress: starting after counter {start}");
    for k in start + 1..=start + n {
        println!("stress: writing counter {k}");
        match store.save(&stress_payload(k)) {
            Ok(g) => println!("stress: saved counter {k} as generation {g}"),
            Err(e) => {
                eprintln!("bareflow snapshot: {e}");
                return 1;
            }
        }
    }
    0
}

fn verify(path: &str) -> i32 {
    let Some(mut store) = open(path) else { return 1 };
    let loaded = match store.load() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bareflow snapshot: {e}");
            return 1;
        }
    };
    for (i, s) in loaded.slots.iter().enumerate() {
        match s {
            SlotState::Corrupt(why) => println!("verify: slot {} rejected: {why}", ["A", "B"][i]),
            // A save zeroes its slot's header first: an interrupted save leaves the slot empty.
            SlotState::Empty => println!("verify: slot {} empty", ["A", "B"][i]),
            SlotState::Valid { .. } => {}
        }
    }
    match loaded.snapshot {
        None => {
            println!("verify: no snapshot (clean start)");
            0
        }
        Some((g, snap)) => {
            let k = snap.sections.get("counter").and_then(|c| std::str::from_utf8(c).ok()?.parse::<u64>().ok());
            let Some(k) = k else {
                println!("verify: generation {g} passed its checksums but has no counter: its contents are WRONG");
                return 1;
            };
            match payload_mismatch(&snap, k) {
                None => {
                    let bytes: usize = snap.sections.values().map(Vec::len).sum();
                    println!(
                        "verify: generation {g} holds counter {k}, contents ok ({} sections, {bytes} bytes equal)",
                        snap.sections.len()
                    );
                    0
                }
                Some(why) => {
                    println!("verify: generation {g} holds counter {k} but its contents are WRONG: {why}");
                    1
                }
            }
        }
    }
}

fn put(path: &str, section: &str, file: &str) -> i32 {
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("bareflow snapshot: cannot read '{file}': {e}");
            return 1;
        }
    };
    let Some(mut store) = open(path) else { return 1 };
    let mut snap = match store.load() {
        Ok(l) => l.snapshot.map(|(_, s)| s).unwrap_or_default(),
        Err(e) => {
            eprintln!("bareflow snapshot: {e}");
            return 1;
        }
    };
    snap.sections.insert(section.to_string(), data);
    match store.save(&snap) {
        Ok(g) => {
            println!("saved generation {g}");
            0
        }
        Err(e) => {
            eprintln!("bareflow snapshot: {e}");
            1
        }
    }
}

fn show(path: &str) -> i32 {
    let p = Path::new(path);
    if !p.exists() {
        eprintln!("bareflow snapshot: '{path}' does not exist");
        return 1;
    }
    let Some(mut store) = open(path) else { return 1 };
    let loaded = match store.load() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bareflow snapshot: {e}");
            return 1;
        }
    };
    println!("store: {}", store.path().display());
    for (i, s) in loaded.slots.iter().enumerate() {
        let label = ["A", "B"][i];
        match s {
            SlotState::Empty => println!("slot {label}: empty"),
            SlotState::Valid { generation, len } => println!("slot {label}: generation {generation}, {len} bytes"),
            SlotState::Corrupt(why) => println!("slot {label}: corrupt ({why})"),
        }
    }
    match loaded.snapshot {
        None => println!("no valid snapshot"),
        Some((generation, snap)) => {
            println!("newest: generation {generation}, {} section(s)", snap.sections.len());
            if RunState::is_run_snapshot(&snap) {
                return match RunState::from_snapshot(&snap) {
                    Ok(r) => {
                        print!("{}", r.describe());
                        0
                    }
                    Err(e) => {
                        println!("run snapshot unreadable: {e}");
                        1
                    }
                };
            }
            for (name, data) in &snap.sections {
                println!("  {name}: {} bytes", data.len());
                if name.ends_with(".json") {
                    println!("{}", String::from_utf8_lossy(data));
                }
            }
        }
    }
    0
}
