//! `bareflow snapshot show STORE`: what a state store holds — both slots, the newest snapshot's
//! generation and its sections (JSON sections printed in full).
//! `bareflow snapshot put STORE SECTION FILE`: save a new generation with SECTION set to FILE's
//! bytes (the other sections carried over).
//! STORE is a directory (userspace: STORE/state.img), a store file, or the raw disk image
//! `make qemu` attaches.

use crate::state::store::SlotState;
use crate::state::Store;
use std::path::Path;

const USAGE: &str = "usage: bareflow snapshot show STORE | bareflow snapshot put STORE SECTION FILE";

pub fn main(args: &[String]) -> i32 {
    match args {
        [cmd, path] if cmd == "show" => show(path),
        [cmd, path, section, file] if cmd == "put" => put(path, section, file),
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
