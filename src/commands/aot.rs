//! `bareflow aot --state STORE PROGRAM.bc -o OUT.o [--stubs OUT.s] [--cpu NAME] [--features F]`
//! (issue F, "boot final"): the converged snapshot's whole program, ahead of time. The functions
//! no run executed are dropped (dead code), the rest is re-optimized whole-program at O3 with the
//! aggregated profile (`!prof` from the summed irvm counters + the program's profile summary) by
//! `orc_bridge::Jit::optimize_module`, and written as one relocatable object for the snapshot's
//! CPU (or `--cpu`/`--features`). `--stubs` writes an assembly file defining every dropped
//! function as a trap (`ud2`): references to them (address taken, calls on paths never taken)
//! still link, and reaching one stops the machine instead of running wrong code.

use crate::state::Store;
use crate::state::content::{RunState, bitcode_hash};
use irvm::{Machine, Options};
use orc_bridge::{Jit, JitConfig, OptLevel, TargetConfig};
use std::collections::HashMap;
use std::path::Path;

const USAGE: &str = "usage: bareflow aot --state STORE PROGRAM.bc -o OUT.o [--stubs OUT.s] [--cpu NAME] [--features F]";

struct Args {
    state: String,
    program: String,
    out: String,
    stubs: Option<String>,
    cpu: Option<String>,
    features: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut state, mut program, mut out, mut stubs, mut cpu, mut features) = (None, None, None, None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = |what: &str| it.next().cloned().ok_or(format!("{a} needs {what}"));
        match a.as_str() {
            "--state" => state = Some(val("a store")?),
            "-o" => out = Some(val("a file name")?),
            "--stubs" => stubs = Some(val("a file name")?),
            "--cpu" => cpu = Some(val("a CPU name")?),
            "--features" => features = Some(val("a feature string")?),
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
    })
}

fn load_state(store: &str) -> Result<(u64, RunState), String> {
    let p = Path::new(store);
    let mut s = if p.is_dir() { Store::open_dir(p) } else { Store::open_file(p) }.map_err(|e| e.to_string())?;
    let loaded = s.load().map_err(|e| e.to_string())?;
    let (g, snap) = loaded.snapshot.ok_or(format!("state store {}: no valid snapshot", s.path().display()))?;
    let st = RunState::from_snapshot(&snap).map_err(|e| format!("state store {}: generation {g}: {e}", s.path().display()))?;
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
        return Err(format!("'{}' is not the program of the snapshot in {} (bitcode hash {hash}, snapshot {})", a.program, a.state, state.identity.bitcode_hash));
    }
    // irvm lowers each live function so its counters (summed over runs) map onto LLVM blocks.
    let resolver = Box::new(crate::tier::links::ChainResolver::platform());
    let mut m = Machine::load(&bytes, &a.program, resolver, Options::default())?;
    let mut keep = Vec::new();
    let mut dead = Vec::new();
    for f in 0..m.prog.funcs.len() {
        if m.prog.funcs[f].external {
            continue;
        }
        let name = m.prog.funcs[f].name.clone();
        match state.functions.get(&name).filter(|r| r.runs > 0) {
            Some(r) => {
                m.lower_now(f as u32)?;
                if m.stats[f].counters.len() == r.counters.len() {
                    m.stats[f].counters.copy_from_slice(&r.counters);
                }
                m.stats[f].calls = r.calls;
                keep.push(name);
            }
            None => dead.push(name),
        }
    }
    let mut profiles = HashMap::new();
    for f in 0..m.prog.funcs.len() {
        if !m.prog.funcs[f].external
            && keep.contains(&m.prog.funcs[f].name)
            && let Some(p) = crate::tier::complete_profile(&m, f as u32)
        {
            profiles.insert(m.prog.funcs[f].name.clone(), p);
        }
    }
    let cpu = a.cpu.clone().unwrap_or(state.identity.cpu.clone());
    let features = a.features.clone().or(if a.cpu.is_some() { Some(String::new()) } else { Some(state.identity.features.clone()) });
    let cfg = JitConfig { target: TargetConfig { triple: None, cpu: Some(cpu.clone()), features }, gdb_registration: false };
    let mut jit = Jit::new(&cfg).map_err(|e| e.to_string())?;
    let module = jit.load_bitcode(&a.program, &bytes).map_err(|e| e.to_string())?;
    jit.set_profile_summary(Some(crate::tier::profile_summary(&m)));
    let t0 = std::time::Instant::now();
    let o = jit.optimize_module(module, OptLevel::O3, &profiles, Some(&keep)).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &o.object).map_err(|e| format!("cannot write '{}': {e}", a.out))?;
    if let Some(s) = &a.stubs {
        let mut asm = String::from("# Functions no run executed (bareflow aot): traps if ever reached.\n.text\n");
        for d in &dead {
            asm += &format!(".globl {d}\n.type {d},@function\n{d}:\n\tud2\n.size {d}, .-{d}\n");
        }
        asm += ".section .note.GNU-stack,\"\",@progbits\n";
        std::fs::write(s, asm).map_err(|e| format!("cannot write '{s}': {e}"))?;
    }
    println!(
        "aot: {} from snapshot gen {generation} ({} runs): {} live functions at O3 with the aggregated profile, {} dead dropped ({}), cpu {cpu}; object {} bytes ({:.0} ms)",
        a.out,
        state.runs,
        keep.len(),
        dead.len(),
        dead.join(", "),
        o.object.len(),
        t0.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
