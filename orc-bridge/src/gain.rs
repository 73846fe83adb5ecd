//! Where a constant argument can pay: for each integer parameter of a function, whether its value
//! reaches something the optimizer improves once it is a constant (a loop's trip count, a copy
//! length, a shift, a divisor, a branch). A guarded specialization on a parameter that reaches
//! none of them is a copy of the body for nothing (docs/tiering.md, "Guarded value
//! specialization").
//!
//! The walk follows the parameter's uses forward through casts, simple arithmetic, `phi` and
//! `select` values, and into a small callee when a call passes the parameter unchanged (the
//! specialization pastes such a callee into the body first: `specialize::
//! inline_callees_given_parameters`, same size limit).

use std::collections::{HashMap, HashSet};
use std::fmt;

use llvm_sys::LLVMAttributeFunctionIndex;
use llvm_sys::LLVMOpcode::*;
use llvm_sys::core::*;
use llvm_sys::prelude::*;

use crate::llvm;
use crate::specialize::MAX_PROPAGATED_CALLEE_INSTRUCTIONS;

/// What a constant value of a parameter improves, best first (a parameter is described by the
/// best it reaches).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gain {
    /// A comparison that decides a branch inside a loop: a constant trip count or exit.
    LoopBound,
    /// The length of a `memcpy`/`memmove`/`memset` or the size of an `alloca`.
    Size,
    /// A scaled index of an address computed inside a loop: a constant stride.
    LoopStride,
    /// A divisor or remainder modulus: a multiply-and-shift instead of a division.
    Divisor,
    /// A shift amount.
    Shift,
    /// The condition of a branch, switch or select outside loops: a folded branch.
    Branch,
}

impl fmt::Display for Gain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Gain::LoopBound => "loop bound",
            Gain::Size => "copy or allocation size",
            Gain::LoopStride => "index stride in a loop",
            Gain::Divisor => "divisor",
            Gain::Shift => "shift amount",
            Gain::Branch => "branch condition",
        })
    }
}

/// Per parameter of `f` (a definition), the best [`Gain`] a constant in its place reaches
/// (`None`: nothing; pointers and other non-integer parameters are always `None`).
pub(crate) fn parameter_gains(f: LLVMValueRef) -> Vec<Option<Gain>> {
    // A function with computed goto is never specialized (`specialize::build`): nothing to gain.
    let specializable = !crate::extract::has_indirect_branch(f);
    // SAFETY: `f` is a function definition; parameters and their types are valid values.
    unsafe {
        (0..LLVMCountParams(f))
            .map(|k| {
                let p = LLVMGetParam(f, k);
                let int = LLVMGetTypeKind(LLVMTypeOf(p)) == llvm_sys::LLVMTypeKind::LLVMIntegerTypeKind;
                if int && specializable { best_gain(p, true) } else { None }
            })
            .collect()
    }
}

