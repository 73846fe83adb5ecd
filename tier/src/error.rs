//! The tier manager's errors: what could not be compiled or linked, and why — orc-bridge's and
//! irvm's errors kept as they are, so that only the driver's messages turn them into text.

use std::fmt;

/// A tier manager failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TierError {
    /// The JIT failed: set-up, reading the program, compiling or linking a function.
    Jit(orc_bridge::Error),
    /// irvm could not give a function its canonical address (the thunk pool is full).
    Irvm(irvm::Error),
    /// Native code needs a callee that irvm cannot enter from native code, and the callee could
    /// not be compiled.
    Callee { name: String, error: Box<TierError> },
    /// Heat thresholds out of order (they must be 1 <= warm <= hot <= very_hot).
    Thresholds { warm: u64, hot: u64, very_hot: u64 },
}

impl fmt::Display for TierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TierError::Jit(e) => e.fmt(f),
            TierError::Irvm(e) => e.fmt(f),
            TierError::Callee { name, error } => write!(f, "callee '{name}' cannot run behind native code: {error}"),
            TierError::Thresholds { warm, hot, very_hot } => {
                write!(f, "thresholds {warm}/{hot}/{very_hot}: need 1 <= warm <= hot <= very_hot")
            }
        }
    }
}

impl std::error::Error for TierError {}

impl From<orc_bridge::Error> for TierError {
    fn from(e: orc_bridge::Error) -> Self {
        TierError::Jit(e)
    }
}

impl From<irvm::Error> for TierError {
    fn from(e: irvm::Error) -> Self {
        TierError::Irvm(e)
    }
}
