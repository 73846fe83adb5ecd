//! `bareflow`: the driver. The same source is a Linux process (glibc) or the unikernel's program
//! (core-rt); only `platform` differs. Subcommands live in `commands/`.

#[cfg(feature = "llvm")]
mod aot;
mod commands;
mod platform;
#[cfg(feature = "llvm")]
mod resolver;
#[cfg(feature = "llvm")]
mod run;
#[cfg(feature = "llvm")]
mod symbols;

use std::process::ExitCode;

const USAGE: &str = "usage: bareflow <command> [args...]
commands:
  demo [--exit N] [--read FILE] [--panic] [--page-fault]   exercise std on this platform
  run [--tier interp|jit|auto] [--profile-out FILE] [--state STORE] PROGRAM.bc [-- ARGS...]
                                                           run LLVM bitcode (needs the `llvm` feature)
  report PROFILE.json [--svg OUT.svg] [--top N]            text summary + flame graph SVG of a run's profile
  snapshot show STORE                                      what a state store holds (slots, sections)
  aot --state STORE PROGRAM.bc -o OUT.o [--stubs OUT.s]    the snapshot's live code, whole-program O3 + profile
  orc-selftest                                             compile a function at O0 and O3 with LLVM ORC, call both
  help                                                     this text";

fn main() -> ExitCode {
    platform::init();
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        None | Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            0
        }
        Some("demo") => commands::demo::main(&args[2..]),
        Some("run") => commands::run(&args[2..]),
        Some("orc-selftest") => commands::orc_selftest(&args[2..]),
        Some("report") => commands::report::main(&args[2..]),
        Some("snapshot") => commands::snapshot::main(&args[2..]),
        Some("aot") => commands::aot(&args[2..]),
        Some(other) => {
            eprintln!("bareflow: unknown command '{other}' (try 'bareflow help')");
            2
        }
    };
    platform::exit(code)
}
