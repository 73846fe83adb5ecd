//! The tier manager's side of run snapshots: the ORC object cache (every function's
//! current object, re-linked with `Jit::add_object` on a warm start so nothing is recompiled)
//! and this run's profile folded into the aggregated one (`bareflow_state::content`).

use super::{Tiering, policy};
use bareflow_state::content::{CachedObject, Identity, RunState, bitcode_hash, object_key};
use irvm::FuncId;
use irvm::Machine;
use orc_bridge::{CompiledFunction, OptLevel};
use std::collections::HashMap;

/// What re-linking a compiled function needs (kept by `Tiering::compile`).
#[derive(Clone, Debug)]
pub struct Cached {
    pub level: OptLevel,
    pub symbol: String,
    pub host_symbols: Vec<String>,
    pub object: Vec<u8>,
    /// The specialization's key (`orc_bridge::Specialization::key`); empty: none.
    pub specialization: String,
}

impl Cached {
    /// The cacheable part of a compilation (`specialization`: its key, empty for none).
    pub fn of(c: &CompiledFunction, specialization: String) -> Cached {
        Cached {
            level: c.level,
            symbol: c.symbol.clone(),
            host_symbols: c.host_symbols.clone(),
            object: c.object.clone(),
            specialization,
        }
    }
}

fn level_of(n: u8) -> Option<OptLevel> {
    OptLevel::ALL.get(n as usize).copied()
}

/// The identity (cache key parts) of this run: the program's bitcode and the JIT's LLVM and CPU.
pub fn identity(t: &Tiering, program: &str, bitcode: &[u8]) -> Identity {
    let (cpu, mut features) = t.cpu();
    if t.jit.fp_contraction() {
        // Objects compiled with fused multiply-adds round differently: not interchangeable.
        features.push_str(",+bareflow-fp-contract");
    }
    Identity {
        program: program.to_string(),
        bitcode_hash: bitcode_hash(bitcode),
        llvm_version: orc_bridge::llvm_version(),
        cpu,
        features,
    }
}

/// What a warm start did.
#[derive(Debug, Default)]
pub struct WarmStart {
    /// Functions now running cached native code.
    pub loaded: usize,
    /// Objects not used: (function, reason).
    pub skipped: Vec<(String, String)>,
    pub bytes: usize,
}

/// Link every cached object of `state` (already checked against this run's identity) into the
/// JIT and make it its function's code: the function starts at its last tier, with the same
/// call-slot rule as a fresh compile (`Tiering::compile`). An object that fails (key mismatch,
/// unknown function, link error) is skipped: its function starts interpreted.
pub fn warm_start(m: &mut Machine, t: &mut Tiering, state: &RunState, id: &Identity) -> WarmStart {
    let index: HashMap<String, FuncId> = m.defined_functions().map(|f| (m.name(f).to_string(), f)).collect();
    let mut w = WarmStart::default();
    // Add every usable object first, then link them all in one lookup; if that fails, each on
    // its own, so that only the objects that do not link are skipped.
    let mut added = Vec::new();
    for o in &state.objects {
        let skip = |why: String| (o.function.clone(), why);
        let Some(&f) = index.get(&o.function) else {
            w.skipped.push(skip("not defined by the program".into()));
            continue;
        };
        let Some(level) = level_of(o.level) else {
            w.skipped.push(skip(format!("bad level {}", o.level)));
            continue;
        };
        if o.key != object_key(id, &o.function, o.level, &o.specialization) {
            w.skipped.push(skip("cache key mismatch".into()));
            continue;
        }
        // (No `policy::tierable` check: the key covers the bitcode, and only tierable functions
        // get compiled. Checking would read every body of a lazily loaded program.)
        match t.jit.add_object(&o.symbol, &o.bytes, &o.host_symbols, &t.links) {
            Ok(_) => added.push((o, f, level)),
            Err(e) => w.skipped.push(skip(e.to_string())),
        }
    }
    let symbols: Vec<&str> = added.iter().map(|(o, _, _)| o.symbol.as_str()).collect();
    let linked: Vec<orc_bridge::Result<u64>> = if symbols.is_empty() {
        Vec::new()
    } else {
        match t.jit.lookup_all(&symbols) {
            Ok(addresses) => addresses.into_iter().map(Ok).collect(),
            Err(_) => symbols.iter().map(|s| t.jit.lookup(s)).collect(),
        }
    };
    for ((o, f, level), linked) in added.into_iter().zip(linked) {
        let address = match linked {
            Ok(a) => a,
            Err(e) => {
                w.skipped.push((o.function.clone(), e.to_string()));
                continue;
            }
        };
        m.set_native(f, address as usize);
        t.note_perf_map(&o.symbol, address, &o.bytes);
        if t.direct_slot(m, f, level) {
            t.links.publish(f, address);
        }
        t.levels[f.index()] = Some(level);
        t.objects[f.index()] = Some(Cached {
            level,
            symbol: o.symbol.clone(),
            host_symbols: o.host_symbols.clone(),
            object: o.bytes.clone(),
            specialization: o.specialization.clone(),
        });
        let special = t.restore_specialization(f, &o.function, &o.specialization);
        if t.verbose {
            eprintln!("[state] {}: {} from the object cache ({} bytes){special}", o.function, level, o.bytes.len());
        }
        w.loaded += 1;
        w.bytes += o.bytes.len();
    }
    w
}

