//! irvm: an LLVM-IR interpreter with exact per-function profiling.
//!
//! `Machine::load` reads bitcode with LLVM's own reader, lays out globals in real memory and
//! prepares a function table; each function is lowered on its first call (`translate/`) into
//! irvm's register bytecode (`isa`) and executed by `exec/`. Calls to native code go through the
//! SysV trampoline in `abi/`; native code calls interpreted functions through asm thunks.
//! `profile/` holds the counters and their JSON / table export. See docs/irvm.md.
//!
//! The public API — what hosts such as the `bareflow` driver use — is listed in docs/irvm.md
//! ("API"): [`Machine`] (loading, running with [`Hooks`], and the queries of `inspect.rs`),
//! [`Error`], [`Outcome`], [`profile::Profile`], [`Resolver`] and [`host`]. Everything else is
//! the crate's own.

mod abi;
mod consts;
mod error;
mod exec;
mod hooks;
mod inspect;
mod isa;
mod labels;
mod layout;
mod llvm;
mod program;
mod threads;
mod translate;
mod vm;

pub mod host;
pub mod profile;

pub use error::Error;
pub use hooks::{Hooks, LiveValue, NoHooks, OsrDecision, OsrHeader};
pub use inspect::{BranchCounts, Signature, SummaryCounts};
pub use isa::FuncId;
pub use labels::ComputedGoto;
pub use program::Resolver;
pub use threads::ThreadGate;
pub use translate::ValueId;
pub use vm::{Machine, Options, Outcome};
