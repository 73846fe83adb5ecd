//! The ORC self-test (`bareflow orc-selftest`): parse the embedded bitcode of
//! selftest/selftest.c, compile `bf_selftest` at O0 and at O3, call both, and compare them with
//! the same computation done by Rust. Runs unchanged as a Linux process and in the unikernel.

use std::fmt;
use std::time::{Duration, Instant};

use crate::{CompileTimes, Jit, JitConfig, NoHostLinks, OptLevel, Result, TargetInfo};

/// Bitcode of selftest/selftest.c (clang-19, built by build.rs).
pub const BITCODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/selftest.bc"));

/// The function the self-test compiles and its argument.
pub const FUNCTION: &str = "bf_selftest";
pub const INPUT: i64 = 200_000;

/// The host function the kernel calls, given to the JIT as an explicit runtime symbol.
pub extern "C" fn bf_host_mix(x: i64) -> i64 {
    x.wrapping_mul(31).wrapping_add(7)
}

/// Rust version of `bf_selftest` (the reference result).
pub fn reference(n: i64) -> i64 {
    let mut h: u64 = 1469598103934665603;
    let mut acc: i64 = 0;
    for i in 0..n {
        h ^= i as u64;
        h = h.wrapping_mul(1099511628211);
        acc += ((h >> 40) % 1000) as i64;
    }
    bf_host_mix(acc)
}

/// One tier of the self-test.
#[derive(Debug, Clone)]
pub struct TierRun {
    pub level: OptLevel,
    pub result: i64,
    pub compile: CompileTimes,
    pub run: Duration,
}

/// What the self-test found.
#[derive(Debug, Clone)]
pub struct Report {
    pub llvm: String,
    pub target: TargetInfo,
    pub expected: i64,
    pub tiers: Vec<TierRun>,
}

impl Report {
    /// Every tier returned the reference result.
    pub fn ok(&self) -> bool {
        !self.tiers.is_empty() && self.tiers.iter().all(|t| t.result == self.expected)
    }
}

/// Run the self-test on `bitcode` (normally [`BITCODE`]).
pub fn run(bitcode: &[u8]) -> Result<Report> {
    let mut jit = Jit::new(&JitConfig::default())?;
    jit.define_runtime_symbols(&[("bf_host_mix", bf_host_mix as *const () as u64)])?;
    let module = jit.load_bitcode("selftest.bc", bitcode)?;
    let mut tiers = Vec::new();
    for level in [OptLevel::O0, OptLevel::O3] {
        let compiled = jit.compile_function(module, FUNCTION, level, &NoHostLinks, None)?;
        // SAFETY: `bf_selftest` is `int64_t (int64_t)` in selftest.c, i.e. this signature, and
        // the code stays mapped while `jit` lives.
        let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(compiled.address as usize) };
        let start = Instant::now();
        let result = f(INPUT);
        tiers.push(TierRun { level, result, compile: compiled.times, run: start.elapsed() });
    }
    Ok(Report { llvm: crate::llvm_version(), target: jit.target().clone(), expected: reference(INPUT), tiers })
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "orc-selftest: LLVM {}, {} cpu {}", self.llvm, self.target.triple, self.target.cpu)?;
        for t in &self.tiers {
            let c = &t.compile;
            writeln!(
                f,
                "orc-selftest: {FUNCTION}({INPUT}) at {} = {} (compile {}: extract {}, optimize {}, codegen {}, link {}; run {})",
                t.level,
                t.result,
                ms(c.total()),
                ms(c.extract),
                ms(c.optimize),
                ms(c.codegen),
                ms(c.link),
                ms(t.run)
            )?;
        }
        let verdict = if self.ok() { "OK" } else { "MISMATCH" };
        write!(f, "orc-selftest: expected {} (Rust reference): {verdict}", self.expected)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_selftest_passes() {
        let report = super::run(super::BITCODE).unwrap_or_else(|e| panic!("{e}"));
        println!("{report}");
        assert!(report.ok(), "{report}");
        assert_eq!(report.tiers.len(), 2);
    }
}
