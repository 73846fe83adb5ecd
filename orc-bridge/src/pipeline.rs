//! The one place that sets the per-tier transform: profile metadata (`!prof` from irvm's counts)
//! and the new-pass-manager pipeline `default<On>` with the vectorizer settings clang uses
//! at that level. Code generation then runs at the level `target` maps it to (O3: the default code generator).

use std::ffi::CString;

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::transforms::pass_builder::*;

use crate::OptLevel;
use crate::error::{Error, Result, check};
use crate::llvm::OwnedModule;
use crate::target::TargetMachine;
use std::sync::OnceLock;

/// Profile of one function, from irvm's counters: how often it was entered and, per basic block
/// (index in the function's block order, as in the bitcode), how often each successor of the
/// block's terminator was taken. Attached as `!prof` metadata so LLVM's profile-driven passes
/// (block placement, inlining cost, loop unrolling, hot/cold splitting) see real weights.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionProfile {
    pub entry_count: u64,
    pub branch_weights: Vec<BranchWeights>,
}

/// Taken counts of the successors of one block's terminator (`br` with a condition, `switch`,
/// `indirectbr`), in successor order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchWeights {
    pub block: u32,
    pub weights: Vec<u64>,
}

/// The whole program's profile summary (LLVM's `ProfileSummary` module flag). With it, LLVM's
/// ProfileSummaryInfo can tell hot from cold: the inliner, block placement and the hot/cold
/// section prefixes (`.text.hot.`, `.text.unlikely.`) use the counts; without it only the
/// branch weights are used. Build it from all of irvm's counters with [`ProfileSummary::from_counts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSummary {
    pub total_count: u64,
    pub max_count: u64,
    pub max_internal_count: u64,
    pub max_function_count: u64,
    pub num_counts: u64,
    pub num_functions: u64,
    /// (cutoff in millionths, minimum count reaching it, number of counts up to it).
    pub detailed: Vec<(u32, u64, u64)>,
}

/// LLVM's default cutoffs (ProfileSummaryBuilder::DefaultCutoffs).
const CUTOFFS: [u32; 16] = [
    10000, 100000, 200000, 300000, 400000, 500000, 600000, 700000, 800000, 900000, 950000, 990000, 999000, 999900,
    999990, 999999,
];

impl ProfileSummary {
    /// Summarize counters the way LLVM's instrumentation profiles do: `entry_counts` holds one
    /// count per function, `block_counts` the other counters (blocks/edges).
    pub fn from_counts(entry_counts: &[u64], block_counts: &[u64]) -> ProfileSummary {
        let mut all: Vec<u64> = entry_counts.iter().chain(block_counts).copied().collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        let total: u128 = all.iter().map(|&c| c as u128).sum();
        let mut detailed = Vec::new();
        let (mut sum, mut i) = (0u128, 0usize);
        for cutoff in CUTOFFS {
            let desired = total * cutoff as u128 / 1_000_000;
            while sum < desired && i < all.len() {
                sum += all[i] as u128;
                i += 1;
            }
            let min = if i == 0 { all.first().copied().unwrap_or(0) } else { all[i - 1] };
            detailed.push((cutoff, min, i as u64));
        }
        ProfileSummary {
            total_count: total.min(u64::MAX as u128) as u64,
            max_count: all.first().copied().unwrap_or(0),
            max_internal_count: block_counts.iter().copied().max().unwrap_or(0),
            max_function_count: entry_counts.iter().copied().max().unwrap_or(0),
            num_counts: all.len() as u64,
            num_functions: entry_counts.len() as u64,
            detailed,
        }
    }
}

/// Apply the tier's transform to `module`: the profile summary (if any) and profile metadata on
/// `profiled` functions, then the `default<On>` pipeline tuned for the target machine.
pub(crate) fn run_tier(
    module: &OwnedModule,
    level: OptLevel,
    tm: &TargetMachine,
    profiled: &[(LLVMValueRef, &FunctionProfile)],
    summary: Option<&ProfileSummary>,
) -> Result<()> {
    if let Some(s) = summary {
        attach_summary(module, s);
    }
    for (f, p) in profiled {
        attach_profile(*f, p)?;
    }
    let vectorize = level >= OptLevel::O2;
    // Loops the generic -O2 build vectorized at 128 bits, when the host's vectors are wider
    // (`revec`): those whose scalar loop is intact go back to the vectorizer (their vector loop
    // is skipped); the rest are split into scalars, for the SLP vectorizer to re-pack at the
    // host's width, when no straight-line vector code would be split too and this LLVM has the
    // scalarizer (a stripped LLVM may not).
    let wide = level >= OptLevel::O2 && tm.wide_vectors();
    if wide {
        crate::revec::bypass_generic_vector_loops(module.raw());
    }
    let revec = wide && crate::revec::worth_scalarizing(module.raw()) && has_scalarizer(module);
    let pipeline = format!("{}default<O{}>", if revec { "function(scalarizer)," } else { "" }, level.number());
    run_passes(module, &pipeline, Some((tm, vectorize)))
}

