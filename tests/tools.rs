//! The scripts of tools/ against stand-ins for what they run, so that a failure cannot pass for a
//! result: tools/converge.py and the benchmarks stop with one line when a run produced no data (a
//! probe too), tools/stream-probe.c reads every byte once per pass with any number of threads, and
//! tools/qemu-run tells the guest's exit code from QEMU's own failures, tools/test-summary counts what
//! tools/test-log kept and fails `make test` on a skip or a failure; tools/app-converge compares only
//! the program's lines of each boot (tools/bareflow-lines, checked against what `bareflow run
//! --verbose --state` really adds) and names the first differing line. Host only (no QEMU, no kernel
//! image; clang-19 for two programs): `make test-tools`.

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

/// Per-token times made up for a case as tools/converge.py's timestamps (from 0).
fn stamps(durations: &[f64]) -> String {
    let stamps: Vec<String> = durations
        .iter()
        .scan(0.0, |t, d| {
            *t += d;
            Some(format!("{t:.6}"))
        })
        .collect();
    format!("[0.0, {}]", stamps.join(", "))
}

/// What the Python expression `expr` of tools/converge.py prints.
fn converge_py(expr: &str) -> String {
    let code = format!("import sys; sys.path.insert(0, 'tools'); import converge; print({expr})");
    let o = Command::new("python3").current_dir(root()).args(["-c", &code]).output().expect("python3");
    assert!(o.status.success(), "{}", support::text(&o.stderr));
    support::text(&o.stdout).trim().to_string()
}

/// tools/converge.py's `time_to_peak` on per-token times made up for the case: `(final rate,
/// seconds from the first token to peak)`.
fn time_to_peak(durations: &[f64]) -> (f64, f64) {
    let text = converge_py(&format!("*converge.time_to_peak({}, 0.0, 16)", stamps(durations)));
    let v: Vec<f64> = text.split_whitespace().map(|w| w.parse().unwrap()).collect();
    (v[0], v[1])
}

#[test]
fn a_run_that_ends_slower_does_not_reach_the_faster_runs_rate() {
    // Two runs alike until token 100 (2 ms a token), then one at 1 ms, the other at 1.25 ms a
    // token (80 % of the first's rate). Each is at its own peak soon after token 100; against
    // the faster run's 1000 tok/s only the faster one ever is.
    let mut fast = vec![0.002; 100];
    fast.extend(vec![0.001; 156]);
    let mut slow = vec![0.002; 100];
    slow.extend(vec![0.00125; 156]);
    let (_, own_peak) = time_to_peak(&slow);
    assert!(own_peak < 0.25, "the slower run's own peak at {own_peak} s");
    let at = |d: &[f64]| converge_py(&format!("converge.time_to_rate({}, 0.0, 16, 1000.0)", stamps(d)));
    let fast_at: f64 = at(&fast).parse().unwrap();
    assert!(fast_at > 0.2 && fast_at < 0.25, "the faster run at 1000 tok/s from {fast_at} s");
    assert_eq!(at(&slow), "None");
}

#[test]
fn the_peak_comes_after_a_long_slow_stretch_or_stop_not_after_a_preemption() {
    // 40 fast tokens (1 ms), 100 at a quarter of the rate, then 116 fast ones: the peak is after
    // the slow stretch, although the first 16 windows were as fast as the end.
    let mut d = vec![0.001; 40];
    d.extend(vec![0.004; 100]);
    d.extend(vec![0.001; 116]);
    let (rate, peak) = time_to_peak(&d);
    assert!((rate - 1000.0).abs() < 1.0, "final rate {rate}");
    let slow_end: f64 = d[..140].iter().sum();
    assert!(peak > slow_end, "peak at {peak} s, before the slow stretch ended at {slow_end} s");
    // One 15 ms stop late in an otherwise steady run (a preemption) does not move the peak; a
    // stop of 2 s (a synchronous compile under QEMU) does.
    let mut d = vec![0.001; 256];
    d[200] = 0.015;
    let (_, peak) = time_to_peak(&d);
    assert!(peak < 0.020, "a 15 ms stop moved the peak to {peak} s");
    d[200] = 2.0;
    let (_, peak) = time_to_peak(&d);
    let stop_end: f64 = d[..201].iter().sum();
    assert!(peak > stop_end, "peak at {peak} s, before the 2 s stop ended at {stop_end} s");
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
    // The small size's run reads its profile too (which code each size installed).
    assert!(err.contains("bench-jit: fib 34: no data: bareflow wrote no profile to "), "{err}");
    assert!(!out.exists() || std::fs::read_to_string(&out).unwrap().is_empty(), "a table was written");
    // Its work directory (the builds, the profile it named) is gone, failed run or not.
    let named = err.split("no profile to ").nth(1).and_then(|r| r.split_whitespace().next()).unwrap();
    let work = std::path::Path::new(named).parent().unwrap();
    assert!(work.starts_with(std::env::temp_dir()) && !work.exists(), "{} left behind:\n{err}", work.display());
}

