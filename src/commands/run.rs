//! `bareflow run [--tier interp|jit|auto] [--opt N] [--thresholds W,H,V|min] [--verbose]
//! [--profile-out FILE] [--profile-table] [--state DIR_OR_DEVICE] [--runtime-coverage] PROGRAM.bc [-- ARGS...]`
//!
//! Runs LLVM bitcode with irvm (issue C); `auto` (the default) tiers hot functions up through
//! orc-bridge, `jit` compiles every function at `--opt` before the run (issue D, `crate::tier`). The program's
//! stdout/stderr pass through and its exit status (main's return or `exit()`) becomes ours; the
//! program's argv[0] is the bitcode path. Errors of our own (usage, unreadable or malformed
//! bitcode, no `main`, run-time errors of the interpreter) print one line and exit with 2.
//! `--state`: warm start from / save to a state store (`super::run_state`, docs/state.md).
//! `--runtime-coverage`: sample which runtime code runs (`super::run_coverage`).

use irvm::profile::Profile;
use irvm::{Machine, Options, Outcome};

const USAGE: &str = "usage: bareflow run [--tier interp|jit|auto] [--opt 0-3] [--thresholds WARM,HOT,VERYHOT|min] [--no-osr] [--fp-contract] [--verbose] [--profile-out FILE] [--profile-table] [--state DIR_OR_DEVICE] [--runtime-coverage] PROGRAM.bc [-- ARGS...]";

/// Execution mode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tier {
    Interp,
    Jit,
    Auto,
}

