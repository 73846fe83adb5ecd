//! The one place that resolves symbols. JIT code reaches three kinds of outside things:
//! - runtime functions/data an app may call (`malloc`, `printf`, `sqrtf`, `memcpy` …): an explicit
//!   name → address table supplied by the caller ([`crate::Jit::define_runtime_symbols`]);
//! - what the host owns in memory on behalf of the app (irvm allocates the app's globals
//!   and gives each function a canonical address and a call slot): [`HostLinks`], queried through
//!   the `__bf.*` symbols that extraction introduces (see [`HostSymbol`]);
//! - code compiled earlier in the same JIT (looked up by its symbol).
//!
//! Every outside address enters the JIT here as an ORC absolute symbol (LLVMOrcAbsoluteSymbols +
//! LLVMOrcJITDylibDefine) in BareFlow's own bare JITDylib. There is no dlsym/process-symbol
//! generator: a name nobody defined is a link error naming it.

use std::collections::HashMap;

/// A global variable of the source module, as extraction names it: its index in the module's
/// global list (stable for the same bitcode) and its name (empty for unnamed globals such as
/// `@0`). Private string literals (`@.str.3`) are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalRef<'a> {
    pub index: u32,
    pub name: &'a str,
}

/// Addresses the host owns (for the tier manager, irvm's): the JIT code of an extracted function reads and writes the
/// SAME globals as the interpreter and calls other app functions through the host's pointers.
pub trait HostLinks {
    /// Address of a global variable defined by the source module (in host memory, with at least
    /// the global's IR alignment). `None` = not available (compilation fails naming it).
    fn global(&self, global: GlobalRef<'_>) -> Option<u64>;

    /// Canonical address of an app function defined by the source module: used where its
    /// address is taken (function pointers must be equal in every tier) and for direct calls when
    /// there is no call slot. Typically a stub that enters the interpreter or jumps to native code.
    fn function(&self, name: &str) -> Option<u64>;

    /// Address of the function's call slot: a pointer-sized cell holding the code to call now.
    /// When `Some`, calls load the slot and call through it, so a re-tiered callee is picked up by
    /// the next call without recompiling the caller. Default: no slots (direct calls).
    fn call_slot(&self, _name: &str) -> Option<u64> {
        None
    }

    /// Address of the function's guard-counter array (`specialize::GUARD_COUNTERS` u64 words,
    /// 8-aligned, alive as long as any specialized code of it): where a specialized dispatcher
    /// counts hits and misses. Default: none (specialized code cannot be linked).
    fn guard_counters(&self, _name: &str) -> Option<u64> {
        None
    }
}

/// No host links: for self-contained code (whole modules, functions that touch no app global
/// and call no other app function).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHostLinks;

impl HostLinks for NoHostLinks {
    fn global(&self, _: GlobalRef<'_>) -> Option<u64> {
        None
    }
    fn function(&self, _: &str) -> Option<u64> {
        None
    }
}

/// A simple table implementation of [`HostLinks`]: globals by name (unnamed ones as `#<index>`),
/// functions and call slots by name.
#[derive(Debug, Clone, Default)]
pub struct AddressMap {
    pub globals: HashMap<String, u64>,
    pub functions: HashMap<String, u64>,
    pub call_slots: HashMap<String, u64>,
}

impl HostLinks for AddressMap {
    fn global(&self, g: GlobalRef<'_>) -> Option<u64> {
        if g.name.is_empty() {
            self.globals.get(&format!("#{}", g.index)).copied()
        } else {
            self.globals.get(g.name).copied()
        }
    }
    fn function(&self, name: &str) -> Option<u64> {
        self.functions.get(name).copied()
    }
    fn call_slot(&self, name: &str) -> Option<u64> {
        self.call_slots.get(name).copied()
    }
}

/// The symbols extraction introduces for host-owned things. Their spelling is stable (same
/// bitcode → same names), so a cached object (the snapshot's object cache) can be relinked against a new run's
/// addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostSymbol {
    /// `__bf.gv.<index>` or `__bf.gv.<index>.<name>`: a global variable in host memory.
    Global { index: u32, name: String },
    /// `__bf.fn.<name>`: the canonical address of an app function.
    Function(String),
    /// `__bf.slot.<name>`: the call slot of an app function.
    Slot(String),
    /// `__bf.guards.<name>`: the guard-counter array of a specialized function
    /// (`specialize::GUARD_COUNTERS` words).
    Guards(String),
}

