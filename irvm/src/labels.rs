//! Computed goto (GCC's labels as values: `blockaddress` constants, `indirectbr`): where a
//! function's block addresses go decides whether native code may run it. irvm represents a block
//! address as its own token (`consts::BLOCK_ADDRESS_TAG`), native code as a code address; the two
//! must never meet. They cannot when every block address of the function stays with it: used by
//! its own instructions (phi, select, compare, `indirectbr`) or held in constant tables that only
//! it reads, that hold only its labels, and whose labels, once read, go only to those same kinds
//! of instructions (never to memory or a call). A compiled version then owns a copy of each such table
//! with its native labels (orc-bridge's host-linked base keeps exactly these tables in the
//! compiled module, by the same rule), while interpreted activations read the program's table of
//! tokens.
//!
//! Clang emits a block address only in the function that owns the label and in the initializers
//! of its static tables (LLVM inlines no function whose blocks have their address taken), so the
//! uses found on the function's materialized body and on the module's initializers are all of them.

use crate::llvm::LLVMOpcode as O;
use crate::llvm::{Val, ValKind};

/// How a function uses computed goto.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComputedGoto {
    /// No block address of the function is taken.
    None,
    /// Every block address stays with the function (see the module doc): compiled code may run it
    /// as a whole function; OSR, which would carry an interpreted activation's tokens into native
    /// code, may not.
    Private,
    /// A block address may reach other code or writable memory: only irvm runs it.
    Shared,
}

/// Classify `f` (a function definition).
pub(crate) fn classify(f: Val) -> ComputedGoto {
    let mut taken = false;
    for b in f.blocks() {
        let ba = Val::block_address_of(f, b);
        for u in ba.users() {
            taken = true;
            if !use_stays_with(f, u) {
                return ComputedGoto::Shared;
            }
        }
    }
    if taken { ComputedGoto::Private } else { ComputedGoto::None }
}

/// Whether `u`, a user of a block address of `f`, keeps it with `f`.
fn use_stays_with(f: Val, u: Val) -> bool {
    match u.kind() {
        ValKind::Instruction => {
            u.parent_function() == f
                && matches!(u.opcode(), O::LLVMPHI | O::LLVMSelect | O::LLVMICmp | O::LLVMIndirectBr)
        }
        // A table entry: the aggregate must be (part of) the initializer of constant tables of `f`.
        ValKind::ConstArray | ValKind::ConstStruct | ValKind::ConstVector => {
            u.users().into_iter().all(|w| use_stays_with(f, w) || private_table(f, w))
        }
        ValKind::GlobalVariable => private_table(f, u),
        _ => false,
    }
}

/// Whether `g` is a constant table private to `f`: a constant global variable, read only by
/// instructions of `f` whose labels go nowhere but to `f`'s own jumps and compares, and whose
/// initializer holds block addresses of `f` and no other function's.
fn private_table(f: Val, g: Val) -> bool {
    g.kind() == ValKind::GlobalVariable
        && g.is_global_constant()
        && g.initializer().is_some_and(|init| labels_only_of(f, init))
        && g.users().into_iter().all(|u| {
            u.kind() == ValKind::Instruction
                && u.parent_function() == f
                && match u.opcode() {
                    O::LLVMLoad => label_stays(u, &mut Vec::new()),
                    O::LLVMGetElementPtr => u.users().into_iter().all(|l| {
                        l.kind() == ValKind::Instruction && l.opcode() == O::LLVMLoad && label_stays(l, &mut Vec::new())
                    }),
                    _ => false,
                }
        })
}

/// Whether label value `v` (read from a table) only reaches jumps, compares and the phis and
/// selects that carry it on (`seen`: the phis and selects already followed).
fn label_stays(v: Val, seen: &mut Vec<Val>) -> bool {
    v.users().into_iter().all(|u| {
        u.kind() == ValKind::Instruction
            && match u.opcode() {
                O::LLVMIndirectBr | O::LLVMICmp => true,
                O::LLVMPHI | O::LLVMSelect => {
                    seen.contains(&u) || {
                        seen.push(u);
                        label_stays(u, seen)
                    }
                }
                _ => false,
            }
    })
}

/// Whether every block address inside constant `c` is one of `f`'s.
fn labels_only_of(f: Val, c: Val) -> bool {
    if let Some((owner, _)) = c.block_address() {
        return owner == f;
    }
    match c.kind() {
        ValKind::ConstArray | ValKind::ConstStruct | ValKind::ConstVector | ValKind::ConstExpr => {
            (0..c.num_operands()).all(|k| labels_only_of(f, c.operand(k)))
        }
        _ => true,
    }
}