/// Whether the linked LLVM's pass registry has the `scalarizer` (asked once, on an empty module
/// in `module`'s context; a stripped LLVM's registry may lack it: then a note, once).
fn has_scalarizer(module: &OwnedModule) -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        // SAFETY: an empty module created in a live context, owned (and disposed) by the wrapper.
        let probe = unsafe { OwnedModule::from_raw(LLVMModuleCreateWithNameInContext(c"probe".as_ptr(), LLVMGetModuleContext(module.raw()))) };
        let has = run_passes(&probe, "function(scalarizer)", None).is_ok();
        if !has {
            eprintln!("orc-bridge: this LLVM has no 'scalarizer' pass: loops vectorized for a narrower CPU are not re-vectorized");
        } else {
            // revec's scalarizer must split vector loads and stores too, for the SLP vectorizer
            // to re-pack them; LLVM 19 has only a command-line option for it. Parsed here, once,
            // before the first scalarizer run, and only then: parsing LLVM's options walks all of
            // its thousands of registered options (11-18 ms of a warm boot under TCG).
            let args = [c"bareflow".as_ptr(), c"-scalarize-load-store".as_ptr()];
            // SAFETY: two valid NUL-terminated strings.
            unsafe { llvm_sys::support::LLVMParseCommandLineOptions(2, args.as_ptr(), std::ptr::null()) };
        }
        has
    })
}

/// Run a textual new-PM pipeline on a module (with the target machine's cost model when given:
/// then through [`crate::unrolljam::run_passes`], which adds the guarded unroll-and-jam of the
/// functions that ask for it).
pub(crate) fn run_passes(module: &OwnedModule, pipeline: &str, tm: Option<(&TargetMachine, bool)>) -> Result<()> {
    if let Some((t, vectorize)) = tm {
        return crate::unrolljam::run_passes(module.raw(), pipeline, Some(t.raw()), vectorize);
    }
    let passes = CString::new(pipeline).map_err(|_| Error::Llvm("pass pipeline contains a NUL byte".into()))?;
    // SAFETY: valid module and pipeline string; the options object is created and disposed here.
    let err = unsafe {
        let opts = LLVMCreatePassBuilderOptions();
        // The call-graph profile goes into a SHT_REL section (.llvm.call-graph-profile) that
        // JITLink refuses; it only guides a static linker's function ordering anyway.
        LLVMPassBuilderOptionsSetCallGraphProfile(opts, 0);
        let err = LLVMRunPasses(module.raw(), passes.as_ptr(), std::ptr::null_mut(), opts);
        LLVMDisposePassBuilderOptions(opts);
        err
    };
    check(err).map_err(|e| e.context(format!("pass pipeline '{pipeline}'")))
}

/// Add the `ProfileSummary` module flag (format as ProfileSummary::getMD writes it).
pub(crate) fn attach_summary(module: &OwnedModule, s: &ProfileSummary) {
    // SAFETY: metadata is created in the module's context and attached to the module.
    unsafe {
        let ctx = LLVMGetModuleContext(module.raw());
        let i64t = LLVMInt64TypeInContext(ctx);
        let i32t = LLVMInt32TypeInContext(ctx);
        let md_str = |s: &str| LLVMMDStringInContext2(ctx, s.as_ptr().cast(), s.len());
        let md_int = |t: LLVMTypeRef, v: u64| LLVMValueAsMetadata(LLVMConstInt(t, v, 0));
        let node = |ops: &mut [LLVMMetadataRef]| LLVMMDNodeInContext2(ctx, ops.as_mut_ptr(), ops.len());
        let pair = |k: &str, v: u64| node(&mut [md_str(k), md_int(i64t, v)]);
        let mut entries: Vec<LLVMMetadataRef> = s
            .detailed
            .iter()
            .map(|&(c, min, n)| node(&mut [md_int(i32t, c as u64), md_int(i64t, min), md_int(i32t, n)]))
            .collect();
        let mut ops = [
            node(&mut [md_str("ProfileFormat"), md_str("InstrProf")]),
            pair("TotalCount", s.total_count),
            pair("MaxCount", s.max_count),
            pair("MaxInternalCount", s.max_internal_count),
            pair("MaxFunctionCount", s.max_function_count),
            pair("NumCounts", s.num_counts),
            pair("NumFunctions", s.num_functions),
            node(&mut [md_str("DetailedSummary"), node(&mut entries)]),
        ];
        let key = "ProfileSummary";
        LLVMAddModuleFlag(
            module.raw(),
            llvm_sys::LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorError,
            key.as_ptr().cast(),
            key.len(),
            node(&mut ops),
        );
    }
}