/// Parsed command line.
struct Args {
    tier: Tier,
    opt: orc_bridge::OptLevel,
    thresholds: crate::tier::policy::Thresholds,
    verbose: bool,
    /// On-stack replacement at loop headers under `--tier auto` (`--no-osr` turns it off).
    osr: bool,
    /// `--fp-contract`: JIT code may fuse `a*b + c` (orc_bridge::Jit::set_fp_contraction).
    fp_contract: bool,
    profile_out: Option<String>,
    table: bool,
    state: Option<String>,
    coverage: bool,
    program: String,
    argv: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut profile_out = None;
    let mut table = false;
    let mut state = None;
    let mut coverage = false;
    let mut tier = Tier::Auto;
    let mut opt = orc_bridge::OptLevel::O2;
    let mut thresholds = crate::tier::policy::Thresholds::default();
    let mut verbose = false;
    let mut osr = true;
    let mut fp_contract = false;
    let mut it = args.iter();
    let program = loop {
        let Some(a) = it.next() else { return Err("missing PROGRAM.bc (see 'bareflow help')".into()) };
        match a.as_str() {
            "--tier" => match it.next().map(String::as_str) {
                Some("interp") => tier = Tier::Interp,
                Some("jit") => tier = Tier::Jit,
                Some("auto") => tier = Tier::Auto,
                Some(t) => return Err(format!("unknown tier '{t}' (expected interp, jit or auto)")),
                None => return Err("--tier needs a value".into()),
            },
            "--profile-out" => profile_out = Some(it.next().ok_or("--profile-out needs a file name")?.clone()),
            "--profile-table" => table = true,
            "--runtime-coverage" => coverage = true,
            "--state" => {
                state = Some(it.next().ok_or("--state needs a directory or a device (e.g. /dev/state)")?.clone())
            }
            "--verbose" | "-v" => verbose = true,
            "--no-osr" => osr = false,
            "--fp-contract" => fp_contract = true,
            "--opt" => {
                let v = it.next().ok_or("--opt needs a level (0-3)")?;
                opt = v.parse().map_err(|_| format!("--opt '{v}': expected 0, 1, 2 or 3"))?;
            }
            "--thresholds" => {
                let v = it.next().ok_or("--thresholds needs WARM,HOT,VERYHOT or 'min'")?;
                thresholds = parse_thresholds(v)?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            f if f.starts_with('-') => return Err(format!("unknown option '{f}' (see 'bareflow help')")),
            p => break p.to_string(),
        }
    };
    let mut argv = vec![program.clone()];
    let rest: Vec<String> = it.cloned().collect();
    let rest = match rest.first().map(String::as_str) {
        Some("--") => &rest[1..],
        _ => &rest[..],
    };
    argv.extend(rest.iter().cloned());
    Ok(Args { tier, opt, thresholds, verbose, osr, fp_contract, profile_out, table, state, coverage, program, argv })
}

fn parse_thresholds(v: &str) -> Result<crate::tier::policy::Thresholds, String> {
    if v == "min" {
        return Ok(crate::tier::policy::MINIMUM);
    }
    let n: Vec<u64> = v
        .split(',')
        .map(|x| x.trim().parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("--thresholds '{v}': expected three numbers WARM,HOT,VERYHOT or 'min'"))?;
    let [warm, hot, very_hot] = n[..] else {
        return Err(format!("--thresholds '{v}': expected three numbers WARM,HOT,VERYHOT"));
    };
    let t = crate::tier::policy::Thresholds { warm, hot, very_hot };
    t.check().map_err(|e| format!("--thresholds '{v}': {e}"))?;
    Ok(t)
}

/// The profile JSON with the tier log and timed regions added.
fn profile_json(p: &Profile, tier: &str) -> String {
    let mut v: serde_json::Value = match serde_json::from_str(&p.to_json()) {
        Ok(v) => v,
        Err(_) => return p.to_json(),
    };
    v["tier"] = serde_json::Value::from(tier);
    if let Some((_, t)) = crate::tier::current()
        && !t.is_null()
    {
        // SAFETY: the tier manager lives for the rest of the process; single-threaded.
        v["tiering"] = unsafe { (*t).log_json() };
    }
    let regions: Vec<serde_json::Value> = crate::tier::api::regions()
        .into_iter()
        .map(|(n, c, k)| serde_json::json!({"name": n, "cycles": c, "count": k}))
        .collect();
    if !regions.is_empty() {
        v["regions"] = serde_json::Value::from(regions);
    }
    v.to_string()
}

/// Write the profile where the flags ask; returns false if that failed.
fn report(m: &Machine, status: Option<i32>, out: &Option<String>, table: bool, tier: &str) -> bool {
    super::run_state::finish(m);
    if out.is_none() && !table {
        return true;
    }
    let p = Profile::collect(m, status);
    if table {
        eprint!("{}", p.to_table());
    }
    if let Some(path) = out
        && let Err(e) = std::fs::write(path, profile_json(&p, tier) + "\n")
    {
        eprintln!("bareflow run: cannot write profile '{path}': {e}");
        return false;
    }
    true
}

/// Entry point of `bareflow run`; returns the process exit status.
pub fn main(args: &[String]) -> i32 {
    let a = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bareflow run: {e}");
            return 2;
        }
    };
    if a.coverage {
        super::run_state::start_coverage();
    }
    let bytes = match std::fs::read(&a.program) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bareflow run: cannot read '{}': {e}", a.program);
            return 2;
        }
    };
    // The state store is read before the program is loaded: a snapshot made from these very
    // bytes means an earlier run loaded and verified them in full, so irvm reads function bodies
    // lazily (warm starts run most functions native and never need theirs) and the isolated
    // pre-check below is not needed either.
    let early = a.state.as_deref().filter(|_| a.tier != Tier::Interp).map(|s| super::run_state::open_early(s, &bytes));
    let known = early.as_ref().is_some_and(|e| e.known);
    // LLVM's reader may crash on malformed input: try it in a child process first where we can
    // (not on bare metal: there are no processes to fork).
    #[cfg(not(feature = "baremetal"))]
    if !known && let irvm::host::Precheck::Bad(e) = irvm::host::precheck_isolated(&bytes, &a.program) {
        eprintln!("bareflow run: {}", e.lines().next().unwrap_or("malformed bitcode"));
        return 2;
    }
    // bareflow.h, runtime.h (and on bare metal every core-rt export) first, then the dynamic loader.
    let resolver = Box::new(crate::tier::links::ChainResolver::platform());
    crate::platform::boot_mark("bitcode read");
    let opts = Options { lazy_bodies: known, ..Options::default() };
    let mut m = match Machine::load(&bytes, &a.program, resolver, opts) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("bareflow run: {e}");
            return 2;
        }
    };
    let tier_name = match a.tier {
        Tier::Interp => "interp",
        Tier::Jit => "jit",
        Tier::Auto => "auto",
    };
    crate::platform::boot_mark("irvm loaded the program");
    // Same contraction choice in every tier (interpreted and JIT code round alike): JIT code
    // fuses `fmuladd` only where the CPU has FMA, so irvm fuses only then too.
    m.set_fp_contraction(a.fp_contract && std::arch::is_x86_feature_detected!("fma"));
    if let Err(e) = setup_tier(&mut m, &bytes, &a) {
        eprintln!("bareflow run: {e}");
        return 2;
    }
    crate::platform::boot_mark("JIT set up");
    if let Some(store) = &a.state {
        super::run_state::start(&mut m, early, store, &a.program, &bytes, a.tier == Tier::Auto);
    }
    let (out, table) = (a.profile_out.clone(), a.table);
    {
        let (out, mp): (Option<String>, *const Machine) = (out.clone(), &*m);
        let hook: Box<dyn FnMut(i32)> = Box::new(move |code| {
            // SAFETY: the machine is leaked (lives for the rest of the process); single-threaded.
            report(unsafe { &*mp }, Some(code), &out, table, tier_name);
        });
        // SAFETY: single-threaded; set before the run.
        unsafe { crate::tier::api::AT_EXIT = Some(hook) };
    }
    m.set_exit_hook(Box::new(move |m, outcome| {
        let status = match outcome {
            Outcome::Exit(c) => Some(*c),
            Outcome::Error(e) => {
                eprintln!("{e}");
                None
            }
        };
        report(m, status, &out, table, tier_name);
    }));
    crate::platform::boot_mark("first interpreted instruction");
    let outcome = m.run_main(&a.argv);
    crate::tier::api::set_exiting();
    let (status, code) = match &outcome {
        Outcome::Exit(c) => (Some(*c), *c),
        // Interpreter errors carry their own "irvm:" prefix; input errors (no main) get ours.
        Outcome::Error(e) if e.starts_with("irvm:") => {
            eprintln!("{e}");
            (None, 2)
        }
        Outcome::Error(e) => {
            eprintln!("bareflow run: {e}");
            (None, 2)
        }
    };
    let ok = report(&m, status, &a.profile_out, a.table, tier_name);
    // Interpreted code may still be reached after we return (atexit handlers, stdio
    // callbacks): the machine must outlive the process.
    Box::leak(m);
    if ok { code } else { 2 }
}

