//! Tiered execution inside the unikernel, and GDB on its JIT code (the bare-metal half): the
//! kernel image (`make image`) booted in QEMU under TCG runs LLVM bitcode from `/boot` with
//! `bareflow run`.
//!
//! - `tiered_run_in_qemu_matches_userspace`: tests/tier_boot/prog.c under `--tier auto --verbose`
//!   with low thresholds, as a Linux process and in QEMU: the program's output must be the native
//!   build's (clang-19 -O2, glibc) in both, the tier decisions (function, from, to, reason; compile
//!   times ignored) identical, and several functions must tier up, one of them to O3.
//! - `bareflow_h_answers_in_qemu_as_in_userspace`: tests/tiering/bareflow_h.c (every bareflow.h
//!   function; tests/tiering.rs checks its answers against its construction) under `--tier
//!   interp`, `auto` and `jit` in one boot each: every answer as in userspace.
//! - `gdb_stops_in_jit_code_inside_qemu`: tests/gdb_jit/prog.c (-g) under `--tier jit --opt 2` in
//!   QEMU with its gdb stub; `gdb -batch` with the kernel ELF sets a pending breakpoint on
//!   `collatz_steps`, which must resolve through the GDB JIT interface (core-rt's dlsym hands ORC
//!   LLVM's registration function) and stop in the JIT-compiled code, with a backtrace through the
//!   JIT frames, irvm, `bareflow run` and core-rt's start.
//! - `dlsym_finds_the_kernels_own_symbols`: tests/tier_boot/dlsym.c (interpreted) calls core-rt's
//!   dlsym/dlopen/dlerror in QEMU; the addresses must be those of build/kernel.sym, whether the
//!   boot files carry the map compressed (kernel.sym.gz, as `make image` ships it: inflated once,
//!   on first use) or plain (kernel.sym).
//! - `two_threads_find_a_symbol_while_the_map_is_inflated`: tests/tier_boot/dlsym_threads.c
//!   (interpreted, two CPUs): two threads' first look-ups of a name only the symbol map has, at
//!   the same moment; both get its address, the map inflated once.
//! - `damaged_symbol_map_is_one_line_and_no_map`: a kernel.sym.gz with a flipped byte is reported
//!   once, in one line, and dlsym goes on as without a map.
//! - `warm_boot_links_the_specialized_objects_from_the_snapshot`: tests/tiering/specialize.c on a
//!   state disk: the cold boot specializes `row`, the warm boot links its dispatcher and versions
//!   from the disk (`[state] row: O2 from the object cache (...) specialized ...`) without
//!   compiling it; the appliance built from that disk (`bareflow aot` + tools/mkappliance)
//!   keeps them and, booted on the same arguments, counts every guard hit and miss of its calls.
//!
//! Run: `make test-tier-boot` (needs `make image`; boot files are packed here, with the image's
//! symbol map).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use support::{Qemu, guards, root};

/// build/bareflow.elf, checked to be there with symbol maps (plain and compressed) at least as new.
fn kernel() -> PathBuf {
    let k = support::kernel();
    let age = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    for sym in ["build/kernel.sym", "build/kernel.sym.gz"] {
        let sym = root().join(sym);
        assert!(sym.exists(), "{} is missing: run `make image` first", sym.display());
        assert!(age(&sym) >= age(&k), "{} is older than build/bareflow.elf: run `make image`", sym.display());
    }
    k
}

/// A scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    support::scratch(&format!("tier-boot/{test}"))
}

/// Compile `src` (relative to the repository) to bitcode `out` with clang-19 and `flags`.
fn bitcode(src: &str, out: &Path, flags: &[&str]) {
    support::bitcode(&root().join(src), out, flags)
}

/// A ustar archive of boot files: the image's symbol map as `make image` ships it (kernel.sym.gz)
/// and `files`, by their base names.
fn initrd(dir: &Path, files: &[&Path]) -> PathBuf {
    initrd_with_map(dir, &root().join("build/kernel.sym.gz"), files)
}

