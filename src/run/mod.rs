//! `bareflow run [--tier interp|jit|auto] [--opt N] [--thresholds W,H,V|min] [--jit-threads N] [--verbose]
//! [--profile-out FILE] [--profile-table] [--state DIR_OR_DEVICE] [--no-converged-module] [--runtime-coverage] PROGRAM.bc [-- ARGS...]`
//!
//! Runs LLVM bitcode with irvm; `auto` (the default) tiers hot functions up through orc-bridge,
//! `jit` compiles every function at `--opt` before the run (crate `bareflow-tier`). The program's
//! stdout/stderr pass through and its exit status (main's return or `exit()`) becomes ours; the
//! program's argv[0] is the bitcode path. Errors of our own (usage, unreadable or malformed
//! bitcode, no `main`, run-time errors of the interpreter) print one line and exit with 2.
//! The run is one value, `session::Session`. `--state`: warm start from / save to a state store
//! (`snapshots`, docs/state.md). `--runtime-coverage`: sample which runtime code runs (`coverage`).

pub mod coverage;
pub mod session;
pub mod snapshots;

use irvm::{Error, Machine, Options, Outcome};
use session::{Host, ReportSpec, Session};

const USAGE: &str = "usage: bareflow run [--tier interp|jit|auto] [--opt 0-3] [--thresholds WARM,HOT,VERYHOT|min] [--jit-threads N] [--no-osr] [--no-specialize] [--no-size-versions] [--no-unroll-and-jam] [--no-prefetch] [--fp-contract] [--verbose] [--profile-out FILE] [--profile-table] [--state DIR_OR_DEVICE] [--no-converged-module] [--runtime-coverage] PROGRAM.bc [-- ARGS...]";

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
    thresholds: bareflow_tier::policy::Thresholds,
    verbose: bool,
    /// On-stack replacement at loop headers under `--tier auto` (`--no-osr` turns it off).
    osr: bool,
    /// Guarded value specialization at O2/O3 (`--no-specialize` turns it off).
    specialize: bool,
    /// Size-versioned memory calls, part of specialization (`--no-size-versions` turns them
    /// off alone).
    size_versions: bool,
    /// Guarded unroll-and-jam of the specialized versions' loop nests (`--no-unroll-and-jam`
    /// turns it off alone).
    unroll_and_jam: bool,
    /// Prefetch of the loads a specialization streams from pointer arguments (`--no-prefetch`
    /// turns it off alone).
    prefetch: bool,
    /// `--fp-contract`: JIT code may fuse `a*b + c` (orc_bridge::Jit::set_fp_contraction).
    fp_contract: bool,
    /// `--jit-threads N`: background compile threads under `--tier auto` (0: compile
    /// synchronously; default: one when more than one CPU is online, else 0).
    jit_threads: Option<usize>,
    profile_out: Option<String>,
    table: bool,
    state: Option<String>,
    /// `--no-converged-module`: a stable run leaves the whole-program rebuild to `bareflow aot`.
    converged_module: bool,
    coverage: bool,
    program: String,
    argv: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut profile_out = None;
    let mut table = false;
    let mut state = None;
    let mut converged_module = true;
    let mut coverage = false;
    let mut tier = Tier::Auto;
    let mut opt = orc_bridge::OptLevel::O2;
    let mut thresholds = bareflow_tier::policy::Thresholds::default();
    let mut verbose = false;
    let mut osr = true;
    let mut specialize = true;
    let mut size_versions = true;
    let mut unroll_and_jam = true;
    let mut prefetch = true;
    let mut fp_contract = false;
    let mut jit_threads = None;
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
            "--no-converged-module" => converged_module = false,
            "--verbose" | "-v" => verbose = true,
            "--no-osr" => osr = false,
            "--no-specialize" => specialize = false,
            "--no-size-versions" => size_versions = false,
            "--no-unroll-and-jam" => unroll_and_jam = false,
            "--no-prefetch" => prefetch = false,
            "--fp-contract" => fp_contract = true,
            "--jit-threads" => {
                let v = it.next().ok_or("--jit-threads needs a number of threads (0: compile synchronously)")?;
                let n = v.parse::<usize>().ok().filter(|&n| n <= 64);
                jit_threads = Some(n.ok_or_else(|| format!("--jit-threads '{v}': expected a number from 0 to 64"))?);
            }
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
    Ok(Args {
        tier,
        opt,
        thresholds,
        verbose,
        osr,
        specialize,
        size_versions,
        unroll_and_jam,
        prefetch,
        fp_contract,
        jit_threads,
        profile_out,
        table,
        state,
        converged_module,
        coverage,
        program,
        argv,
    })
}