/// What a run started with for one function (seeded from the snapshot), subtracted at the end.
#[derive(Clone, Debug, Default)]
pub struct Seed {
    pub calls: u64,
    /// Counter values given to irvm; they count only if it took them (`Machine::counters_seeded`).
    pub counters: Box<[u64]>,
}

/// Seed irvm's counters with the per-run average of the aggregated profile (sum / runs), so
/// heat and `!prof` weights carry over: a function whose typical run makes it hot tiers up at
/// its first call instead of after re-learning it, and the tier a run converges to is the one
/// its per-run heat deserves. Functions whose lowered code does not match the saved counters
/// do not take the counters. Functions that start native (from the object cache) are not
/// lowered for this: irvm takes their counters if and when it lowers them (a higher-tier
/// compile needs them as `!prof`); interpreted ones are, so that their heat counts at the first
/// call. Returns the seeds (indexed by function) for [`collect`].
pub fn seed(m: &mut Machine, t: &Tiering, state: &RunState) -> Vec<Option<Seed>> {
    let mut seeds = vec![None; m.function_count()];
    if state.runs == 0 {
        return seeds;
    }
    for f in m.defined_functions().collect::<Vec<_>>() {
        // A function irvm never entered (it ran only inlined into compiled code) has no counts to seed.
        let Some(r) = state.functions.get(m.name(f)).filter(|r| r.runs > 0 && (r.calls > 0 || r.heat > 0)) else {
            continue;
        };
        let counters: Box<[u64]> = r.counters.iter().map(|c| c / state.runs).collect();
        let calls = r.calls / state.runs;
        if t.levels[f.index()].is_none() {
            let _ = m.lower_now(f);
        }
        m.set_calls(f, calls);
        m.seed_counters(f, counters.clone());
        seeds[f.index()] = Some(Seed { calls, counters });
    }
    seeds
}

/// Fold this run into `prev` (None: the first run): this run's calls, heat, cycles and counters
/// (what irvm counted beyond the `seeds`) add up; tiers and objects are this run's. A function
/// counts as executed in this run when irvm saw it entered or executing, when it was compiled, or
/// when its body is inlined into the compiled code of a function executed in this run (the
/// functions each compile inlined, summed over runs in `FuncRecord::inlined`): irvm never sees an
/// inlined copy run, and a function that only ever ran that way is not dead code.
pub fn collect(m: &Machine, t: &Tiering, prev: Option<RunState>, seeds: &[Option<Seed>], id: Identity) -> RunState {
    let mut s = prev.unwrap_or_default();
    s.identity = id;
    s.runs += 1;
    for e in t.log.iter().filter(|e| !e.inlined.is_empty()) {
        let r = s.functions.entry(e.function.clone()).or_default();
        r.inlined.extend(e.inlined.iter().cloned());
        r.inlined.sort();
        r.inlined.dedup();
    }
    let mut executed = std::collections::BTreeSet::new();
    let none = Seed::default();
    for f in m.defined_functions() {
        let name = m.name(f);
        let seed = seeds.get(f.index()).and_then(Option::as_ref).unwrap_or(&none);
        let calls = m.calls(f).saturating_sub(seed.calls);
        let seeded: &[u64] = if m.counters_seeded(f) { &seed.counters } else { &[] };
        let heat = policy::heat(m, f).saturating_sub(policy::heat_of(m, f, seed.calls, seeded));
        let counters: Vec<u64> = m
            .counters(f)
            .iter()
            .enumerate()
            .map(|(k, c)| c.saturating_sub(seeded.get(k).copied().unwrap_or(0)))
            .collect();
        let r = s.functions.entry(name.to_string()).or_default();
        r.calls += calls;
        r.heat += heat;
        r.cycles += m.inclusive_cycles(f);
        if r.counters.len() == counters.len() {
            r.counters.iter_mut().zip(&counters).for_each(|(a, b)| *a += b);
        } else if !counters.is_empty() {
            r.counters = counters;
        }
        // A run that does not version memory calls leaves the choice to the runs that do (the
        // ahead-of-time rebuild versions calls from these tables).
        if t.specialize && t.size_versions {
            for t in m.mem_sizes(f) {
                bareflow_state::memsizes::merge(&mut r.mem_sizes, t.site, t.op, &t.values, t.other);
            }
        }
        let tier = t.levels[f.index()];
        let compiled_now = t.log.iter().any(|e| e.function == name);
        if calls > 0 || heat > 0 || compiled_now {
            r.runs += 1;
            executed.insert(name);
        }
        r.tier = tier.map(OptLevel::number);
    }
    let inlined: std::collections::BTreeSet<String> = executed
        .iter()
        .filter_map(|f| s.functions.get(*f))
        .flat_map(|r| r.inlined.iter())
        .filter(|g| !executed.contains(g.as_str()))
        .cloned()
        .collect();
    for g in inlined {
        s.functions.entry(g).or_default().runs += 1;
    }
    refresh(m, t, &mut s);
    s
}

