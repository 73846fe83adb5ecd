//! irvm: an LLVM-IR interpreter with exact per-function profiling (issue C).
//!
//! `Program::load` reads bitcode with LLVM's own reader, lays out globals in real memory and
//! prepares a function table; each function is lowered on its first call (`translate/`) into
//! irvm's register bytecode (`isa`) and executed by `exec/`. Calls to native code go through the
//! SysV trampoline in `abi/`; native code calls interpreted functions through asm thunks.
//! `profile/` holds the counters and their JSON / table export. See docs/irvm.md.

pub mod llvm;

pub mod abi;
pub mod consts;
mod exec;
pub mod isa;
pub mod layout;
pub mod program;
pub mod translate;
mod vm;

pub use program::{Program, Resolver};
pub use translate::ValueId;
pub use vm::{ExitHook, FuncStats, Machine, Options, OsrDecision, OsrHook, Outcome, TierHook};
pub mod host;
pub mod profile;
