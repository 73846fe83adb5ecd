//! The control-flow facts revec needs about one function: blocks by index, edges both ways, the
//! blocks reachable from the entry, natural loops, and the loop metadata the generic vectorizer
//! left on them.

use std::collections::HashMap;

use llvm_sys::core::*;
use llvm_sys::prelude::*;

use crate::llvm;

/// A function's blocks and edges, by block index.
pub(super) struct Cfg {
    pub blocks: Vec<LLVMBasicBlockRef>,
    pub index: HashMap<LLVMBasicBlockRef, usize>,
    pub succs: Vec<Vec<usize>>,
    pub preds: Vec<Vec<usize>>,
    /// Reached from the entry block (unreachable blocks wait for the pipeline to delete them).
    pub live: Vec<bool>,
}

/// A natural loop: its header, the latch of its back edge, and its blocks.
pub(super) struct Loop {
    pub header: usize,
    pub latch: usize,
    pub body: Vec<bool>,
}

impl Cfg {
    pub fn of(f: LLVMValueRef) -> Cfg {
        let blocks = llvm::blocks(f);
        let index: HashMap<LLVMBasicBlockRef, usize> = blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
        let n = blocks.len();
        let (mut succs, mut preds) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for (b, &bb) in blocks.iter().enumerate() {
            for s in successors(bb) {
                if let Some(&s) = index.get(&s) {
                    succs[b].push(s);
                    preds[s].push(b);
                }
            }
        }
        let mut cfg = Cfg { blocks, index, succs, preds, live: vec![false; n] };
        if n > 0 {
            cfg.live = cfg.reach(0, &[]);
        }
        cfg
    }

    /// Blocks reachable from `from` (included) without entering any of `stop`.
    pub fn reach(&self, from: usize, stop: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.blocks.len()];
        let mut work = vec![from];
        while let Some(b) = work.pop() {
            if !seen[b] && !stop.contains(&b) {
                seen[b] = true;
                work.extend(self.succs[b].iter().copied());
            }
        }
        seen
    }

    /// The natural loops of the live blocks, one per back edge (an edge to a block on the
    /// depth-first stack from the entry whose target dominates its source).
    pub fn loops(&self) -> Vec<Loop> {
        let n = self.blocks.len();
        let mut loops = Vec::new();
        if n == 0 {
            return loops;
        }
        let mut state = vec![0u8; n];
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        state[0] = 1;
        while let Some(top) = stack.last_mut() {
            let (b, k) = *top;
            if let Some(&s) = self.succs[b].get(k) {
                top.1 += 1;
                match state[s] {
                    0 => {
                        state[s] = 1;
                        stack.push((s, 0));
                    }
                    1 => loops.extend(self.natural_loop(s, b)),
                    _ => {}
                }
            } else {
                state[b] = 2;
                stack.pop();
            }
        }
        loops
    }

    /// The header and whatever reaches the latch without passing the header; none when the
    /// entry block does too (the header does not dominate the latch: an irreducible cycle).
    fn natural_loop(&self, header: usize, latch: usize) -> Option<Loop> {
        let mut body = vec![false; self.blocks.len()];
        body[header] = true;
        let mut work = vec![latch];
        while let Some(b) = work.pop() {
            if !body[b] {
                body[b] = true;
                work.extend(self.preds[b].iter().copied().filter(|&p| self.live[p]));
            }
        }
        (header == 0 || !body[0]).then_some(Loop { header, latch, body })
    }
}

/// The successors of a block's terminator (none for a block without one, `ret` or `unreachable`).
pub(super) fn successors(bb: LLVMBasicBlockRef) -> Vec<LLVMBasicBlockRef> {
    // SAFETY: reading a valid block's terminator and its successors.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(bb);
        if t.is_null() {
            return Vec::new();
        }
        (0..LLVMGetNumSuccessors(t)).map(|k| LLVMGetSuccessor(t, k)).collect()
    }
}

/// The `!llvm.loop` metadata kind id of `bb`'s context.
fn loop_kind(bb: LLVMBasicBlockRef) -> u32 {
    // SAFETY: a valid block belongs to a function in a module; the name is 9 bytes.
    unsafe {
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(LLVMGetBasicBlockParent(bb)));
        LLVMGetMDKindIDInContext(ctx, c"llvm.loop".as_ptr(), 9)
    }
}

