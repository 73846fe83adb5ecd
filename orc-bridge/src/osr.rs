//! On-stack replacement entries: a variant of a function that starts at one of its loop
//! headers, so that an activation the interpreter is running can continue in native code.
//!
//! The interpreter stops at the top of loop header `H` (after the header's phi nodes took their
//! values) and writes the values live there into a buffer of 64-bit words. The OSR variant is
//! `ret @f.osr(ptr %buf)`:
//! - a new entry block provides every value live at `H` and branches to `H`; `H`'s phis get the
//!   values on that new edge. A value is recomputed from the others when it is a pure function
//!   of them (`m = n / 3 + 1`, an address `base + 8 * i`, a compare), so LLVM keeps what it knew
//!   about it in the original function — a range, a trip count, an inbounds offset — instead of
//!   seeing an opaque load; otherwise it is loaded from the buffer (values the interpreter folded
//!   into their users, which it does not provide, are always recomputed);
//! - every other value live at `H` is demoted to a stack slot that both its old definition and
//!   the new entry store to (classic reg2mem), so every use sees the right value whichever way
//!   it was reached; the tier pipeline's SROA/mem2reg turns the slots back into SSA form;
//! - the blocks of the original function move into the variant; what only the old entry could
//!   reach becomes unreachable and is deleted by the pipeline.
//!
//! Values are named by position (argument k, or instruction k of block b in IR order), which the
//! interpreter and the JIT agree on since both read the same bitcode.

use std::collections::{HashMap, HashSet};

use llvm_sys::LLVMOpcode as O;
use llvm_sys::LLVMTypeKind as T;
use llvm_sys::core::*;
use llvm_sys::debuginfo::{LLVMGetSubprogram, LLVMSetSubprogram};
use llvm_sys::prelude::*;
use llvm_sys::{LLVMAttributeFunctionIndex, LLVMAttributeReturnIndex, LLVMLinkage};

use crate::error::{Error, Result, cstring};
use crate::llvm;

/// A value of the interpreted function, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsrValue {
    /// Parameter k.
    Arg(u32),
    /// Instruction `index` (phis included) of basic block `block` (IR order).
    Inst { block: u32, index: u32 },
}

/// Where one live value sits in the buffer the interpreter fills: 64-bit word `word` (integers
/// in the low bits of their word, `float` as its bits in the low half).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsrEntry {
    pub value: OsrValue,
    pub word: u32,
}

/// An OSR entry request: the loop header (block index) and the values the interpreter provides.
#[derive(Debug, Clone, Copy)]
pub struct OsrSpec<'a> {
    pub header: u32,
    pub values: &'a [OsrEntry],
}

