//! Boot tests: the kernel image (`make image`) booted in QEMU (headless, TCG unless KVM works),
//! asserting on serial output and the guest's exit code. Run by `make test-boot`.

mod support;

use std::process::Command;
use support::{Boot, Qemu, kernel, root};

fn boot(cmdline: &str) -> Boot {
    Qemu::image().timeout(90).args(&[cmdline]).run()
}

#[track_caller]
fn expect(r: &Boot, code: i32, needles: &[&str]) {
    let out = r.all();
    assert_eq!(r.code, code, "exit code; output:\n{out}");
    for n in needles {
        assert!(out.contains(n), "output lacks {n:?}:\n{out}");
    }
}

#[test]
fn demo_runs_std_program_and_exits_zero() {
    let r = boot("demo --read /boot/hello.txt");
    expect(
        &r,
        0,
        &[
            "core-rt: pvh boot",
            "core-rt: boot breakdown (us): firmware+loader ",
            "core-rt: boot mark: first output at ",
            "BareFlow demo: Rust std on core-rt",
            r#"argc=4 argv[1..]=["demo", "--read", "/boot/hello.txt"]"#,
            "words: 8 distinct, top the:3 fox:2 brown:1",
            "primes below 50000: 5133",
            "floats: sqrt2=1.414214 harmonic(1e5)=12.0901461299 tiny=1.5e-7 third=0.33333334",
            "read hello.txt: 39 bytes",
            r#"first line "Hello from a boot module.""#,
            "exiting with code 0",
        ],
    );
}

#[test]
fn every_cpu_comes_online() {
    // TCG explicitly: multi-threaded TCG is what runs the guest CPUs in parallel.
    for (n, line) in [(1, "| 1 CPU online |"), (2, "| 2 CPUs online |"), (4, "| 4 CPUs online |")] {
        let r = Qemu::image().accel("tcg").smp(n).timeout(90).args(&["demo --exit 3"]).run();
        expect(&r, 3, &["core-rt: pvh boot", line, "| cpus ", "exiting with code 3"]);
        assert!(!r.all().contains("CPUs online:"), "a CPU did not come up with -smp {n}:\n{}", r.all());
    }
}

/// The program's own lines: without core-rt's and the launcher's, and without "(varies)" ones.
fn program_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| !l.starts_with("core-rt: ") && !l.starts_with("qemu-run: ") && !l.ends_with("(varies)"))
        .map(str::to_string)
        .collect()
}

#[test]
fn threads_demo_matches_linux_on_one_and_two_cpus() {
    let native = support::bareflow(["demo", "--threads"]).output().expect("run bareflow");
    assert!(native.status.success(), "native threads demo failed:\n{}", support::text(&native.stdout));
    let expected = program_lines(&support::text(&native.stdout));
    assert!(expected.iter().any(|l| l == "threads demo: ok"), "native output:\n{expected:?}");
    for n in [1, 2] {
        let r = Qemu::image().accel("tcg").smp(n).timeout(90).args(&["demo --threads"]).run();
        expect(&r, 0, &[&format!("threads demo: {n} CPUs online (varies)")]);
        assert_eq!(program_lines(&r.serial), expected, "with {n} CPUs; whole output:\n{}", r.all());
        // Rust std looks up `__pthread_get_minstack` by name before its first thread: core-libc
        // defines it, so `dlsym` finds it in the registry without inflating and searching the
        // kernel's whole symbol map (~0.1-0.4 s under TCG).
        assert!(!r.serial.contains("core-rt: symbol map:"), "a thread's start read the symbol map:\n{}", r.all());
    }
}

#[test]
fn exit_code_reaches_the_host() {
    expect(&boot("demo --exit 42"), 42, &["exiting with code 42"]);
}

#[test]
fn panic_prints_message_and_location() {
    let r = boot("demo --panic");
    expect(
        &r,
        101,
        &[
            "panicked at src/commands/demo.rs:",
            "index out of bounds: the len is 0 but the index is 3",
            "core-rt: abort() called",
            "backtrace:",
        ],
    );
}

#[test]
fn page_fault_prints_address_and_symbolized_backtrace() {
    let r = boot("demo --page-fault");
    expect(
        &r,
        102,
        &[
            "core-rt: CPU exception #PF page fault (vector 14)",
            "faulting address: 0x0000000000000010 (write to a not-present page)",
            "rip=0x",
            "backtrace:",
            "bareflow::commands::demo::main",
        ],
    );
}

#[test]
fn stack_overflow_hits_the_guard_page() {
    let r = boot("demo --stack-overflow");
    expect(&r, 102, &["#PF page fault", "stack overflow (guard page below the main stack)"]);
}

#[test]
fn missing_boot_module_is_a_one_line_error() {
    let r = boot("demo --read /boot/missing.bin");
    expect(&r, 1, &["bareflow demo: cannot read '/boot/missing.bin': No such file or directory (os error 2)"]);
}

