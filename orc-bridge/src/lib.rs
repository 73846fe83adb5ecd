//! orc-bridge: BareFlow's LLVM JIT. Owns an ORC LLJIT (OrcV2 C API through llvm-sys), loads
//! bitcode, optimizes one function or a whole module at O0–O3 with the new pass manager, emits an
//! object for the CPU found at run time, links it into the JIT and hands back its address.
//!
//! Shape (mirrors LLVM's OrcV2 examples; see docs/orc-bridge.md):
//! - [`jit`]: the `Jit` — numbered set-up steps (`jit/mod.rs`), compilation (`jit/compile.rs`),
//!   linking and lookups (`jit/link.rs`).
//! - [`extract`]: cut one function out of a module; globals and other functions stay in host
//!   memory and are reached through `__bf.*` symbols (irvm owns them).
//! - [`pipeline`]: the one place that sets the per-tier transform (PGO `!prof` + `default<On>`).
//! - [`symbols`]: the one place that resolves symbols (runtime table + host links → absolute
//!   symbols); no dlsym, no process-symbol search (there is no dynamic loader on bare metal).
//! - [`specialize`]: guarded value specialization (a dispatcher over constant-argument copies);
//!   `gain`: which parameters a constant improves ([`Jit::parameter_gains`]).
//! - [`unrolljam`]: guarded unroll-and-jam of the specialized versions' loop nests (the pass is
//!   `cxx/unrolljam.cc`, run inside the tier pipeline).
//! - [`prefetch`]: software prefetch of the loads a specialization streams from pointer
//!   arguments (the pass is `cxx/prefetch.cc`, run at the end of the tier pipeline).
//! - [`selftest`]: the ORC self-test run by `bareflow orc-selftest` (Linux and unikernel).

mod cut;
mod error;
pub mod extract;
mod gain;
mod inlined;
pub mod jit;
mod llvm;
pub mod memsize;
pub mod osr;
pub mod pipeline;
pub mod prefetch;
mod revec;
pub mod selftest;
pub mod specialize;
pub mod symbols;
pub mod target;
pub mod unrolljam;

pub use error::{Error, Result};
pub use gain::Gain;
pub use jit::{
    BuiltObject, CodeId, CompileTimes, CompiledFunction, CompiledModule, Jit, JitConfig, ModuleId, OptimizedModule,
    Variant,
};
pub use memsize::MemVersion;
pub use osr::{OsrEntry, OsrSpec, OsrValue};
pub use pipeline::{BranchWeights, FunctionProfile, ProfileSummary};
pub use prefetch::{PREFETCH_BYTES, Prefetch};
pub use specialize::{Specialization, Version};
pub use symbols::{AddressMap, GlobalRef, HostLinks, NoHostLinks};
pub use target::{TargetConfig, TargetInfo, llvm_version};
pub use unrolljam::{Jam, JamOutcome};

use std::fmt;
use std::str::FromStr;

/// Optimization level of a tier: the IR pipeline `default<On>` and the matching codegen level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OptLevel {
    O0,
    O1,
    O2,
    O3,
}

impl OptLevel {
    /// All levels, lowest first.
    pub const ALL: [OptLevel; 4] = [OptLevel::O0, OptLevel::O1, OptLevel::O2, OptLevel::O3];

    /// 0..=3.
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for OptLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "O{}", self.number())
    }
}

impl FromStr for OptLevel {
    type Err = Error;

    /// Accepts `O0`..`O3`, `o2`, `-O3`, `2`.
    fn from_str(s: &str) -> Result<OptLevel> {
        let digits = s.trim_start_matches('-').trim_start_matches(['O', 'o']);
        match digits {
            "0" => Ok(OptLevel::O0),
            "1" => Ok(OptLevel::O1),
            "2" => Ok(OptLevel::O2),
            "3" => Ok(OptLevel::O3),
            _ => Err(Error::Input(format!("optimization level '{s}': expected O0, O1, O2 or O3"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_llvm_19() {
        assert!(llvm_version().starts_with("19."), "linked LLVM is {}", llvm_version());
    }

    #[test]
    fn opt_level_parses_and_prints() {
        assert_eq!("O3".parse::<OptLevel>().unwrap(), OptLevel::O3);
        assert_eq!("-O1".parse::<OptLevel>().unwrap(), OptLevel::O1);
        assert_eq!("2".parse::<OptLevel>().unwrap(), OptLevel::O2);
        assert_eq!(OptLevel::O0.to_string(), "O0");
        let err = "O4".parse::<OptLevel>().unwrap_err();
        assert!(err.message().contains("'O4'"), "{err}");
    }
}
