//! runtime.h (core-rt/include/runtime.h): a C program calling every function gives the same output
//! compiled natively (with core-rt/host/runtime_host.c) and run by `bareflow run` interpreted, tiered
//! (`--thresholds min`) and compiled up front (BAREFLOW_TIER selects one), with the keyboard input fed by the test.
//! In the unikernel (core-rt/src/rtapi.rs), under TCG, the same program is checked against what
//! runtime.h promises and QEMU's CPU model is, not against the host backing: vga_puts on the screen
//! only (read back through the monitor), serial_puts on the serial line only, vga_init clears the
//! screen, keys typed on the PS/2 keyboard read back, qemu64's CPUID.

mod support;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use support::{Qemu, VgaText, root};

fn run(cmd: &mut Command, input: &[u8]) -> (i32, String) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let o = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string() + "--stderr--\n" + &String::from_utf8_lossy(&o.stderr);
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn same_output_natively_and_under_bareflow() {
    let out = support::scratch("runtime_api");
    let src = root().join("tests/runtime_api/rtapi_demo.c");
    let inc = root().join("core-rt/include");
    let native = out.join("rtapi_native");
    let bc = out.join("rtapi.bc");
    let host = root().join("core-rt/host/runtime_host.c");
    support::compile(
        "native build",
        support::clang_command().args(["-O2", "-I"]).arg(&inc).args([&src, &host]).arg("-o").arg(&native),
    );
    support::bitcode(&src, &bc, &["-O2", "-I", inc.to_str().unwrap()]);
    // Interpreted, tiered (minimum thresholds: every function is compiled during the run, main's
    // loops through OSR) and compiled up front; BAREFLOW_TIER picks one.
    let all: Vec<(String, Vec<&str>)> = match std::env::var("BAREFLOW_TIER").ok().filter(|t| !t.is_empty()) {
        Some(t) => vec![(t, vec![])],
        None => vec![
            ("interp".into(), vec![]),
            ("auto".into(), vec!["--thresholds", "min"]),
            ("jit".into(), vec!["--opt", "2"]),
        ],
    };
    for input in [&b"hello keys\n"[..], b"no newline"] {
        let (nc, n) = run(&mut Command::new(&native), input);
        assert_eq!(nc, 0, "{n}");
        assert!(n.contains("rtapi: got \""), "{n}");
        for (tier, flags) in &all {
            let (bc_code, b) = run(support::bareflow(["run", "--tier", tier]).args(flags).arg(&bc), input);
            assert_eq!(bc_code, 0, "{b}");
            assert_eq!(n, b, "native and bareflow run --tier {tier} {flags:?} differ");
        }
    }
    // The tiered run really ran runtime.h calls from JIT-compiled code (synchronous compiles:
    // a compile thread's result may come after this short program has ended).
    let flags = ["run", "--tier", "auto", "--jit-threads", "0", "--thresholds", "min", "--verbose"];
    let (code, v) = run(support::bareflow(flags).arg(&bc), b"x\n");
    assert_eq!(code, 0, "{v}");
    assert!(v.contains("[tier] main: interp -> O"), "main was not compiled:\n{v}");
}

/// The program booted in the unikernel (build/bareflow.elf, `make image`) under TCG, interpreted and
/// tiered with minimum thresholds; "hello keys" typed through QEMU's monitor at its prompt.
#[test]
fn runtime_h_in_the_unikernel() {
    let dir = support::scratch("runtime_api/qemu");
    let inc = root().join("core-rt/include");
    let bc = dir.join("rtapi.bc");
    support::bitcode(
        &root().join("tests/runtime_api/rtapi_demo.c"),
        &bc,
        &[
            "-O2",
            "-fno-stack-protector",
            "-fno-unwind-tables",
            "-fno-asynchronous-unwind-tables",
            "-I",
            inc.to_str().unwrap(),
        ],
    );
    let tar = support::initrd(&dir, &[&bc]);
    for flags in [&["--tier", "interp"][..], &["--tier", "auto", "--thresholds", "min"]] {
        let sock = support::temp_path("rtapi.sock");
        let mut child = Qemu::kernel(&support::kernel())
            .accel("tcg")
            .timeout(90)
            .monitor(&sock)
            .initrd(&tar)
            .args(&["run"])
            .args(flags)
            .args(&["/boot/rtapi.bc"])
            .command()
            .stdout(Stdio::piped())
            .spawn()
            .expect("tools/qemu-run");
        let mut out = child.stdout.take().unwrap();
        let mut serial = String::new();
        let mut byte = [0u8; 1];
        while !serial.ends_with("rtapi: type a line> ") {
            if out.read(&mut byte).unwrap() == 0 {
                panic!("{flags:?}: QEMU ended before the prompt:\n{serial}");
            }
            serial.push(byte[0] as char);
        }
        // The console writes the serial line first, then the screen: give the screen a moment.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let mut mon = std::os::unix::net::UnixStream::connect(&sock).expect("QEMU monitor socket");
        let screen = VgaText::read(&mut mon, &support::temp_path("rtapi-vga.bin"));
        for c in "hello keys\n".chars() {
            writeln!(mon, "sendkey {}", support::sendkey_name(c)).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(60));
        }
        let mut rest = String::new();
        let _ = out.read_to_string(&mut rest);
        let status = child.wait().unwrap();
        let _ = std::fs::remove_file(&sock);
        let serial = (serial + &rest).replace('\r', "");
        assert_eq!(status.code(), Some(0), "{flags:?}:\n{serial}");
        // Serial: serial_puts and the program's stdout; never what went to the screen alone.
        for want in [
            "rtapi: serial_puts works\n",
            "rtapi: cpuid max leaf ok, vendor string ok\n",
            // QEMU's default CPU model under TCG, qemu64: an AMD vendor string, basic leaves up to 0xd.
            "rtapi: cpuid leaf 0: max leaf 13, vendor AuthenticAMD\n",
            "rtapi: rdtsc advances: yes\n",
            "rtapi: got \"hello keys\" (10 chars)\n",
        ] {
            assert!(serial.contains(want), "{flags:?}: serial lacks {want:?}:\n{serial}");
        }
        assert!(!serial.contains("vga_puts"), "{flags:?}: vga_puts reached the serial line:\n{serial}");
        // Screen: vga_init cleared core-rt's boot lines, vga_puts wrote the first row, the console's
        // mirror of stdout follows (after core-rt's mark of the program's first console output, a
        // time); serial_puts is not there.
        let rows: Vec<String> = screen.rows().into_iter().filter(|r| !r.starts_with("core-rt: boot mark: ")).collect();
        assert_eq!(
            rows,
            [
                "rtapi: vga_puts works",
                "rtapi: cpuid max leaf ok, vendor string ok",
                "rtapi: cpuid leaf 0: max leaf 13, vendor AuthenticAMD",
                "rtapi: rdtsc advances: yes",
                "rtapi: type a line>",
            ],
            "{flags:?}: VGA text screen at the prompt"
        );
        assert_eq!(screen.text_attributes(), [0x07].into(), "{flags:?}: text attributes");
    }
}
