//! Size profiles of memory calls: for a function whose calls approach its next tier mark, per
//! `llvm.memcpy` / `llvm.memmove` / `llvm.memset` call site whose size is not a constant, the
//! first [`TOP_K`](super::TOP_K) distinct sizes with their counts and an "other" count. A site is
//! the call's position among the function's memory intrinsic calls (constant-size ones included)
//! in LLVM's block and instruction order, so the JIT finds the same call in the bitcode. Recorded
//! by `Op::MemSize`, which the lowering puts in front of each such call; the tier manager reads
//! the tables ([`Machine::mem_sizes`]) to version the calls by size.
//!
//! Unlike argument values, sizes are recorded at every interpreted execution of the call while
//! the function can still change tier (it has a tier mark): a function heated by its loops
//! reaches its tier marks in a few calls (heat counts back edges), so the calls near a mark
//! would see none of its copies. The record costs a few compares next to the interpreted copy
//! itself; the counts are halved whenever a site's total reaches [`DECAY_AT`], so the table
//! follows the recent sizes.

use super::values::TopK;

/// A site's recorded total at which its counts are halved.
pub const DECAY_AT: u64 = 1 << 16;
use crate::translate::Code;
use crate::vm::Machine;
use serde::Serialize;

/// The size table of one memory call site (as [`Machine::mem_sizes`] reports it).
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct MemSizes {
    /// The call's position among the function's memory intrinsic calls (0-based).
    pub site: u32,
    /// "memcpy", "memmove" or "memset".
    pub op: &'static str,
    /// `(size in bytes, calls)`, most frequent first.
    pub values: Vec<(u64, u64)>,
    /// Calls with a size not in `values`.
    pub other: u64,
}

impl MemSizes {
    /// Calls recorded at this site.
    pub fn total(&self) -> u64 {
        self.values.iter().map(|v| v.1).sum::<u64>() + self.other
    }
}

impl Machine {
    /// The size tables of `f`'s memory call sites with a variable size (empty: not profiled,
    /// i.e. no tiering, or its calls never came near a tier mark while it was interpreted).
    pub fn mem_sizes(&self, f: crate::isa::FuncId) -> Vec<MemSizes> {
        let Some(tables) = self.stats.get(f.index()).and_then(|s| s.mem_sizes.as_deref()) else {
            return Vec::new();
        };
        let ops = self.prog.funcs.get(f.index()).and_then(|e| e.code.as_deref()).map(|c| &c.mem_sites[..]);
        tables
            .iter()
            .enumerate()
            .filter(|(_, t)| t.used > 0)
            .map(|(site, t)| MemSizes {
                site: site as u32,
                op: ops.and_then(|o| o.get(site)).copied().unwrap_or("memcpy"),
                values: t.sorted(),
                other: t.other,
            })
            .collect()
    }

    /// Record size `n` at memory call site `site` of the running function (whose code is
    /// `code`), if the function has a tier mark (tiering is on and it may still change tier).
    pub(crate) fn note_mem_size(&mut self, code: &Code, site: u32, n: u64) {
        let Some(f) = self.frames.last().map(|fr| fr.func as usize) else { return };
        if self.tier_at.get(f).is_none_or(|&mark| mark == u64::MAX) {
            return;
        }
        let Some(st) = self.stats.get_mut(f) else { return };
        let tables = st.mem_sizes.get_or_insert_with(|| vec![TopK::default(); code.mem_sites.len()].into_boxed_slice());
        if let Some(t) = tables.get_mut(site as usize) {
            t.record(n);
            t.decay_at(DECAY_AT);
        }
    }
}
