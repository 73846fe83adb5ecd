//! Guarded unroll-and-jam of hot loop nests (a specialization's versions, other O2/O3 compiles,
//! ahead-of-time code): an outer loop whose body is one inner reduction loop (row sums) runs
//! [`Jam::count`] outer iterations' inner loops as one, each with its own values in its own order
//! (bit-identical floating point), where the reductions' latency, not memory, bounds the rows,
//! behind a guard at the nest's entry: what the nest stores overlaps nothing else it touches, and
//! (for a nest that would be memory-bound outside the L2 cache) the bytes it reads fit
//! [`Jam::limit`]; else the nest as it was. The transformation is `cxx/unrolljam.cc` (run inside
//! the tier pipeline by the pass runner `cxx/passes.cc`, [`run_passes`]); this is its binding:
//! the request on a function, the outcome read back, and the cache size the limit derives from.

use std::ffi::{CString, c_char, c_int};

use llvm_sys::error::LLVMErrorRef;
use llvm_sys::prelude::*;
use llvm_sys::target_machine::LLVMTargetMachineRef;

use crate::error::{Error, Result, cstring};
use crate::specialize::{GUARD_COUNTERS, GuardStorage, LOOP_HITS};
use crate::symbols::HostSymbol;

unsafe extern "C" {
    fn bf_run_passes(
        module: LLVMModuleRef,
        passes: *const c_char,
        tm: LLVMTargetMachineRef,
        vectorize: c_int,
        unroll: c_int,
        call_graph_profile: c_int,
    ) -> LLVMErrorRef;
}

/// Outer iterations jammed together: four rows' chains hide the latency of each row's adds.
pub const JAM_COUNT: u32 = 4;

/// Working-set limit when the L2 size cannot be read: a quarter of 256 KiB, the smallest L2 of
/// the x86-64 server and desktop CPUs of the last decade.
pub const FALLBACK_LIMIT: u64 = 64 * 1024;

/// Function attribute of a request (`"COUNT,LIMIT,GUARDS,WORD,WORDS,host|defined"`, read by the pass).
const REQUEST: &str = "bareflow-unroll-and-jam";
/// Function attribute the pass writes its outcome to.
const RESULT: &str = "bareflow-unroll-and-jam-result";

/// An unroll-and-jam request: jam `count` outer iterations of every eligible nest bound by its
/// reductions' latency, and of a nest that streams more only when it reads at most `limit`
/// bytes (checked at its entry, each time; 0: never, the function's data is streamed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Jam {
    pub count: u32,
    pub limit: u64,
}

impl Jam {
    /// The request for this machine: [`JAM_COUNT`], and a quarter of its L2 cache as the limit
    /// ([`l2_cache_bytes`]): the jammed rows stream side by side and the rest of the program's
    /// data shares the cache.
    pub fn for_this_cpu() -> Jam {
        Jam { count: JAM_COUNT, limit: l2_cache_bytes().map_or(FALLBACK_LIMIT, |b| b / 4) }
    }

    /// `uj=COUNT,LIMIT` (the specialization key's suffix).
    pub fn key(&self) -> String {
        format!("uj={},{}", self.count, self.limit)
    }

    /// Read [`Jam::key`] back.
    pub fn from_key(text: &str) -> Option<Jam> {
        let (count, limit) = text.strip_prefix("uj=")?.split_once(',')?;
        let jam = Jam { count: count.parse().ok()?, limit: limit.parse().ok()? };
        (2..=16).contains(&jam.count).then_some(jam)
    }
}

/// What the unroll-and-jam did in one compiled function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JamOutcome {
    /// Loop nests LLVM jammed.
    pub jammed: u32,
    /// Loop nests of the eligible shape (an outer loop over one inner loop).
    pub nests: u32,
    /// The line for the tier log: `x4: 1 of 1 loop nests jammed behind a guard (...)`, then the
    /// reason each other nest was left.
    pub text: String,
}

