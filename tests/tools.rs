//! The scripts of tools/ against stand-ins for what they run, so that a failure cannot pass for a
//! result: tools/converge.py and the benchmarks stop with one line when a run produced no data, and
//! tools/qemu-run tells the guest's exit code from QEMU's own failures, tools/test-summary counts what
//! tools/test-log kept and fails `make test` on a skip or a failure. Host only (no QEMU, no kernel
//! image): `make test-tools`.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use support::{Boot, Qemu, root};

/// An executable shell script `name` with `body`, in this test's scratch directory.
fn script(test: &str, name: &str, body: &str) -> PathBuf {
    let path = support::scratch(&format!("tools-test/{test}")).join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// tools/converge.py (userspace) with `bareflow` standing in for the driver.
fn converge(test: &str, bareflow: &PathBuf) -> Output {
    let state = support::scratch(&format!("tools-test/{test}")).join("state");
    Command::new("python3")
        .arg(root().join("tools/converge.py"))
        .arg("--bareflow")
        .arg(bareflow)
        .args(["--bitcode", "app.bc", "--model", "model.bin", "--state"])
        .arg(&state)
        .args(["--fresh", "--max-runs", "2"])
        .output()
        .expect("python3 tools/converge.py")
}

#[test]
fn converge_stops_when_a_run_produced_no_data() {
    // Exit status 0 and not a line of output: no timestamps, no snapshot, no dead-code count.
    let silent = script("converge-silent", "bareflow", "exit 0");
    let o = converge("converge-silent", &silent);
    let err = support::text(&o.stderr);
    assert!(!o.status.success(), "converge.py succeeded on runs without data:\n{}", support::text(&o.stdout));
    assert_eq!(err.lines().count(), 1, "one line expected:\n{err}");
    assert!(err.starts_with("converge: run 1: no data: no per-token rate"), "{err}");
    assert!(err.contains("no 'state: saved snapshot' line") && err.contains("no 'state: dead code' line"), "{err}");
    assert!(!support::text(&o.stdout).contains("converged"), "a run without data was taken for convergence");
}

#[test]
fn converge_stops_when_a_run_fails() {
    let failing = script("converge-failing", "bareflow", "echo 'bareflow run: cannot read app.bc' >&2; exit 3");
    let o = converge("converge-failing", &failing);
    let err = support::text(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.starts_with("converge: run 1: ")
            && err.contains("exited with status 3")
            && err.contains("cannot read app.bc"),
        "{err}"
    );
}

#[test]
fn bench_jit_stops_when_a_run_wrote_no_profile() {
    // Prints what the program prints (the bitcode's native build, beside it) but writes no profile.
    let no_profile = script(
        "bench-jit",
        "bareflow",
        r#"while [ "$1" != "--" ]; do case "$1" in *.bc) bc=$1 ;; esac; shift; done; shift; exec "${bc%.bc}.ref" "$@""#,
    );
    let out = support::scratch("tools-test/bench-jit").join("bench-jit.txt");
    let o = Command::new("python3")
        .arg(root().join("tools/bench-jit.py"))
        .arg("--bareflow")
        .arg(&no_profile)
        .args(["--runs", "1", "--only", "fib", "--out"])
        .arg(&out)
        .output()
        .expect("python3 tools/bench-jit.py");
    let err = support::text(&o.stderr);
    assert!(!o.status.success(), "bench-jit.py succeeded without profiles:\n{}", support::text(&o.stdout));
    assert!(err.contains("bench-jit: fib 38: no data: bareflow wrote no profile to "), "{err}");
    assert!(!out.exists() || std::fs::read_to_string(&out).unwrap().is_empty(), "a table was written");
}

#[test]
fn bench_interp_stops_when_irvm_printed_nothing() {
    let silent = script("bench-interp", "bareflow", "exit 0");
    let dir = support::scratch("tools-test/bench-interp");
    let o = Command::new("python3")
        .arg(root().join("tools/bench-interp.py"))
        .arg("--bareflow")
        .arg(&silent)
        .args(["--runs", "1", "--no-lli", "--no-wasmi", "--only", "fib", "--work"])
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("bench-interp.txt"))
        .output()
        .expect("python3 tools/bench-interp.py");
    let err = support::text(&o.stderr);
    assert!(!o.status.success(), "bench-interp.py succeeded without irvm figures");
    assert!(err.contains("bench-interp: fib 36: irvm run: no data: wrong output: (nothing)"), "{err}");
}

/// tools/qemu-run (TCG: no KVM probe) with a stand-in QEMU that writes `stderr` and exits `status`;
/// `exit_device`: with the isa-debug-exit device (the default) or without.
fn qemu_run(test: &str, stderr: &str, status: i32, exit_device: bool) -> (i32, String) {
    let qemu = script(test, "qemu", &format!("printf '{stderr}' >&2\nexit {status}"));
    // The "kernel": any file that exists.
    let boot = Qemu::kernel(&qemu).accel("tcg").args(&["demo"]);
    let boot = if exit_device { boot } else { boot.no_exit_device() };
    let b = Boot::from(boot.command().env("QEMU", &qemu).output().expect("tools/qemu-run"));
    (b.code, b.stderr)
}

