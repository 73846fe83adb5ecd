//! `bareflow demo`: exercises Rust std on the current platform — argv, collections, strings,
//! a file read with std::fs, timing with Instant, float formatting, exit codes, and on request a
//! panic or a page fault. Its stdout is identical on Linux and in QEMU except lines ending in
//! "(varies)" (timings), which `make userspace-check` ignores.

use std::collections::HashMap;
use std::time::Instant;

const USAGE: &str = "usage: bareflow demo [--exit N] [--read FILE] [--file-rw FILE] [--echo] [--panic] [--page-fault] [--stack-overflow] | demo --threads";

struct Options {
    exit: i32,
    read: Vec<String>,
    panic: bool,
    page_fault: bool,
    stack_overflow: bool,
    echo: bool,
    file_rw: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        exit: 0,
        read: Vec::new(),
        panic: false,
        page_fault: false,
        stack_overflow: false,
        echo: false,
        file_rw: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--exit" => {
                let v = it.next().ok_or("--exit needs a number")?;
                o.exit = v
                    .parse()
                    .ok()
                    .filter(|c| (0..=127).contains(c))
                    .ok_or(format!("--exit: '{v}' is not a number in 0..=127"))?;
            }
            "--read" => o.read.push(it.next().ok_or("--read needs a file")?.clone()),
            "--panic" => o.panic = true,
            "--page-fault" => o.page_fault = true,
            "--stack-overflow" => o.stack_overflow = true,
            "--echo" => o.echo = true,
            "--file-rw" => o.file_rw = Some(it.next().ok_or("--file-rw needs a file")?.clone()),
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    Ok(o)
}

/// FNV-1a, to print a short fingerprint of file contents.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Write a pattern across sector boundaries of an existing file (the state disk in the kernel:
/// a partial sector, 78 whole ones — several multi-sector data blocks and a short one — and a
/// partial one), sync it, read it back, and report what a previous boot left there.
fn file_round_trip(path: &str) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().read(true).write(true).open(path)?;
    let size = f.metadata()?.len();
    let mut old = [0u8; 16];
    f.seek(SeekFrom::Start(1000))?;
    f.read_exact(&mut old)?;
    let boots = if &old[..8] == b"BFDEMO01" { u64::from_le_bytes(old[8..].try_into().unwrap()) } else { 0 };
    let mut rec = Vec::from(*b"BFDEMO01");
    rec.extend_from_slice(&(boots + 1).to_le_bytes());
    rec.extend((0..40_000u32).map(|i| (i * 7 % 251) as u8));
    f.seek(SeekFrom::Start(1000))?;
    f.write_all(&rec)?;
    f.sync_all()?;
    let mut back = vec![0u8; rec.len()];
    f.seek(SeekFrom::Start(1000))?;
    f.read_exact(&mut back)?;
    if back != rec {
        return Err(std::io::Error::other("read-back differs from what was written"));
    }
    println!("file-rw: {} bytes, previous runs {boots}, wrote and read back {} bytes", size, rec.len());
    Ok(())
}

#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let buf = [depth; 64];
    std::hint::black_box(&buf);
    recurse(depth + 1) + buf[7]
}

// Kept out of line so fault backtraces name this frame (the boot tests look for it).
#[inline(never)]
pub fn main(args: &[String]) -> i32 {
    if args.len() == 1 && args[0] == "--threads" {
        return super::demo_threads::main();
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bareflow demo: {e}\n{USAGE}");
            return 2;
        }
    };
    let argv: Vec<String> = std::env::args().collect();
    println!("BareFlow demo: Rust std on {}", if cfg!(feature = "baremetal") { "core-rt" } else { "glibc" });
    println!("argc={} argv[1..]={:?}", argv.len(), &argv[1..]);

    let text = "the quick brown fox jumps over the lazy dog the fox";
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_default() += 1;
    }
    let mut sorted: Vec<(&str, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = sorted.iter().take(3).map(|(w, n)| format!("{w}:{n}")).collect();
    println!("words: {} distinct, top {}", sorted.len(), top.join(" "));

    let start = Instant::now();
    let primes = (2u32..50_000).filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)).count();
    let harmonic: f64 = (1..=100_000).map(|k| 1.0 / k as f64).sum();
    let elapsed = start.elapsed();
    println!("primes below 50000: {primes}");
    println!("floats: sqrt2={:.6} harmonic(1e5)={harmonic:.10} tiny={:e} third={}", 2f64.sqrt(), 1.5e-7, 1.0f32 / 3.0);
    println!("elapsed: {} us (varies)", elapsed.as_micros());
    if elapsed.is_zero() || elapsed.as_secs() > 60 {
        eprintln!("bareflow demo: the clock is broken (elapsed {elapsed:?})");
        return 1;
    }

    for path in &o.read {
        let name = path.rsplit('/').next().unwrap_or(path);
        match std::fs::read(path) {
            Ok(data) => {
                let first = data.split(|&b| b == b'\n').next().unwrap_or(&[]);
                println!(
                    "read {name}: {} bytes, fnv1a {:016x}, first line {:?}",
                    data.len(),
                    fnv1a(&data),
                    String::from_utf8_lossy(first)
                );
            }
            Err(e) => {
                eprintln!("bareflow demo: cannot read '{path}': {e}");
                return 1;
            }
        }
    }
    if let Some(path) = &o.file_rw
        && let Err(e) = file_round_trip(path)
    {
        eprintln!("bareflow demo: {path}: {e}");
        return 1;
    }
    if o.echo {
        // Lines from stdin (keyboard or serial in the kernel) until "quit" or end of input.
        let mut line = String::new();
        loop {
            print!("echo> ");
            let _ = std::io::Write::flush(&mut std::io::stdout());
            line.clear();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) => break,
                Ok(_) if line.trim() == "quit" => break,
                Ok(_) => println!("got {:?}", line.trim_end()),
                Err(e) => {
                    eprintln!("bareflow demo: reading stdin: {e}");
                    return 1;
                }
            }
        }
    }
    if o.panic {
        let v: Vec<u32> = Vec::new();
        let i = std::hint::black_box(3);
        println!("about to index an empty vector");
        println!("{}", v[i]);
    }
    if o.page_fault {
        println!("about to write to address 0x10");
        // SAFETY: deliberately invalid: this demonstrates the page-fault report (on Linux: SIGSEGV).
        unsafe { std::ptr::write_volatile(std::hint::black_box(0x10usize) as *mut u64, 1) };
    }
    if o.stack_overflow {
        println!("about to overflow the stack");
        println!("{}", recurse(0));
    }
    println!("exiting with code {}", o.exit);
    o.exit
}
