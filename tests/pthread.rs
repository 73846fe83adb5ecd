//! The pthread test program (tests/pthread/pthread_test.c: create/join, contended and recursive and
//! error-checking mutexes, condition-variable ping-pong, per-thread TLS and key destructors, a
//! barrier, an rwlock, once, a spin lock, nanosleep) built natively against glibc and as an
//! appliance on core-rt + core-libc (tools/mkappliance), booted with 1 and 2 CPUs (TCG, one host
//! thread per guest CPU): the three outputs must be the same. The same program as bitcode under
//! `bareflow run` (irvm runs its threads, docs/irvm.md "Threads") in every tier, as a Linux
//! process and in QEMU with 2 CPUs, prints what the native build prints; tests/pthread/counted.c
//! checks that the interpreter's profile counts every call of every thread, and
//! tests/pthread/native_counted.c that calls between JIT-compiled functions on two threads are all
//! counted. tests/pthread/stdio_threads.c: four threads printing lines on stdout at once on two CPUs,
//! each line whole. Run by `make test-boot`.

mod support;

use std::path::Path;
use std::process::Command;
use support::{Qemu, clang_command, compile, root, scratch, text};

const SOURCE: &str = "tests/pthread/pthread_test.c";

/// Build the pthread test natively (clang -O2, glibc) in `dir` and return its output.
fn native_output(dir: &Path) -> String {
    let native = dir.join("native");
    let src = root().join(SOURCE);
    compile("native pthread test", clang_command().args(["-O2", "-pthread"]).arg(&src).arg("-o").arg(&native));
    let out = Command::new(&native).output().expect("run the native pthread test");
    let expected = text(&out.stdout);
    assert!(out.status.success(), "native run failed:\n{expected}");
    assert!(expected.contains("pthread test: ok"), "native output:\n{expected}");
    expected
}