#[test]
fn bench_jit_names_a_binary_that_is_not_there() {
    let o = Command::new("python3")
        .arg(root().join("tools/bench-jit.py"))
        .args(["--bareflow", "/nonexistent/bareflow", "--runs", "1", "--only", "fib"])
        .output()
        .expect("python3 tools/bench-jit.py");
    let err = support::text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err, "bench-jit: --bareflow /nonexistent/bareflow: not an executable file\n");
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

/// tools/stream-probe.c built into this test's scratch directory.
fn stream_probe(test: &str) -> PathBuf {
    let exe = support::scratch(&format!("tools-test/{test}")).join("stream-probe");
    let o = support::clang_command()
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-pthread"])
        .arg(root().join("tools/stream-probe.c"))
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("clang-19");
    assert!(o.status.success(), "{}", support::text(&o.stderr));
    exe
}

#[test]
fn stream_probe_reads_every_byte_once_per_pass_whatever_the_threads() {
    let probe = stream_probe("stream-probe");
    // The sum of all words over the warm-up pass and 3 timed ones: the same whichever thread reads
    // which part, and a part left unread or read twice would change it (1 MiB + 8 bytes: parts of
    // unequal length).
    let sums: Vec<String> = ["1", "3", "7"]
        .iter()
        .map(|threads| {
            let o = Command::new(&probe).args(["1048584", "3", threads]).output().unwrap();
            let out = support::text(&o.stdout);
            assert!(o.status.success(), "{}", support::text(&o.stderr));
            let plural = if *threads == "1" { "" } else { "s" };
            assert!(out.contains(&format!(" {threads} thread{plural},")), "{out}");
            assert!(out.contains("limit "), "{out}");
            out.rsplit_once("(sum ").expect("a sum").1.to_string()
        })
        .collect();
    assert_eq!(sums[0], sums[1]);
    assert_eq!(sums[0], sums[2]);
    for bad in [&["1048576", "3", "0"][..], &["1048576", "3", "65"], &["16", "3", "3"], &["1048576", "x"]] {
        let o = Command::new(&probe).args(bad).output().unwrap();
        let err = support::text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert!(err.starts_with("stream-probe: bad arguments:") && err.lines().count() == 1, "{bad:?}: {err}");
    }
}