/// Attach `!prof` metadata: `function_entry_count` on the function, `branch_weights` on the
/// terminators. Counts above u32::MAX are scaled down together (weights are i32 in LLVM).
pub(crate) fn attach_profile(f: LLVMValueRef, p: &FunctionProfile) -> Result<()> {
    // SAFETY: `f` is a function definition; metadata nodes are created in its context.
    unsafe {
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(f));
        let kind = LLVMGetMDKindIDInContext(ctx, c"prof".as_ptr(), 4);
        let i64t = LLVMInt64TypeInContext(ctx);
        let i32t = LLVMInt32TypeInContext(ctx);
        let md_str = |s: &str| LLVMMDStringInContext2(ctx, s.as_ptr().cast(), s.len());
        let md_int = |t: LLVMTypeRef, v: u64| LLVMValueAsMetadata(LLVMConstInt(t, v, 0));

        let mut entry = [md_str("function_entry_count"), md_int(i64t, p.entry_count)];
        let node = LLVMMDNodeInContext2(ctx, entry.as_mut_ptr(), entry.len());
        LLVMGlobalSetMetadata(f, kind, node);

        let blocks = LLVMCountBasicBlocks(f) as usize;
        let mut bbs = vec![std::ptr::null_mut(); blocks];
        LLVMGetBasicBlocks(f, bbs.as_mut_ptr());
        for bw in &p.branch_weights {
            let bb = *bbs.get(bw.block as usize).ok_or_else(|| {
                Error::Profile(format!("profile: block {} out of range (the function has {blocks} blocks)", bw.block))
            })?;
            let term = LLVMGetBasicBlockTerminator(bb);
            let succs = if term.is_null() { 0 } else { LLVMGetNumSuccessors(term) as usize };
            if succs < 2 || succs != bw.weights.len() {
                return Err(Error::Profile(format!(
                    "profile: block {} has {succs} successors but {} weights were given",
                    bw.block,
                    bw.weights.len()
                )));
            }
            let max = bw.weights.iter().copied().max().unwrap_or(0);
            let shift = (64 - max.leading_zeros()).saturating_sub(31);
            let mut ops = vec![md_str("branch_weights")];
            ops.extend(bw.weights.iter().map(|w| md_int(i32t, w >> shift)));
            let node = LLVMMDNodeInContext2(ctx, ops.as_mut_ptr(), ops.len());
            LLVMSetMetadata(term, kind, LLVMMetadataAsValue(ctx, node));
        }
    }
    Ok(())
}

/// Only the `function_entry_count` of a profile (for a function whose blocks got their branch
/// weights elsewhere, e.g. an OSR variant).
pub(crate) fn attach_entry_count(f: LLVMValueRef, count: u64) {
    // SAFETY: `f` is a function; the metadata node is created in its context.
    unsafe {
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(f));
        let kind = LLVMGetMDKindIDInContext(ctx, c"prof".as_ptr(), 4);
        let s = "function_entry_count";
        let mut ops = [
            LLVMMDStringInContext2(ctx, s.as_ptr().cast(), s.len()),
            LLVMValueAsMetadata(LLVMConstInt(LLVMInt64TypeInContext(ctx), count, 0)),
        ];
        LLVMGlobalSetMetadata(f, kind, LLVMMDNodeInContext2(ctx, ops.as_mut_ptr(), ops.len()));
    }
}

/// Remove the `function_entry_count` of the function named `name` in `module` (it keeps its
/// branch weights), if there is one.
///
/// # Safety
/// `module` must be a valid module.
pub(crate) unsafe fn erase_entry_count(module: LLVMModuleRef, name: &str) {
    let Ok(name) = CString::new(name) else { return };
    // SAFETY: valid module (caller) and name; erasing absent metadata does nothing.
    unsafe {
        let f = LLVMGetNamedFunction(module, name.as_ptr());
        if !f.is_null() {
            let kind = LLVMGetMDKindIDInContext(LLVMGetModuleContext(module), c"prof".as_ptr(), 4);
            LLVMGlobalEraseMetadata(f, kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ProfileSummary;

    #[test]
    fn summary_cutoffs_follow_llvm() {
        // 1000 + 100 + 10 + 1: 99% of 1111 (1099) is reached after the two largest counts.
        let s = ProfileSummary::from_counts(&[1000], &[100, 10, 1]);
        assert_eq!((s.total_count, s.max_count, s.max_internal_count, s.max_function_count), (1111, 1000, 100, 1000));
        assert_eq!((s.num_counts, s.num_functions), (4, 1));
        let at = |cutoff| s.detailed.iter().find(|d| d.0 == cutoff).copied().unwrap();
        assert_eq!(at(10000), (10000, 1000, 1));
        assert_eq!(at(990000), (990000, 100, 2));
        // 99.9999% of 1111 rounds down to 1110 = 1000 + 100 + 10.
        assert_eq!(at(999999), (999999, 10, 3));
    }
}
