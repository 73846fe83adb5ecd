//! Addresses shared by the interpreter and JIT code: irvm's globals, one canonical address per
//! app function (irvm's native-callable thunk, valid in every tier) and one call slot per function
//! (the code to call now: the thunk, then the newest tier's native code). Also the symbol
//! resolver chain used by irvm: the tier C API, the platform table, then (Linux) dlsym.

use irvm::{FuncId, Machine};
use orc_bridge::specialize::GUARD_COUNTERS;
use orc_bridge::{GlobalRef, HostLinks};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Host links of one program (built once, before the run).
pub struct Links {
    /// Address of each global by its index in the module's global list.
    pub globals: Vec<u64>,
    pub globals_by_name: HashMap<String, u64>,
    /// Canonical address (thunk) of each defined function, by name.
    pub canonical: HashMap<String, u64>,
    /// Each defined function, by name.
    pub index: HashMap<String, FuncId>,
    /// One call slot per function-table index (boxed: addresses must not move).
    pub slots: Box<[u64]>,
    /// One guard-counter array per function-table index, for its specialized dispatcher
    /// (hits per version, then misses; boxed: addresses must not move).
    pub guards: Box<[[u64; GUARD_COUNTERS]]>,
}

impl Links {
    /// Lay out links for `m`'s program. Binds a thunk for every defined function.
    pub fn new(m: &mut Machine) -> Result<Links, irvm::Error> {
        let mut globals = Vec::new();
        let mut globals_by_name = HashMap::new();
        for (n, a) in m.global_addresses() {
            globals.push(a);
            if !n.is_empty() {
                globals_by_name.insert(n, a);
            }
        }
        let mut canonical = HashMap::new();
        let mut index = HashMap::new();
        let mut slots = vec![0u64; m.function_count()].into_boxed_slice();
        for f in m.defined_functions().collect::<Vec<_>>() {
            let addr = m.function_address(f)? as u64;
            let name = m.name(f).to_string();
            canonical.insert(name.clone(), addr);
            index.insert(name, f);
            slots[f.index()] = addr;
        }
        let guards = vec![[0u64; GUARD_COUNTERS]; m.function_count()].into_boxed_slice();
        Ok(Links { globals, globals_by_name, canonical, index, slots, guards })
    }
}

impl Links {
    /// The guard counters of `f` now (written by its specialized dispatcher).
    pub fn guard_counts(&self, f: FuncId) -> [u64; GUARD_COUNTERS] {
        let p = self.guards[f.index()].as_ptr();
        // SAFETY: `p` points at GUARD_COUNTERS aligned u64 words owned by `self.guards` (never
        // moved); JIT code writes them through the same address, hence volatile reads.
        std::array::from_fn(|k| unsafe { std::ptr::read_volatile(p.add(k)) })
    }

    /// Zero the guard counters of `f` (before a new specialization of it is linked).
    pub fn reset_guards(&mut self, f: FuncId) {
        for w in self.guards[f.index()].iter_mut() {
            // SAFETY: `w` is an aligned word of `self.guards` (never moved); atomic because JIT
            // code of the program's other threads may be counting in it (those counts are lost).
            unsafe { AtomicU64::from_ptr(w) }.store(0, Ordering::Relaxed);
        }
    }

    /// Make `address` the code JIT callers of `f` call from now on. One atomic store: a thread
    /// of the program reading the slot meanwhile calls either the old code or the new, both
    /// valid (compiled code is never freed while the program runs).
    pub fn publish(&mut self, f: FuncId, address: u64) {
        // SAFETY: an aligned word of `self.slots` (boxed, never moved), which JIT code only reads.
        unsafe { AtomicU64::from_ptr(&mut self.slots[f.index()]) }.store(address, Ordering::Release);
    }
}

impl HostLinks for Links {
    fn global(&self, g: GlobalRef<'_>) -> Option<u64> {
        let by_index = self.globals.get(g.index as usize).copied().filter(|a| *a != 0);
        by_index.or_else(|| self.globals_by_name.get(g.name).copied())
    }

    fn function(&self, name: &str) -> Option<u64> {
        self.canonical.get(name).copied()
    }

    fn call_slot(&self, name: &str) -> Option<u64> {
        let f = *self.index.get(name)?;
        Some(&self.slots[f.index()] as *const u64 as u64)
    }

    fn guard_counters(&self, name: &str) -> Option<u64> {
        // The dispatcher's loads and stores go through this address; the host reads it with
        // `Links::guard_counts`.
        let f = *self.index.get(name)?;
        Some(self.guards[f.index()].as_ptr() as u64)
    }
}

/// irvm's resolver: explicit tables first (the tier C API, [`crate::api::table`], and the
/// platform's: runtime.h, core-rt's exports), then the fallback (dlsym on Linux). The driver
/// builds the platform's chain.
pub struct ChainResolver {
    pub table: HashMap<&'static str, usize>,
    pub fallback: Option<Box<dyn irvm::Resolver>>,
}

impl irvm::Resolver for ChainResolver {
    fn resolve(&self, name: &str) -> Option<usize> {
        if let Some(a) = self.table.get(name) {
            return Some(*a);
        }
        self.fallback.as_ref().and_then(|f| f.resolve(name))
    }
}
