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

/// Build `tests/semantics/<name>.c` (or `.cc`, as C++) natively and as bitcode at `opt`;
/// returns (exe, bitcode).
fn build(name: &str, opt: &str) -> (PathBuf, PathBuf) {
    let out = support::scratch(&format!("semantics-{name}-{opt}"));
    let c = root().join(format!("tests/semantics/{name}.c"));
    let (src, compiler) = if c.exists() {
        (c, support::clang())
    } else {
        (c.with_extension("cc"), support::tool("CLANGXX", "clang++-19"))
    };
    let (exe, bc) = (out.join(name), out.join(format!("{name}.bc")));
    support::compile(
        &format!("{name}: native build at {opt}"),
        Command::new(&compiler).arg(opt).arg(&src).arg("-o").arg(&exe),
    );
    support::compile(
        &format!("{name}: bitcode at {opt}"),
        Command::new(&compiler).arg(opt).args(["-emit-llvm", "-c"]).arg(&src).arg("-o").arg(&bc),
    );
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

/// Computed goto (a static table of label addresses) in every tier: a function whose labels stay
/// with it (a constant table only it reads, or phi operands) is compiled with its own copy of the
/// table, one whose labels are stored at run time stays interpreted, and compiled callers (OSR
/// included) call them rather than inline a copy.
#[test]
fn computed_goto_dispatch_in_every_tier() {
    same_as_native("computed_goto", &["50"]);
    let (_, bc) = build("computed_goto", "-O2");
    let o = support::bareflow(["run", "--tier", "jit", "--verbose"]).arg(&bc).args(["--", "50"]).output().expect("run");
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "computed_goto --tier jit failed:\n{log}");
    for f in ["run", "countdown"] {
        assert!(log.contains(&format!("[tier] {f}: interp -> O")), "'{f}' was not compiled:\n{log}");
    }
    for f in ["stored", "escaping"] {
        assert!(!log.contains(&format!("[tier] {f}: interp -> O")), "'{f}' (labels in memory) was compiled:\n{log}");
    }
}

/// Undefined weak functions and variables are null, weak definitions and aliases resolve as the
/// linker would (also in JIT-compiled code, whose module must not keep an alias of a body it drops).
#[test]
fn weak_symbols_and_aliases_resolve_as_the_linker_would() {
    same_as_native("weak_symbols", &[]);
}

/// Inline assembly and `asm goto` run in every tier: irvm hands each function holding some to
/// the JIT on its first call (also `main`, and a qsort comparator called from native code), says
/// so with `--tier interp` and logs the reason in the tier log.
#[test]
fn inline_assembly_runs_in_every_tier_through_the_jit() {
    same_as_native("inline_asm", &[]);
    let (_, bc) = build("inline_asm", "-O0");
    let run = |flags: &[&str]| {
        let o = support::bareflow(["run"]).args(flags).arg(&bc).output().expect("bareflow run");
        assert!(o.status.success(), "inline_asm {flags:?} failed");
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let interp = run(&["--tier", "interp"]);
    for f in ["main", "rotate_left", "add_lea", "is_positive", "compare_asm"] {
        assert!(
            interp.contains(&format!("note: --tier interp: '{f}' is compiled by the JIT on its first call")),
            "--tier interp does not say that '{f}' is compiled:\n{interp}"
        );
    }
    let auto = run(&["--tier", "auto", "--verbose"]);
    assert!(
        auto.contains(
            "[tier] is_positive: interp -> O1 (first call, irvm cannot interpret it: unsupported instruction 'callbr'"
        ),
        "the tier log does not give the reason for 'is_positive':\n{auto}"
    );
    assert!(
        auto.contains(
            "[tier] rotate_left: interp -> O1 (first call, irvm cannot interpret it: unsupported inline assembly,"
        ),
        "the tier log does not give the reason for 'rotate_left':\n{auto}"
    );
}

/// Run tests/semantics/`name`.c (at -O0 and -O2) in every tier and hand each run's exit status,
/// stdout and stderr to `check`, with a label naming the run.
fn in_every_tier(name: &str, check: impl Fn(&str, Option<i32>, &str, &str)) {
    for opt in ["-O0", "-O2"] {
        let (_, bc) = build(name, opt);
        for flags in TIERS {
            let o = support::bareflow(["run"]).args(flags).arg(&bc).output().expect("bareflow run");
            let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
            check(&format!("{name} {opt} {flags:?}"), o.status.code(), &out, &err);
        }
    }
}

/// `pthread_create` from the program runs the thread in every tier (interpreted code and
/// JIT-compiled code alike): its result comes back through `pthread_join`, nothing on stderr.
/// tests/pthread.rs runs the whole pthread test program in every tier.
#[test]
fn pthread_create_runs_the_thread_in_every_tier() {
    in_every_tier("threads", |run, status, out, err| {
        assert_eq!(status, Some(0), "{run}: exit status; stderr:\n{err}");
        assert_eq!(out, "before\nafter 42\n", "{run}: output");
        assert_eq!(err, "", "{run}: stderr");
    });
}

/// `pthread_exit` is refused with one line naming it, in every tier (interpreted code and
/// JIT-compiled code alike), exit status 2; what ran before it printed its output.
#[test]
fn pthread_exit_is_refused_with_one_line_naming_it() {
    in_every_tier("thread_exit", |run, status, out, err| {
        assert_eq!(status, Some(2), "{run}: exit status; stderr:\n{err}");
        assert_eq!(out, "worker\n", "{run}: output");
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].contains("unsupported call to 'pthread_exit'"),
            "{run}: not one line naming pthread_exit:\n{err}"
        );
    });
}

/// C++: static constructors and destructors, virtual calls, RTTI, templates and containers, in
/// every tier (functions with landing pads go to the JIT on their first call, also at exit).
#[test]
fn cpp_objects_rtti_and_static_destructors() {
    same_as_native("cpp_basics", &[]);
}

/// C++ exceptions thrown through interpreted frames, JIT frames (whose locals' destructors run),
/// the C library's qsort (a throwing comparator), virtual calls through irvm's thunk and
/// libstdc++'s own throws, caught and rethrown, while the tiers change under them.
#[test]
fn cpp_exceptions_cross_interpreted_jit_and_native_frames() {
    same_as_native("cpp_exceptions", &["300"]);
}

/// Exceptions and longjmps alternate in one program (every entry runs under the longjmp guard),
/// across interpreted, JIT-compiled and qsort frames.
#[test]
fn cpp_exceptions_and_longjmp_in_one_program() {
    same_as_native("cpp_exceptions_setjmp", &["600"]);
}

/// An exception nothing catches ends the program in std::terminate in every tier, with the C++
/// runtime's message naming it and an abort, as natively.
#[test]
fn uncaught_cpp_exception_terminates_as_natively() {
    same_as_native("cpp_uncaught", &[]);
    let (_, bc) = build("cpp_uncaught", "-O0");
    for flags in TIERS {
        let o = support::bareflow(["run"]).args(flags).arg(&bc).output().expect("bareflow run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("terminate called after throwing an instance of 'std::runtime_error'")
                && err.contains("nobody catches 7"),
            "cpp_uncaught {flags:?}: std::terminate's message is missing; stderr:\n{err}"
        );
    }
}

/// `__builtin_setjmp`/`__builtin_longjmp`: their functions go to the JIT; the jumps cross an
/// interpreted function entered from JIT code, and irvm's state follows.
#[test]
fn builtin_setjmp_runs_through_the_jit() {
    same_as_native("builtin_setjmp", &[]);
}