/// The same with `map` (kernel.sym.gz or kernel.sym) as the symbol map.
fn initrd_with_map(dir: &Path, map: &Path, files: &[&Path]) -> PathBuf {
    let all: Vec<&Path> = std::iter::once(map).chain(files.iter().copied()).collect();
    support::initrd(dir, &all)
}

/// The kernel under TCG with the boot files `initrd`.
fn qemu(initrd: &Path) -> Qemu {
    Qemu::kernel(&kernel()).accel("tcg").timeout(120).initrd(initrd)
}

/// A process's stdout and stderr as text.
fn text(o: &Output) -> (String, String) {
    (support::text(&o.stdout), support::text(&o.stderr))
}

/// The tier changes of a `--verbose` log, without the compile time:
/// `[tier] f: O1 -> O2 (heat 100 >= 100, 11.3 ms)` → `f: O1 -> O2 (heat 100 >= 100)`.
fn tier_changes(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.strip_prefix("[tier] "))
        .filter(|l| l.contains(" -> ") && l.ends_with(" ms)"))
        .map(|l| {
            let cut = l.rfind(", ").expect("a tier change line ends with ', N ms)'");
            format!("{})", &l[..cut])
        })
        .collect()
}

#[test]
fn tier_changes_drop_only_the_compile_time() {
    let log = "[tier] JIT target: cpu x, 1 features\n[tier] f: interp -> O1 (heat 10 >= 10, 3.5 ms)\nout\n[tier] g: stays O1 (e)\n[tier] f: O1 -> O2 (heat 100 >= 100, 12.0 ms)\n";
    assert_eq!(tier_changes(log), ["f: interp -> O1 (heat 10 >= 10)", "f: O1 -> O2 (heat 100 >= 100)"]);
}

const THRESHOLDS: &str = "10,100,1000";

#[test]
fn tiered_run_in_qemu_matches_userspace() {
    let dir = scratch("tiered");
    let bc = dir.join("prog.bc");
    bitcode(
        "tests/tier_boot/prog.c",
        &bc,
        &["-O2", "-fno-stack-protector", "-fno-unwind-tables", "-fno-asynchronous-unwind-tables"],
    );
    // Synchronous compiles in both (the one-CPU boot's default; a compile thread may not finish
    // before this short program ends): the same tier decisions at the same points.
    let flags = ["run", "--tier", "auto", "--jit-threads", "0", "--verbose", "--thresholds", THRESHOLDS];

    let user = support::bareflow(flags).arg(&bc).output().expect("bareflow run");
    let (user_out, user_err) = text(&user);
    assert!(user.status.success(), "userspace run failed:\n{user_err}");

    let tar = initrd(&dir, &[&bc]);
    let t0 = std::time::Instant::now();
    let q = qemu(&tar).args(&flags).args(&["/boot/prog.bc"]).run();
    let secs = t0.elapsed().as_secs_f64();
    let serial = q.serial.clone();
    assert_eq!(q.code, 0, "QEMU run failed:\n{}", q.all());
    eprintln!("tier_boot: QEMU (TCG) boot + tiered run: {secs:.1} s");

    // Serial = the program's stdout and stderr: its own lines are those core-rt, the tier log and
    // irvm's `--verbose` summary did not write.
    let program: String = serial
        .lines()
        .filter(|l| !["core-rt: ", "[tier] ", "[irvm] "].iter().any(|p| l.starts_with(p)))
        .map(|l| format!("{l}\n"))
        .collect();
    // The oracle: the same source compiled natively by clang-19 and run on glibc.
    let exe = dir.join("prog-native");
    support::compile(
        "tests/tier_boot/prog.c natively",
        support::clang_command().arg("-O2").arg(root().join("tests/tier_boot/prog.c")).arg("-lm").arg("-o").arg(&exe),
    );
    let native = Command::new(&exe).output().expect("native prog");
    assert!(native.status.success(), "the native build of prog.c failed");
    let (native_out, _) = text(&native);
    assert!(native_out.starts_with("tier_boot: rounds=30 "), "unexpected native output:\n{native_out}");
    assert_eq!(user_out, native_out, "userspace bareflow and the native build differ");
    assert_eq!(program, native_out, "program output in QEMU differs from the native build's\nQEMU serial:\n{serial}");

    let (u, k) = (tier_changes(&user_err), tier_changes(&serial));
    assert!(!u.is_empty(), "no tier change in userspace:\n{user_err}");
    assert_eq!(
        k, u,
        "tier decisions differ between QEMU and userspace\nQEMU serial:\n{serial}\nuserspace stderr:\n{user_err}"
    );
    let functions: std::collections::BTreeSet<&str> = u.iter().map(|c| c.split(':').next().unwrap()).collect();
    assert!(functions.len() >= 4, "expected several functions to tier up, got {functions:?}");
    assert!(u.iter().any(|c| c.contains(" -> O3 ")), "no function reached O3: {u:?}");
    assert!(!serial.contains(" stays "), "a compile failed in QEMU:\n{serial}");
}