/// Build the OSR variant of `t` (a definition of `m`) named `symbol`, moving `t`'s body into it.
/// Afterwards `t` is a bodiless declaration renamed `source_name` (the other app functions'
/// treatment: calls to it go through the host). Returns the variant.
pub(crate) fn build(
    m: LLVMModuleRef,
    t: LLVMValueRef,
    source_name: &str,
    symbol: &str,
    spec: &OsrSpec,
) -> Result<LLVMValueRef> {
    let blocks = llvm::blocks(t);
    let header = *blocks.get(spec.header as usize).ok_or_else(|| {
        Error::Osr(format!("OSR header block {} out of range ({} blocks)", spec.header, blocks.len()))
    })?;
    if header == blocks[0] {
        return Err(Error::Osr("OSR at the entry block (nothing to skip)".into()));
    }
    let mut given: HashMap<LLVMValueRef, u32> = HashMap::new();
    for e in spec.values {
        given.insert(value_at(t, &blocks, e.value)?, e.word);
    }
    let live = live_in(t, &blocks, spec.header as usize);

    // SAFETY: everything below works on `m`'s context: `t` and its blocks/instructions are valid,
    // the new function and instructions are created in `m`; builders are disposed at the end.
    unsafe {
        let ctx = LLVMGetModuleContext(m);
        let fty = LLVMGlobalGetValueType(t);
        let ret = LLVMGetReturnType(fty);
        let ptr = LLVMPointerTypeInContext(ctx, 0);
        let mut params = [ptr];
        let oty = LLVMFunctionType(ret, params.as_mut_ptr(), 1, 0);
        let cname = cstring("symbol", symbol)?;
        let o = LLVMAddFunction(m, cname.as_ptr(), oty);
        LLVMSetLinkage(o, LLVMLinkage::LLVMExternalLinkage);
        llvm::copy_attributes_at(t, o, LLVMAttributeFunctionIndex);
        llvm::copy_attributes_at(t, o, LLVMAttributeReturnIndex);
        let sp = LLVMGetSubprogram(t);
        if !sp.is_null() {
            // The moved instructions' debug locations name this subprogram: it moves with them.
            LLVMSetSubprogram(t, std::ptr::null_mut());
            LLVMSetSubprogram(o, sp);
        }
        let entry = LLVMAppendBasicBlockInContext(ctx, o, c"osr.entry".as_ptr());
        let b = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(b, entry);
        let mut cx =
            Entry { b, ctx, buf: LLVMGetParam(o, 0), given: &given, done: HashMap::new(), recomputes: HashMap::new() };

        // Header phis take the interpreter's values on the new edge.
        let result = (|| -> Result<()> {
            for phi in llvm::instructions(header).into_iter().take_while(|&i| LLVMGetInstructionOpcode(i) == O::LLVMPHI)
            {
                let v = if given.contains_key(&phi) { cx.value(phi)? } else { LLVMGetUndef(LLVMTypeOf(phi)) };
                let (mut vals, mut bbs) = ([v], [entry]);
                LLVMAddIncoming(phi, vals.as_mut_ptr(), bbs.as_mut_ptr(), 1);
            }
            // Materialize everything before rewriting any use (rematerialization reads the
            // original operands).
            let mut xs = Vec::with_capacity(live.len());
            for &v in &live {
                xs.push(cx.value(v)?);
            }
            for (&v, x) in live.iter().zip(xs) {
                if !LLVMIsAArgument(v).is_null() {
                    LLVMReplaceAllUsesWith(v, x);
                } else {
                    demote(ctx, entry, b, v, x)?;
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            LLVMDisposeBuilder(b);
            LLVMDeleteFunction(o);
            return Err(e);
        }
        // Parameters not live at the header are only used where the new entry cannot reach.
        for k in 0..LLVMCountParams(t) {
            let p = LLVMGetParam(t, k);
            LLVMReplaceAllUsesWith(p, LLVMGetPoison(LLVMTypeOf(p)));
        }
        LLVMBuildBr(b, header);
        LLVMDisposeBuilder(b);
        for bb in blocks {
            LLVMMoveBasicBlockAfter(bb, LLVMGetLastBasicBlock(o));
        }
        // A declaration carries no `!prof` (function_entry_count) or other attachments.
        LLVMGlobalClearMetadata(t);
        llvm::set_name(t, source_name);
        Ok(o)
    }
}

/// Materializes values in the new entry block.
struct Entry<'a> {
    b: LLVMBuilderRef,
    ctx: LLVMContextRef,
    buf: LLVMValueRef,
    given: &'a HashMap<LLVMValueRef, u32>,
    done: HashMap<LLVMValueRef, LLVMValueRef>,
    recomputes: HashMap<LLVMValueRef, bool>,
}

impl Entry<'_> {
    /// The value `v` had at the header: loaded from the buffer, or recomputed from loaded
    /// operands when the interpreter folded it into its users (pure instructions only).
    unsafe fn value(&mut self, v: LLVMValueRef) -> Result<LLVMValueRef> {
        // SAFETY: (whole body) `v` and its operands are values of the function being rewritten;
        // new instructions go to the entry block through the builder.
        unsafe {
            if let Some(&x) = self.done.get(&v) {
                return Ok(x);
            }
            if !LLVMIsAConstant(v).is_null() {
                return Ok(v);
            }
            let inst = !LLVMIsAInstruction(v).is_null();
            let x = if self.recomputes(v) {
                // Recomputed even when the interpreter provides it: LLVM then sees how the value
                // derives from the others (`m = n / 3 + 1` is at least 1, an address is a GEP of
                // its base) and keeps the facts it had in the original function (value ranges,
                // trip counts, inbounds offsets) instead of an opaque load.
                self.clone_with_operands(v)?
            } else if let Some(&word) = self.given.get(&v) {
                self.load(v, word)?
            } else if inst && rematerializable(LLVMGetInstructionOpcode(v)) {
                self.clone_with_operands(v)?
            } else {
                return Err(Error::Osr(format!(
                    "value '{}' live at the loop header is not provided by the interpreter",
                    describe(v)
                )));
            };
            self.done.insert(v, x);
            Ok(x)
        }
    }

    /// A copy of instruction `v` in the entry block, on its operands' values there.
    unsafe fn clone_with_operands(&mut self, v: LLVMValueRef) -> Result<LLVMValueRef> {
        // SAFETY: (whole body) `v` is an instruction of the function being rewritten; the clone
        // goes to the entry block through the builder.
        unsafe {
            let n = LLVMGetNumOperands(v) as u32;
            let mut ops = Vec::with_capacity(n as usize);
            for k in 0..n {
                ops.push(self.value(LLVMGetOperand(v, k))?);
            }
            let c = LLVMInstructionClone(v);
            for (k, op) in ops.into_iter().enumerate() {
                LLVMSetOperand(c, k as u32, op);
            }
            LLVMInsertIntoBuilder(self.b, c);
            Ok(c)
        }
    }

    /// Whether `v` is a recomputable instruction whose operands are all available in the entry
    /// block (constants, provided values, or recomputable in turn).
    fn recomputes(&mut self, v: LLVMValueRef) -> bool {
        if let Some(&c) = self.recomputes.get(&v) {
            return c;
        }
        // SAFETY: (whole body) `v` and its operands are values of the function being rewritten.
        let c = unsafe {
            !LLVMIsAInstruction(v).is_null()
                && recomputable(LLVMGetInstructionOpcode(v))
                && (0..LLVMGetNumOperands(v) as u32).all(|k| {
                    let op = LLVMGetOperand(v, k);
                    !LLVMIsAConstant(op).is_null() || self.given.contains_key(&op) || self.recomputes(op)
                })
        };
        self.recomputes.insert(v, c);
        c
    }

    /// Load `v`'s type from buffer word `word`.
    unsafe fn load(&mut self, v: LLVMValueRef, word: u32) -> Result<LLVMValueRef> {
        // SAFETY: (whole body) builder positioned in the entry block; types of `self.ctx`.
        unsafe {
            let ty = LLVMTypeOf(v);
            let i64t = LLVMInt64TypeInContext(self.ctx);
            let i8t = LLVMInt8TypeInContext(self.ctx);
            let mut idx = [LLVMConstInt(i64t, u64::from(word) * 8, 0)];
            let at = LLVMBuildInBoundsGEP2(self.b, i8t, self.buf, idx.as_mut_ptr(), 1, c"osr.at".as_ptr());
            let (load_ty, trunc) = match LLVMGetTypeKind(ty) {
                T::LLVMIntegerTypeKind if LLVMGetIntTypeWidth(ty) < 64 => (i64t, true),
                T::LLVMIntegerTypeKind if LLVMGetIntTypeWidth(ty) == 64 => (ty, false),
                T::LLVMFloatTypeKind | T::LLVMDoubleTypeKind | T::LLVMPointerTypeKind => (ty, false),
                // The interpreter packs vector lanes as memory does (i1 lanes excepted).
                T::LLVMVectorTypeKind if packed_lanes(LLVMGetElementType(ty)) => (ty, false),
                _ => {
                    return Err(Error::Osr(format!(
                        "value '{}' live at the loop header has a type OSR does not transfer",
                        describe(v)
                    )));
                }
            };
            let l = LLVMBuildLoad2(self.b, load_ty, at, c"osr.v".as_ptr());
            LLVMSetAlignment(l, 8);
            Ok(if trunc { LLVMBuildTrunc(self.b, l, ty, c"osr.t".as_ptr()) } else { l })
        }
    }
}

/// Vector lanes laid out in the interpreter's slots exactly as in memory.
fn packed_lanes(lane: LLVMTypeRef) -> bool {
    // SAFETY: querying a valid type.
    unsafe {
        match LLVMGetTypeKind(lane) {
            T::LLVMIntegerTypeKind => matches!(LLVMGetIntTypeWidth(lane), 8 | 16 | 32 | 64),
            T::LLVMFloatTypeKind | T::LLVMDoubleTypeKind | T::LLVMPointerTypeKind => true,
            _ => false,
        }
    }
}

/// Instructions recomputed in the entry block (rather than loaded) whenever their operands are
/// available there: pure, and giving the same result on the same operands. A division that
/// could trap is fine: the original computed it from these very operands before the header
/// (a value live at the header dominates it). `freeze` is not (it may pick another value).
fn recomputable(op: O) -> bool {
    use O::*;
    op != LLVMFreeze && (rematerializable(op) || matches!(op, LLVMUDiv | LLVMSDiv | LLVMURem | LLVMSRem))
}

/// Pure instructions that can be recomputed in the entry block from their operands' values.
fn rematerializable(op: O) -> bool {
    use O::*;
    matches!(
        op,
        LLVMGetElementPtr
            | LLVMTrunc
            | LLVMZExt
            | LLVMSExt
            | LLVMFPTrunc
            | LLVMFPExt
            | LLVMFPToUI
            | LLVMFPToSI
            | LLVMUIToFP
            | LLVMSIToFP
            | LLVMPtrToInt
            | LLVMIntToPtr
            | LLVMBitCast
            | LLVMAddrSpaceCast
            | LLVMICmp
            | LLVMFCmp
            | LLVMAdd
            | LLVMSub
            | LLVMMul
            | LLVMShl
            | LLVMLShr
            | LLVMAShr
            | LLVMAnd
            | LLVMOr
            | LLVMXor
            | LLVMFAdd
            | LLVMFSub
            | LLVMFMul
            | LLVMFDiv
            | LLVMFNeg
            | LLVMSelect
            | LLVMFreeze
    )
}

/// Demote instruction `v` to a stack slot: the new entry stores `x`, `v`'s definition stores
/// `v`, every use loads.
///
/// # Safety
/// `v` is an instruction of the function whose new entry block is `entry`; `b` is positioned
/// at the end of `entry`.
unsafe fn demote(
    ctx: LLVMContextRef,
    entry: LLVMBasicBlockRef,
    b: LLVMBuilderRef,
    v: LLVMValueRef,
    x: LLVMValueRef,
) -> Result<()> {
    // SAFETY: (whole body) caller's contract; the temporary builder is disposed before returning.
    unsafe {
        if !LLVMIsATerminatorInst(v).is_null() {
            return Err(Error::Osr(format!(
                "value '{}' live at the loop header is defined by a terminator",
                describe(v)
            )));
        }
        let ty = LLVMTypeOf(v);
        let uses = llvm::uses(v);
        let tb = LLVMCreateBuilderInContext(ctx);
        let first = LLVMGetFirstInstruction(entry);
        if first.is_null() {
            LLVMPositionBuilderAtEnd(tb, entry);
        } else {
            LLVMPositionBuilderBefore(tb, first);
        }
        let slot = LLVMBuildAlloca(tb, ty, c"osr.slot".as_ptr());
        LLVMBuildStore(b, x, slot);
        // After the definition (after all phis when it is one).
        let mut after = LLVMGetNextInstruction(v);
        while !after.is_null() && LLVMGetInstructionOpcode(after) == O::LLVMPHI {
            after = LLVMGetNextInstruction(after);
        }
        LLVMPositionBuilderBefore(tb, after);
        LLVMBuildStore(tb, v, slot);
        for (user, op) in uses {
            let at = if LLVMGetInstructionOpcode(user) == O::LLVMPHI {
                LLVMGetBasicBlockTerminator(LLVMGetIncomingBlock(user, op))
            } else {
                user
            };
            LLVMPositionBuilderBefore(tb, at);
            let l = LLVMBuildLoad2(tb, ty, slot, c"osr.r".as_ptr());
            LLVMSetOperand(user, op, l);
        }
        LLVMDisposeBuilder(tb);
        Ok(())
    }
}

/// Values (parameters and instructions) live at the top of block `h` after its phis, its own
/// phis excluded: backward liveness on the SSA graph, phi operands used at the end of their
/// incoming block.
fn live_in(f: LLVMValueRef, blocks: &[LLVMBasicBlockRef], h: usize) -> Vec<LLVMValueRef> {
    let index: HashMap<LLVMBasicBlockRef, usize> = blocks.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let n = blocks.len();
    let mut ue: Vec<HashSet<LLVMValueRef>> = vec![HashSet::new(); n];
    let mut defs: Vec<HashSet<LLVMValueRef>> = vec![HashSet::new(); n];
    let mut phi_out: Vec<HashSet<LLVMValueRef>> = vec![HashSet::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut order: HashMap<LLVMValueRef, usize> = HashMap::new();
    // SAFETY: reading a valid function's parameters, blocks and instructions.
    unsafe {
        for k in 0..LLVMCountParams(f) {
            order.insert(LLVMGetParam(f, k), order.len());
        }
        let local = |v: LLVMValueRef| !LLVMIsAArgument(v).is_null() || !LLVMIsAInstruction(v).is_null();
        for (bi, &bb) in blocks.iter().enumerate() {
            for i in llvm::instructions(bb) {
                order.insert(i, order.len());
                if LLVMGetInstructionOpcode(i) == O::LLVMPHI {
                    for k in 0..LLVMCountIncoming(i) {
                        let v = LLVMGetIncomingValue(i, k);
                        if local(v)
                            && let Some(&p) = index.get(&LLVMGetIncomingBlock(i, k))
                        {
                            phi_out[p].insert(v);
                        }
                    }
                } else {
                    for k in 0..LLVMGetNumOperands(i) as u32 {
                        let v = LLVMGetOperand(i, k);
                        if !v.is_null() && local(v) && !defs[bi].contains(&v) {
                            ue[bi].insert(v);
                        }
                    }
                }
                defs[bi].insert(i);
            }
            let term = LLVMGetBasicBlockTerminator(bb);
            if !term.is_null() {
                for k in 0..LLVMGetNumSuccessors(term) {
                    if let Some(&s) = index.get(&LLVMGetSuccessor(term, k)) {
                        succs[bi].push(s);
                    }
                }
            }
        }
    }
    let mut live: Vec<HashSet<LLVMValueRef>> = vec![HashSet::new(); n];
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..n).rev() {
            let mut out: HashSet<LLVMValueRef> = phi_out[b].clone();
            for &s in &succs[b] {
                out.extend(live[s].iter().copied());
            }
            let mut inn = ue[b].clone();
            inn.extend(out.into_iter().filter(|v| !defs[b].contains(v)));
            if inn.len() != live[b].len() {
                live[b] = inn;
                changed = true;
            }
        }
    }
    let mut v: Vec<LLVMValueRef> = live[h].iter().copied().collect();
    v.sort_by_key(|x| order.get(x).copied().unwrap_or(usize::MAX));
    v
}