/// The program's own lines of a QEMU serial log (not core-rt's, nor the tier log).
fn program_lines(serial: &str) -> String {
    serial
        .lines()
        .filter(|l| !["core-rt: ", "[tier] ", "[irvm] "].iter().any(|p| l.starts_with(p)))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// C program `source` (a path in the repository) compiled natively (clang -O2) and linked with
/// core-rt + core-libc by tools/mkappliance into `dir`/appliance.elf.
fn appliance(dir: &Path, source: &str) -> std::path::PathBuf {
    let obj = dir.join("program.o");
    compile(
        &format!("{source}: object"),
        clang_command()
            .args(["-O2", "-fno-stack-protector", "-fno-pic", "-c"])
            .arg(root().join(source))
            .arg("-o")
            .arg(&obj),
    );
    let elf = dir.join("appliance.elf");
    let st = Command::new(root().join("tools/mkappliance")).current_dir(root()).arg(&elf).arg(&obj).status();
    assert!(st.expect("run tools/mkappliance").success(), "{source}: tools/mkappliance failed");
    elf
}

#[test]
fn pthread_program_matches_linux_on_one_and_two_cpus() {
    let dir = scratch("pthread");
    let elf = appliance(&dir, SOURCE);

    let expected = native_output(&dir);
    for n in [1, 2] {
        let r = Qemu::kernel(&elf).accel("tcg").smp(n).timeout(90).run();
        let program = program_lines(&r.serial);
        assert_eq!(r.code, 0, "exit code with {n} CPUs; output:\n{}", r.all());
        assert!(r.serial.contains(&format!("| {n} CPU")), "boot line with {n} CPUs:\n{}", r.all());
        assert_eq!(program, expected, "output with {n} CPUs differs from Linux; whole output:\n{}", r.all());
    }
}

#[test]
fn lines_printed_by_four_threads_on_two_cpus_stay_whole() {
    let dir = scratch("stdio-threads");
    let elf = appliance(&dir, "tests/pthread/stdio_threads.c");
    let r = Qemu::kernel(&elf).accel("tcg").smp(2).timeout(90).run();
    assert_eq!(r.code, 0, "exit code; output:\n{}", r.all());
    assert!(r.serial.contains("| 2 CPU"), "boot line with 2 CPUs:\n{}", r.all());
    let mut next = [0usize; 4];
    for line in program_lines(&r.serial).lines().filter(|l| *l != "done") {
        let t = line.strip_prefix("thread ").and_then(|r| r.get(..1)).and_then(|d| d.parse::<usize>().ok());
        let Some(t) = t.filter(|&t| t < 4) else { panic!("a torn line: {line:?}\nwhole output:\n{}", r.all()) };
        assert_eq!(line, format!("thread {t} line {:03} {}", next[t], "x".repeat(40 + 7 * t)), "a torn line");
        next[t] += 1;
    }
    assert_eq!(next, [200; 4], "lines per thread; whole output:\n{}", r.all());
    assert!(program_lines(&r.serial).ends_with("done\n"), "no final line:\n{}", r.all());
}

/// `bareflow run` flags the pthread program runs under: every tier, with low and default
/// thresholds, and with a background compile thread.
const RUN_FLAGS: &[&[&str]] = &[
    &["--tier", "interp"],
    &["--tier", "auto"],
    &["--tier", "auto", "--thresholds", "min"],
    &["--tier", "jit"],
    &["--tier", "jit", "--thresholds", "min"],
    &["--tier", "auto", "--jit-threads", "1"],
    &["--tier", "auto", "--thresholds", "min", "--jit-threads", "1"],
];

#[test]
fn pthread_program_under_bareflow_run_matches_native_in_every_tier() {
    let dir = scratch("pthread-run");
    let expected = native_output(&dir);
    for opt in ["-O0", "-O2"] {
        let bc = dir.join(format!("pthread_test{opt}.bc"));
        support::bitcode(&root().join(SOURCE), &bc, &[opt]);
        for flags in RUN_FLAGS {
            let o = support::bareflow(["run", "--verbose"]).args(*flags).arg(&bc).output().expect("bareflow run");
            let (out, err) = (text(&o.stdout), text(&o.stderr));
            assert!(o.status.success(), "{opt} {flags:?}: exit status {:?}; stderr:\n{err}\nstdout:\n{out}", o.status);
            assert_eq!(out, expected, "{opt} {flags:?}: output differs from the native build's; stderr:\n{err}");
            // Every compile succeeded (thread-local variables included), and the tiers really
            // ran: the thread bodies compiled under --tier jit, OSR of a worker's loop (entered
            // by the thread that reached the mark) under the default thresholds.
            assert!(!err.contains(" stays "), "{opt} {flags:?}: a compile failed:\n{err}");
            if flags[1] == "jit" {
                for f in ["tls_worker", "player", "phased"] {
                    assert!(
                        err.contains(&format!("[tier] {f}: interp -> ")),
                        "{opt} {flags:?}: {f} not compiled:\n{err}"
                    );
                }
            }
            if flags == &["--tier", "auto"] {
                assert!(err.contains("(OSR at loop header"), "{opt} {flags:?}: no OSR entry:\n{err}");
            }
        }
    }
}

#[test]
fn pthread_program_under_bareflow_run_in_qemu_with_two_cpus() {
    let dir = scratch("pthread-run-qemu");
    let expected = native_output(&dir);
    let bc = dir.join("pthread_test.bc");
    support::bitcode(&root().join(SOURCE), &bc, &["-O2", "-fno-stack-protector"]);
    // With the image's symbol map, as `make image` ships it (the JIT's symbol look-ups).
    let tar = support::initrd(&dir, &[&bc, &root().join("build/kernel.sym.gz")]);
    // Synchronous compiles in the tiered boot (with two CPUs the default is a compile thread): each
    // thread body is compiled when it is first called, before the thread runs it, so the check below
    // that they ran as JIT code does not depend on how fast the compile thread gets a CPU under TCG.
    let tiered = ["run", "--tier", "auto", "--thresholds", "min", "--jit-threads", "0", "--verbose"];
    for flags in [&["run", "--tier", "interp"][..], &tiered] {
        let r = Qemu::kernel(&support::kernel())
            .accel("tcg")
            .smp(2)
            .timeout(300)
            .initrd(&tar)
            .args(flags)
            .args(&["/boot/pthread_test.bc"])
            .run();
        assert_eq!(r.code, 0, "{flags:?}: exit code in QEMU; output:\n{}", r.all());
        assert!(r.serial.contains("| 2 CPU"), "{flags:?}: boot line with 2 CPUs:\n{}", r.all());
        assert_eq!(program_lines(&r.serial), expected, "{flags:?}: output in QEMU differs; whole output:\n{}", r.all());
        if flags.contains(&"auto") {
            // The threads' bodies ran as JIT code on both CPUs (thread-local variables included).
            assert!(!r.serial.contains(" stays "), "a compile failed in QEMU:\n{}", r.serial);
            for f in ["tls_worker", "player", "phased"] {
                assert!(
                    r.serial.contains(&format!("[tier] {f}: interp -> ")),
                    "{f} not compiled in QEMU:\n{}",
                    r.serial
                );
            }
        }
    }
}

/// Four interpreted threads call `bump` 5000 times each, then main once: the profile of
/// `--tier interp` counts every call and every loop iteration of every thread, exactly.
#[test]
fn interpreted_threads_are_counted_exactly() {
    let dir = scratch("pthread-counted");
    let bc = dir.join("counted.bc");
    support::bitcode(&root().join("tests/pthread/counted.c"), &bc, &["-O2"]);
    let prof = dir.join("counted.json");
    let o = support::bareflow(["run", "--tier", "interp", "--profile-out"]).arg(&prof).arg(&bc).output().expect("run");
    assert!(o.status.success(), "counted.c: {}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "total 50000\n");
    let p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&prof).unwrap()).unwrap();
    let func = |name: &str| {
        p["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no function '{name}' in the profile"))
    };
    assert_eq!(func("bump")["calls"], 4 * 5000 + 1, "calls of bump");
    let worker = func("worker");
    assert_eq!(worker["calls"], 4, "calls of worker");
    let header_count = worker["loops"][0]["header_count"].as_u64().unwrap();
    assert_eq!(header_count, 4 * 5000, "iterations of worker's loop: {worker}");
}

