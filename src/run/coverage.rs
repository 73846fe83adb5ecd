//! `bareflow run --runtime-coverage`: which of the runtime's own code ran.
//! - Linux: a CLOCK_MONOTONIC POSIX timer sends SIGPROF every 100 µs; the handler records the
//!   interrupted instruction pointer; symbols come from the executable's ELF symbol table
//!   (/proc/self/exe).
//! - Bare metal: core-rt's timer interrupt samples at 1 kHz (`core_rt::runtime::sampler`);
//!   symbols come from the image's symbol map (core_rt::symmap: /boot/kernel.sym.gz, inflated
//!   on this first use; text symbols, sizes = gaps between them).
//!
//! Samples are counted per component (core-rt, irvm, orc-bridge, driver, LLVM, other: std,
//! libstdc++, crates). A function with no sample may still have run briefly: the "never
//! sampled" share is an upper bound of dead runtime code, tightened by aggregating runs.
//! [`Coverage`] is the run's side of it (the session holds one); the Linux sampler's buffer is
//! static because its signal handler has no other way to reach it.

use serde_json::{Value, json};
use std::collections::BTreeMap;
#[cfg(not(feature = "baremetal"))]
use std::ffi::c_void;
#[cfg(not(feature = "baremetal"))]
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

#[cfg(not(feature = "baremetal"))]
mod sigprof {
    use super::*;
    pub(super) const MAX_SAMPLES: usize = 1 << 18;
    pub(super) static SAMPLES: [AtomicU64; MAX_SAMPLES] = [const { AtomicU64::new(0) }; MAX_SAMPLES];
    pub(super) static COUNT: AtomicUsize = AtomicUsize::new(0);

    /// glibc's `struct sigaction` on x86-64.
    #[repr(C)]
    struct SigAction {
        handler: usize,
        mask: [u64; 16],
        flags: i32,
        restorer: usize,
    }

    /// `struct sigevent` (64 bytes), SIGEV_SIGNAL only.
    #[repr(C)]
    struct SigEvent {
        value: usize,
        signo: i32,
        notify: i32,
        pad: [u64; 6],
    }

    #[repr(C)]
    struct ITimerSpec {
        interval: [i64; 2],
        value: [i64; 2],
    }

    unsafe extern "C" {
        fn sigaction(sig: i32, act: *const SigAction, old: *mut SigAction) -> i32;
        fn timer_create(clock: i32, sev: *mut SigEvent, timer: *mut *mut c_void) -> i32;
        fn timer_settime(timer: *mut c_void, flags: i32, new: *const ITimerSpec, old: *mut ITimerSpec) -> i32;
    }

    const SIGPROF: i32 = 27;
    const SA_SIGINFO: i32 = 4;
    const SA_RESTART: i32 = 0x1000_0000;
    const CLOCK_MONOTONIC: i32 = 1;
    /// Offset of RIP in x86-64 Linux `ucontext_t` (uc_mcontext.gregs[REG_RIP]).
    const UC_RIP: usize = 168;

    extern "C" fn on_sigprof(_sig: i32, _info: *mut c_void, uc: *mut c_void) {
        // SAFETY: the kernel passes a valid ucontext_t for SA_SIGINFO handlers; RIP is at UC_RIP.
        let rip = unsafe { *(uc.cast::<u8>().add(UC_RIP).cast::<u64>()) };
        let i = COUNT.fetch_add(1, Ordering::Relaxed);
        if i < MAX_SAMPLES {
            SAMPLES[i].store(rip, Ordering::Relaxed);
        }
    }