/// The value named by position.
fn value_at(f: LLVMValueRef, blocks: &[LLVMBasicBlockRef], v: OsrValue) -> Result<LLVMValueRef> {
    match v {
        OsrValue::Arg(k) => {
            // SAFETY: valid function.
            if k < unsafe { LLVMCountParams(f) } {
                // SAFETY: in range.
                Ok(unsafe { LLVMGetParam(f, k) })
            } else {
                Err(Error::Osr(format!("OSR value: no parameter {k}")))
            }
        }
        OsrValue::Inst { block, index } => blocks
            .get(block as usize)
            .and_then(|&b| llvm::instructions(b).get(index as usize).copied())
            .ok_or_else(|| Error::Osr(format!("OSR value: no instruction {index} in block {block}"))),
    }
}

/// `%name` or the instruction's opcode, for messages.
fn describe(v: LLVMValueRef) -> String {
    let n = llvm::name(v);
    if !n.is_empty() {
        return format!("%{n}");
    }
    // SAFETY: IsA checks are total on valid values.
    if unsafe { LLVMIsAInstruction(v) }.is_null() {
        "<value>".into()
    } else {
        // SAFETY: `v` is an instruction.
        format!("<unnamed {:?}>", unsafe { LLVMGetInstructionOpcode(v) })
    }
}
