//! `bareflow run --state STORE`: before the run, load the store's newest snapshot and,
//! if it was made for the same bitcode, LLVM and CPU, link its cached objects (warm start); at
//! exit, fold this run's profile into it and save the next generation, then report the app
//! functions no run has executed. Once a run changed nothing (no tier change, the same tiers and
//! dead set as the snapshot it started from), the whole program is rebuilt from the aggregated
//! profile (`crate::aot::whole`) and kept in the snapshot until the tiers or the dead set change.
//! Anything wrong with the snapshot is one `state:` line on stderr, and the run goes on cold; an
//! unusable store means a run without state.

use super::coverage::Coverage;
use bareflow_state::Store;
use bareflow_state::content::{Converged, Identity, RunState};
use bareflow_state::store::SlotState;
use bareflow_tier::{Tiering, cache};
use irvm::Machine;
use std::path::Path;

/// What a run with `--state` keeps between its start and its end (part of the run's session).
pub struct SnapshotSession {
    store: Store,
    /// The snapshot this run started from, if it fit.
    prev: Option<RunState>,
    /// The counters irvm was seeded with, by function (subtracted at the end).
    seeds: Vec<Option<cache::Seed>>,
    id: Identity,
    /// Whether a stable run rebuilds the program whole and keeps it (the converged module); off
    /// (`--no-converged-module`), `bareflow aot` rebuilds it on the host from the saved profile.
    converged_module: bool,
}

impl SnapshotSession {
    /// A stable run of this session does not rebuild the program whole: the snapshot keeps no
    /// converged module and `bareflow aot` builds the same object from its profile. Under TCG the
    /// rebuild of a large program (Lua: 383 live functions) takes longer than a boot's time-out.
    pub fn leave_converged_module_to_aot(&mut self) {
        self.converged_module = false;
    }
}

fn open(arg: &str) -> Result<Store, String> {
    let p = Path::new(arg);
    // A missing device is not a directory to create (e.g. a boot without a state disk).
    if arg.starts_with("/dev/") && !p.exists() {
        return Err(format!("{arg}: no such device (no state disk attached? QEMU: tools/qemu-run --disk FILE)"));
    }
    let opened = if p.is_dir() || !p.exists() { Store::open_dir(p) } else { Store::open_file(p) };
    opened.map_err(|e| e.to_string())
}

/// What the slots say beyond the newest valid one (corrupt slots), for the messages.
fn corrupt_slots(slots: &[SlotState; 2]) -> String {
    let mut s = String::new();
    for (i, st) in slots.iter().enumerate() {
        if let SlotState::Corrupt(why) = st {
            s += &format!("; slot {} ignored: {why}", ["A", "B"][i]);
        }
    }
    s
}

/// The store opened and its newest snapshot read and decoded before irvm loads the program
/// ([`open_early`]), for [`start`].
pub struct Early {
    opened: Result<(Store, bareflow_state::store::Loaded), String>,
    /// The newest snapshot decoded, when it is a run snapshot.
    decoded: Option<Result<RunState, bareflow_state::content::ContentError>>,
    /// That snapshot was made from these very bytes (same bitcode hash): an earlier run loaded
    /// and verified them in full, so irvm may read the function bodies lazily, unverified.
    pub known: bool,
    t_open: std::time::Duration,
    t_read: std::time::Duration,
}

/// Open store `arg` and read and decode its newest snapshot, before the program is loaded.
pub fn open_early(arg: &str, bitcode: &[u8]) -> Early {
    let t0 = std::time::Instant::now();
    let opened = open(arg);
    let t_open = t0.elapsed();
    let opened = opened.and_then(|mut store| store.load_newest().map(|l| (store, l)).map_err(|e| e.to_string()));
    let decoded = match &opened {
        Ok((_, l)) => l
            .snapshot
            .as_ref()
            .filter(|(_, snap)| RunState::is_run_snapshot(snap))
            .map(|(_, snap)| RunState::from_snapshot(snap)),
        Err(_) => None,
    };
    let known =
        matches!(&decoded, Some(Ok(s)) if s.identity.bitcode_hash == bareflow_state::content::bitcode_hash(bitcode));
    Early { opened, decoded, known, t_open, t_read: t0.elapsed() - t_open }
}

