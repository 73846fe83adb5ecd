//! The interactive tinyllama appliance (keyboard and VGA console): boots build/interactive/appliance.elf
//! (`make interactive-appliance`: the AOT-compiled app on core-rt, model and tokenizer as boot
//! modules) in `-m chat` mode, types two prompts on the PS/2 keyboard through QEMU's monitor
//! (`sendkey`), and checks that each answer on the serial console equals the native build's greedy
//! output for the same prompt. The VGA text buffer, read back through the monitor, must show the
//! serial console's last rows (typed prompts included); a screendump goes to build/interactive/screen.png.
//! Run with `make test-interactive`.

mod support;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::process::Stdio;
use std::time::Duration;
use support::{Qemu, root};

const PROMPTS: [&str; 2] = ["And God said", "The man"];
const STEPS: &str = "20";

/// The native build's greedy answer for `prompt` (what `-m chat` prints after the typed line).
fn native_answer(prompt: &str) -> String {
    support::tinyllama_native(&["-t", "0", "-n", STEPS, "-i", prompt])
}

/// Read serial output until the app's `n`-th "> " prompt (a line starting with it) is the last output.
fn read_until_prompt(out: &mut impl Read, seen: &mut String, n: usize) {
    let mut buf = [0u8; 1];
    loop {
        if seen.ends_with("> ") && seen.replace('\r', "").split('\n').filter(|l| l.starts_with("> ")).count() >= n {
            return;
        }
        if out.read(&mut buf).unwrap() == 0 {
            panic!("QEMU ended before prompt {n}:\n{seen}");
        }
        seen.push(buf[0] as char);
    }
}

fn type_line(mon: &mut UnixStream, text: &str) {
    for c in text.chars().chain(std::iter::once('\n')) {
        writeln!(mon, "sendkey {}", support::sendkey_name(c)).unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }
}

/// The serial text without core-rt's own lines and the app's tok/s lines (stderr).
fn app_text(serial: &str) -> String {
    serial
        .replace('\r', "")
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("core-rt: ") && !l.starts_with("achieved tok/s"))
        .collect()
}

#[test]
fn chat_appliance_answers_typed_prompts() {
    let dir = root().join("build/interactive");
    let elf = dir.join("appliance.elf");
    assert!(elf.exists(), "{} missing: run `make interactive-appliance`", elf.display());
    let sock = support::temp_path("chat.sock");
    let ppm = support::temp_path("chat.ppm");
    let png = dir.join("screen.png");
    let _ = std::fs::remove_file(&png);
    let mut child = Qemu::kernel(&elf)
        .timeout(150)
        .monitor(&sock)
        .initrd(&dir.join("initrd.tar"))
        .args(&["/boot/model.bin", "-m", "chat", "-t", "0", "-n", STEPS])
        .command()
        .stdout(Stdio::piped())
        .spawn()
        .expect("tools/qemu-run");
    let mut out = child.stdout.take().unwrap();
    let mut seen = String::new();
    read_until_prompt(&mut out, &mut seen, 1);
    let mut mon = UnixStream::connect(&sock).expect("QEMU monitor socket");
    for (i, p) in PROMPTS.iter().enumerate() {
        type_line(&mut mon, p);
        read_until_prompt(&mut out, &mut seen, i + 2);
    }
    std::thread::sleep(Duration::from_millis(300));
    let screen = support::VgaText::read(&mut mon, &support::temp_path("chat-vga.bin"));
    let seen_at_read = seen.replace('\r', "").len();
    writeln!(mon, "screendump {}", ppm.display()).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    type_line(&mut mon, ""); // an empty line ends the chat
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    seen.push_str(&rest);
    let status = child.wait().unwrap();
    let _ = std::fs::remove_file(&sock);
    let text = app_text(&seen);
    // The console echoes each typed line after "> "; the app's answer follows it.
    for p in PROMPTS {
        let want = format!("> {p}\n{}", native_answer(p));
        assert!(text.contains(&want), "answer to {p:?} differs from the native build's.\nwant:\n{want}\ngot:\n{text}");
    }
    assert_eq!(status.code(), Some(0), "appliance exit status:\n{seen}");
    // The screen mirrors the console: the typed prompts and the answers, as on serial.
    screen.assert_mirrors(&seen.replace('\r', ""), seen_at_read);
    let rows = screen.rows();
    for p in PROMPTS {
        assert!(
            rows.iter().any(|r| *r == format!("> {p}")),
            "typed prompt {p:?} is not on the screen:\n{}",
            rows.join("\n")
        );
    }
    let dump = std::fs::read(&ppm).expect("screendump wrote no PPM");
    assert_not_blank(&dump);
    let converted = support::ppm_to_png(&ppm, &png);
    let _ = std::fs::remove_file(&ppm);
    assert!(converted, "tools/ppm2png failed on the screendump");
    assert!(png.exists(), "no {}", png.display());
}

/// A binary PPM (P6) of the VGA text console must hold text: more than one pixel colour.
fn assert_not_blank(ppm: &[u8]) {
    assert!(ppm.starts_with(b"P6"), "screendump is not a binary PPM");
    // Header: "P6", width, height, maxval, each followed by whitespace, then RGB triples.
    let mut fields = 0;
    let mut i = 2;
    while fields < 3 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = &ppm[i + 1..];
    let first = &pixels[..3];
    assert!(pixels.chunks(3).any(|p| p != first), "the VGA screendump is a single colour: nothing on screen");
}