const GV: &str = "__bf.gv.";
const FN: &str = "__bf.fn.";
const SLOT: &str = "__bf.slot.";
const GUARDS: &str = "__bf.guards.";

impl HostSymbol {
    /// The symbol name in the JIT.
    pub fn symbol(&self) -> String {
        match self {
            HostSymbol::Global { index, name } if name.is_empty() => format!("{GV}{index}"),
            HostSymbol::Global { index, name } => format!("{GV}{index}.{name}"),
            HostSymbol::Function(name) => format!("{FN}{name}"),
            HostSymbol::Slot(name) => format!("{SLOT}{name}"),
            HostSymbol::Guards(name) => format!("{GUARDS}{name}"),
        }
    }

    /// Parse a symbol name; `None` for anything that is not a `__bf.*` host symbol.
    pub fn parse(symbol: &str) -> Option<HostSymbol> {
        if let Some(rest) = symbol.strip_prefix(GV) {
            let (index, name) = rest.split_once('.').unwrap_or((rest, ""));
            return Some(HostSymbol::Global { index: index.parse().ok()?, name: name.to_string() });
        }
        if let Some(name) = symbol.strip_prefix(FN) {
            return Some(HostSymbol::Function(name.to_string()));
        }
        if let Some(name) = symbol.strip_prefix(GUARDS) {
            return Some(HostSymbol::Guards(name.to_string()));
        }
        symbol.strip_prefix(SLOT).map(|name| HostSymbol::Slot(name.to_string()))
    }

    /// Whether code refers to this symbol as a function (ORC's `Callable` flag).
    pub fn is_callable(&self) -> bool {
        matches!(self, HostSymbol::Function(_))
    }

    /// Ask the host for the address. The error names the symbol and the kind of thing missing.
    pub fn resolve(&self, links: &dyn HostLinks) -> crate::Result<u64> {
        let (addr, what) = match self {
            HostSymbol::Global { index, name } => {
                (links.global(GlobalRef { index: *index, name }), format!("global #{index} '{name}'"))
            }
            HostSymbol::Function(name) => (links.function(name), format!("function '{name}'")),
            HostSymbol::Slot(name) => (links.call_slot(name), format!("call slot of '{name}'")),
            HostSymbol::Guards(name) => (links.guard_counters(name), format!("guard counters of '{name}'")),
        };
        addr.ok_or_else(|| crate::Error::Link(format!("the host gave no address for {what}")))
    }
}

/// What the JIT's JITDylib already defines: name → (address, callable). Re-defining a name with
/// the same address is a no-op; with a different address it is an error (ORC symbols are final).
#[derive(Debug, Default)]
pub(crate) struct Defined(HashMap<String, u64>);

impl Defined {
    /// Filter `wanted` down to the names that still need a definition; error on a conflict.
    pub(crate) fn new_definitions<'a>(
        &self,
        wanted: &'a [(String, u64, bool)],
    ) -> crate::Result<Vec<&'a (String, u64, bool)>> {
        let mut out = Vec::new();
        for w in wanted {
            match self.0.get(&w.0) {
                Some(&a) if a == w.1 => {}
                Some(&a) => {
                    return Err(crate::Error::Link(format!(
                        "symbol '{}' is already defined at {a:#x}; cannot redefine it at {:#x}",
                        w.0, w.1
                    )));
                }
                None => out.push(w),
            }
        }
        Ok(out)
    }

    pub(crate) fn record(&mut self, name: &str, addr: u64) {
        self.0.insert(name.to_string(), addr);
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<u64> {
        self.0.get(name).copied()
    }
}