#[test]
fn bareflow_h_answers_in_qemu_as_in_userspace() {
    let dir = scratch("bareflow_h");
    let bc = dir.join("bareflow_h.bc");
    let include = root().join("tier/include");
    bitcode("tests/tiering/bareflow_h.c", &bc, &["-O2", "-I", include.to_str().unwrap()]);
    let tar = initrd(&dir, &[&bc]);
    for tier in ["interp", "auto", "jit"] {
        // Synchronous compiles (the one-CPU boot's default): the level is there when the
        // program asks right after its tier mark.
        let flags = ["run", "--tier", tier, "--jit-threads", "0"];
        let user = support::bareflow(flags).arg(&bc).output().expect("bareflow run");
        let (user_out, user_err) = text(&user);
        assert!(user.status.success(), "--tier {tier}: userspace run failed:\n{user_err}");
        let names: Vec<&str> = user_out.lines().filter_map(|l| l.split(' ').next()).collect();
        assert!(names.contains(&"optimize") && names.contains(&"result"), "--tier {tier}: {user_out}");
        let q = qemu(&tar).args(&flags).args(&["/boot/bareflow_h.bc"]).run();
        assert_eq!(q.code, 0, "--tier {tier}: QEMU run failed:\n{}", q.all());
        // The program's lines: those whose first word is one of its answers.
        let program: String = q
            .serial
            .lines()
            .filter(|l| l.split(' ').next().is_some_and(|w| names.contains(&w)))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(program, user_out, "--tier {tier}: bareflow.h answers differ in QEMU\nQEMU serial:\n{}", q.serial);
    }
}

#[test]
fn setjmp_and_longjmp_in_every_tier_on_bare_metal() {
    let dir = scratch("setjmp");
    let bc = dir.join("setjmp.bc");
    bitcode("tests/tier_boot/setjmp.c", &bc, &["-O2"]);
    // The jump-heavy program of tests/semantics/ (qsort's frames, OSR, tier changes between jumps).
    let frames_src = root().join("tests/semantics/setjmp_frames.c");
    let frames_bc = dir.join("setjmp_frames.bc");
    support::bitcode(&frames_src, &frames_bc, &["-O2"]);
    let tar = initrd(&dir, &[&bc, &frames_bc]);
    let frames_exe = dir.join("setjmp_frames-native");
    support::compile(
        "tests/semantics/setjmp_frames.c natively",
        support::clang_command().arg("-O2").arg(&frames_src).arg("-o").arg(&frames_exe),
    );
    let (frames_native, _) = text(&Command::new(&frames_exe).arg("300").output().expect("native setjmp_frames"));
    let serial_out = |q: &support::Boot| -> String {
        q.serial.lines().filter(|l| !l.starts_with("core-rt: ")).map(|l| format!("{l}\n")).collect()
    };
    // Interpreted setjmp lands on irvm's guard through core-libc's longjmp; JIT code uses
    // core-libc's setjmp/longjmp directly.
    for tier in ["interp", "auto"] {
        let q = qemu(&tar).args(&["run", "--tier", tier, "/boot/setjmp_frames.bc", "--", "300"]).run();
        assert_eq!(q.code, 0, "--tier {tier}: QEMU run of setjmp_frames failed:\n{}", q.all());
        assert_eq!(serial_out(&q), frames_native, "--tier {tier}: setjmp_frames in QEMU differs from native");
    }
    let q = qemu(&tar).args(&["run", "--tier", "jit", "/boot/setjmp.bc"]).run();
    assert_eq!(q.code, 0, "QEMU run failed:\n{}", q.all());
    let program = serial_out(&q);
    // The oracle: the same source built natively by clang-19 and run on glibc.
    let exe = dir.join("setjmp-native");
    support::compile(
        "tests/tier_boot/setjmp.c natively",
        support::clang_command().arg("-O2").arg(root().join("tests/tier_boot/setjmp.c")).arg("-o").arg(&exe),
    );
    let native = Command::new(&exe).output().expect("native setjmp");
    let (native_out, _) = text(&native);
    assert!(native.status.success(), "the native build of setjmp.c failed");
    assert_eq!(
        native_out, "setjmp returned 30 after 2 runs, depth 10, kept 1234\nsigsetjmp returned 1 after 2 runs\n",
        "the native build does not print what setjmp.c's construction gives"
    );
    assert_eq!(program, native_out, "setjmp/longjmp in QEMU differ from the native build\nQEMU serial:\n{}", q.serial);
}

