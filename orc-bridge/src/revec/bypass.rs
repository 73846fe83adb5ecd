//! Giving generically vectorized loops back to the loop vectorizer.
//!
//! When LLVM's loop vectorizer vectorizes a loop it keeps the original loop as the scalar
//! remainder, behind a guard (too few iterations, or overlapping pointers) that skips the vector
//! loop and runs every iteration in the scalar one:
//!
//! ```text
//! guard:    br %too_few, label %scalar.ph, label %vector.ph      ; (runtime checks may follow)
//! vector.ph → vector.body (isvectorized) → middle: br %done, label %exit, label %scalar.ph
//! scalar.ph: phis: start values from the guard, resume values from middle
//! scalar loop (isvectorized, unroll.runtime.disable) → exit
//! ```
//!
//! Making the guard always take the scalar path is exactly what the code does when there are
//! too few iterations, so it is correct for every trip count; the vector loop becomes
//! unreachable, and with the `isvectorized` mark removed from the scalar loop the tier pipeline's
//! vectorizer treats it as the source's loop again: vectorized and interleaved for the host CPU
//! like a native -march=native build (matmul's inner loop: `<4 x float>` x 2 becomes
//! `<8 x float>` x 4 on AVX2).
//!
//! The guard is only rewritten when the code it skips has the vectorizer's shape: a region entered
//! from the guard alone, that leaves only to the scalar loop's preheader or its exit, contains a
//! loop marked vectorized with vector work in it, calls nothing but intrinsics, and whose values are
//! used outside it only by the phis of the preheader and the exit.

use llvm_sys::LLVMOpcode;
use llvm_sys::core::*;
use llvm_sys::prelude::*;

use super::cfg::{self, Cfg, Loop};
use super::vector_work;
use crate::llvm;

/// Rewrite the guards of every loop of `module` that the generic vectorizer vectorized and whose
/// scalar loop is intact; returns how many loops were given back to the vectorizer.
pub(crate) fn bypass_generic_vector_loops(module: LLVMModuleRef) -> usize {
    let mut count = 0;
    for f in llvm::functions(module) {
        if llvm::is_declaration(f) {
            continue;
        }
        // One rewrite per pass over the function's CFG (a rewrite makes blocks unreachable).
        while bypass_one(f) {
            count += 1;
        }
    }
    count
}

/// Find one scalar remainder loop of `f` with a guard that can skip its vector loop; rewrite it.
fn bypass_one(f: LLVMValueRef) -> bool {
    let cfg = Cfg::of(f);
    let loops = cfg.loops();
    for l in &loops {
        let latch = cfg.blocks[l.latch];
        if !cfg::marked_vectorized(latch) || has_vector_work(&cfg, &l.body) {
            continue;
        }
        let (Some(ph), Some(exit)) = (preheader(&cfg, l), single_exit(&cfg, l)) else { continue };
        // Of the guards (a chain of checks may each skip the vector loop), the first: its
        // region holds the others.
        let guard = cfg.preds[ph]
            .iter()
            .filter_map(|&g| skipped_region(&cfg, &loops, g, ph, exit).map(|r| (g, r.iter().filter(|&&b| b).count())))
            .max_by_key(|&(_, size)| size);
        let Some((guard, _)) = guard else { continue };
        always_branch_to(cfg.blocks[guard], cfg.blocks[ph]);
        cfg::retain_loop_properties(latch, |p| {
            p != "llvm.loop.isvectorized" && p != "llvm.loop.unroll.runtime.disable"
        });
        // The remainder's branch weights count its last few iterations, not the loop's: a
        // vectorizer reading them would see a loop too short to vectorize.
        drop_branch_weights(latch);
        return true;
    }
    false
}

/// Whether any block of `body` has vector arithmetic or vector memory accesses.
fn has_vector_work(cfg: &Cfg, body: &[bool]) -> bool {
    cfg.blocks.iter().zip(body).any(|(&bb, &inside)| inside && llvm::instructions(bb).into_iter().any(vector_work))
}

/// The loop's preheader: its header's only predecessor outside it, which leads only there.
fn preheader(cfg: &Cfg, l: &Loop) -> Option<usize> {
    let mut outside = cfg.preds[l.header].iter().copied().filter(|&p| !l.body[p]);
    let ph = outside.next()?;
    (outside.next().is_none() && cfg.succs[ph] == [l.header]).then_some(ph)
}

/// The loop's exit block, when every exiting edge goes to the same one.
fn single_exit(cfg: &Cfg, l: &Loop) -> Option<usize> {
    let mut exits =
        (0..cfg.blocks.len()).filter(|&b| l.body[b]).flat_map(|b| cfg.succs[b].iter().copied()).filter(|&s| !l.body[s]);
    let e = exits.next()?;
    exits.all(|s| s == e).then_some(e)
}