/// Define `wanted` (name, address, callable) as absolute symbols in `jd`, skipping names already
/// defined at the same address. This is the only place addresses enter the JIT.
///
/// # Safety
/// `j` must be a live LLJIT and `jd` one of its JITDylibs.
pub(crate) unsafe fn define_absolute(
    j: llvm_sys::orc2::lljit::LLVMOrcLLJITRef,
    jd: llvm_sys::orc2::LLVMOrcJITDylibRef,
    defined: &mut Defined,
    wanted: &[(String, u64, bool)],
) -> crate::Result<()> {
    use llvm_sys::orc2::lljit::LLVMOrcLLJITMangleAndIntern;
    use llvm_sys::orc2::*;

    let todo = defined.new_definitions(wanted)?;
    if todo.is_empty() {
        return Ok(());
    }
    let mut pairs = Vec::with_capacity(todo.len());
    for (name, addr, callable) in &todo {
        let cname = crate::error::cstring("symbol", name)?;
        let mut flags = LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8;
        if *callable {
            flags |= LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8;
        }
        pairs.push(LLVMOrcCSymbolMapPair {
            // SAFETY: `j` is live (caller contract); the returned entry is retained for us and its
            // ownership passes to LLVMOrcAbsoluteSymbols below.
            Name: unsafe { LLVMOrcLLJITMangleAndIntern(j, cname.as_ptr()) },
            Sym: LLVMJITEvaluatedSymbol {
                Address: *addr,
                Flags: LLVMJITSymbolFlags { GenericFlags: flags, TargetFlags: 0 },
            },
        });
    }
    // SAFETY: `pairs` holds retained names (ownership moves into the unit); `jd` is live. On
    // failure the unit is still ours and we dispose it.
    unsafe {
        let mu = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
        let err = LLVMOrcJITDylibDefine(jd, mu);
        if !err.is_null() {
            LLVMOrcDisposeMaterializationUnit(mu);
            return crate::error::check(err).map_err(|e| e.context("defining absolute symbols"));
        }
    }
    for (name, addr, _) in todo {
        defined.record(name, *addr);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_symbols_round_trip() {
        for s in [
            HostSymbol::Global { index: 3, name: String::new() },
            HostSymbol::Global { index: 7, name: ".str.1".into() },
            HostSymbol::Function("forward".into()),
            HostSymbol::Slot("matmul".into()),
        ] {
            assert_eq!(HostSymbol::parse(&s.symbol()), Some(s.clone()));
        }
        assert_eq!(HostSymbol::parse("printf"), None);
        assert_eq!(HostSymbol::parse("__bf.gv.x"), None);
    }

    #[test]
    fn address_map_finds_unnamed_globals_by_index() {
        let mut m = AddressMap::default();
        m.globals.insert("#4".into(), 0x1000);
        m.globals.insert("table".into(), 0x2000);
        assert_eq!(m.global(GlobalRef { index: 4, name: "" }), Some(0x1000));
        assert_eq!(m.global(GlobalRef { index: 9, name: "table" }), Some(0x2000));
        let err = HostSymbol::Function("g".into()).resolve(&m).unwrap_err();
        assert!(err.message().contains("function 'g'"), "{err}");
    }

    #[test]
    fn redefinition_with_another_address_is_refused() {
        let mut d = Defined::default();
        d.record("x", 1);
        let wanted = vec![("x".to_string(), 1, false), ("y".to_string(), 2, true)];
        assert_eq!(d.new_definitions(&wanted).unwrap().len(), 1);
        let bad = vec![("x".to_string(), 5, false)];
        assert!(d.new_definitions(&bad).is_err());
    }
}