/// Check the store's newest snapshot (`early`: read by [`open_early`]; None: read now) and
/// warm-start from it if it fits. `warm` is false for `--tier jit` (everything gets compiled
/// anyway; the snapshot still aggregates). None: the run goes on without state.
pub fn start(
    m: &mut Machine,
    tiering: Option<&mut Tiering>,
    early: Option<Early>,
    arg: &str,
    program: &str,
    bitcode: &[u8],
    warm: bool,
) -> Option<SnapshotSession> {
    let Some(t) = tiering else {
        eprintln!("state: {arg}: --state needs a JIT tier (auto or jit); running without state");
        return None;
    };
    let t0 = std::time::Instant::now();
    let early = early.unwrap_or_else(|| open_early(arg, bitcode));
    let id = cache::identity(t, program, bitcode);
    let (store, loaded) = match early.opened {
        Ok(x) => x,
        Err(e) => {
            eprintln!("state: {e}; running without state");
            return None;
        }
    };
    let name = store.path().display().to_string();
    let mut decoded = early.decoded;
    let notes = corrupt_slots(&loaded.slots);
    let mut seeds = Vec::new();
    let prev = match loaded.snapshot {
        None if notes.is_empty() => {
            eprintln!("state: {name}: empty, cold start");
            None
        }
        None => {
            eprintln!("state: {name}: no valid snapshot{notes}; cold start");
            None
        }
        Some((g, snap)) if !RunState::is_run_snapshot(&snap) => {
            let names: Vec<&str> = snap.sections.keys().map(String::as_str).take(4).collect();
            eprintln!(
                "state: {name}: generation {g} is not a run snapshot (sections: {}){notes}; discarded, cold start",
                names.join(", ")
            );
            None
        }
        Some((g, _)) => match decoded.take().expect("decoded with the snapshot") {
            Err(e) => {
                eprintln!("state: {name}: generation {g} unreadable: {e}{notes}; discarded, cold start");
                None
            }
            Ok(s) => match s.mismatch(&id) {
                Some(why) => {
                    eprintln!(
                        "state: {name}: generation {g} does not fit this run: {why}{notes}; discarded, cold start"
                    );
                    None
                }
                None if !warm => Some(s),
                None => {
                    let t_link = std::time::Instant::now();
                    let w = cache::warm_start(m, t, &s, &id);
                    let (link, t_seed) = (t_link.elapsed(), std::time::Instant::now());
                    seeds = cache::seed(m, t, &s);
                    if t.verbose {
                        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
                        eprintln!(
                            "[state] warm start: open {:.1} ms, read + decode {:.1} ms, link {} objects {:.1} ms, seed counters {:.1} ms",
                            ms(early.t_open),
                            ms(early.t_read),
                            w.loaded,
                            ms(link),
                            ms(t_seed.elapsed())
                        );
                    }
                    let mut tiers = [0usize; 4];
                    for l in t.levels.iter().flatten() {
                        tiers[l.number() as usize] += 1;
                    }
                    eprintln!(
                        "state: loaded snapshot gen {g} from {name} ({} functions native from the cache: O1 {}, O2 {}, O3 {}; {} KiB of objects; run {}; {:.1} ms){notes}",
                        w.loaded,
                        tiers[1],
                        tiers[2],
                        tiers[3],
                        w.bytes.div_ceil(1024),
                        s.runs + 1,
                        (early.t_open + early.t_read + t0.elapsed()).as_secs_f64() * 1e3
                    );
                    for (f, why) in &w.skipped {
                        eprintln!("state: {name}: cached object of '{f}' not used: {why}");
                    }
                    Some(s)
                }
            },
        },
    };
    Some(SnapshotSession { store, prev, seeds, id, converged_module: true })
}