/// Set `s`'s tiers and object cache from the tier manager now.
pub fn refresh(m: &Machine, t: &Tiering, s: &mut RunState) {
    let mut objects = Vec::new();
    for f in m.defined_functions() {
        let name = m.name(f);
        if let Some(r) = s.functions.get_mut(name) {
            r.tier = t.levels[f.index()].map(OptLevel::number);
        }
        if let Some(c) = &t.objects[f.index()] {
            let level = c.level.number();
            objects.push(CachedObject {
                function: name.to_string(),
                level,
                symbol: c.symbol.clone(),
                host_symbols: c.host_symbols.clone(),
                key: object_key(&s.identity, name, level, &c.specialization),
                specialization: c.specialization.clone(),
                bytes: c.object.clone(),
            });
        }
    }
    s.objects = objects;
}

/// The tier the end of a run gives a function for the next run: what its per-run heat deserves
/// (`by_heat`), at least O2 when its calls run loops (`loops`: loop iterations per call, as irvm
/// counted them while it ran interpreted), and O3 when it is also the program's main work
/// (`main_work`: called again, and its calls, callees included, took at least
/// [`crate::main_work::MAIN_WORK_SHARE`] of this run's interpreted time). None: no tier for its heat (start-up
/// code is decided apart).
pub fn promotion_for(by_heat: Option<OptLevel>, loops: bool, main_work: bool) -> Option<OptLevel> {
    if loops && main_work {
        return Some(OptLevel::O3);
    }
    by_heat.map(|l| if loops { l.max(OptLevel::O2) } else { l })
}

/// How long the budgeted compiles at the end of one run may take (see [`promote`]): start-up
/// code and the tiers that looping functions get above what their heat gives. A large program's
/// start-up code is hundreds of functions (SQLite's short script: about 470, Lua's: about 300),
/// and so can its looping functions be; at O1 under TCG a compile takes 0.2–20 s, tens of minutes
/// at exit. Within the budget the hottest functions go first; the rest wait for the exits of the
/// next runs (start-up code still ran in every run), so a warm start gets there over a few runs.
/// On Linux or with small programs (app-tinyllama: 15 start-up functions, 5 loop upgrades)
/// everything fits in one exit.
pub const STARTUP_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// What [`promote`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Promoted {
    /// Functions compiled for the next run.
    pub compiled: usize,
    /// Budgeted compiles left for a later run's exit (start-up functions stay interpreted, loop
    /// upgrades at their tier): [`STARTUP_BUDGET`] was spent.
    pub deferred: usize,
}

