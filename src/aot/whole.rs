//! The whole program rebuilt from a converged profile: the functions some
//! run executed, re-optimized together at O3 with the aggregated irvm counters as `!prof` and the
//! program's profile summary, compiled for one CPU into one relocatable object. Dead functions
//! are left out (the caller gets their names: `bareflow aot` turns them into trap stubs).
//! Counts are of complete runs, so their weights are exact (`complete_profile`).
//! A function whose cached object is a guarded specialization keeps it: its dispatcher and
//! versions are built in the whole module with the guard counters (`__bf.guards.<function>`)
//! defined there, so the ahead-of-time code counts its guards without a host.
//! Used by `bareflow aot` and, once a run's profile is stable, by `run --state` to keep the
//! result in the snapshot.

use bareflow_state::content::RunState;
use bareflow_tier::{complete_profile, profile_summary};
use irvm::profile::MemSizes;
use irvm::{Machine, Options};
use orc_bridge::{Jit, JitConfig, OptLevel, Specialization, TargetConfig};
use std::collections::HashMap;

/// The rebuilt program.
pub struct WholeProgram {
    pub object: Vec<u8>,
    /// Functions kept (executed by some run) and dropped (never executed), in module order.
    pub live: Vec<String>,
    pub dead: Vec<String>,
    /// Guarded specializations kept, by function, as `orc_bridge::Specialization::key` writes
    /// them (`p2=64,p3=1;p2=96,p3=1`).
    pub specialized: Vec<(String, String)>,
    /// What the guarded unroll-and-jam did, per function that has loop nests
    /// (`orc_bridge::unrolljam`; empty for a converged module kept from the snapshot).
    pub jams: Vec<(String, orc_bridge::JamOutcome)>,
    /// Loads prefetched, per function whose specialization asks (`orc_bridge::prefetch`; empty
    /// for a converged module kept from the snapshot).
    pub prefetches: Vec<(String, u32)>,
    /// Optimization + code generation time.
    pub ms: f64,
}

/// Rebuild program `bytes` (named `name` in messages) from `state`'s aggregated profile for
/// `cpu` (`features`: None = the CPU's own); `jam`: the guarded unroll-and-jam of the functions
/// whose specialization brings none (`Tiering::plain_jam`, or `None`).
pub fn build(
    bytes: &[u8],
    name: &str,
    state: &RunState,
    cpu: &str,
    features: Option<String>,
    jam: Option<orc_bridge::Jam>,
) -> Result<WholeProgram, String> {
    // irvm lowers each live function so its counters (summed over runs) map onto LLVM blocks.
    let resolver = Box::new(crate::resolver::platform());
    let mut m = Machine::load(bytes, name, resolver, Options::default()).map_err(|e| e.to_string())?;
    let (mut live, mut dead) = (Vec::new(), Vec::new());
    let mut profiles = HashMap::new();
    for f in m.defined_functions().collect::<Vec<_>>() {
        let fname = m.name(f).to_string();
        match state.functions.get(&fname).filter(|r| r.runs > 0) {
            Some(r) => {
                m.lower_now(f).map_err(|e| e.to_string())?;
                m.seed_counters(f, r.counters.clone().into_boxed_slice());
                m.set_calls(f, r.calls);
                if let Some(p) = complete_profile(&m, f) {
                    profiles.insert(fname.clone(), p);
                }
                live.push(fname);
            }
            None => dead.push(fname),
        }
    }
    let specializations = specializations(state, &live)?;
    let cfg = JitConfig {
        target: TargetConfig { triple: None, cpu: Some(cpu.to_string()), features },
        gdb_registration: false,
    };
    let mut jit = Jit::new(&cfg).map_err(|e| e.to_string())?;
    let module = jit.load_bitcode(name, bytes).map_err(|e| e.to_string())?;
    jit.set_profile_summary(Some(profile_summary(&m)));
    jit.set_unroll_and_jam(jam);
    let t0 = std::time::Instant::now();
    let o = jit
        .optimize_module(module, OptLevel::O3, &profiles, Some(&live), &specializations)
        .map_err(|e| e.to_string())?;
    let specialized = super::specialized_keys(&specializations);
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    Ok(WholeProgram { object: o.object, live, dead, specialized, jams: o.jams, prefetches: o.prefetches, ms })
}

/// The guarded specializations of the snapshot's object cache (one object per function, the
/// code its last run ended with), for the live functions; a live function without one gets
/// size-versioned memory calls where the size tables summed over runs have a dominant size
/// (`bareflow_tier::specialize::choose_mem`).
pub fn specializations(state: &RunState, live: &[String]) -> Result<HashMap<String, Specialization>, String> {
    let mut out = HashMap::new();
    for o in state.objects.iter().filter(|o| !o.specialization.is_empty() && live.contains(&o.function)) {
        let s = Specialization::from_key(&o.specialization).ok_or(format!(
            "snapshot: object of '{}' has an unreadable specialization '{}'",
            o.function, o.specialization
        ))?;
        out.insert(o.function.clone(), s);
    }
    let min_calls = (bareflow_tier::policy::Thresholds::default().warm / 8).max(1);
    for f in live {
        let Some(r) = state.functions.get(f).filter(|_| !out.contains_key(f)) else { continue };
        let tables: Vec<MemSizes> = r
            .mem_sizes
            .iter()
            .filter_map(|t| {
                let op = ["memcpy", "memmove", "memset"].into_iter().find(|o| *o == t.op)?;
                Some(MemSizes { site: t.site, op, values: t.values.clone(), other: t.other })
            })
            .collect();
        let (mem, _) = bareflow_tier::specialize::choose_mem(&tables, min_calls);
        if !mem.is_empty() {
            out.insert(f.clone(), Specialization { versions: Vec::new(), mem, jam: None, prefetch: None });
        }
    }
    Ok(out)
}
