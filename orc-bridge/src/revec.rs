//! Re-vectorizing loops for the CPU we run on (issue D).
//!
//! The bitcode reaches the JIT already optimized for a generic x86-64: its loops were vectorized
//! for 128-bit SSE registers (`<4 x float>`) and marked `llvm.loop.isvectorized`, so the tier
//! pipeline's loop vectorizer leaves them alone, and the code stays at half or a quarter of the
//! host's vector width. LLVM's `scalarizer` pass splits vector code back into scalars, which the
//! SLP vectorizer of the pipeline then packs at the host's width (an 8-wide body of matmul's
//! inner loop becomes one `<8 x float>` operation under AVX2).
//!
//! That only pays when the vector code came from the loop vectorizer (consecutive lanes, which
//! SLP re-packs well). Straight-line vector code the generic SLP vectorizer produced (nbody's
//! `<2 x double>` pairs) may not be re-packed as well, so a module is scalarized only when all
//! its vector arithmetic and vector memory accesses sit inside loops marked vectorized; splats,
//! lane moves and reductions around them are fine.

use std::collections::HashMap;

use llvm_sys::LLVMOpcode as O;
use llvm_sys::LLVMTypeKind as T;
use llvm_sys::core::*;
use llvm_sys::prelude::*;

use crate::llvm;

/// Whether the tier pipeline should scalarize `module` first: it has at least one loop the
/// generic loop vectorizer vectorized, and no vector arithmetic or vector memory access outside
/// such loops.
pub(crate) fn worth_scalarizing(module: LLVMModuleRef) -> bool {
    let mut vectorized = false;
    for f in llvm::functions(module) {
        if llvm::is_declaration(f) {
            continue;
        }
        let blocks = llvm::blocks(f);
        let inside = vectorized_loop_blocks(&blocks);
        vectorized |= inside.iter().any(|&b| b);
        for (bi, &bb) in blocks.iter().enumerate() {
            if !inside[bi] && llvm::instructions(bb).into_iter().any(vector_work) {
                return false;
            }
        }
    }
    vectorized
}

/// Vector arithmetic or a vector load/store (not a splat, lane move, phi or reduction).
fn vector_work(i: LLVMValueRef) -> bool {
    use O::*;
    // SAFETY: (whole body) `i` is an instruction; its type and operands are valid.
    unsafe {
        let is_vec = |v: LLVMValueRef| LLVMGetTypeKind(LLVMTypeOf(v)) == T::LLVMVectorTypeKind;
        match LLVMGetInstructionOpcode(i) {
            LLVMInsertElement | LLVMExtractElement | LLVMShuffleVector | LLVMPHI => false,
            LLVMStore => is_vec(LLVMGetOperand(i, 0)),
            LLVMCall => {
                let callee = LLVMGetCalledValue(i);
                let reduce = !LLVMIsAFunction(callee).is_null() && llvm::name(callee).starts_with("llvm.vector.reduce.");
                !reduce && (is_vec(i) || (0..LLVMGetNumArgOperands(i)).any(|k| is_vec(LLVMGetOperand(i, k))))
            }
            _ => is_vec(i),
        }
    }
}

/// `inside[b]` for the blocks of loops whose latch carries `llvm.loop.isvectorized`.
fn vectorized_loop_blocks(blocks: &[LLVMBasicBlockRef]) -> Vec<bool> {
    let index: HashMap<LLVMBasicBlockRef, usize> = blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let n = blocks.len();
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (b, &bb) in blocks.iter().enumerate() {
        // SAFETY: reading a valid block's terminator and successors.
        unsafe {
            let t = LLVMGetBasicBlockTerminator(bb);
            if t.is_null() {
                continue;
            }
            for k in 0..LLVMGetNumSuccessors(t) {
                if let Some(&s) = index.get(&LLVMGetSuccessor(t, k)) {
                    succs[b].push(s);
                    preds[s].push(b);
                }
            }
        }
    }
    let mut inside = vec![false; n];
    for (latch, header) in back_edges(&succs) {
        if !marked_vectorized(blocks[latch]) {
            continue;
        }
        // The natural loop: the header and whatever reaches the latch without passing it.
        inside[header] = true;
        let mut work = vec![latch];
        while let Some(b) = work.pop() {
            if !inside[b] {
                inside[b] = true;
                work.extend(preds[b].iter().copied());
            }
        }
    }
    inside
}

/// Back edges (latch, header): edges to a block on the depth-first stack from the entry.
fn back_edges(succs: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let n = succs.len();
    let (mut state, mut edges) = (vec![0u8; n], Vec::new());
    if n == 0 {
        return edges;
    }
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    state[0] = 1;
    while let Some(top) = stack.last_mut() {
        let (b, k) = *top;
        if let Some(&s) = succs[b].get(k) {
            top.1 += 1;
            match state[s] {
                0 => {
                    state[s] = 1;
                    stack.push((s, 0));
                }
                1 => edges.push((b, s)),
                _ => {}
            }
        } else {
            state[b] = 2;
            stack.pop();
        }
    }
    edges
}

/// Whether the block's terminator has `!llvm.loop` metadata containing `llvm.loop.isvectorized`.
fn marked_vectorized(bb: LLVMBasicBlockRef) -> bool {
    // SAFETY: reading metadata of a valid terminator; strings are read, not kept.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(bb);
        if t.is_null() {
            return false;
        }
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(LLVMGetBasicBlockParent(bb)));
        let kind = LLVMGetMDKindIDInContext(ctx, c"llvm.loop".as_ptr(), 9);
        let md = LLVMGetMetadata(t, kind);
        if md.is_null() {
            return false;
        }
        // The loop id's operands are property nodes `!{!"name", ...}`.
        let n = LLVMGetMDNodeNumOperands(md) as usize;
        let mut ops = vec![std::ptr::null_mut(); n];
        LLVMGetMDNodeOperands(md, ops.as_mut_ptr());
        ops.into_iter().filter(|p| !p.is_null() && !LLVMIsAMDNode(*p).is_null()).any(|p| {
            let m = LLVMGetMDNodeNumOperands(p) as usize;
            if m == 0 {
                return false;
            }
            let mut sub = vec![std::ptr::null_mut(); m];
            LLVMGetMDNodeOperands(p, sub.as_mut_ptr());
            let mut len = 0u32;
            let s = LLVMGetMDString(sub[0], &mut len);
            !s.is_null() && std::slice::from_raw_parts(s.cast::<u8>(), len as usize) == b"llvm.loop.isvectorized"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::worth_scalarizing;
    use llvm_sys::core::*;
    use llvm_sys::ir_reader::LLVMParseIRInContext;

    /// Parse textual IR and ask `worth_scalarizing`.
    fn worth(ir: &str) -> bool {
        // SAFETY: a fresh context owns the parsed module; both are disposed before returning.
        unsafe {
            let ctx = LLVMContextCreate();
            let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(ir.as_ptr().cast(), ir.len(), c"test.ll".as_ptr());
            let (mut m, mut msg) = (std::ptr::null_mut(), std::ptr::null_mut());
            assert_eq!(LLVMParseIRInContext(ctx, buf, &mut m, &mut msg), 0, "test IR does not parse");
            let w = worth_scalarizing(m);
            LLVMDisposeModule(m);
            LLVMContextDispose(ctx);
            w
        }
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