/// Keep, build or drop the snapshot's whole-program rebuild: built when this run was `stable`
/// and there is none for the current tiers and dead set (unless `rebuild` is off: then none is
/// kept); dropped when those changed.
fn converge(state: &mut RunState, stable: bool, rebuild: bool, t: &Tiering) {
    let shape = state.shape();
    match &state.converged {
        Some(c) if c.shape == shape => {}
        _ if stable && !rebuild => {
            state.converged = None;
            eprintln!(
                "state: profile stable (no tier change, same dead set): whole-program rebuild left to bareflow aot (--no-converged-module)"
            );
        }
        _ if stable => {
            eprintln!(
                "state: profile stable (no tier change, same dead set): rebuilding the program whole at O3 with the aggregated profile…"
            );
            let id = &state.identity;
            let jam = t.plain_jam();
            match crate::aot::whole::build(
                &t.source_bitcode,
                &t.source_name,
                state,
                &id.cpu,
                Some(id.features.clone()),
                jam,
            ) {
                Ok(w) => {
                    eprintln!(
                        "state: converged module: {} live functions, {} dead dropped, object {} bytes ({:.0} ms), kept in the snapshot",
                        w.live.len(),
                        w.dead.len(),
                        w.object.len(),
                        w.ms
                    );
                    state.converged =
                        Some(Converged { runs: state.runs, shape, live: w.live, dead: w.dead, object: w.object });
                }
                Err(e) => {
                    eprintln!("state: converged module not built: {e}");
                    state.converged = None;
                }
            }
        }
        Some(_) => {
            eprintln!("state: converged module dropped: tiers, dead set or specializations changed");
            state.converged = None;
        }
        None => {}
    }
}

/// At exit (once, `Host::finish`): fold this run in, compile what the next run should start
/// with ([`cache::promote`]), save the next generation, report dead code.
pub fn finish(s: &mut SnapshotSession, m: &mut Machine, t: &mut Tiering, coverage: &mut Coverage) {
    let prev_shape = s.prev.as_ref().map(RunState::shape);
    let mut state = cache::collect(m, t, s.prev.take(), &s.seeds, s.id.clone());
    state.coverage = coverage.finish(state.coverage.take());
    let promoted = cache::promote(m, t, &state);
    if promoted.compiled > 0 {
        cache::refresh(m, t, &mut state);
        eprintln!(
            "state: compiled {} function(s) for the next run (per-run heat above their tier's threshold)",
            promoted.compiled
        );
    }
    if promoted.deferred > 0 {
        eprintln!(
            "state: {} start-up or looping function(s) wait for a later run's exit (the {} s budget of those compiles per run is spent)",
            promoted.deferred,
            cache::STARTUP_BUDGET.as_secs()
        );
    }
    let stable = t.log.is_empty() && promoted == Default::default() && prev_shape == Some(state.shape());
    converge(&mut state, stable, s.converged_module, t);
    let name = s.store.path().display().to_string();
    match s.store.save(&state.to_snapshot()) {
        Ok(g) => {
            let bytes: usize = state.objects.iter().map(|o| o.bytes.len()).sum();
            let tiers = state.per_tier();
            eprintln!(
                "state: saved snapshot gen {g} to {name} (run {}, {} functions: interp {}, O1 {}, O2 {}, O3 {}; {} objects, {} KiB)",
                state.runs,
                state.functions.len(),
                tiers[0],
                tiers[2],
                tiers[3],
                tiers[4],
                state.objects.len(),
                bytes.div_ceil(1024)
            );
        }
        Err(e) => eprintln!("state: {e}; this run's profile is not saved"),
    }
    let dead = state.dead();
    let mut list: Vec<&str> = dead.iter().take(12).copied().collect();
    if dead.len() > list.len() {
        list.push("...");
    }
    eprintln!(
        "state: dead code: {} of {} app functions never executed in {} run(s){}{}",
        dead.len(),
        state.functions.len(),
        state.runs,
        if dead.is_empty() { "" } else { ": " },
        list.join(", ")
    );
}