/// When `guard` ends in a conditional branch to `ph` or elsewhere and the elsewhere is the
/// vectorizer's code (see the module comment), the blocks of that code.
fn skipped_region(cfg: &Cfg, loops: &[Loop], guard: usize, ph: usize, exit: usize) -> Option<Vec<bool>> {
    if !cfg.live[guard] || !is_conditional_br(cfg.blocks[guard]) {
        return None;
    }
    let other = cfg.succs[guard].iter().copied().find(|&s| s != ph)?;
    if other == exit || cfg.succs[guard].len() != 2 {
        return None;
    }
    let region = cfg.reach(other, &[ph, exit]);
    if region[guard] {
        return None;
    }
    let vector_loop = loops
        .iter()
        .any(|v| region[v.header] && cfg::marked_vectorized(cfg.blocks[v.latch]) && has_vector_work(cfg, &v.body));
    if !vector_loop {
        return None;
    }
    for b in (0..cfg.blocks.len()).filter(|&b| region[b]) {
        // Entered from the guard only, left only to the preheader or the exit.
        let entered_elsewhere = cfg.preds[b].iter().any(|&p| cfg.live[p] && !region[p] && p != guard);
        if entered_elsewhere || cfg.succs[b].is_empty() {
            return None;
        }
        for i in llvm::instructions(cfg.blocks[b]) {
            if calls_non_intrinsic(i) || !used_only_within(cfg, &region, i, ph, exit) {
                return None;
            }
        }
    }
    Some(region)
}

fn is_conditional_br(bb: LLVMBasicBlockRef) -> bool {
    // SAFETY: reading a valid block's terminator.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(bb);
        !t.is_null() && LLVMGetInstructionOpcode(t) == LLVMOpcode::LLVMBr && LLVMIsConditional(t) != 0
    }
}

/// A call of anything but an `llvm.*` intrinsic (including indirect calls).
fn calls_non_intrinsic(i: LLVMValueRef) -> bool {
    // SAFETY: `i` is a valid instruction; the callee query is only made on calls.
    unsafe {
        if LLVMIsACallInst(i).is_null() && LLVMIsAInvokeInst(i).is_null() && LLVMIsACallBrInst(i).is_null() {
            return false;
        }
        let callee = LLVMGetCalledValue(i);
        LLVMIsAFunction(callee).is_null() || !llvm::is_llvm_reserved(&llvm::name(callee))
    }
}

/// Whether every use of `i` outside `region` is a phi of the preheader or of the exit (the
/// values they take on the region's edges, dropped with those edges).
fn used_only_within(cfg: &Cfg, region: &[bool], i: LLVMValueRef, ph: usize, exit: usize) -> bool {
    llvm::uses(i).into_iter().all(|(user, _)| {
        // SAFETY: users of an instruction are instructions of the same function.
        let (block, phi) = unsafe { (LLVMGetInstructionParent(user), !LLVMIsAPHINode(user).is_null()) };
        match cfg.index.get(&block) {
            Some(&b) => region[b] || (phi && (b == ph || b == exit)),
            None => false,
        }
    })
}

/// Replace `bb`'s terminator by an unconditional branch to `to` (a successor it already had, so
/// `to`'s phis keep their entry for `bb`).
fn always_branch_to(bb: LLVMBasicBlockRef, to: LLVMBasicBlockRef) {
    // SAFETY: a valid block with a terminator; the builder is disposed before returning and the
    // old terminator has no users (a `br` produces no value).
    unsafe {
        let old = LLVMGetBasicBlockTerminator(bb);
        let builder =
            LLVMCreateBuilderInContext(LLVMGetModuleContext(LLVMGetGlobalParent(LLVMGetBasicBlockParent(bb))));
        LLVMPositionBuilderBefore(builder, old);
        LLVMBuildBr(builder, to);
        LLVMDisposeBuilder(builder);
        LLVMInstructionEraseFromParent(old);
    }
}