/// Tier up, at the end of a run, every function whose per-run heat (aggregated heat / runs)
/// deserves a higher tier than it has: the next run then finds that code in the object cache
/// instead of compiling it while it runs (a function called once per run with a hot loop, or
/// one that got hot late). Heat counts loop iterations only while a function runs interpreted,
/// so the per-run heat of a function whose loops run native is its calls and little more; so,
/// whatever this run's compile mode, a function whose calls run loops gets O2 at least (the rule
/// the tier hook applies with a compile thread, `Tiering::on_call`), and one that is the
/// program's main work ([`promotion_for`]) gets O3. Functions every run so
/// far has called but that stay below the warm threshold (start-up code: `main`, argument
/// parsing) get O1, so that a warm start runs no interpreted code at all. Start-up code and the
/// loop upgrades (a tier above the heat's) are compiled within [`STARTUP_BUDGET`] per run, the
/// highest heat first. Uses irvm's counters of this run as `!prof`.
pub fn promote(m: &mut Machine, t: &mut Tiering, s: &RunState) -> Promoted {
    let mut done = Promoted::default();
    if s.runs == 0 {
        return done;
    }
    // Compiles within the budget: start-up code, and tiers the loops rule raises above what the
    // heat gives (a large program has hundreds of looping functions; each compile at O2 under
    // TCG takes up to seconds). (heat, function, tier, reason).
    let mut budgeted: Vec<(u64, FuncId, OptLevel, String)> = Vec::new();
    // This run's interpreted time, summed once for every function's share.
    let interpreted = crate::specialized::interpreted_cycles(m);
    for f in m.defined_functions().collect::<Vec<_>>() {
        let Some(r) = s.functions.get(m.name(f)) else { continue };
        let per_run = r.heat / s.runs;
        let by_heat = t.thresholds.level_for(per_run);
        let loops = t.trips_per_call(m, f) >= 1;
        let share = crate::specialized::share_of(m, f, interpreted);
        let main_work = crate::main_work::is_main_work(m, f, share);
        let want = promotion_for(by_heat, loops, main_work);
        let cur = t.levels[f.index()];
        let (want, reason) = match (want, by_heat) {
            (Some(want), _) if loops && main_work => (
                want,
                format!(
                    "the program's main work: {:.0} % of the interpreted time, its calls run loops, for the next run",
                    share * 100.0
                ),
            ),
            (Some(want), Some(heat_level)) => {
                let reason = |extra: &str| {
                    format!(
                        "per-run heat {per_run} >= {} over {} run(s){extra}, for the next run",
                        t.thresholds.of(heat_level),
                        s.runs
                    )
                };
                if want > heat_level && cur.is_none_or(|l| l < want) && policy::tierable(m, f) {
                    budgeted.push((r.heat, f, want, reason(", its calls run loops: O2 at least")));
                    continue;
                }
                (heat_level, reason(""))
            }
            // Start-up code: a warm start that finds it native neither reads its body nor
            // starts the interpreter.
            (None, _) if r.runs == s.runs && r.calls > 0 => {
                if cur.is_none_or(|l| l < OptLevel::O1) && policy::tierable(m, f) {
                    budgeted.push((
                        r.heat,
                        f,
                        OptLevel::O1,
                        format!("ran in every run ({}), for the next run's start", s.runs),
                    ));
                }
                continue;
            }
            _ => continue,
        };
        if cur.is_some_and(|l| l >= want) || !policy::tierable(m, f) {
            continue;
        }
        if t.compile(m, f, want, reason).is_ok() {
            done.compiled += 1;
        }
    }
    // Hottest first (the loop upgrades, then the most-run start-up code); by name among equals,
    // so that the same profile picks the same functions.
    budgeted.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| m.name(a.1).cmp(m.name(b.1))));
    let start = std::time::Instant::now();
    for (k, (_, f, level, reason)) in budgeted.iter().enumerate() {
        if start.elapsed() >= STARTUP_BUDGET {
            done.deferred = budgeted.len() - k;
            break;
        }
        if t.compile(m, *f, *level, reason.clone()).is_ok() {
            done.compiled += 1;
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_a_run_gives_looping_functions_o2_and_the_main_work_o3() {
        use OptLevel::*;
        // Heat alone, no loops per call: what the heat deserves.
        assert_eq!(promotion_for(Some(O1), false, false), Some(O1));
        assert_eq!(promotion_for(Some(O3), false, false), Some(O3));
        assert_eq!(promotion_for(None, false, false), None);
        // Calls that run loops: O2 at least (their iterations ran native, uncounted).
        assert_eq!(promotion_for(Some(O1), true, false), Some(O2));
        assert_eq!(promotion_for(Some(O3), true, false), Some(O3));
        // Below the warm threshold, loops alone give nothing (start-up code is decided apart).
        assert_eq!(promotion_for(None, true, false), None);
        // The program's main work with loops: O3, whatever its heat.
        assert_eq!(promotion_for(Some(O1), true, true), Some(O3));
        assert_eq!(promotion_for(None, true, true), Some(O3));
        // A large share without loops (a call that waits, a library call) is not promoted for it.
        assert_eq!(promotion_for(Some(O1), false, true), Some(O1));
    }
}
