//! The one place that sets the per-tier transform: profile metadata (`!prof` from irvm's counts,
//! issue D) and the new-pass-manager pipeline `default<On>` with the vectorizer settings clang uses
//! at that level. Code generation then runs at the matching `CodeGenOptLevel` (see `target`).

use std::ffi::CString;

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::transforms::pass_builder::*;

use crate::OptLevel;
use crate::error::{Error, Result, check};
use crate::llvm::OwnedModule;
use crate::target::TargetMachine;

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

/// Apply the tier's transform to `module`: profile metadata on `profiled` functions, then the
/// `default<On>` pipeline tuned for the target machine.
pub(crate) fn run_tier(
    module: &OwnedModule,
    level: OptLevel,
    tm: &TargetMachine,
    profiled: &[(LLVMValueRef, &FunctionProfile)],
) -> Result<()> {
    for (f, p) in profiled {
        attach_profile(*f, p)?;
    }
    let pipeline = format!("default<O{}>", level.number());
    let vectorize = level >= OptLevel::O2;
    run_passes(module, &pipeline, Some((tm, vectorize)))
}

/// Run a textual new-PM pipeline on a module (with the target machine's cost model when given).
pub(crate) fn run_passes(
    module: &OwnedModule,
    pipeline: &str,
    tm: Option<(&TargetMachine, bool)>,
) -> Result<()> {
    let passes =
        CString::new(pipeline).map_err(|_| Error::new("pass pipeline contains a NUL byte"))?;
    // SAFETY: valid module, pipeline string and (optional) target machine; the options object is
    // created and disposed here.
    let err = unsafe {
        let opts = LLVMCreatePassBuilderOptions();
        if let Some((_, vectorize)) = tm {
            LLVMPassBuilderOptionsSetLoopVectorization(opts, vectorize as i32);
            LLVMPassBuilderOptionsSetSLPVectorization(opts, vectorize as i32);
            LLVMPassBuilderOptionsSetLoopInterleaving(opts, vectorize as i32);
            LLVMPassBuilderOptionsSetLoopUnrolling(opts, 1);
        }
        let raw_tm = tm.map_or(std::ptr::null_mut(), |(t, _)| t.raw());
        let err = LLVMRunPasses(module.raw(), passes.as_ptr(), raw_tm, opts);
        LLVMDisposePassBuilderOptions(opts);
        err
    };
    check(err).map_err(|e| e.context(format!("pass pipeline '{pipeline}'")))
}

/// Attach `!prof` metadata: `function_entry_count` on the function, `branch_weights` on the
/// terminators. Counts above u32::MAX are scaled down together (weights are i32 in LLVM).
fn attach_profile(f: LLVMValueRef, p: &FunctionProfile) -> Result<()> {
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
                Error::new(format!(
                    "profile: block {} out of range (the function has {blocks} blocks)",
                    bw.block
                ))
            })?;
            let term = LLVMGetBasicBlockTerminator(bb);
            let succs = if term.is_null() {
                0
            } else {
                LLVMGetNumSuccessors(term) as usize
            };
            if succs < 2 || succs != bw.weights.len() {
                return Err(Error::new(format!(
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