#[test]
fn gdb_stops_in_jit_code_inside_qemu() {
    let dir = scratch("gdb");
    let bc = dir.join("prog.bc");
    bitcode("tests/gdb_jit/prog.c", &bc, &["-g", "-O1", "-fno-unwind-tables"]);
    let tar = initrd(&dir, &[&bc]);
    let port = (40000 + std::process::id() % 20000) as u16;
    let pidfile = dir.join("qemu.pid");
    let _ = std::fs::remove_file(&pidfile);
    let args = ["run", "--tier", "jit", "--opt", "2", "/boot/prog.bc"];
    let t0 = std::time::Instant::now();
    let child = qemu(&tar)
        .gdb(port)
        .pidfile(&pidfile)
        .args(&args)
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tools/qemu-run");
    // QEMU starts paused, listening; wait until it wrote its pid (it is listening by then).
    for _ in 0..100 {
        if pidfile.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let target = format!("target remote localhost:{port}");
    let gdb = support::gdb_batch(&[
        "set pagination off",
        "set breakpoint pending on",
        "set backtrace past-main on",
        &target,
        "break collatz_steps",
        "continue",
        "info symbol $pc",
        "bt",
        "kill",
    ])
    .arg(kernel())
    .output()
    .expect("gdb");
    let secs = t0.elapsed().as_secs_f64();
    if let Ok(pid) = std::fs::read_to_string(&pidfile) {
        // QEMU normally ended with gdb's `kill`; if it still runs, end exactly that process.
        let comm = std::fs::read_to_string(format!("/proc/{}/comm", pid.trim())).unwrap_or_default();
        if comm.starts_with("qemu-system") {
            let _ = Command::new("kill").arg(pid.trim()).stderr(Stdio::null()).status();
        }
    }
    let qemu = child.wait_with_output().expect("qemu-run output");
    let (serial, _) = text(&qemu);
    let (out, err) = text(&gdb);
    let all = format!("{out}{err}\n--- QEMU serial ---\n{serial}");
    eprintln!("tier_boot: QEMU (TCG) boot + gdb session: {secs:.1} s");

    assert!(
        out.contains("Breakpoint 1, collatz_steps (n=1) at ") && out.contains("tests/gdb_jit/prog.c:8"),
        "gdb did not stop in collatz_steps with its source position:\n{all}"
    );
    // $pc is in the O2 code orc-bridge compiled (<function>.bf.<level>.<n>), read from guest memory.
    assert!(
        out.contains("collatz_steps.bf.O2.") && out.contains("<in-memory@"),
        "$pc is not in the JIT-compiled collatz_steps:\n{all}"
    );
    let bt: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert!(bt.first().is_some_and(|l| l.contains("collatz_steps")), "frame #0 is not collatz_steps:\n{all}");
    assert!(
        bt.get(1).is_some_and(|l| l.contains("main") && l.contains("prog.c")),
        "frame #1 is not the app's JIT-compiled main:\n{all}"
    );
    for (what, needle) in [
        ("irvm", "irvm/src/vm.rs"),
        ("`bareflow run`", "src/run/mod.rs"),
        ("core-rt's start", "core-rt/src/runtime/mod.rs"),
        ("the boot entry", "core_rt_boot"),
    ] {
        assert!(bt.iter().any(|l| l.contains(needle)), "the backtrace does not reach {what} ({needle}):\n{all}");
    }
}

/// The address of `name` in build/kernel.sym (lines "ADDR NAME").
fn kernel_sym(name: &str) -> u64 {
    let map = std::fs::read_to_string(root().join("build/kernel.sym")).unwrap();
    let line = map
        .lines()
        .find(|l| l.split_once(' ').is_some_and(|(_, n)| n == name))
        .unwrap_or_else(|| panic!("{name} is not in build/kernel.sym"));
    u64::from_str_radix(line.split_once(' ').unwrap().0, 16).unwrap()
}

/// tests/tier_boot/NAME.c at -O1, interpreted in QEMU (with `cpus` guest CPUs, else as `SMP`
/// says) and `map` as the boot files' symbol map; the boot, checked to exit 0.
fn interpreted_with_map(test: &str, name: &str, map: &Path, cpus: Option<u32>) -> support::Boot {
    let dir = scratch(test);
    let bc = dir.join(format!("{name}.bc"));
    bitcode(
        &format!("tests/tier_boot/{name}.c"),
        &bc,
        &["-O1", "-fno-stack-protector", "-fno-unwind-tables", "-fno-asynchronous-unwind-tables"],
    );
    let tar = initrd_with_map(&dir, map, &[&bc]);
    let q = cpus.map_or_else(|| qemu(&tar), |n| qemu(&tar).smp(n));
    let q = q.args(&["run", "--tier", "interp", &format!("/boot/{name}.bc")]).run();
    assert_eq!(q.code, 0, "QEMU run failed:\n{}", q.all());
    q
}

/// tests/tier_boot/dlsym.c, interpreted in QEMU with `map` as the boot files' symbol map: the
/// serial output.
fn dlsym_run(test: &str, map: &Path) -> String {
    let q = interpreted_with_map(test, "dlsym", map, None);
    let serial = q.serial;
    assert!(serial.contains("dlopen(NULL) ok"), "{serial}");
    assert!(
        serial
            .contains("dlopen(libm.so.6) core-rt: dlopen 'libm.so.6': statically linked unikernel, no dynamic loader"),
        "{serial}"
    );
    serial
}

const NOT_FOUND: &str = "not found in the program's symbols or /boot/kernel.sym)";

/// core-rt's dlsym in the unikernel (what ORC's GDB registration relies on), called by an
/// interpreted C program: names the kernel registers, a text symbol only the symbol map lists
/// (`core_rt_boot`), and failures with their dlerror message; with the map compressed (as
/// shipped: inflated once, on first use) and plain.
#[test]
fn dlsym_finds_the_kernels_own_symbols() {
    for map in ["kernel.sym.gz", "kernel.sym"] {
        let serial = dlsym_run(&format!("dlsym-{map}"), &root().join("build").join(map));
        for name in ["llvm_orc_registerJITLoaderGDBWrapper", "strlen", "core_rt_boot"] {
            let want = format!("dlsym {name} = {:#x}\n", kernel_sym(name));
            assert!(serial.contains(&want), "{map}: expected {want:?} (the address in build/kernel.sym):\n{serial}");
        }
        assert!(
            serial.contains(&format!(
                "dlsym no_such_symbol_here = NULL (core-rt: dlsym: symbol 'no_such_symbol_here' {NOT_FOUND}"
            )),
            "{map}: missing symbol not reported:\n{serial}"
        );
        let inflated: Vec<&str> =
            serial.lines().filter(|l| l.starts_with("core-rt: symbol map: /boot/kernel.sym.gz inflated")).collect();
        assert_eq!(
            inflated.len(),
            usize::from(map.ends_with(".gz")),
            "{map}: inflated once if compressed, else never:\n{serial}"
        );
        if let Some(l) = inflated.first() {
            eprintln!("tier_boot: {l}");
        }
    }
}

/// Two threads ask for a name only the symbol map has at the same moment, the boot's first
/// look-ups: the one that comes second waits for the map the first inflates (it used to get no
/// map, and NULL, while the first was inflating).
#[test]
fn two_threads_find_a_symbol_while_the_map_is_inflated() {
    let q = interpreted_with_map("dlsym-threads", "dlsym_threads", &root().join("build/kernel.sym.gz"), Some(2));
    let want = kernel_sym("core_rt_boot");
    for k in 0..2 {
        let line = format!("thread {k}: dlsym core_rt_boot = {want:#x}\n");
        assert!(q.serial.contains(&line), "expected {line:?} (the address in build/kernel.sym):\n{}", q.all());
    }
    let inflated =
        q.serial.lines().filter(|l| l.starts_with("core-rt: symbol map: /boot/kernel.sym.gz inflated")).count();
    assert_eq!(inflated, 1, "inflated once:\n{}", q.all());
}

/// A damaged kernel.sym.gz: one line naming it and the problem, then dlsym as without a map
/// (names the program registers still resolve).
#[test]
fn damaged_symbol_map_is_one_line_and_no_map() {
    let dir = scratch("dlsym-damaged");
    let mut gz = std::fs::read(root().join("build/kernel.sym.gz")).unwrap();
    let mid = gz.len() / 2;
    gz[mid] ^= 0x40;
    let bad = dir.join("damaged");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("kernel.sym.gz"), &gz).unwrap();
    let serial = dlsym_run("dlsym-damaged", &bad.join("kernel.sym.gz"));
    let reports: Vec<&str> = serial.lines().filter(|l| l.contains("kernel.sym.gz")).collect();
    assert_eq!(reports.len(), 1, "one report for two look-ups:\n{serial}");
    assert!(
        reports[0].starts_with("core-rt: /boot/kernel.sym.gz: ")
            && reports[0].ends_with("; going on without the symbol map"),
        "{}",
        reports[0]
    );
    eprintln!("tier_boot: {}", reports[0]);
    assert!(serial.contains(&format!("dlsym strlen = {:#x}\n", kernel_sym("strlen"))), "{serial}");
    for name in ["core_rt_boot", "no_such_symbol_here"] {
        assert!(
            serial.contains(&format!("dlsym {name} = NULL (core-rt: dlsym: symbol '{name}' {NOT_FOUND}")),
            "{name}:\n{serial}"
        );
    }
}

