//! Profile-based loop peeling and loops that call out (orc-bridge/cxx/passes.cc,
//! `NoProfilePeelingOfCallingLoops`): tests/tiering/recursive_loop.c's `fib`, whose -O2 bitcode
//! has a loop around one of its recursive calls, is compiled at O3 with irvm's counts as profile;
//! the counts say the loop runs under two iterations a call, and LLVM's unroller would peel it
//! (three recursive call sites, 18-27 % slower on fib). The compiled code keeps one call site and
//! gives the native build's output.

mod support;

use std::process::Command;

#[test]
fn a_loop_that_calls_out_is_not_peeled_by_its_profile() {
    let out = support::scratch("peeling");
    let src = support::root().join("tests/tiering/recursive_loop.c");
    let (exe, bc) = (out.join("recursive_loop"), out.join("recursive_loop.bc"));
    support::compile("recursive_loop: native build", support::clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe));
    support::bitcode(&src, &bc, &["-O2"]);
    let want = Command::new(&exe).arg("27").output().expect("native run");
    // Synchronous compiles with a first mark past the very-hot threshold: fib goes from the
    // interpreter straight to O3, with a profile, in every run.
    let flags = ["--tier", "auto", "--jit-threads", "0", "--thresholds", "50000,50001,50002", "--verbose"];
    let (b, dump) = support::run_dumping("peeling", "recursive_loop", &bc, &flags, &["27"]);
    let err = String::from_utf8_lossy(&b.stderr);
    assert!(b.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&b.stdout), String::from_utf8_lossy(&want.stdout));
    assert!(err.lines().any(|l| l.starts_with("[tier] fib: interp -> O3 (heat")), "fib not compiled at O3:\n{err}");
    let ll = |suffix: &str| {
        let p = std::fs::read_dir(&dump)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                n.starts_with("fib.bf.O3.") && n.ends_with(suffix) && (suffix == ".pre.ll" || !n.ends_with(".pre.ll"))
            })
            .unwrap_or_else(|| panic!("no fib.bf.O3.*{suffix} in {}", dump.display()));
        std::fs::read_to_string(p).unwrap()
    };
    let (pre, fin) = (ll(".pre.ll"), ll(".ll"));
    assert!(
        pre.contains("!\"function_entry_count\"") && pre.contains("!\"branch_weights\""),
        "no profile attached:\n{pre}"
    );
    let calls = |ir: &str| ir.lines().filter(|l| l.contains("call fastcc i64 @fib.bf.O3.")).count();
    assert_eq!(calls(&pre), 1, "the bitcode's loop has one recursive call:\n{pre}");
    assert_eq!(calls(&fin), 1, "the loop was peeled (its recursive call copied):\n{fin}");
}