/// The property nodes (`!{!"name", ...}`) of the loop id on `bb`'s terminator, with their names.
pub(super) fn loop_properties(bb: LLVMBasicBlockRef) -> Vec<(String, LLVMValueRef)> {
    // SAFETY: reading metadata operands of a valid terminator; strings are copied out.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(bb);
        if t.is_null() {
            return Vec::new();
        }
        let md = LLVMGetMetadata(t, loop_kind(bb));
        if md.is_null() {
            return Vec::new();
        }
        node_operands(md)
            .into_iter()
            .filter(|p| !p.is_null() && !LLVMIsAMDNode(*p).is_null())
            .filter_map(|p| {
                let first = *node_operands(p).first()?;
                let mut len = 0u32;
                let s = LLVMGetMDString(first, &mut len);
                (!s.is_null()).then(|| {
                    (String::from_utf8_lossy(std::slice::from_raw_parts(s.cast::<u8>(), len as usize)).into_owned(), p)
                })
            })
            .collect()
    }
}

/// The operands of a metadata node (as values).
unsafe fn node_operands(md: LLVMValueRef) -> Vec<LLVMValueRef> {
    // SAFETY: the caller passes a metadata node wrapped as a value; the vector has room for all.
    unsafe {
        let n = LLVMGetMDNodeNumOperands(md) as usize;
        let mut ops = vec![std::ptr::null_mut(); n];
        LLVMGetMDNodeOperands(md, ops.as_mut_ptr());
        ops
    }
}

/// Whether the loop id on `bb`'s terminator says the loop vectorizer already ran on it.
pub(super) fn marked_vectorized(bb: LLVMBasicBlockRef) -> bool {
    loop_properties(bb).iter().any(|(name, _)| name == "llvm.loop.isvectorized")
}

/// Give `bb`'s terminator a fresh loop id with the properties `keep` accepts. A loop id is a
/// distinct node whose first operand is itself: built around a temporary node that is then
/// replaced by the new node (LLVM makes a node that refers to itself distinct).
pub(super) fn retain_loop_properties(bb: LLVMBasicBlockRef, keep: impl Fn(&str) -> bool) {
    let kept: Vec<LLVMValueRef> =
        loop_properties(bb).into_iter().filter(|(name, _)| keep(name)).map(|(_, p)| p).collect();
    // SAFETY: a valid terminator; metadata is created in its context, the temporary node is
    // consumed by the replacement.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(bb);
        let ctx = LLVMGetModuleContext(LLVMGetGlobalParent(LLVMGetBasicBlockParent(bb)));
        let temp = llvm_sys::debuginfo::LLVMTemporaryMDNode(ctx, std::ptr::null_mut(), 0);
        let mut ops = vec![temp];
        ops.extend(kept.into_iter().map(|p| LLVMValueAsMetadata(p)));
        let id = LLVMMDNodeInContext2(ctx, ops.as_mut_ptr(), ops.len());
        llvm_sys::debuginfo::LLVMMetadataReplaceAllUsesWith(temp, id);
        LLVMSetMetadata(t, loop_kind(bb), LLVMMetadataAsValue(ctx, id));
    }
}

#[cfg(test)]
mod tests {
    use super::Cfg;
    use crate::llvm;
    use crate::revec::with_parsed;

    /// (header, latch, body size) of every loop of the module's only function.
    fn loops(ir: &str) -> Vec<(usize, usize, usize)> {
        with_parsed(ir, |m| {
            let cfg = Cfg::of(llvm::functions(m)[0]);
            cfg.loops().iter().map(|l| (l.header, l.latch, l.body.iter().filter(|&&b| b).count())).collect()
        })
    }

    #[test]
    fn natural_loops_only() {
        let natural = "define void @f(i1 %c) {\nentry:\n  br label %h\nh:\n  br label %b\nb:\n  br i1 %c, label %h, label %x\nx:\n  ret void\n}\n";
        assert_eq!(loops(natural), vec![(1, 2, 2)]);
        // A cycle entered at both of its blocks has no header that dominates it.
        let irreducible = "define void @f(i1 %c, i1 %d) {\nentry:\n  br i1 %c, label %a, label %b\na:\n  br i1 %d, label %b, label %x\nb:\n  br label %a\nx:\n  ret void\n}\n";
        assert_eq!(loops(irreducible), vec![]);
    }
}