/// The runtime-coverage line of one component: (never-sampled %, sampled functions).
fn coverage_of(serial: &str, component: &str) -> Option<(f64, u64)> {
    let l = serial.lines().find(|l| l.trim_start().starts_with(component) && l.contains("never sampled"))?;
    let pct = l.split("never sampled ").nth(1)?.split('%').next()?.trim().parse().ok()?;
    let sampled = l.split("sampled ").nth(1)?.split_whitespace().next()?.parse().ok()?;
    Some((pct, sampled))
}

#[test]
fn runtime_coverage_sampled_in_qemu_and_aggregated_across_boots() {
    // Runtime coverage: the timer interrupt samples the running code at 1 kHz; at exit the samples are
    // symbolized with the image's symbol map (kernel.sym.gz, inflated then) per component and added to the snapshot, so the second
    // boot reports the sum of both.
    let dir = scratch("coverage");
    let bc = dir.join("prog.bc");
    bitcode(
        "tests/tier_boot/prog.c",
        &bc,
        &["-O2", "-fno-stack-protector", "-fno-unwind-tables", "-fno-asynchronous-unwind-tables"],
    );
    let tar = initrd(&dir, &[&bc]);
    let disk = dir.join("state.img");
    std::fs::write(&disk, []).unwrap();
    std::fs::File::options().write(true).open(&disk).unwrap().set_len(16 << 20).unwrap();
    let samples = |serial: &str| -> u64 {
        let l = serial
            .lines()
            .find(|l| l.starts_with("runtime coverage ("))
            .unwrap_or_else(|| panic!("no coverage report:\n{serial}"));
        l["runtime coverage (".len()..].split_whitespace().next().unwrap().parse().unwrap()
    };
    let mut seen = Vec::new();
    for boot in 1..=2 {
        let q =
            qemu(&tar).disk(&disk).args(&["run", "--state", "/dev/state", "--runtime-coverage", "/boot/prog.bc"]).run();
        assert_eq!(q.code, 0, "boot {boot} failed:\n{}", q.all());
        let serial = q.serial;
        let inflated: Vec<&str> =
            serial.lines().filter(|l| l.starts_with("core-rt: symbol map: /boot/kernel.sym.gz inflated")).collect();
        assert_eq!(inflated.len(), 1, "boot {boot}: the map is inflated once, for the report:\n{serial}");
        eprintln!("tier_boot: boot {boot}: {}", inflated[0]);
        for c in ["core-rt", "irvm", "LLVM", "driver"] {
            let (pct, sampled) =
                coverage_of(&serial, c).unwrap_or_else(|| panic!("boot {boot}: no line for {c}:\n{serial}"));
            assert!(
                (0.0..100.0).contains(&pct) && sampled > 0,
                "boot {boot}: {c}: {pct}% never sampled, {sampled} functions sampled"
            );
        }
        seen.push(samples(&serial));
    }
    assert!(seen[0] > 0 && seen[1] > seen[0], "samples are not aggregated across boots: {seen:?}");
}