    /// Start sampling (every 100 µs of wall time). Errors name the failing call.
    pub fn start() -> Result<(), String> {
        let act = SigAction {
            handler: on_sigprof as *const () as usize,
            mask: [0; 16],
            flags: SA_SIGINFO | SA_RESTART,
            restorer: 0,
        };
        let mut sev = SigEvent { value: 0, signo: SIGPROF, notify: 0, pad: [0; 6] };
        let mut timer = std::ptr::null_mut();
        let spec = ITimerSpec { interval: [0, 100_000], value: [0, 100_000] };
        // SAFETY: valid, initialized structures; the handler only touches atomics (async-signal-safe).
        unsafe {
            if sigaction(SIGPROF, &act, std::ptr::null_mut()) != 0 {
                return Err(format!("sigaction(SIGPROF): {}", std::io::Error::last_os_error()));
            }
            if timer_create(CLOCK_MONOTONIC, &mut sev, &mut timer) != 0 {
                return Err(format!("timer_create: {}", std::io::Error::last_os_error()));
            }
            if timer_settime(timer, 0, &spec, std::ptr::null_mut()) != 0 {
                return Err(format!("timer_settime: {}", std::io::Error::last_os_error()));
            }
        }
        Ok(())
    }
}
#[cfg(not(feature = "baremetal"))]
use sigprof::start;

/// The run's runtime coverage: whether it is sampled, and whether its report was printed (once,
/// at exit).
#[derive(Default)]
pub struct Coverage {
    on: bool,
    reported: bool,
}

impl Coverage {
    /// Start sampling (`--runtime-coverage`); a sampler that cannot start is one line on stderr.
    pub fn start() -> Coverage {
        match start() {
            Ok(()) => Coverage { on: true, reported: false },
            Err(e) => {
                eprintln!("coverage: {e}; runtime coverage is off");
                Coverage::default()
            }
        }
    }

    /// This run's runtime coverage added to `prev` (a snapshot's), and its report printed; `prev`
    /// as it is when sampling is off or the report was printed before.
    pub fn finish(&mut self, prev: Option<Value>) -> Option<Value> {
        if !self.on || std::mem::replace(&mut self.reported, true) {
            return prev;
        }
        match collect() {
            Ok((now, syms)) => {
                let total = merge(prev, now);
                match report(&total, &syms) {
                    Ok(r) => eprintln!("{r}"),
                    Err(e) => eprintln!("coverage: {e}"),
                }
                Some(total)
            }
            Err(e) => {
                eprintln!("coverage: {e}");
                prev
            }
        }
    }
}

/// Start sampling (core-rt's timer interrupt at 1 kHz).
#[cfg(feature = "baremetal")]
fn start() -> Result<(), String> {
    core_rt::runtime::sampler::start();
    Ok(())
}

/// The program's function symbols, read once by [`collect`] and reused by [`report`].
pub struct Symbols(Vec<Sym>);

/// A function symbol of the executable.
struct Sym {
    addr: u64,
    size: u64,
    name: String,
}

#[cfg(not(feature = "baremetal"))]
/// FUNC symbols (with an address and a size) of an ELF64 executable, sorted by address.
fn function_symbols(elf: &[u8]) -> Option<Vec<Sym>> {
    let mut syms: Vec<Sym> = bareflow_tier::elf::function_symbols(elf)?
        .into_iter()
        .filter(|s| s.size != 0 && s.value != 0)
        .map(|s| Sym { addr: s.value, size: s.size, name: s.name })
        .collect();
    syms.sort_by_key(|s| s.addr);
    syms.dedup_by_key(|s| s.addr);
    Some(syms)
}

#[cfg(not(feature = "baremetal"))]
/// Load address of the executable (the mapping of file offset 0).
fn load_base() -> Option<u64> {
    let exe = std::fs::read_link("/proc/self/exe").ok()?;
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() >= 6 && f[2] == "00000000" && std::path::Path::new(f[5]) == exe)
            .then(|| u64::from_str_radix(f[0].split('-').next()?, 16).ok())
            .flatten()
    })
}

/// Whether `name` (mangled or demangled) is a symbol of the Rust crate `krate`.
fn of_crate(name: &str, krate: &str) -> bool {
    name.contains(&format!("{}{krate}", krate.len()))
        || name.starts_with(&format!("{krate}::"))
        || name.starts_with(&format!("<{krate}::"))
}