/// Set up the tier: `interp` registers the machine for the C API only; `auto` installs the tier
/// manager (functions tier up as they get hot); `jit` compiles every defined function at `--opt`
/// first (functions that cannot be compiled stay interpreted; listed with `--verbose`).
fn setup_tier(m: &mut Machine, bytes: &[u8], a: &Args) -> Result<(), String> {
    if a.tier == Tier::Interp {
        crate::tier::install_interp(m);
        return Ok(());
    }
    let mut t = crate::tier::Tiering::new(m, bytes, &a.program, a.thresholds, a.verbose)?;
    t.jit.set_fp_contraction(a.fp_contract);
    if a.verbose {
        let (cpu, features) = t.cpu();
        eprintln!(
            "[tier] JIT target: cpu {cpu}, {} features",
            features.split(',').filter(|f| f.starts_with('+')).count()
        );
    }
    let t: &'static mut crate::tier::Tiering = Box::leak(Box::new(t));
    let tp: *mut crate::tier::Tiering = t;
    if a.tier == Tier::Auto {
        crate::tier::install(m, t, 0, a.osr);
        return Ok(());
    }
    t.count_native_calls = false;
    crate::tier::install(m, t, u64::MAX, false);
    for f in 0..m.prog.funcs.len() {
        if !m.prog.funcs[f].external && crate::tier::policy::tierable(m, f as u32) {
            // SAFETY: the leaked manager; single-threaded, no other reference in use.
            let _ = unsafe { (*tp).compile(m, f as u32, a.opt, "--tier jit".into()) };
        }
    }
    Ok(())
}