#[test]
fn warm_boot_links_the_specialized_objects_from_the_snapshot() {
    // tests/tiering/specialize.c: `row` called with width 64 in 15 of 16 calls (else 96), step 1.
    // The cold boot specializes it and keeps the object (keyed by its values) on the state disk;
    // the warm boot links that dispatcher and its versions from the disk instead of compiling.
    // `bareflow aot` on the same disk keeps them in the ahead-of-time object.
    let dir = scratch("specialized");
    let bc = dir.join("specialize.bc");
    let src = "tests/tiering/specialize.c";
    bitcode(src, &bc, &["-O2", "-fno-stack-protector", "-fno-unwind-tables", "-fno-asynchronous-unwind-tables"]);
    let exe = dir.join("specialize-native");
    support::compile(
        "specialize.c natively",
        support::clang_command().arg("-O2").arg(root().join(src)).arg("-o").arg(&exe),
    );
    let args = ["64", "3000", "96"];
    let native = Command::new(&exe).args(args).output().expect("native specialize");
    let (native_out, _) = text(&native);
    assert!(native.status.success() && native_out.starts_with("sum="), "native build: {native_out}");
    let tar = initrd(&dir, &[&bc]);
    let disk = dir.join("state.img");
    std::fs::write(&disk, []).unwrap();
    std::fs::File::options().write(true).open(&disk).unwrap().set_len(16 << 20).unwrap();
    let specialized = "specialized arg2=64 arg3=1, arg2=96 arg3=1";
    let mut logs = Vec::new();
    for boot in 1..=2 {
        let t0 = std::time::Instant::now();
        // Synchronous compiles also with SMP=2: the cold boot's compile of `row` must be done
        // while the program runs, not dropped at its end.
        let flags = ["run", "--tier", "auto", "--jit-threads", "0", "--no-osr", "--verbose", "--state", "/dev/state"];
        let q = qemu(&tar).disk(&disk).args(&flags).args(&["/boot/specialize.bc"]).args(&args).run();
        assert_eq!(q.code, 0, "boot {boot} failed:\n{}", q.all());
        eprintln!("tier_boot: specialization boot {boot}: {:.1} s", t0.elapsed().as_secs_f64());
        assert!(q.serial.lines().any(|l| l == native_out.trim_end()), "boot {boot}: output differs:\n{}", q.serial);
        logs.push(q.serial);
    }
    // `[tier] row: interp -> O2 specialized arg2=64 arg3=1 (94 % of calls), arg2=96 arg3=1 (6 %) (...)`
    let cold_compile = |l: &&str| {
        l.starts_with("[tier] row: interp -> O")
            && l.contains(" specialized arg2=64 arg3=1 (")
            && l.contains("), arg2=96 arg3=1 (")
    };
    assert!(logs[0].lines().any(|l| cold_compile(&l)), "cold boot did not specialize row:\n{}", logs[0]);
    let linked = |l: &&str| {
        l.starts_with("[state] row: O")
            && l.contains(" from the object cache (")
            && l.ends_with(&format!(" bytes) {specialized}"))
    };
    assert!(logs[1].lines().any(|l| linked(&l)), "warm boot did not link row's specialized object:\n{}", logs[1]);
    assert!(!logs[1].lines().any(|l| l.starts_with("[tier] row: ")), "row compiled again:\n{}", logs[1]);

    // The appliance from that disk: `bareflow aot` keeps the specialization and defines its guard
    // counters; linked into an appliance (with trap stubs and a reader printing the counters at
    // exit) and booted on the same arguments, it counts exactly the hits and misses of the calls.
    let (obj, stubs) = (dir.join("app.o"), dir.join("dead.s"));
    let aot = support::aot(&disk, &bc, &obj, &stubs).output().expect("bareflow aot");
    let (said, err) = text(&aot);
    assert!(aot.status.success(), "bareflow aot: {err}");
    let key = guards::aot_key(&said, "row");
    assert_eq!(key, "p2=64,p3=1;p2=96,p3=1", "{said}");
    let elf = guards::appliance(&dir, &obj, &stubs, &["row"]);
    let t0 = std::time::Instant::now();
    let q = Qemu::kernel(&elf).accel("tcg").timeout(120).args(&args).run();
    assert_eq!(q.code, 0, "appliance failed:\n{}", q.all());
    eprintln!("tier_boot: specialized appliance boot: {:.1} s", t0.elapsed().as_secs_f64());
    assert!(q.serial.lines().any(|l| l == native_out.trim_end()), "appliance output differs:\n{}", q.serial);
    let want = guards::expected_row(&key, &guards::specialize_row_calls(64, 3000, 96));
    assert_eq!(guards::printed(&q.serial, "row"), want, "row's guards in the appliance: hits per version, then misses");
    assert!(want[0] > 0 && want[1] > 0 && want[3] > 0, "{want:?}");
}

