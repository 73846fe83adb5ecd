//! `bareflow aot` on a snapshot with guarded specializations: the ahead-of-time object keeps the
//! dispatchers and their versions, defines their guard counters (`__bf.guards.<function>`) and
//! counts them with no JIT and no host around it. Built the way `make bench-aot` builds the
//! appliance's code on the host: the object + trap stubs for dead functions, linked with glibc
//! (and a reader that prints the counters at exit, `support::guards`).
//! Needs clang-19; `make test-shrink` runs it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::{guards, root};

/// tests/tiering/specialize.c's arguments: width 64 in 15 of 16 calls (else 96), step 1, then a
/// last quarter of other widths and steps (guard misses).
const ARGS: [&str; 3] = ["64", "20000", "96"];

#[test]
fn ahead_of_time_code_keeps_the_specializations_and_counts_their_guards() {
    let dir = support::scratch("aot/specialized");
    let src = root().join("tests/tiering/specialize.c");
    let (exe, bc, state) = (dir.join("native"), dir.join("specialize.bc"), dir.join("state"));
    support::compile("native build", support::clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe));
    support::bitcode(&src, &bc, &["-O2"]);
    let native = Command::new(&exe).args(ARGS).output().expect("native run");
    assert!(native.status.success());
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();

    // One tiered run leaves row's and copy_records' specialized objects in the snapshot
    // (synchronous compiles: none is still compiling when the run ends).
    let run = support::bareflow(["run", "--tier", "auto", "--jit-threads", "0", "--verbose", "--state"])
        .arg(&state)
        .arg(&bc)
        .arg("--")
        .args(ARGS)
        .output()
        .expect("bareflow run");
    let err = support::text(&run.stderr);
    assert!(run.status.success() && run.stdout == native.stdout, "bareflow run: {err}");

    let (obj, stubs, said) = support::aot_in(&dir, &state, &bc);
    let (row_key, copy_key) = (guards::aot_key(&said, "row"), guards::aot_key(&said, "copy_records"));
    let nm = Command::new(support::tool("LLVM_NM", "llvm-nm-19")).arg("--defined-only").arg(&obj).output().unwrap();
    let symbols = support::text(&nm.stdout);
    assert!(symbols.lines().any(|l| l.ends_with(" row.generic")), "no generic body of row:\n{symbols}");

    let o = guards::run_program(&dir, &obj, &stubs, &["row", "copy_records"], &ARGS, &native.stdout);
    let report = support::text(&o.stderr);
    let row = guards::expected_row(&row_key, &guards::specialize_row_calls(64, 20000, 96));
    assert_eq!(guards::printed(&report, "row"), row, "row's guards ({row_key}): hits per version, then misses");
    assert!(row[..3].iter().filter(|&&h| h > 0).count() >= 2 && row[3] > 0, "{row:?}");
    // copy_records always copies the 4 records (256 bytes).
    let copy = guards::expected(&copy_key, &[256i64; 20000], |&n, p| if p == 2 { n } else { panic!("parameter {p}") });
    assert_eq!(guards::printed(&report, "copy_records"), copy, "copy_records' guards ({copy_key})");
}

/// target/aot/TEST with `src` (relative to the repository) as bitcode at -O2 and an empty state
/// directory: (the directory, the bitcode, the state directory).
fn with_empty_state(test: &str, src: &str) -> (PathBuf, PathBuf, PathBuf) {
    with_empty_state_from(test, src, &["-O2"])
}

/// The same with the bitcode built with `flags`.
fn with_empty_state_from(test: &str, src: &str, flags: &[&str]) -> (PathBuf, PathBuf, PathBuf) {
    let dir = support::scratch(&format!("aot/{test}"));
    let src = root().join(src);
    let bc = dir.join(src.file_stem().unwrap()).with_extension("bc");
    let state = dir.join("state");
    support::bitcode(&src, &bc, flags);
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    (dir, bc, state)
}

/// `bareflow run --tier auto --verbose FLAGS... --state STATE BC -- ARGS...`, which must succeed: its stderr.
fn tiered_run(flags: &[&str], state: &Path, bc: &Path, args: &[&str]) -> String {
    // Synchronous compiles: the tier sequences the tests name, and no compile still running at exit.
    let o = support::bareflow(["run", "--tier", "auto", "--jit-threads", "0", "--verbose"])
        .args(flags)
        .arg("--state")
        .arg(state)
        .arg(bc)
        .arg("--")
        .args(args)
        .output()
        .expect("bareflow run");
    let err = support::text(&o.stderr);
    assert!(o.status.success(), "bareflow run: {err}");
    err
}