/// The component a symbol belongs to (by its mangled name). The report's components are the
/// runtime's parts as a user sees them: core-rt is the kernel with its C library (core-libc), the
/// driver is the `bareflow` program with its tier manager and snapshot crates.
fn component(name: &str) -> &'static str {
    if of_crate(name, "core_rt") || of_crate(name, "core_libc") {
        "core-rt"
    } else if of_crate(name, "irvm") {
        "irvm"
    } else if of_crate(name, "orc_bridge") {
        "orc-bridge"
    } else if ["bareflow", "bareflow_tier", "bareflow_state"].iter().any(|k| of_crate(name, k)) {
        "driver"
    } else if name.starts_with("_ZN4llvm")
        || name.starts_with("_ZNK4llvm")
        || name.starts_with("LLVM")
        || name.contains("N4llvm")
        || name.starts_with("llvm::")
    {
        "LLVM"
    } else {
        "other"
    }
}

/// The samples taken so far (instruction pointers, relative to the symbols' addresses).
#[cfg(not(feature = "baremetal"))]
fn samples() -> Result<Vec<u64>, String> {
    let base = load_base().ok_or("/proc/self/maps: executable mapping not found")?;
    let n = sigprof::COUNT.load(Ordering::Relaxed).min(sigprof::MAX_SAMPLES);
    Ok(sigprof::SAMPLES.iter().take(n).map(|s| s.load(Ordering::Relaxed).wrapping_sub(base)).collect())
}

#[cfg(feature = "baremetal")]
fn samples() -> Result<Vec<u64>, String> {
    let (v, dropped) = core_rt::runtime::sampler::samples();
    if dropped > 0 {
        eprintln!("coverage: {dropped} samples dropped (buffer full)");
    }
    Ok(v)
}

/// The program's function symbols (sorted) and an identity of the binary they describe.
#[cfg(not(feature = "baremetal"))]
fn symbols() -> Result<(Vec<Sym>, String), String> {
    let elf = std::fs::read("/proc/self/exe").map_err(|e| format!("/proc/self/exe: {e}"))?;
    let syms = function_symbols(&elf).ok_or("/proc/self/exe: no ELF64 symbol table")?;
    Ok((syms, format!("crc32:{:08x}-len:{}", crc32fast::hash(&elf), elf.len())))
}

#[cfg(feature = "baremetal")]
fn symbols() -> Result<(Vec<Sym>, String), String> {
    // The map core-rt keeps (inflated once from the boot files), not a copy of it.
    let text = core_rt::symmap::boot_map()
        .ok_or("no symbol map: /boot/kernel.sym.gz (or /boot/kernel.sym) is missing or unreadable")?;
    let mut syms: Vec<Sym> = core_rt::symmap::entries(text)
        .filter(|(a, _)| *a != 0)
        .map(|(addr, n)| Sym { addr, size: 0, name: String::from_utf8_lossy(n).into_owned() })
        .collect();
    syms.sort_by_key(|s| s.addr);
    syms.dedup_by_key(|s| s.addr);
    for k in 0..syms.len().saturating_sub(1) {
        syms[k].size = syms[k + 1].addr - syms[k].addr;
    }
    syms.pop();
    Ok((syms, format!("kernel.sym crc32:{:08x}-len:{}", crc32fast::hash(text), text.len())))
}

/// Stop counting and symbolize: `{"binary", "samples", "outside", "functions": {name: samples}}`
/// (samples outside the program's code — JIT code, libc — are counted, not named).
pub fn collect() -> Result<(Value, Symbols), String> {
    // The samples first: reading and parsing the symbol table is not the program's work.
    let samples = samples()?;
    let (syms, binary) = symbols()?;
    let mut hits: BTreeMap<&str, u64> = BTreeMap::new();
    let mut outside = 0u64;
    for &a in &samples {
        let i = syms.partition_point(|s| s.addr <= a);
        match i.checked_sub(1).map(|i| &syms[i]).filter(|s| a < s.addr + s.size) {
            Some(s) => *hits.entry(&s.name).or_default() += 1,
            None => outside += 1,
        }
    }
    let cov = json!({"binary": binary, "samples": samples.len(), "outside": outside, "functions": hits});
    Ok((cov, Symbols(syms)))
}