#[test]
fn malformed_command_line_is_a_one_line_error() {
    let r = boot("demo 'oops");
    expect(&r, 2, &["core-rt: boot command line: unterminated quote opened at column 6"]);
    assert!(!r.all().contains("BareFlow demo"), "the program must not start:\n{}", r.all());
}

#[test]
fn bad_flag_is_reported() {
    expect(&boot("demo --bogus"), 2, &["bareflow demo: unknown option '--bogus'"]);
}

#[test]
fn environment_comes_from_leading_assignments() {
    let r = boot("RUST_BACKTRACE=0 BF_X=1 demo");
    expect(&r, 0, &[r#"argc=2 argv[1..]=["demo"]"#]);
}

#[test]
fn acpi_power_off_without_exit_device() {
    let r = Qemu::image().timeout(90).no_exit_device().args(&["demo"]).run();
    expect(&r, 0, &["exiting with code 0", "ACPI S5"]);
}

/// The ISO carries `make qemu`'s default command line: app-tinyllama's bitcode tiered up by the
/// JIT (tier log on), reading its model and tokenizer from the Multiboot2 modules. What the program
/// prints must be the native build's output (clang-19 + glibc, `make app`) for the same arguments.
#[test]
fn grub_iso_boots_with_modules() {
    let iso = root().join("build/bareflow.iso");
    assert!(iso.exists(), "build/bareflow.iso missing: run `make image`");
    let b = Qemu::iso(&iso).timeout(120).accel("tcg").run();
    let out = b.serial;
    assert_eq!(b.code, 0, "{out}");
    for n in [
        "core-rt: multiboot2 boot",
        "core-rt: boot mark: first JIT compile",
        "[tier] matmul: interp -> O",
        "achieved tok/s: ",
    ] {
        assert!(out.contains(n), "ISO boot output lacks {n:?}:\n{out}");
    }
    let native = support::tinyllama_native(&["-n", "100", "-t", "0", "-i", "And God said"]);
    assert!(native.len() > "And God said".len() + 100, "the native build generated almost nothing:\n{native}");
    let text = program_text(&out);
    assert_eq!(text, native, "the ISO boot's generated text differs from the native build's\nserial:\n{out}");
}

/// What the program itself printed on a serial console it shares with stderr: without the lines
/// of core-rt, of the tier log and the state store, and app-tinyllama's `achieved tok/s` (stderr).
/// Those can start in the middle of a line of generated text (stdout is flushed per token), so
/// each is cut from its prefix to its newline wherever it starts.
fn program_text(serial: &str) -> String {
    const OTHERS: [&str; 6] = ["core-rt: ", "[tier] ", "[irvm] ", "[state] ", "state: ", "achieved tok/s"];
    let mut text = serial.to_string();
    while let Some(i) = OTHERS.iter().filter_map(|p| text.find(p)).min() {
        let end = text[i..].find('\n').map_or(text.len(), |e| i + e + 1);
        text.replace_range(i..end, "");
    }
    text
}

#[test]
fn gdb_stops_at_main_with_symbols() {
    let port = 20000 + (std::process::id() % 20000) as u16;
    let k = kernel();
    let mut qemu = Qemu::image()
        .accel("tcg")
        .timeout(60)
        .gdb(port)
        .args(&["demo"])
        .command()
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let target = format!("target remote localhost:{port}");
    let o = support::gdb_batch(&["set backtrace past-main on", &target, "hbreak main", "continue", "bt", "kill"])
        .arg(&k)
        .output()
        .unwrap();
    let _ = qemu.kill();
    let _ = qemu.wait();
    let out = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(out.contains("Breakpoint 1") && out.contains(" main ("), "gdb did not stop in main:\n{out}");
    assert!(
        out.contains("core-rt/src/runtime/mod.rs") && out.contains("core_rt_boot"),
        "backtrace lacks core-rt's start:\n{out}"
    );
}

/// The image (LLVM linked in) compiles a function at O0 and O3 with ORC and calls both;
/// the printed results equal those of the same command run as a Linux process.
#[test]
fn orc_selftest_in_qemu_matches_userspace() {
    let r = Qemu::image().timeout(300).args(&["orc-selftest"]).run();
    expect(&r, 0, &["orc-selftest: LLVM 19.", "at O0 = ", "at O3 = ", "(Rust reference): OK"]);
    let o = support::bareflow(["orc-selftest"]).output().unwrap();
    assert!(o.status.success(), "userspace orc-selftest failed");
    let results = |s: &str| -> Vec<String> {
        s.lines()
            .filter_map(|l| {
                l.split_once(" = ").map(|(head, rest)| format!("{head} = {}", rest.split(' ').next().unwrap_or("")))
            })
            .collect()
    };
    let user = results(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(user.len(), 2, "userspace output:\n{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(results(&r.all()), user, "QEMU and userspace results differ");
}

/// Keyboard input (PS/2, typed through QEMU's monitor) reaches stdin, and the VGA screen mirrors
/// the console: the text buffer read back through the monitor shows what the serial console
/// printed, typed line included, in light grey on black; a `screendump` of it is written as a PNG.
#[test]
fn keyboard_input_and_vga_screendump() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::os::unix::net::UnixStream;
    let sock = support::temp_path("mon.sock");
    let png = root().join("build/test-screendump.png");
    let ppm = support::temp_path("screen.ppm");
    let _ = std::fs::remove_file(&png);
    let mut child = Qemu::image()
        .timeout(120)
        .monitor(&sock)
        .args(&["demo", "--echo"])
        .command()
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    // Wait for the prompt, then type.
    let mut buf = [0u8; 1];
    while !seen.contains("echo> ") {
        if out.read(&mut buf).unwrap() == 0 {
            panic!("QEMU ended before the prompt:\n{seen}");
        }
        seen.push(buf[0] as char);
    }
    let mut mon = UnixStream::connect(&sock).expect("monitor socket");
    for cmd in ["sendkey h", "sendkey i", "sendkey shift-1", "sendkey ret"] {
        writeln!(mon, "{cmd}").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    let mut line = String::new();
    loop {
        line.clear();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if line.contains("got ") {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let screen = support::VgaText::read(&mut mon, &support::temp_path("vga.bin"));
    let seen_at_read = seen.replace('\r', "").len();
    writeln!(mon, "screendump {}", ppm.display()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    for key in ["q", "u", "i", "t", "ret"] {
        writeln!(mon, "sendkey {key}").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    let status = child.wait().unwrap();
    seen.push_str(&rest);
    let _ = std::fs::remove_file(&sock);
    assert!(seen.replace('\r', "").contains("got \"hi!\""), "typed line not echoed back:\n{seen}");
    assert_eq!(status.code(), Some(0), "{seen}");
    screen.assert_mirrors(&seen.replace('\r', ""), seen_at_read);
    assert!(screen.rows().iter().any(|r| r == "got \"hi!\""), "the typed line is not on the screen");
    let converted = support::ppm_to_png(&ppm, &png);
    let _ = std::fs::remove_file(&ppm);
    assert!(converted, "screendump did not produce a valid PPM");
    let meta = std::fs::metadata(&png).expect("no PNG written");
    assert!(meta.len() > 1000, "screendump PNG is implausibly small");
}

/// The state disk: /dev/state is read and written at byte offsets across sectors (partial ones
/// and runs of whole ones in multi-sector data blocks), flushed, and what one boot wrote is there
/// at the next.
#[test]
fn state_disk_survives_reboot() {
    let disk = support::temp_path("state.img");
    std::fs::write(&disk, vec![0u8; 1 << 20]).unwrap();
    let with_disk = || Qemu::image().timeout(90).disk(&disk).args(&["demo --file-rw /dev/state"]).run();
    let r1 = with_disk();
    expect(&r1, 0, &["state disk 1 MiB", "file-rw: 1048576 bytes, previous runs 0, wrote and read back 40016 bytes"]);
    let r2 = with_disk();
    expect(&r2, 0, &["previous runs 1,"]);
    let img = std::fs::read(&disk).unwrap();
    let _ = std::fs::remove_file(&disk);
    assert_eq!(&img[1000..1008], b"BFDEMO01", "the host file holds what the guest wrote");
    let pattern: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251) as u8).collect();
    assert!(img[1016..41_016] == pattern[..], "the host file holds the guest's 40,000-byte pattern");
}

#[test]
fn text_size_tool_accounts_for_the_kernel_text() {
    // tools/text-size.py (`make text-size`) splits the kernel's .text by component from the link
    // map: its total must be the image's .text, and its parts plus the alignment padding between
    // input sections must add up to that total, with no gap left unexplained.
    let size = Command::new("size").arg("-A").arg(kernel()).output().expect("run size -A");
    let text: u64 = String::from_utf8_lossy(&size.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(".text ").and_then(|r| r.split_whitespace().next()?.parse().ok()))
        .expect("a .text line in size -A");
    let o = Command::new(root().join("tools/text-size.py"))
        .current_dir(root())
        .args(["--map", "build/bareflow.map", "--tsv"])
        .output()
        .expect("run tools/text-size.py");
    assert!(o.status.success(), "text-size.py failed: {}", String::from_utf8_lossy(&o.stderr));
    let (mut total, mut parts, mut padding, mut unexplained, mut llvm) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let n: u64 = f.last().unwrap().parse().expect("a byte count");
        match f[0] {
            "total" => total = n,
            "group" => {
                parts += n;
                if f[1] == "LLVM" {
                    llvm = n;
                }
            }
            "padding" => padding = n,
            "unexplained" => unexplained = n,
            other => panic!("unexpected text-size.py row '{other}'"),
        }
    }
    assert_eq!(total, text, "the map's .text differs from the image's");
    assert_eq!(unexplained, 0, "gaps in .text that no input section's alignment explains");
    assert_eq!(parts + padding, total);
    assert!(llvm * 2 > total, "the JIT image's .text is mostly LLVM, text-size.py found {llvm} of {total} bytes");
}