#[test]
fn a_specialization_survives_a_warm_tier_up_and_reaches_the_ahead_of_time_code() {
    // tests/bench/spec_matmul.c: `matmul` always gets 8x8x8. The cold run specializes it at O2
    // (with its memcpy of 32 bytes, which LLVM made of a loop, size-versioned: in the version
    // the size is a constant, the versioned call only serves the generic body);
    // the warm run links that object and calls it from native code (no value tables), then tiers
    // it up to O3 on its loop heat: the guards, all hits, keep the specialization at O3 (not the
    // size version: every call ran the version, none counted there), and the snapshot's O3
    // object, then `bareflow aot`, have it.
    let (dir, bc, state) = with_empty_state("warm-tier-up", "tests/bench/spec_matmul.c");
    let run = || tiered_run(&[], &state, &bc, &["8", "8", "8", "256", "200"]);
    let spec = "specialized arg3=8 arg4=8 arg5=8";
    let copy = "memory call at site 0 versioned for 32 bytes";
    let cold = run();
    assert!(cold.lines().any(|l| l.starts_with("[tier] matmul: interp -> O2 ") && l.contains(spec)), "{cold}");
    let warm = run();
    assert!(
        warm.lines()
            .any(|l| l.starts_with("[state] matmul: O2 from the object cache")
                && l.ends_with(&format!("{spec}, {copy}"))),
        "{warm}"
    );
    assert!(
        warm.lines()
            .any(|l| l.starts_with("[tier] matmul: O2 -> O3 ") && l.contains(&format!("{spec} (100 % of calls)"))),
        "the O3 recompile lost the specialization:\n{warm}"
    );
    let third = run();
    assert!(
        third.lines().any(|l| l.starts_with("[state] matmul: O3 from the object cache") && l.ends_with(spec)),
        "{third}"
    );
    let aot =
        support::bareflow(["aot", "--state"]).arg(&state).arg(&bc).arg("-o").arg(dir.join("app.o")).output().unwrap();
    let said = support::text(&aot.stdout);
    assert!(aot.status.success(), "bareflow aot: {}", support::text(&aot.stderr));
    assert_eq!(guards::aot_key(&said, "matmul"), "p3=8,p4=8,p5=8", "{said}");
}

#[test]
fn a_stable_run_with_no_converged_module_leaves_the_whole_program_rebuild_to_aot() {
    // `--no-converged-module` (tools/app-converge: the rebuild of a large program takes longer than a
    // boot's time-out under TCG): the stable run keeps no converged module and `bareflow aot` builds the
    // object from the snapshot's profile; a stable run without the option builds and keeps it.
    let (dir, bc, state) = with_empty_state("no-converged-module", "tests/tiering/specialize.c");
    let run = |flags: &[&str]| tiered_run(flags, &state, &bc, &ARGS);
    let aot = || {
        let o = support::bareflow(["aot", "--state"]).arg(&state).arg(&bc).arg("-o").arg(dir.join("app.o")).output();
        let o = o.expect("bareflow aot");
        assert!(o.status.success(), "bareflow aot: {}", support::text(&o.stderr));
        support::text(&o.stdout)
    };
    let left = "state: profile stable (no tier change, same dead set): whole-program rebuild left to bareflow aot";
    let stable = (0..6).map(|_| run(&["--no-converged-module"])).find(|err| err.contains(left));
    let err = stable.expect("no stable run in 6 runs with --no-converged-module");
    assert!(!err.contains("state: converged module:"), "a converged module was built:\n{err}");
    let said = aot();
    assert!(said.contains(" from snapshot gen ") && !said.contains("converged module kept"), "{said}");
    let err = run(&[]);
    assert!(err.contains("state: converged module: "), "a stable run without the option built none:\n{err}");
    assert!(aot().contains(" from the converged module kept in snapshot gen "));
}

#[test]
fn a_function_that_only_ran_inlined_into_compiled_code_is_not_dead() {
    // tests/tiering/inlined_only.c: `rare` first runs at the last calls of `step`, long after the
    // JIT compiled `step` at O2 with `rare`'s body inlined; irvm never sees `rare` entered. The
    // compile's inlining record counts it as executed whenever `step` is: the snapshot does not call
    // it dead, and the ahead-of-time program (dead functions as trap stubs) prints what the native
    // build prints instead of stopping on `rare`'s stub.
    let test = "tests/tiering/inlined_only.c";
    let flags = ["-O2", "-Xclang", "-disable-llvm-passes"];
    let (dir, bc, state) = with_empty_state_from("inlined-only", test, &flags);
    let native_exe = dir.join("native");
    support::compile(
        "native build",
        support::clang_command().arg("-O2").arg(root().join(test)).arg("-o").arg(&native_exe),
    );
    let native = Command::new(&native_exe).output().expect("native run");
    assert!(native.status.success());
    let err = tiered_run(&[], &state, &bc, &[]);
    // The shape: step reached O2 (callee bodies inlined), rare was never entered by irvm.
    assert!(err.lines().any(|l| l.starts_with("[tier] step: O1 -> O2 ")), "step did not reach O2:\n{err}");
    assert!(!err.lines().any(|l| l.starts_with("[tier] rare:")), "rare was entered by irvm:\n{err}");
    let dead = err.lines().find(|l| l.starts_with("state: dead code: ")).unwrap_or_default();
    assert!(!dead.contains("rare"), "rare ran inlined into step but is called dead: {dead}");
    let show = support::bareflow(["snapshot", "show"]).arg(&state).output().expect("bareflow snapshot show");
    let show = support::text(&show.stdout);
    let runs = show.lines().find(|l| l.ends_with(" rare")).and_then(|l| l.split_whitespace().nth(4));
    assert_eq!(runs, Some("1"), "rare's runs in the snapshot:\n{show}");

    let (obj, stubs, said) = support::aot_in(&dir, &state, &bc);
    let prog = dir.join("aot");
    let dropped = said.split(" dead dropped (").nth(1).unwrap_or_default();
    assert!(!dropped.split(')').next().unwrap_or_default().contains("rare"), "aot dropped rare: {said}");
    support::compile("the ahead-of-time program", support::clang_command().arg(&obj).arg(&stubs).arg("-o").arg(&prog));
    let o = Command::new(&prog).output().expect("ahead-of-time run");
    assert!(o.status.success(), "ahead-of-time program failed ({}): a function it ran is a trap stub", o.status);
    assert_eq!(support::text(&o.stdout), support::text(&native.stdout), "ahead-of-time output differs from native");
}