/// The best gain reached from `param`; `follow_calls`: also into small callees that receive
/// `param` itself.
fn best_gain(param: LLVMValueRef, follow_calls: bool) -> Option<Gain> {
    let mut loops = Loops::default();
    let mut best: Option<Gain> = None;
    let mut seen = HashSet::new();
    // (value derived from the parameter, whether a multiplication scaled it on the way)
    let mut work = vec![(param, false)];
    while let Some((v, scaled)) = work.pop() {
        if !seen.insert((v, scaled)) {
            continue;
        }
        for (user, op) in llvm::uses(v) {
            let found = match Step::of(user, op, scaled, &mut loops) {
                Step::Reaches(g) => Some(g),
                Step::Through(s) => {
                    work.push((user, s));
                    None
                }
                Step::Call(callee) if follow_calls && v == param => {
                    // SAFETY: `callee` is a defined, non-variadic function taking operand `op`.
                    best_gain(unsafe { LLVMGetParam(callee, op) }, false)
                }
                Step::Call(_) | Step::Nothing => None,
            };
            best = match (best, found) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    best
}

/// What one use of a derived value does with it.
enum Step {
    Reaches(Gain),
    /// The user's result is derived too (scaled or not).
    Through(bool),
    /// Passed unchanged as an argument of a small function of the module.
    Call(LLVMValueRef),
    Nothing,
}

impl Step {
    fn of(user: LLVMValueRef, op: u32, scaled: bool, loops: &mut Loops) -> Step {
        // SAFETY: `user` is a user of a value of a function body; the IsA checks are total and
        // the operand / callee queries are made on instructions of the matching kind.
        unsafe {
            if LLVMIsAInstruction(user).is_null() {
                return Step::Nothing;
            }
            let block = LLVMGetInstructionParent(user);
            let branch =
                |loops: &mut Loops| Step::Reaches(if loops.contains(block) { Gain::LoopBound } else { Gain::Branch });
            match LLVMGetInstructionOpcode(user) {
                LLVMTrunc | LLVMZExt | LLVMSExt | LLVMFreeze | LLVMPHI | LLVMAdd | LLVMSub | LLVMAnd | LLVMOr
                | LLVMXor => Step::Through(scaled),
                LLVMMul => Step::Through(true),
                LLVMShl | LLVMLShr | LLVMAShr if op == 1 => Step::Reaches(Gain::Shift),
                LLVMShl => Step::Through(true),
                LLVMLShr | LLVMAShr => Step::Through(scaled),
                LLVMUDiv | LLVMSDiv | LLVMURem | LLVMSRem if op == 1 => Step::Reaches(Gain::Divisor),
                LLVMUDiv | LLVMSDiv | LLVMURem | LLVMSRem => Step::Through(scaled),
                LLVMSelect | LLVMBr | LLVMSwitch if op == 0 => branch(loops),
                LLVMSelect => Step::Through(scaled),
                LLVMICmp => match decided_branch(user) {
                    Some(b) if loops.contains(b) => Step::Reaches(Gain::LoopBound),
                    Some(_) => Step::Reaches(Gain::Branch),
                    None => Step::Nothing,
                },
                LLVMAlloca => Step::Reaches(Gain::Size),
                LLVMGetElementPtr if op >= 1 && scaled && loops.contains(block) => Step::Reaches(Gain::LoopStride),
                LLVMCall => call_step(user, op),
                _ => Step::Nothing,
            }
        }
    }
}

/// A call using a derived value as argument `op`: a copy length, or a small callee to follow.
fn call_step(call: LLVMValueRef, op: u32) -> Step {
    // SAFETY: `call` is a call instruction; its callee, when a function, is a valid global.
    unsafe {
        let callee = LLVMGetCalledValue(call);
        if callee.is_null() || LLVMIsAFunction(callee).is_null() || op >= LLVMGetNumArgOperands(call) {
            return Step::Nothing;
        }
        let name = llvm::name(callee);
        let base = name.strip_prefix("llvm.").unwrap_or(&name);
        if op == 2 && ["memcpy", "memmove", "memset"].iter().any(|m| base == *m || base.starts_with(&format!("{m}."))) {
            return Step::Reaches(Gain::Size);
        }
        let noinline = LLVMGetEnumAttributeKindForName(c"noinline".as_ptr(), 8);
        let small = !llvm::is_declaration(callee)
            && LLVMIsFunctionVarArg(LLVMGlobalGetValueType(callee)) == 0
            && LLVMGetEnumAttributeAtIndex(callee, LLVMAttributeFunctionIndex, noinline).is_null()
            && callee != LLVMGetBasicBlockParent(LLVMGetInstructionParent(call))
            && crate::extract::instruction_count(callee) <= MAX_PROPAGATED_CALLEE_INSTRUCTIONS;
        if small { Step::Call(callee) } else { Step::Nothing }
    }
}

/// The block of a branch, switch or select whose condition is `cmp` (directly or through
/// `and`/`or`/`xor`/`freeze` of conditions), if any.
fn decided_branch(cmp: LLVMValueRef) -> Option<LLVMBasicBlockRef> {
    let mut work = vec![cmp];
    let mut seen = HashSet::new();
    while let Some(v) = work.pop() {
        if !seen.insert(v) {
            continue;
        }
        for (user, op) in llvm::uses(v) {
            // SAFETY: `user` uses an i1 instruction result; the IsA check is total.
            unsafe {
                if LLVMIsAInstruction(user).is_null() {
                    continue;
                }
                match LLVMGetInstructionOpcode(user) {
                    LLVMBr | LLVMSwitch | LLVMSelect if op == 0 => return Some(LLVMGetInstructionParent(user)),
                    LLVMAnd | LLVMOr | LLVMXor | LLVMFreeze => work.push(user),
                    _ => {}
                }
            }
        }
    }
    None
}

/// Which blocks of a function lie on a cycle (computed on demand, remembered).
#[derive(Default)]
struct Loops {
    on_cycle: HashMap<LLVMBasicBlockRef, bool>,
}

impl Loops {
    fn contains(&mut self, block: LLVMBasicBlockRef) -> bool {
        if let Some(&c) = self.on_cycle.get(&block) {
            return c;
        }
        let mut seen = HashSet::new();
        let mut work = successors(block);
        let mut found = false;
        while let Some(b) = work.pop() {
            if b == block {
                found = true;
                break;
            }
            if seen.insert(b) {
                work.extend(successors(b));
            }
        }
        self.on_cycle.insert(block, found);
        found
    }
}

fn successors(block: LLVMBasicBlockRef) -> Vec<LLVMBasicBlockRef> {
    // SAFETY: `block` is a block of a function body; a block without terminator has none.
    unsafe {
        let t = LLVMGetBasicBlockTerminator(block);
        if t.is_null() {
            return Vec::new();
        }
        (0..LLVMGetNumSuccessors(t)).map(|k| LLVMGetSuccessor(t, k)).collect()
    }
}
