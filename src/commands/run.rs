//! `bareflow run [--tier interp|jit|auto] [--profile-out FILE] [--profile-table] PROGRAM.bc [-- ARGS...]`
//!
//! Runs LLVM bitcode with irvm (issue C); `jit` and `auto` belong to issue D. The program's
//! stdout/stderr pass through and its exit status (main's return or `exit()`) becomes ours; the
//! program's argv[0] is the bitcode path. Errors of our own (usage, unreadable or malformed
//! bitcode, no `main`, run-time errors of the interpreter) print one line and exit with 2.

use irvm::profile::Profile;
use irvm::{Machine, Options, Outcome};

const USAGE: &str = "usage: bareflow run [--tier interp|jit|auto] [--profile-out FILE] [--profile-table] PROGRAM.bc [-- ARGS...]";

/// Parsed command line.
struct Args {
    profile_out: Option<String>,
    table: bool,
    program: String,
    argv: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut profile_out = None;
    let mut table = false;
    let mut it = args.iter();
    let program = loop {
        let Some(a) = it.next() else { return Err(format!("missing PROGRAM.bc\n{USAGE}")) };
        match a.as_str() {
            "--tier" => match it.next().map(String::as_str) {
                Some("interp") => {}
                Some(t @ ("jit" | "auto")) => return Err(format!("--tier {t} is not available yet (issue D); use --tier interp")),
                Some(t) => return Err(format!("unknown tier '{t}' (expected interp, jit or auto)")),
                None => return Err("--tier needs a value".into()),
            },
            "--profile-out" => profile_out = Some(it.next().ok_or("--profile-out needs a file name")?.clone()),
            "--profile-table" => table = true,
            "-h" | "--help" => return Err(USAGE.into()),
            f if f.starts_with('-') => return Err(format!("unknown option '{f}'\n{USAGE}")),
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
    Ok(Args { profile_out, table, program, argv })
}

/// Write the profile where the flags ask; returns false if that failed.
fn report(m: &Machine, status: Option<i32>, out: &Option<String>, table: bool) -> bool {
    if out.is_none() && !table {
        return true;
    }
    let p = Profile::collect(m, status);
    if table {
        eprint!("{}", p.to_table());
    }
    if let Some(path) = out
        && let Err(e) = std::fs::write(path, p.to_json() + "\n")
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
    let bytes = match std::fs::read(&a.program) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bareflow run: cannot read '{}': {e}", a.program);
            return 2;
        }
    };
    // LLVM's reader may crash on malformed input: try it in a child process first where we can.
    if let irvm::host::Precheck::Bad(e) = irvm::host::precheck_isolated(&bytes, &a.program) {
        eprintln!("bareflow run: {}", e.lines().next().unwrap_or("malformed bitcode"));
        return 2;
    }
    let resolver = Box::new(irvm::host::DlsymResolver::new());
    let mut m = match Machine::load(&bytes, &a.program, resolver, Options::default()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("bareflow run: {e}");
            return 2;
        }
    };
    let (out, table) = (a.profile_out.clone(), a.table);
    m.set_exit_hook(Box::new(move |m, outcome| {
        let status = match outcome {
            Outcome::Exit(c) => Some(*c),
            Outcome::Error(e) => {
                eprintln!("{e}");
                None
            }
        };
        report(m, status, &out, table);
    }));
    let outcome = m.run_main(&a.argv);
    let (status, code) = match &outcome {
        Outcome::Exit(c) => (Some(*c), *c),
        Outcome::Error(e) => {
            eprintln!("{e}");
            (None, 2)
        }
    };
    let ok = report(&m, status, &a.profile_out, a.table);
    // Interpreted code may still be reached after we return (atexit handlers, stdio
    // callbacks): the machine must outlive the process.
    Box::leak(m);
    if ok { code } else { 2 }
}