fn parse_thresholds(v: &str) -> Result<bareflow_tier::policy::Thresholds, String> {
    if v == "min" {
        return Ok(bareflow_tier::policy::MINIMUM);
    }
    let n: Vec<u64> = v
        .split(',')
        .map(|x| x.trim().parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("--thresholds '{v}': expected three numbers WARM,HOT,VERYHOT or 'min'"))?;
    let [warm, hot, very_hot] = n[..] else {
        return Err(format!("--thresholds '{v}': expected three numbers WARM,HOT,VERYHOT"));
    };
    let t = bareflow_tier::policy::Thresholds { warm, hot, very_hot };
    t.check().map_err(|e| format!("--thresholds '{v}': {e}"))?;
    Ok(t)
}

/// Entry point of `bareflow run`: returns the exit status of a run that could not start, and
/// ends the process itself once the program ran.
pub fn main(args: &[String]) -> i32 {
    let a = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bareflow run: {e}");
            return 2;
        }
    };
    let coverage = if a.coverage { coverage::Coverage::start() } else { coverage::Coverage::default() };
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
    let early = a.state.as_deref().filter(|_| a.tier != Tier::Interp).map(|s| snapshots::open_early(s, &bytes));
    let known = early.as_ref().is_some_and(|e| e.known);
    // LLVM's reader may crash on malformed input: try it in a child process first where we can
    // (not on bare metal: there are no processes to fork).
    #[cfg(not(feature = "baremetal"))]
    if !known && let irvm::host::Precheck::Bad(e) = irvm::host::precheck_isolated(&bytes, &a.program) {
        eprintln!("bareflow run: {}", e.lines().next().unwrap_or("malformed bitcode"));
        return 2;
    }
    // bareflow.h, runtime.h (and on bare metal every core-rt export) first, then the dynamic loader.
    let resolver = Box::new(crate::resolver::platform());
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
    let tiering = match setup_tier(&mut m, &bytes, &a, known) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bareflow run: {e}");
            return 2;
        }
    };
    let report = ReportSpec { out: a.profile_out.clone(), table: a.table, tier: tier_name };
    let mut host = Host::new(tiering, coverage, report);
    if a.tier == Tier::Interp {
        host.jit_on_demand = Some(session::OnDemand {
            bitcode: bytes.clone(),
            program: a.program.clone(),
            verbose: a.verbose,
            fp_contract: a.fp_contract,
        });
    }
    let mut session = Box::new(Session { machine: m, host });
    // From here on the C API (bareflow.h) and `exit` from JIT code act on this session.
    let live: *mut Session = &mut *session;
    // SAFETY: the session is boxed (it does not move) and lives until the process ends: this
    // function ends it inside the session's scope (below) and never drops the box while the
    // guard lives. While C or JIT code runs, only the program's calls into the C API use it.
    let _live = unsafe { bareflow_tier::api::LiveSession::enter(live, session.machine.thread_gate()) };
    crate::platform::boot_mark("JIT set up");
    let Session { machine, host } = &mut *session;
    if let Some(store) = &a.state {
        host.snapshots =
            snapshots::start(machine, host.tiering.as_mut(), early, store, &a.program, &bytes, a.tier == Tier::Auto);
        if let (Some(s), false) = (host.snapshots.as_mut(), a.converged_module) {
            s.leave_converged_module_to_aot();
        }
    }
    crate::platform::boot_mark("first interpreted instruction");
    let outcome = session.run(&a.argv);
    if a.verbose {
        let cost = session.machine.lowering_cost();
        eprintln!(
            "[irvm] lowered {} functions in {:.0} us ({:.1} us per function)",
            cost.functions,
            cost.micros,
            cost.micros_per_function()
        );
    }
    let (status, code) = match &outcome {
        Outcome::Exit(c) => (Some(*c), *c),
        // Interpreter errors carry their own "irvm:" prefix; input errors (no main) get ours.
        Outcome::Error(e @ Error::Run(_)) => {
            eprintln!("{e}");
            (None, 2)
        }
        Outcome::Error(e) => {
            eprintln!("bareflow run: {e}");
            (None, 2)
        }
    };
    let ok = session.host.finish(&mut session.machine, status);
    // Interpreted code may still run after `main` returned — atexit handlers and destructors
    // enter it through irvm's thunks — so the session must outlive the process: it ends here,
    // inside the session's scope.
    session.machine.exit_with(&mut session.host, if ok { code } else { 2 }, crate::platform::exit)
}