/// tests/tier_boot/rounding.c tiered up at once in QEMU (`--thresholds min`): for QEMU's CPU (no
/// SSE4.1, no FMA) mix()'s floor, ceil, trunc, rint, nearbyint, round, fma... are calls, which the JIT
/// resolves in the kernel (mix reaches O1 and no compile fails), and the run prints what the native
/// build prints.
#[test]
fn rounding_libcalls_of_jit_code_resolve_on_bare_metal() {
    let dir = scratch("rounding");
    let bc = dir.join("rounding.bc");
    let flags = ["-O2", "-ffp-contract=off"];
    bitcode("tests/tier_boot/rounding.c", &bc, &flags);
    let exe = dir.join("rounding-native");
    let src = root().join("tests/tier_boot/rounding.c");
    support::compile(
        "rounding.c natively",
        support::clang_command().args(flags).arg(&src).arg("-lm").arg("-o").arg(&exe),
    );
    let (native, _) = text(&Command::new(&exe).output().expect("native rounding"));
    assert!(native.starts_with("rounding: 2000 points, sum "), "{native}");
    let q = qemu(&initrd(&dir, &[&bc]))
        .args(&["run", "--tier", "auto", "--thresholds", "min", "--verbose", "/boot/rounding.bc"])
        .run();
    assert_eq!(q.code, 0, "QEMU run failed:\n{}", q.all());
    let failed: Vec<&str> = q.serial.lines().filter(|l| l.contains("Symbols not found")).collect();
    assert!(failed.is_empty(), "JIT code with unresolved calls:\n{}", failed.join("\n"));
    assert!(q.serial.lines().any(|l| l.starts_with("[tier] mix: interp -> O1 ")), "mix not compiled:\n{}", q.serial);
    let program: String = q.serial.lines().filter(|l| l.starts_with("rounding: ")).map(|l| format!("{l}\n")).collect();
    assert_eq!(program, native, "QEMU serial:\n{}", q.serial);
}
