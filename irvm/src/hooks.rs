//! How a host (the driver's tier manager) is called back while irvm runs: the [`Hooks`] object
//! passed to [`Machine::run_main_with`], the OSR answer [`OsrDecision`], and the view of an OSR
//! point the host compiles an entry for ([`OsrHeader`]).

use crate::isa::FuncId;
use crate::translate::ValueId;
use crate::vm::{Machine, Outcome};

/// The host's side of a run. irvm holds a pointer to it for the duration of
/// [`Machine::run_main_with`] only; calls into it never nest (a hook that runs while another
/// one runs is skipped).
pub trait Hooks {
    /// A call of `f` once its call count reached its tier mark ([`Machine::set_tier_mark`],
    /// enabled by [`Machine::enable_tiering`]): the host may install native code
    /// ([`Machine::set_native`]) and should move the mark.
    fn on_call(&mut self, m: &mut Machine, f: FuncId);

    /// OSR point `point` of `f` reached its mark ([`Machine::enable_osr`]).
    fn on_osr(&mut self, _m: &mut Machine, _f: FuncId, _point: u32) -> OsrDecision {
        OsrDecision::Never
    }

    /// `f` is about to run for the first time and irvm cannot interpret all of it (`reason`
    /// names the first such construct, e.g. inline assembly): the host may compile it and install
    /// its native code ([`Machine::set_native`]), which then runs instead. Asked once per function.
    fn on_native_only(&mut self, _m: &mut Machine, _f: FuncId, _reason: &str) {}

    /// The program ended inside a callback from native code (`exit`, or a run-time error), where
    /// there is no way back to the host: write reports now; irvm ends the process afterwards.
    /// The default prints an error on stderr.
    fn on_exit(&mut self, _m: &mut Machine, outcome: &Outcome) {
        if let Outcome::Error(e) = outcome {
            eprintln!("{e}");
        }
    }
}

/// Hooks that do nothing (a run without a tier manager).
pub struct NoHooks;

impl Hooks for NoHooks {
    fn on_call(&mut self, _m: &mut Machine, _f: FuncId) {}
}

/// The host's answer at an OSR point (see [`Hooks::on_osr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsrDecision {
    /// Continue this activation in native code at this address: `ret (ptr buf)`, reading the
    /// point's live values from `buf` (their slots in order, see [`OsrHeader::live`]).
    Enter(usize),
    /// Keep interpreting; ask again when the point's entry count reaches this value.
    Later(u64),
    /// Keep interpreting; never ask again for this point.
    Never,
}

/// One value live at an OSR point, and how many 8-byte words of the entry buffer it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveValue {
    pub value: ValueId,
    pub slots: u32,
}

/// An OSR point as the host sees it: the loop header it sits on, the values live there (in
/// the order the entry buffer holds them) and the point of its outermost enclosing loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsrHeader {
    /// The header's block index (LLVM's block order).
    pub block: u32,
    pub live: Vec<LiveValue>,
    /// The OSR point (index) of the outermost loop containing this one, if any.
    pub outer: Option<u32>,
}