/// Set up the tier: `interp` has no tier manager; `auto` installs it (functions tier up as
/// they get hot); `jit` compiles every defined function at `--opt` first (functions that cannot
/// be compiled stay interpreted; listed with `--verbose`).
/// `warm`: the state store holds a snapshot of this program (its compile threads set
/// themselves up when a job comes, `CompilerSetup::lazy`).
fn setup_tier(
    m: &mut Machine,
    bytes: &[u8],
    a: &Args,
    warm: bool,
) -> Result<Option<bareflow_tier::Tiering>, bareflow_tier::TierError> {
    if a.tier == Tier::Interp {
        return Ok(None);
    }
    let mut t = bareflow_tier::Tiering::new(m, bytes, &a.program, a.thresholds, a.verbose)?;
    t.boot_mark = crate::platform::boot_mark;
    t.thread_cpu = crate::platform::thread_cpu;
    t.jit.set_fp_contraction(a.fp_contract);
    t.specialize = a.specialize;
    t.size_versions = a.size_versions;
    if !a.unroll_and_jam {
        t.unroll_and_jam = None;
    }
    t.prefetch = a.prefetch;
    if a.verbose {
        let (cpu, features) = t.cpu();
        eprintln!(
            "[tier] JIT target: cpu {cpu}, {} features",
            features.split(',').filter(|f| f.starts_with('+')).count()
        );
    }
    if a.tier == Tier::Auto {
        // One compile thread when the run has more than one CPU, synchronous compiles on one:
        // measured on an idle 2-CPU host, a compile thread brings app-tinyllama's peak sooner
        // (59-65 % of the synchronous time to peak in userspace, 81-97 % in QEMU with two guest
        // CPUs, docs/performance.md "Background compilation"); with one CPU it could only take
        // the program's. The CPU count is printed for the tier log.
        let cpus = crate::platform::cpus_online();
        let threads = a.jit_threads.unwrap_or(if cpus > 1 { 1 } else { 0 });
        let why = if a.jit_threads.is_some() {
            "--jit-threads".to_string()
        } else {
            format!("default, {cpus} CPU(s) online")
        };
        match t.start_background(threads, warm) {
            Ok(()) if a.verbose && threads > 0 => {
                eprintln!("[tier] compiling on {threads} background thread(s) ({why})")
            }
            Ok(()) if a.verbose => eprintln!("[tier] compiling synchronously ({why})"),
            Ok(()) => {}
            Err(e) => eprintln!("bareflow run: --jit-threads {threads}: {e}; compiling synchronously"),
        }
        bareflow_tier::install(m, &t, 0, a.osr);
        return Ok(Some(t));
    }
    t.count_native_calls = false;
    bareflow_tier::install(m, &t, u64::MAX, false);
    for f in m.defined_functions().collect::<Vec<_>>() {
        if bareflow_tier::policy::tierable(m, f) {
            let _ = t.compile(m, f, a.opt, "--tier jit".into());
        }
    }
    Ok(Some(t))
}