#[test]
fn qemu_run_gives_the_guests_exit_code() {
    // isa-debug-exit: exit(c) makes QEMU exit with (c << 1) | 1.
    assert_eq!(qemu_run("qemu-exit-0", "", 1, true).0, 0);
    assert_eq!(qemu_run("qemu-exit-42", "", 85, true).0, 42);
    // A warning is not an error.
    let (code, err) = qemu_run("qemu-warning", "qemu-system-x86_64: warning: TCG does not support x\\n", 1, true);
    assert_eq!(code, 0, "{err}");
    // Without the exit device the guest powers off: QEMU status 0.
    assert_eq!(qemu_run("qemu-power-off", "", 0, false).0, 0);
}

#[test]
fn qemu_run_tells_qemu_failures_from_a_guest_exit_0() {
    // QEMU's own errors also end in status 1, the status of the guest's exit(0).
    let (code, err) = qemu_run("qemu-error", "qemu: could not open kernel file: No such file\\n", 1, true);
    assert_eq!(code, 126, "{err}");
    assert!(err.contains("qemu-run: QEMU failed with status 1: qemu: could not open kernel file"), "{err}");
    let (code, err) = qemu_run("qemu-bad-option", "qemu-system-x86_64: -bogus: invalid option\\n", 1, true);
    assert_eq!(code, 126, "{err}");
    // Without the exit device, status 1 can only be a failure.
    assert_eq!(qemu_run("qemu-no-exit-device", "", 1, false).0, 126);
    // Status 0 with the exit device: the guest stopped without an exit code.
    let (code, err) = qemu_run("qemu-no-code", "", 0, true);
    assert_eq!(code, 125, "{err}");
    // QEMU that cannot be started at all.
    let launcher = root().join("tools/qemu-run");
    let mut cmd = Qemu::kernel(&launcher).accel("tcg").command();
    let b = Boot::from(cmd.env("QEMU", "/nonexistent/qemu-system-x86_64").output().unwrap());
    assert_eq!(b.code, 126, "{}", b.stderr);
}

/// tools/test-log then tools/test-summary on a log directory of this test: the summary's line and
/// exit status.
fn summarize(test: &str, runs: &[(&str, &str)]) -> (String, i32) {
    let logs = support::scratch(&format!("tools-test/{test}")).join("logs");
    let _ = std::fs::remove_dir_all(&logs);
    for (name, output) in runs {
        let o = Command::new(root().join("tools/test-log"))
            .arg(name)
            .args(["sh", "-c"])
            .arg(format!("printf '{output}'"))
            .env("TEST_LOGS", &logs)
            .output()
            .expect("tools/test-log");
        assert!(o.status.success(), "test-log failed: {}", support::text(&o.stderr));
        assert!(
            support::text(&o.stdout).contains(output.split("\\n").next().unwrap()),
            "test-log must show the output"
        );
    }
    let o = Command::new(root().join("tools/test-summary")).arg(&logs).output().expect("tools/test-summary");
    (support::text(&o.stdout) + &support::text(&o.stderr), o.status.code().unwrap_or(-1))
}

#[test]
fn test_summary_counts_runs_and_fails_on_a_skip_or_a_failure() {
    let ok =
        "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\\ntest a::bench ... ignored\\n";
    let (line, code) = summarize("summary-ok", &[("one", ok), ("two", "tinyllama: 5 passed, 0 failed, 0 skipped\\n")]);
    assert_eq!(code, 0, "{line}");
    assert!(
        line.starts_with("make test: 8 tests run in 2 targets, 8 passed, 0 failed, 1 ignored, 0 skipped (ignored, run by hand: a::bench)"),
        "{line}"
    );
    let skip = "SKIPPED: tiering::revec: no wide vectors\\ntest result: ok. 1 passed; 0 failed; 0 ignored;\\n";
    let (line, code) = summarize("summary-skip", &[("tier", skip)]);
    assert_eq!(code, 1, "a skip must fail make test: {line}");
    assert!(line.contains("1 skipped: tiering::revec: no wide vectors (tier)"), "{line}");
    let (line, code) = summarize("summary-fail", &[("x", "test result: FAILED. 1 passed; 2 failed; 0 ignored;\\n")]);
    assert_eq!(code, 1, "{line}");
    assert!(line.contains("3 tests run in 1 targets, 1 passed, 2 failed"), "{line}");
    // No logs at all, or logs without a result: not a pass.
    let (line, code) = summarize("summary-none", &[]);
    assert!(code == 1 && line.contains("no logs"), "{line}");
    let (line, code) = summarize("summary-empty", &[("y", "compiling\\n")]);
    assert!(code == 1 && line.contains("no test results"), "{line}");
    // test-log's status is its command's.
    let logs = support::scratch("tools-test/summary-status").join("logs");
    let st = Command::new(root().join("tools/test-log"))
        .args(["z", "sh", "-c", "exit 3"])
        .env("TEST_LOGS", &logs)
        .status()
        .expect("tools/test-log");
    assert_eq!(st.code(), Some(3), "tools/test-log hid its command's failure");
}
