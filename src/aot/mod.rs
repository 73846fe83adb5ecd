//! `bareflow aot --state STORE PROGRAM.bc -o OUT.o [--stubs OUT.s] [--cpu NAME] [--features F]`
//! the converged snapshot's whole program, ahead of time. The functions
//! no run executed are dropped (dead code), the rest is re-optimized whole-program at O3 with the
//! aggregated profile (`!prof` from the summed irvm counters + the program's profile summary) by
//! `orc_bridge::Jit::optimize_module` (`whole`), and written as one relocatable object for
//! the snapshot's CPU (or `--cpu`/`--features`). When a stable run already rebuilt it and kept it
//! in the snapshot (the converged module), that object is written as is. `--stubs` writes an assembly file defining every dropped
//! function as a trap (`ud2`): references to them (address taken, calls on paths never taken)
//! still link, and reaching one stops the machine instead of running wrong code.

pub mod whole;

use bareflow_state::Store;
use bareflow_state::content::{RunState, bitcode_hash};
use std::path::Path;
use whole::WholeProgram;

const USAGE: &str = "usage: bareflow aot --state STORE PROGRAM.bc -o OUT.o [--stubs OUT.s] [--cpu NAME] [--features F] [--no-unroll-and-jam]";

struct Args {
    state: String,
    program: String,
    out: String,
    stubs: Option<String>,
    cpu: Option<String>,
    features: Option<String>,
    /// Guarded unroll-and-jam of the loop nests (`--no-unroll-and-jam`: only where a
    /// specialization of the snapshot brings its own).
    unroll_and_jam: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut state, mut program, mut out, mut stubs, mut cpu, mut features) = (None, None, None, None, None, None);
    let mut unroll_and_jam = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = |what: &str| it.next().cloned().ok_or(format!("{a} needs {what}"));
        match a.as_str() {
            "--state" => state = Some(val("a store")?),
            "-o" => out = Some(val("a file name")?),
            "--stubs" => stubs = Some(val("a file name")?),
            "--cpu" => cpu = Some(val("a CPU name")?),
            "--features" => features = Some(val("a feature string")?),
            "--no-unroll-and-jam" => unroll_and_jam = false,
            f if f.starts_with('-') => return Err(format!("unknown option '{f}' ({USAGE})")),
            p if program.is_none() => program = Some(p.to_string()),
            p => return Err(format!("unexpected argument '{p}' ({USAGE})")),
        }
    }
    Ok(Args {
        state: state.ok_or(format!("missing --state ({USAGE})"))?,
        program: program.ok_or(format!("missing PROGRAM.bc ({USAGE})"))?,
        out: out.ok_or(format!("missing -o OUT.o ({USAGE})"))?,
        stubs,
        cpu,
        features,
        unroll_and_jam,
    })
}

fn load_state(store: &str) -> Result<(u64, RunState), String> {
    let p = Path::new(store);
    let mut s = if p.is_dir() { Store::open_dir(p) } else { Store::open_file(p) }.map_err(|e| e.to_string())?;
    let loaded = s.load().map_err(|e| e.to_string())?;
    let (g, snap) = loaded.snapshot.ok_or(format!("state store {}: no valid snapshot", s.path().display()))?;
    let st = RunState::from_snapshot(&snap)
        .map_err(|e| format!("state store {}: generation {g}: {e}", s.path().display()))?;
    Ok((g, st))
}

/// Entry point; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    match run(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("bareflow aot: {e}");
            2
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let a = parse(args)?;
    let bytes = std::fs::read(&a.program).map_err(|e| format!("cannot read '{}': {e}", a.program))?;
    let (generation, state) = load_state(&a.state)?;
    let hash = bitcode_hash(&bytes);
    if state.identity.bitcode_hash != hash {
        return Err(format!(
            "'{}' is not the program of the snapshot in {} (bitcode hash {hash}, snapshot {})",
            a.program, a.state, state.identity.bitcode_hash
        ));
    }
    let cpu = a.cpu.clone().unwrap_or(state.identity.cpu.clone());
    let features = a.features.clone().or(if a.cpu.is_some() {
        Some(String::new())
    } else {
        Some(state.identity.features.clone())
    });
    // A run whose profile was stable already rebuilt the program for the snapshot's CPU.
    // Only if it was built for the snapshot's current shape (an older binary's snapshot may
    // hold one built before specializations were part of it).
    let kept = state.converged.as_ref().filter(|c| a.cpu.is_none() && a.features.is_none() && c.shape == state.shape());
    let (o, from) = match kept {
        Some(c) => (
            WholeProgram {
                object: c.object.clone(),
                live: c.live.clone(),
                dead: c.dead.clone(),
                // Built for the snapshot's specializations: they are part of its shape, checked above.
                specialized: specialized_keys(&whole::specializations(&state, &c.live)?),
                jams: Vec::new(),
                prefetches: Vec::new(),
                ms: 0.0,
            },
            format!("the converged module kept in snapshot gen {generation} (built at run {})", c.runs),
        ),
        None => (
            whole::build(&bytes, &a.program, &state, &cpu, features, a.unroll_and_jam.then(plain_jam))?,
            format!("snapshot gen {generation} ({} runs)", state.runs),
        ),
    };
    let took = if kept.is_some() { String::new() } else { format!(" ({:.0} ms)", o.ms) };
    std::fs::write(&a.out, &o.object).map_err(|e| format!("cannot write '{}': {e}", a.out))?;
    if let Some(s) = &a.stubs {
        let mut asm = String::from("# Functions no run executed (bareflow aot): traps if ever reached.\n.text\n");
        for d in &o.dead {
            asm += &format!(".globl {d}\n.type {d},@function\n{d}:\n\tud2\n.size {d}, .-{d}\n");
        }
        asm += ".section .note.GNU-stack,\"\",@progbits\n";
        std::fs::write(s, asm).map_err(|e| format!("cannot write '{s}': {e}"))?;
    }
    println!(
        "aot: {} from {from}: {} live functions at O3 with the aggregated profile, {} dead dropped ({}), cpu {cpu}; object {} bytes{took}",
        a.out,
        o.live.len(),
        o.dead.len(),
        o.dead.join(", "),
        o.object.len()
    );
    for (f, key) in &o.specialized {
        println!(
            "aot: {f}: guarded specialization {key} kept (guard counters __bf.guards.{f}: hits per version, then misses)"
        );
    }
    for (f, outcome) in &o.jams {
        println!("aot: {f}: unroll-and-jam {outcome}");
    }
    for (f, n) in &o.prefetches {
        println!("aot: {f}: prefetch: {n} load{} of streamed arguments prefetched", if *n == 1 { "" } else { "s" });
    }
    Ok(())
}

/// The unroll-and-jam of functions whose specialization brings none: as the tier manager's
/// (`Tiering::plain_jam`: this CPU's count, only nests bound by their reductions' latency).
fn plain_jam() -> orc_bridge::Jam {
    orc_bridge::Jam { limit: 0, ..orc_bridge::Jam::for_this_cpu() }
}

/// `(function, key)` of each specialization, sorted by function.
pub(crate) fn specialized_keys(
    s: &std::collections::HashMap<String, orc_bridge::Specialization>,
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = s.iter().map(|(f, s)| (f.clone(), s.key())).collect();
    v.sort();
    v
}
