//! Re-vectorizing loops for the CPU we run on (tiered execution).
//!
//! The bitcode reaches the JIT already optimized for a generic x86-64: its loops were vectorized
//! for 128-bit SSE registers (`<4 x float>`) and marked `llvm.loop.isvectorized`, so the tier
//! pipeline's loop vectorizer leaves them alone, and the code stays at half or a quarter of the
//! host's vector width. Two ways back, tried in this order:
//!
//! 1. `bypass`: a vectorized loop whose scalar remainder loop survived is skipped, and the
//!    remainder, unmarked, goes to the pipeline's loop vectorizer as the source's loop: the host's
//!    width and interleaving, as in a -march=native build (matmul's inner loop: `<8 x float>` x 4).
//! 2. Otherwise (no remainder: a trip count the generic width divides), LLVM's `scalarizer` pass
//!    splits the vector code back into scalars, which the SLP vectorizer of the pipeline then
//!    packs at the host's width (one `<8 x float>` operation for two `<4 x float>` ones).
//!    That only pays when the vector code came from the loop vectorizer (consecutive lanes,
//!    which SLP re-packs well). Straight-line vector code the generic SLP vectorizer produced
//!    (nbody's `<2 x double>` pairs) may not be re-packed as well, so a module is scalarized only
//!    when all its vector arithmetic and vector memory accesses sit inside loops marked
//!    vectorized; splats, lane moves and reductions around them are fine.

use llvm_sys::LLVMOpcode as O;
use llvm_sys::LLVMTypeKind as T;
use llvm_sys::core::*;
use llvm_sys::prelude::*;

use crate::llvm;

mod bypass;
mod cfg;

pub(crate) use bypass::bypass_generic_vector_loops;
use cfg::Cfg;

/// Whether the tier pipeline should scalarize `module` first: it has at least one reachable loop
/// the generic loop vectorizer vectorized, and no reachable vector arithmetic or vector memory
/// access outside such loops (the vector loops `bypass` skipped are unreachable).
pub(crate) fn worth_scalarizing(module: LLVMModuleRef) -> bool {
    let mut vectorized = false;
    for f in llvm::functions(module) {
        if llvm::is_declaration(f) {
            continue;
        }
        let cfg = Cfg::of(f);
        let mut inside = vec![false; cfg.blocks.len()];
        for l in cfg.loops().into_iter().filter(|l| cfg::marked_vectorized(cfg.blocks[l.latch])) {
            inside.iter_mut().zip(&l.body).for_each(|(i, b)| *i |= *b);
        }
        vectorized |= inside.iter().any(|&b| b);
        for (bi, &bb) in cfg.blocks.iter().enumerate() {
            if cfg.live[bi] && !inside[bi] && llvm::instructions(bb).into_iter().any(vector_work) {
                return false;
            }
        }
    }
    vectorized
}

/// Vector arithmetic or a vector load/store (not a splat, lane move, phi or reduction).
pub(super) fn vector_work(i: LLVMValueRef) -> bool {
    use O::*;
    // SAFETY: (whole body) `i` is an instruction; its type and operands are valid.
    unsafe {
        let is_vec = |v: LLVMValueRef| LLVMGetTypeKind(LLVMTypeOf(v)) == T::LLVMVectorTypeKind;
        match LLVMGetInstructionOpcode(i) {
            LLVMInsertElement | LLVMExtractElement | LLVMShuffleVector | LLVMPHI => false,
            LLVMStore => is_vec(LLVMGetOperand(i, 0)),
            LLVMCall => {
                let callee = LLVMGetCalledValue(i);
                let reduce =
                    !LLVMIsAFunction(callee).is_null() && llvm::name(callee).starts_with("llvm.vector.reduce.");
                !reduce && (is_vec(i) || (0..LLVMGetNumArgOperands(i)).any(|k| is_vec(LLVMGetOperand(i, k))))
            }
            _ => is_vec(i),
        }
    }
}

/// Parse textual IR into a fresh context, hand the module to `f`, dispose of both.
#[cfg(test)]
pub(super) fn with_parsed<R>(ir: &str, f: impl FnOnce(LLVMModuleRef) -> R) -> R {
    use llvm_sys::ir_reader::LLVMParseIRInContext;
    // SAFETY: a fresh context owns the parsed module; both are disposed before returning.
    unsafe {
        let ctx = LLVMContextCreate();
        let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(ir.as_ptr().cast(), ir.len(), c"test.ll".as_ptr());
        let (mut m, mut msg) = (std::ptr::null_mut(), std::ptr::null_mut());
        assert_eq!(LLVMParseIRInContext(ctx, buf, &mut m, &mut msg), 0, "test IR does not parse");
        let r = f(m);
        LLVMDisposeModule(m);
        LLVMContextDispose(ctx);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::{with_parsed, worth_scalarizing};

    fn worth(ir: &str) -> bool {
        with_parsed(ir, worth_scalarizing)
    }

    const LOOP: &str = r#"
define void @axpy(ptr %x, ptr %y, i64 %n, <4 x float> %a) {
entry:
  br label %body
body:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %px = getelementptr float, ptr %x, i64 %i
  %py = getelementptr float, ptr %y, i64 %i
  %vx = load <4 x float>, ptr %px
  %vy = load <4 x float>, ptr %py
  %m = fmul <4 x float> %a, %vx
  %s = fadd <4 x float> %m, %vy
  store <4 x float> %s, ptr %py
  %i1 = add i64 %i, 4
  %c = icmp eq i64 %i1, %n
  br i1 %c, label %exit, label %body, !llvm.loop !0
exit:
  ret void
}
"#;

    #[test]
    fn vectorized_loops_are_scalarized_straight_line_vector_code_is_not() {
        let marked = format!("{LOOP}!0 = distinct !{{!0, !1}}\n!1 = !{{!\"llvm.loop.isvectorized\", i32 1}}\n");
        assert!(worth(&marked), "a loop the generic vectorizer vectorized");
        let unmarked = format!("{LOOP}!0 = distinct !{{!0, !1}}\n!1 = !{{!\"llvm.loop.mustprogress\"}}\n");
        assert!(!worth(&unmarked), "vector code in a loop not marked vectorized (SLP)");
        let slp_too = format!(
            "{marked}define <2 x double> @pair(<2 x double> %a, <2 x double> %b) {{\n  %s = fadd <2 x double> %a, %b\n  ret <2 x double> %s\n}}\n"
        );
        assert!(!worth(&slp_too), "straight-line vector arithmetic elsewhere in the module");
        assert!(!worth("define i32 @f(i32 %x) {\n  ret i32 %x\n}\n"), "no vector code at all");
    }
}
