//! What clang emits and irvm must run like native code, in every tier: each program of
//! tests/semantics/ is built natively and as bitcode (-O0 and -O2) and run by `bareflow run`
//! under `--tier interp`, `jit`, `auto` with the default thresholds and with `--thresholds min`
//! (OSR included); stdout and the exit status must be the native build's.

mod support;

use std::path::PathBuf;
use std::process::Command;
use support::root;

/// The tier settings every program runs under.
const TIERS: [&[&str]; 4] =
    [&["--tier", "interp"], &["--tier", "jit"], &["--tier", "auto"], &["--tier", "auto", "--thresholds", "min"]];

/// Build `tests/semantics/<name>.c` natively and as bitcode at `opt`; returns (exe, bitcode).
fn build(name: &str, opt: &str) -> (PathBuf, PathBuf) {
    let out = support::scratch(&format!("semantics-{name}-{opt}"));
    let src = root().join(format!("tests/semantics/{name}.c"));
    let (exe, bc) = (out.join(name), out.join(format!("{name}.bc")));
    support::compile(
        &format!("{name}: native build at {opt}"),
        support::clang_command().arg(opt).arg(&src).arg("-o").arg(&exe),
    );
    support::bitcode(&src, &bc, &[opt]);
    (exe, bc)
}

/// Run `name` natively and under every tier setting at -O0 and -O2; outputs must agree.
fn same_as_native(name: &str, args: &[&str]) {
    for opt in ["-O0", "-O2"] {
        let (exe, bc) = build(name, opt);
        let n = Command::new(&exe).args(args).output().expect("native run");
        let nout = String::from_utf8_lossy(&n.stdout).to_string();
        assert!(!nout.is_empty(), "{name} {opt}: the native build printed nothing");
        for flags in TIERS {
            let b =
                support::bareflow(["run"]).args(flags).arg(&bc).arg("--").args(args).output().expect("bareflow run");
            let (bout, berr) = (String::from_utf8_lossy(&b.stdout), String::from_utf8_lossy(&b.stderr));
            assert_eq!(
                b.status.code(),
                n.status.code(),
                "{name} {opt} {flags:?}: exit status differs; stderr:\n{berr}"
            );
            assert_eq!(
                bout, nout,
                "{name} {opt} {flags:?}: output (left) differs from native (right); stderr:\n{berr}"
            );
        }
    }
}

/// setjmp/longjmp through interpreted frames, qsort's native frames (the comparator jumps out,
/// or jumps inside itself), compiled frames and OSR code, thousands of times.
#[test]
fn setjmp_longjmp_across_every_kind_of_frame() {
    same_as_native("setjmp_frames", &["3000"]);
}

/// Undefined weak functions and variables are null, weak definitions and aliases resolve as the
/// linker would (also in JIT-compiled code, whose module must not keep an alias of a body it drops).
#[test]
fn weak_symbols_and_aliases_resolve_as_the_linker_would() {
    same_as_native("weak_symbols", &[]);
}
