//! Software prefetch of the data a specialization's function streams (`cxx/prefetch.cc`, run at
//! the end of the O2/O3 tier pipeline by the pass runner): the loads of its innermost loops that
//! walk forward through memory from the named pointer parameters get a prefetch [`Prefetch::bytes`]
//! ahead. The tier asks for it when irvm's value tables show those pointers taking many
//! addresses (a new array each call: its rows come from memory, not from the cache); this is its
//! binding: the request on a function, the outcome read back, the key's part.

use llvm_sys::prelude::*;

/// Function attribute of a request (`"BYTES:P,P,..."`, read by the pass).
const REQUEST: &str = "bareflow-prefetch";
/// Function attribute the pass writes the number of prefetches it placed to.
const RESULT: &str = "bareflow-prefetch-result";

/// How far ahead of a streamed load its line is asked for: 2 KiB, the distance at which a
/// row-at-a-time matrix-vector product over 60 MB read at the rate of a plain read of the same
/// bytes on the project's machine (1 KiB: 0.93 of it, 4 KiB: 0.95; docs/performance.md).
pub const PREFETCH_BYTES: u32 = 2048;

/// A prefetch request: the loads based on pointer parameters `params` (0-based, ascending) get a
/// prefetch `bytes` ahead.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Prefetch {
    pub bytes: u32,
    pub params: Vec<u32>,
}

impl Prefetch {
    /// `pf=BYTES:P,P` (the specialization key's part).
    pub fn key(&self) -> String {
        format!("pf={}", self.value())
    }

    /// Read [`Prefetch::key`] back.
    pub fn from_key(text: &str) -> Option<Prefetch> {
        let (bytes, params) = text.strip_prefix("pf=")?.split_once(':')?;
        let params: Vec<u32> = params.split(',').map(|p| p.parse().ok()).collect::<Option<_>>()?;
        let p = Prefetch { bytes: bytes.parse().ok()?, params };
        (p.bytes > 0 && !p.params.is_empty() && p.params.windows(2).all(|w| w[0] < w[1])).then_some(p)
    }

    fn value(&self) -> String {
        let params: Vec<String> = self.params.iter().map(u32::to_string).collect();
        format!("{}:{}", self.bytes, params.join(","))
    }
}

/// Ask the tier pipeline to prefetch `f`'s streamed loads as `p` says (`f`: a function
/// definition of a live module).
pub(crate) fn request(f: LLVMValueRef, p: &Prefetch) {
    crate::llvm::set_function_attribute(f, REQUEST, &p.value());
}

/// Prefetches the pass placed in `f` (a function of a live module), if `f` asked.
pub(crate) fn outcome(f: LLVMValueRef) -> Option<u32> {
    crate::llvm::function_attribute(f, RESULT)?.parse().ok()
}

/// Prefetches placed in every function of `m` that asked (`(function name, count)`).
pub(crate) fn outcomes(m: LLVMModuleRef) -> Vec<(String, u32)> {
    crate::llvm::functions(m).into_iter().filter_map(|f| outcome(f).map(|n| (crate::llvm::name(f), n))).collect()
}

/// Prefetches placed in the function named `symbol` of `m`, if it asked.
pub(crate) fn outcome_of(m: LLVMModuleRef, symbol: &str) -> Option<u32> {
    crate::llvm::functions(m).into_iter().find(|&f| crate::llvm::name(f) == symbol).and_then(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_round_trips_and_rejects_what_is_not_one() {
        let p = Prefetch { bytes: 2048, params: vec![0, 2] };
        assert_eq!(p.key(), "pf=2048:0,2");
        assert_eq!(Prefetch::from_key("pf=2048:0,2"), Some(p));
        for bad in ["pf=2048:", "pf=0:1", "pf=2048:2,1", "pf=2048", "uj=4,0", "pf=x:1"] {
            assert_eq!(Prefetch::from_key(bad), None, "{bad}");
        }
    }
}