impl std::fmt::Display for JamOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The L2 cache of the CPU this runs on, in bytes, from CPUID (Intel: the deterministic cache
/// parameters, leaf 4; AMD and others: leaf 0x8000_0006); `None` when the CPU does not say.
pub fn l2_cache_bytes() -> Option<u64> {
    use core::arch::x86_64::{__cpuid, __cpuid_count};
    // CPUID exists on every x86-64 CPU; leaves above the maximum the CPU reports (read first,
    // leaf 0 and 0x8000_0000) are not asked.
    {
        let max = __cpuid(0).eax;
        let max_ext = __cpuid(0x8000_0000).eax;
        if max >= 4 {
            for sub in 0..8 {
                let r = __cpuid_count(4, sub);
                let kind = r.eax & 0x1f;
                if kind == 0 {
                    break;
                }
                if (r.eax >> 5) & 0x7 == 2 && kind != 2 {
                    let ways = u64::from((r.ebx >> 22) + 1);
                    let partitions = u64::from(((r.ebx >> 12) & 0x3ff) + 1);
                    let line = u64::from((r.ebx & 0xfff) + 1);
                    let sets = u64::from(r.ecx) + 1;
                    return Some(ways * partitions * line * sets);
                }
            }
        }
        if max_ext >= 0x8000_0006 {
            let kib = u64::from(__cpuid(0x8000_0006).ecx >> 16);
            if kib > 0 {
                return Some(kib * 1024);
            }
        }
    }
    None
}

/// Ask the tier pipeline to jam the nests of `f` (app function `function`, a definition of a live
/// module: a dispatcher whose versions get pasted into it, or a plain or OSR body), counting the
/// guard's hits in word [`LOOP_HITS`] of the function's guard counters and its misses in the
/// next word; the pass declares the counters (`storage`) if the module has none yet.
pub(crate) fn request(f: LLVMValueRef, function: &str, jam: Jam, storage: GuardStorage) -> Result<()> {
    let guards = HostSymbol::Guards(function.to_string()).symbol();
    let kind = if storage == GuardStorage::Defined { "defined" } else { "host" };
    let value = format!("{},{},{guards},{LOOP_HITS},{GUARD_COUNTERS},{kind}", jam.count, jam.limit);
    if value.contains('\0') {
        return Err(Error::Input(format!(
            "unroll-and-jam: function name '{}' contains a NUL byte",
            function.escape_debug()
        )));
    }
    crate::llvm::set_function_attribute(f, REQUEST, &value);
    Ok(())
}

/// Whether `f` (a function of a live module) carries a [`request`].
pub(crate) fn requested(f: LLVMValueRef) -> bool {
    crate::llvm::function_attribute(f, REQUEST).is_some()
}

/// The pass's outcome on `f` (a function of a live module), if it found loop nests there.
pub(crate) fn outcome(f: LLVMValueRef) -> Option<JamOutcome> {
    let value = crate::llvm::function_attribute(f, RESULT)?;
    let mut parts = value.splitn(3, '|');
    let (jammed, nests, text) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?);
    Some(JamOutcome { jammed, nests, text: text.to_string() })
}

/// The outcome on every function of `m` that asked (`(function name, outcome)`).
pub(crate) fn outcomes(m: LLVMModuleRef) -> Vec<(String, JamOutcome)> {
    crate::llvm::functions(m).into_iter().filter_map(|f| outcome(f).map(|o| (crate::llvm::name(f), o))).collect()
}

/// Run a textual new-PM pipeline on `m` as `LLVMRunPasses` does, with the unroll-and-jam pass
/// at the vectorizer's start (it acts only on functions with a [`request`]).
pub(crate) fn run_passes(
    m: LLVMModuleRef,
    pipeline: &str,
    tm: Option<LLVMTargetMachineRef>,
    vectorize: bool,
) -> Result<()> {
    let passes: CString = cstring("pass pipeline", pipeline)?;
    // SAFETY: a valid module, C string and (possibly null) target machine; an error returned is
    // ours and consumed by `check`.
    let err =
        unsafe { bf_run_passes(m, passes.as_ptr(), tm.unwrap_or(std::ptr::null_mut()), vectorize as c_int, 1, 0) };
    crate::error::check(err).map_err(|e: Error| e.context(format!("pass pipeline '{pipeline}'")))
}