#[test]
fn bench_threads_stops_when_the_probe_gives_no_limit() {
    let app = script("bench-threads", "tinyllama", "echo 'Once upon a time'\necho 'achieved tok/s: 100.0' >&2");
    let silent = script("bench-threads", "stream-probe", "exit 0");
    let dir = support::scratch("tools-test/bench-threads");
    // A checkpoint header: dim 8, hidden 16, 1 layer, 2 heads, 2 KV heads, vocab 32, seq_len 8.
    let model = dir.join("model.bin");
    let head: Vec<u8> = [8i32, 16, 1, 2, 2, 32, 8].iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(&model, head).unwrap();
    let o = Command::new("python3")
        .arg(root().join("tools/bench-threads.py"))
        .arg("--tinyllama")
        .arg(&app)
        .arg("--model")
        .arg(&model)
        .args(["--rounds", "1", "--probe"])
        .arg(&silent)
        .output()
        .expect("python3 tools/bench-threads.py");
    let err = support::text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("bench-threads: round 1: probe: `") && err.contains("and no limit"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
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
    summarize_with(test, runs, &[])
}

/// [`summarize`] with more arguments for tools/test-summary.
fn summarize_with(test: &str, runs: &[(&str, &str)], extra: &[&str]) -> (String, i32) {
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
    let o =
        Command::new(root().join("tools/test-summary")).arg(&logs).args(extra).output().expect("tools/test-summary");
    (support::text(&o.stdout) + &support::text(&o.stderr), o.status.code().unwrap_or(-1))
}

/// `make test`'s summary checks that every test file of tests/ ran in some log: a file that no
/// make target runs fails it, by name.
#[test]
fn test_summary_fails_on_a_test_file_no_target_ran() {
    let targets = support::scratch("tools-test/summary-targets").join("tests");
    let _ = std::fs::remove_dir_all(&targets);
    std::fs::create_dir_all(&targets).unwrap();
    for f in ["alpha.rs", "beta.rs", "notes.txt"] {
        std::fs::write(targets.join(f), "").unwrap();
    }
    let dir = targets.to_str().unwrap();
    let ran = |name: &str| {
        format!(
            "     Running tests/{name}.rs (target/release/deps/{name}-0123)\\ntest result: ok. 1 passed; 0 failed; 0 ignored;\\n"
        )
    };
    let (line, code) = summarize_with("summary-targets-one", &[("a", &ran("alpha"))], &["--targets", dir]);
    assert_eq!(code, 1, "{line}");
    assert!(
        line.contains(&format!("{dir}/beta.rs: run by no make test target")) && !line.contains("alpha.rs:"),
        "{line}"
    );
    let (line, code) =
        summarize_with("summary-targets-both", &[("a", &ran("alpha")), ("b", &ran("beta"))], &["--targets", dir]);
    assert_eq!(code, 0, "{line}");
    assert!(line.starts_with("make test: 2 tests run in 2 targets, 2 passed"), "{line}");
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

/// tools/app-converge (TCG: no KVM probe) with a stand-in QEMU whose boot N prints `boots[N - 1]` and
/// exits as the guest's exit(0) does: (exit status, stdout, stderr, the --keep directory).
fn app_converge(test: &str, boots: &[&str]) -> (i32, String, String, PathBuf) {
    let dir = support::scratch(&format!("tools-test/{test}"));
    let keep = dir.join("converge");
    let _ = std::fs::remove_dir_all(&keep);
    let _ = std::fs::remove_file(dir.join("boots"));
    for (i, out) in boots.iter().enumerate() {
        std::fs::write(dir.join(format!("console-{}", i + 1)), out).unwrap();
    }
    let d = dir.display();
    let body =
        format!("n=$(($(cat {d}/boots 2>/dev/null || echo 0) + 1)); echo $n > {d}/boots\ncat {d}/console-$n\nexit 1");
    let qemu = script(test, "qemu", &body);
    // The kernel, boot files and disk: any files that exist (the stand-in reads none of them).
    let o = Command::new("python3")
        .arg(root().join("tools/app-converge"))
        .args(["--accel", "tcg", "--kernel"])
        .arg(&qemu)
        .arg("--initrd")
        .arg(&qemu)
        .arg("--disk")
        .arg(&qemu)
        .arg("--keep")
        .arg(&keep)
        .args(["demo", "--", "boot/in.txt"])
        .env("QEMU", &qemu)
        .output()
        .expect("python3 tools/app-converge");
    (o.status.code().unwrap_or(-1), support::text(&o.stdout), support::text(&o.stderr), keep)
}

/// A boot's console: the program's lines between BareFlow's own (kernel, tier log, irvm's lowering
/// cost, snapshot lines), which differ from boot to boot; `changes` tier changes, snapshot `generation`.
fn console(program: &str, changes: usize, generation: usize, lowered: usize) -> String {
    let tiers: String =
        (0..changes).map(|i| format!("[tier] f{i}: interp -> O1 (heat 200 >= 200, 1.5 ms)\n")).collect();
    format!(
        "core-rt: pvh boot, boot {generation}\n{program}{tiers}[irvm] lowered {lowered} functions in {} us (1.0 us \
         per function)\nstate: saved snapshot gen {generation} to /dev/state (run {generation}, 3 functions: interp 2, \
         O1 1, O2 0, O3 0; 1 objects, 1 KiB)\n",
        lowered * 7
    )
}

#[test]
fn app_converge_compares_only_the_programs_lines_and_keeps_each_boot() {
    let boots = [console("one\ntwo\n", 2, 1, 411), console("one\ntwo\n", 0, 2, 13)];
    let (code, out, err, keep) = app_converge("converge-same", &[&boots[0], &boots[1]]);
    assert_eq!(code, 0, "boots that differ only in BareFlow's lines did not converge:\n{out}{err}");
    assert!(out.contains("app-converge: demo: no tier change in boot 2"), "{out}");
    for boot in 1..=2 {
        let kept = std::fs::read_to_string(keep.join(format!("boot-{boot}.out"))).unwrap();
        assert_eq!(kept, "one\ntwo\n", "boot {boot}'s program output");
        let log = std::fs::read_to_string(keep.join(format!("boot-{boot}.log"))).unwrap();
        assert!(log.contains("[irvm] lowered") && log.contains("state: saved snapshot"), "boot {boot}'s log: {log}");
    }
}

#[test]
fn app_converge_names_the_boots_and_the_first_differing_line() {
    let boots = [console("one\ntwo\nthree\n", 2, 1, 411), console("one\nTWO\nthree\n", 0, 2, 411)];
    let (code, out, err, keep) = app_converge("converge-differs", &[&boots[0], &boots[1]]);
    assert_eq!(code, 1, "a boot with another output passed:\n{out}{err}");
    assert_eq!(err.lines().count(), 1, "one line expected:\n{err}");
    let (one, two) = (keep.join("boot-1.out"), keep.join("boot-2.out"));
    let expected = format!(
        "app-converge: demo: boot 2's program output differs from boot 1's at line 2: boot 1 'two', boot 2 'TWO'; \
         compare {} {}",
        one.display(),
        two.display()
    );
    assert_eq!(err.trim_end(), expected);
    assert_eq!(std::fs::read_to_string(two).unwrap(), "one\nTWO\nthree\n");
    // A boot that prints less: the missing line is named as the end of its output.
    let boots = [console("one\ntwo\n", 2, 1, 411), console("one\n", 0, 2, 411)];
    let (code, _, err, _) = app_converge("converge-shorter", &[&boots[0], &boots[1]]);
    assert!(code == 1 && err.contains("at line 2: boot 1 'two', boot 2 '<end of output>'"), "{err}");
    // A first boot with BareFlow's lines only: no data to compare the next boots with.
    let boots = [console("", 2, 1, 411), console("", 0, 2, 411)];
    let (code, _, err, keep) = app_converge("converge-silent", &[&boots[0], &boots[1]]);
    let log = keep.join("boot-1.log");
    let expected =
        format!("app-converge: demo, boot 1 (console output: {}): no data: the program printed nothing", log.display());
    assert!(code == 1 && err.starts_with(&expected), "{err}");
    assert!(
        std::fs::read_to_string(&log).unwrap().contains("[irvm] lowered"),
        "the failed boot's console was not kept"
    );
}

/// `text` without the lines tools/bareflow-lines names as BareFlow's own (`grep -v -E`, as tools/app-check
/// filters).
fn without_bareflow_lines(text: &str) -> String {
    let list = std::fs::read_to_string(root().join("tools/bareflow-lines")).expect("tools/bareflow-lines");
    let mut grep = Command::new("grep");
    grep.args(["-v", "-E"]);
    for p in list.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        grep.arg("-e").arg(p);
    }
    let mut child =
        grep.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().expect("grep");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    support::text(&child.wait_with_output().unwrap().stdout)
}

#[test]
fn bareflow_lines_name_everything_bareflow_run_adds_to_a_programs_output() {
    // A cold then a warm run with the tier log, the state lines and irvm's lowering cost: without the
    // lines tools/bareflow-lines names, each is the native build's output (what app-check and
    // app-converge compare), and they did print lines of their own.
    let dir = support::scratch("tools-test/bareflow-lines");
    let src = root().join("tests/tiering/specialize.c");
    let (exe, bc, state) = (dir.join("native"), dir.join("specialize.bc"), dir.join("state"));
    support::compile("native build", support::clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe));
    support::bitcode(&src, &bc, &["-O2"]);
    let args = ["64", "20000", "96"];
    let native = support::text(&Command::new(&exe).args(args).output().expect("native run").stdout);
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    for run in ["cold", "warm"] {
        let o = support::bareflow(["run", "--tier", "auto", "--verbose", "--state"])
            .arg(&state)
            .arg(&bc)
            .arg("--")
            .args(args)
            .output()
            .expect("bareflow run");
        let err = support::text(&o.stderr);
        assert!(o.status.success(), "{run} run failed: {err}");
        for own in ["[tier] ", "[irvm] lowered ", "state: saved snapshot "] {
            assert!(err.lines().any(|l| l.starts_with(own)), "{run} run printed no '{own}' line: {err}");
        }
        let out = support::text(&o.stdout) + &err;
        assert_eq!(without_bareflow_lines(&out), native, "{run} run: lines tools/bareflow-lines lets through");
    }
}