/// Per component: functions and bytes of the executable, and how many of them were sampled in
/// `cov` (a `collect()` value, possibly aggregated over runs). One line per component.
pub fn report(cov: &Value, syms: &Symbols) -> Result<String, String> {
    let syms = &syms.0;
    let hit = cov["functions"].as_object().ok_or("coverage: no function table")?;
    let mut rows: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    for s in syms {
        let r = rows.entry(component(&s.name)).or_default();
        r[0] += 1;
        r[1] += s.size;
        if hit.contains_key(&s.name) {
            r[2] += 1;
            r[3] += s.size;
        }
    }
    let every = if cfg!(feature = "baremetal") { "1 ms" } else { "100 us" };
    let mut out = format!(
        "runtime coverage ({} samples every {every}, {} outside the program's code): never-sampled code per component",
        cov["samples"], cov["outside"]
    );
    for (c, [f, b, hf, hb]) in rows {
        out += &format!(
            "\n  {c:<10} {f:>6} functions {:>7.1} KiB: sampled {hf} functions {:.1} KiB; never sampled {:.1}% of its bytes",
            b as f64 / 1024.0,
            hb as f64 / 1024.0,
            100.0 * (b - hb) as f64 / b.max(1) as f64
        );
    }
    // A flat profile of the runtime: where its own time went (a sample is 1/total of it).
    let total = cov["samples"].as_u64().unwrap_or(0).max(1) as f64;
    let mut top: Vec<(&String, u64)> = hit.iter().map(|(n, v)| (n, v.as_u64().unwrap_or(0))).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let named: Vec<String> =
        top.iter().take(12).map(|(n, v)| format!("{} {:.1}%", short(n), 100.0 * *v as f64 / total)).collect();
    if !named.is_empty() {
        out += &format!("\n  most sampled: {}", named.join(", "));
    }
    Ok(out)
}

/// A symbol name short enough for a one-line listing (Rust hashes and long paths trimmed).
fn short(name: &str) -> String {
    let n = name.rsplit_once("::h").filter(|(_, h)| h.len() == 16).map_or(name, |(p, _)| p);
    if n.chars().count() > 60 { format!("{}…", n.chars().take(59).collect::<String>()) } else { n.to_string() }
}

/// Add `now` into `total` (same binary; otherwise `now` replaces it).
pub fn merge(total: Option<Value>, now: Value) -> Value {
    let Some(mut t) = total.filter(|t| t["binary"] == now["binary"]) else { return now };
    let add = |a: &Value, b: &Value| Value::from(a.as_u64().unwrap_or(0) + b.as_u64().unwrap_or(0));
    t["samples"] = add(&t["samples"], &now["samples"]);
    t["outside"] = add(&t["outside"], &now["outside"]);
    if let (Some(tf), Some(nf)) = (t["functions"].as_object_mut(), now["functions"].as_object()) {
        for (k, v) in nf {
            let sum = add(tf.get(k).unwrap_or(&Value::Null), v);
            tf.insert(k.clone(), sum);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::component;

    #[test]
    fn symbols_go_to_the_component_of_their_crate() {
        assert_eq!(component("_ZN8bareflow3run7session7Session3run17h0123456789abcdefE"), "driver");
        assert_eq!(component("_ZN13bareflow_tier6policy6levels17h0123456789abcdefE"), "driver");
        assert_eq!(component("_ZN14bareflow_state5store5Store4save17h0123456789abcdefE"), "driver");
        assert_eq!(component("_ZN7core_rt3mem4heap5alloc17h0123456789abcdefE"), "core-rt");
        assert_eq!(component("_ZN9core_libc6string6strlen17h0123456789abcdefE"), "core-rt");
        assert_eq!(component("_ZN4irvm4exec3run17h0123456789abcdefE"), "irvm");
        assert_eq!(component("_ZN10orc_bridge3jit3Jit3new17h0123456789abcdefE"), "orc-bridge");
        assert_eq!(component("_ZN4llvm9PassManager3runEv"), "LLVM");
    }
}