/// Remove `!prof` from `bb`'s terminator.
fn drop_branch_weights(bb: LLVMBasicBlockRef) {
    // SAFETY: a valid terminator; setting null metadata removes the attachment.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(bb);
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(LLVMGetBasicBlockParent(bb)));
        LLVMSetMetadata(t, LLVMGetMDKindIDInContext(ctx, c"prof".as_ptr(), 4), std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::bypass_generic_vector_loops;
    use crate::revec::with_parsed;
    use llvm_sys::analysis::{LLVMVerifierFailureAction, LLVMVerifyModule};
    use llvm_sys::core::*;

    /// The loop vectorizer's shape: a guard, the vector loop, the middle block, the scalar
    /// remainder loop (with branch weights that count only the remainder) and the exit.
    /// `VPH_EXTRA` is spliced into the vector preheader, `LATCH_MD` names the remainder's loop id.
    const LV_SHAPE: &str = r#"
declare void @g()
define void @saxpy(ptr %x, ptr %y, i64 %n, float %a) {
entry:
  %few = icmp ult i64 %n, 8
  br i1 %few, label %scalar.ph, label %vector.ph
vector.ph:
  VPH_EXTRA
  %n.vec = and i64 %n, -8
  %sa = insertelement <4 x float> poison, float %a, i64 0
  %splat = shufflevector <4 x float> %sa, <4 x float> poison, <4 x i32> zeroinitializer
  br label %vector.body
vector.body:
  %i = phi i64 [ 0, %vector.ph ], [ %i.next, %vector.body ]
  %px = getelementptr float, ptr %x, i64 %i
  %py = getelementptr float, ptr %y, i64 %i
  %vx = load <4 x float>, ptr %px
  %vy = load <4 x float>, ptr %py
  %m = fmul <4 x float> %splat, %vx
  %s = fadd <4 x float> %m, %vy
  store <4 x float> %s, ptr %py
  %i.next = add i64 %i, 4
  %done = icmp eq i64 %i.next, %n.vec
  br i1 %done, label %middle, label %vector.body, !llvm.loop !0
middle:
  %all = icmp eq i64 %n, %n.vec
  br i1 %all, label %exit, label %scalar.ph
scalar.ph:
  %start = phi i64 [ %n.vec, %middle ], [ 0, %entry ]
  br label %loop
loop:
  %j = phi i64 [ %start, %scalar.ph ], [ %j.next, %loop ]
  %qx = getelementptr float, ptr %x, i64 %j
  %qy = getelementptr float, ptr %y, i64 %j
  %sx = load float, ptr %qx
  %sy = load float, ptr %qy
  %sm = fmul float %a, %sx
  %ss = fadd float %sm, %sy
  store float %ss, ptr %qy
  %j.next = add i64 %j, 1
  %end = icmp eq i64 %j.next, %n
  br i1 %end, label %exit, label %loop, !prof !3, !llvm.loop LATCH_MD
exit:
  %last = phi i64 [ %n.vec, %middle ], [ %j.next, %loop ]
  ret void
}
!0 = distinct !{!0, !1}
!1 = !{!"llvm.loop.isvectorized", i32 1}
!2 = distinct !{!2, !4, !1, !5}
!3 = !{!"branch_weights", i32 1, i32 3}
!4 = !{!"llvm.loop.mustprogress"}
!5 = !{!"llvm.loop.unroll.runtime.disable"}
!6 = distinct !{!6, !4}
"#;

    /// Bypass on the shape with the given splices; returns (loops bypassed, printed module).
    fn bypass(vph_extra: &str, latch_md: &str) -> (usize, String) {
        let ir = LV_SHAPE.replace("VPH_EXTRA", vph_extra).replace("LATCH_MD", latch_md);
        with_parsed(&ir, |m| {
            let n = bypass_generic_vector_loops(m);
            // SAFETY: a valid module; the verifier's message and the printed text are freed.
            unsafe {
                let mut msg = std::ptr::null_mut();
                let broken = LLVMVerifyModule(m, LLVMVerifierFailureAction::LLVMReturnStatusAction, &mut msg);
                let why = std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned();
                LLVMDisposeMessage(msg);
                assert_eq!(broken, 0, "module broken after bypass: {why}");
                let p = LLVMPrintModuleToString(m);
                let text = std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned();
                LLVMDisposeMessage(p);
                (n, text)
            }
        })
    }

    #[test]
    fn the_guard_skips_the_vector_loop_and_the_scalar_loop_is_unmarked() {
        let (n, ir) = bypass("", "!2");
        assert_eq!(n, 1, "{ir}");
        let entry = ir.split("entry:").nth(1).unwrap().split("\n\n").next().unwrap();
        assert!(entry.contains("br label %scalar.ph"), "guard not rewritten:\n{entry}");
        let latch = ir.lines().find(|l| l.contains("br i1 %end")).unwrap();
        assert!(!latch.contains("!prof"), "the remainder's weights are kept: {latch}");
        // The new loop id refers to itself, keeps mustprogress and drops the vectorizer's marks.
        let id = latch.rsplit("!llvm.loop ").next().unwrap().trim();
        let node = ir.lines().find(|l| l.starts_with(&format!("{id} = "))).unwrap();
        assert!(node.starts_with(&format!("{id} = distinct !{{{id}, ")), "{node}");
        let props: Vec<&str> = node.split(", ").skip(1).map(|p| p.trim_end_matches('}')).collect();
        let prop_text: Vec<String> =
            props.iter().map(|p| ir.lines().find(|l| l.starts_with(&format!("{p} = "))).unwrap().to_string()).collect();
        assert!(prop_text.iter().any(|t| t.contains("llvm.loop.mustprogress")), "{prop_text:?}");
        assert!(
            !prop_text.iter().any(|t| t.contains("isvectorized") || t.contains("runtime.disable")),
            "{prop_text:?}"
        );
        // A loop the vectorizer did not mark is not a remainder.
        assert_eq!(bypass("", "!6").0, 0);
    }

    #[test]
    fn a_region_that_calls_a_function_is_not_skipped() {
        let (n, ir) = bypass("call void @g()", "!2");
        assert_eq!(n, 0);
        assert!(ir.contains("br i1 %few, label %scalar.ph, label %vector.ph"), "guard rewritten:\n{ir}");
    }
}