/// Function `name` of the profile `prof` (`--profile-out`).
fn profiled(prof: &Path, name: &str) -> serde_json::Value {
    let p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(prof).unwrap()).unwrap();
    let f = p["functions"].as_array().unwrap().iter().find(|f| f["name"] == name).cloned();
    f.unwrap_or_else(|| panic!("no function '{name}' in the profile"))
}

/// How often parameter `param` of `f` (a profile's function) was recorded with `value`.
fn recorded(f: &serde_json::Value, param: u64, value: u64) -> u64 {
    let table = f["arg_values"].as_array().unwrap().iter().find(|t| t["param"] == param).cloned().unwrap_or_default();
    let values = table["values"].as_array().cloned().unwrap_or_default();
    values.iter().find(|v| v[0] == value).map_or(0, |v| v[1].as_u64().unwrap())
}

/// Two threads run JIT-compiled `driver`, which calls `leaf` (compiled, below its top tier)
/// through its thunk: every call is counted, those counted without irvm's lock included
/// (tests/pthread/native_counted.c: 200 + 2 x 100 000 calls). With a reachable top tier, the
/// counted calls stop at the tier mark, so `leaf` still gets there, and from half the mark they
/// record their argument values (`rounds`, always 3).
#[test]
fn calls_from_jit_code_on_two_threads_are_counted_exactly() {
    let dir = scratch("pthread-native-counted");
    let src = root().join("tests/pthread/native_counted.c");
    let (exe, bc) = (dir.join("native_counted"), dir.join("native_counted.bc"));
    compile("native_counted", clang_command().args(["-O2", "-pthread"]).arg(&src).arg("-o").arg(&exe));
    support::bitcode(&src, &bc, &["-O2"]);
    let expected = text(&Command::new(&exe).output().expect("run native_counted").stdout);
    for (thresholds, top) in [("3,100,1000000000", "O2"), ("3,100,60000", "O3")] {
        let prof = dir.join(format!("native_counted-{top}.json"));
        let o = support::bareflow(["run", "--tier", "auto", "--jit-threads", "0", "--verbose", "--thresholds"])
            .arg(thresholds)
            .arg("--profile-out")
            .arg(&prof)
            .arg(&bc)
            .output()
            .expect("bareflow run");
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert!(o.status.success(), "{thresholds}: {err}");
        assert_eq!(out, expected, "{thresholds}: output differs from the native build's");
        assert!(err.contains("[tier] driver: interp -> O1"), "{thresholds}: driver not compiled:\n{err}");
        assert!(err.contains("[tier] leaf: O1 -> O2"), "{thresholds}: leaf did not reach O2:\n{err}");
        if top == "O2" {
            // Below its top tier for the whole run: every call went through the thunk.
            assert!(!err.contains("[tier] leaf: O2 -> O3"), "{thresholds}: {err}");
            assert_eq!(profiled(&prof, "leaf")["calls"], 200 + 2 * 100_000, "{thresholds}: calls of leaf");
        } else {
            // At the top tier JIT callers call it directly (uncounted): the mark was reached.
            assert!(err.contains("[tier] leaf: O2 -> O3"), "{thresholds}: leaf did not reach O3:\n{err}");
            let leaf = profiled(&prof, "leaf");
            assert!(leaf["calls"].as_u64().unwrap() >= 59_000, "{thresholds}: calls of leaf: {leaf}");
            // The calls from half the mark (about 60 000 - its heat's loop part) to the mark.
            assert!(recorded(&leaf, 1, 3) >= 29_000, "{thresholds}: argument values of leaf: {leaf}");
        }
    }
}

/// Two interpreted threads pass a token by spinning on C11 atomics alone: the spinning thread
/// must hand irvm's interpreter lock to the other (else this never ends).
#[test]
fn interpreted_spin_waits_let_the_other_thread_run() {
    let dir = scratch("pthread-spin");
    let bc = dir.join("spin_handoff.bc");
    support::bitcode(&root().join("tests/pthread/spin_handoff.c"), &bc, &["-O2"]);
    let o = support::bareflow(["run", "--tier", "interp"]).arg(&bc).output().expect("bareflow run");
    assert!(o.status.success(), "spin_handoff.c: {}", text(&o.stderr));
    assert_eq!(text(&o.stdout), format!("sum {}\n", 2 * (0..300).sum::<i64>()));
}
