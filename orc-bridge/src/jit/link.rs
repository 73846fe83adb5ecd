//! Linking into ORC: objects under their own ResourceTracker, symbol lookups in BareFlow's
//! JITDylib (blocking on ORC's asynchronous lookup), removal of old code, and the checks and
//! definitions of outside symbols that must precede linking.

use std::ffi::c_void;
use std::sync::{Condvar, Mutex};

use llvm_sys::core::*;
use llvm_sys::error::LLVMErrorRef;
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;

use super::{CodeId, Jit};
use crate::error::{Error, Result, check, cstring, one_line};
use crate::symbols::{self, HostLinks, HostSymbol};

impl Jit {
    /// Add a previously emitted object (e.g. from a snapshot cache): its `host_symbols` are
    /// resolved through `links` first. Returns the code handle; look symbols up afterwards.
    pub fn add_object(
        &mut self,
        name: &str,
        object: &[u8],
        host_symbols: &[String],
        links: &dyn HostLinks,
    ) -> Result<CodeId> {
        let what = format!("object '{name}'");
        let mut host = Vec::new();
        for s in host_symbols {
            host.push(
                HostSymbol::parse(s)
                    .ok_or_else(|| Error::Link(format!("{what}: '{s}' is not a __bf.* host symbol")))?,
            );
        }
        self.define_host_symbols(&host, links).map_err(|e| e.context(&what))?;
        self.add_object_bytes(object, name).map_err(|e| e.context(&what))
    }

    /// Address of a symbol defined in the JIT (compiled code or absolute symbol). Looking up a
    /// symbol of a freshly added object links it now; unresolved references fail here, named.
    pub fn lookup(&mut self, symbol: &str) -> Result<u64> {
        Ok(self.lookup_all(&[symbol])?[0])
    }

    /// Addresses of several symbols, in order, in one lookup: the objects that define them are
    /// linked in one go (a warm start's cached objects). Fails as a whole, naming the symbols.
    pub fn lookup_all(&mut self, symbols: &[&str]) -> Result<Vec<u64>> {
        type Found = std::result::Result<Vec<(LLVMOrcSymbolStringPoolEntryRef, u64)>, String>;
        struct Wait {
            result: Mutex<Option<Found>>,
            done: Condvar,
        }
        extern "C" fn on_result(err: LLVMErrorRef, pairs: LLVMOrcCSymbolMapPairs, n: usize, ctx: *mut c_void) {
            // SAFETY: `ctx` is the `Wait` below, alive until its result is set; `pairs` has `n`
            // entries when `err` is null.
            let (wait, r) = unsafe {
                let wait = &*(ctx as *const Wait);
                let r = match check(err) {
                    Ok(()) => Ok((0..n)
                        .map(|i| {
                            let p = &*pairs.add(i);
                            (p.Name, p.Sym.Address)
                        })
                        .collect()),
                    Err(e) => Err(e.message().to_string()),
                };
                (wait, r)
            };
            *wait.result.lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
            wait.done.notify_all();
        }

        let what = symbols.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
        let what = format!("symbol{} {what}", if symbols.len() > 1 { "s" } else { "" });
        let cnames = symbols.iter().map(|s| cstring("symbol", s)).collect::<Result<Vec<_>>>()?;
        self.session_errors.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let wait = Wait { result: Mutex::new(None), done: Condvar::new() };
        let mut order = [LLVMOrcCJITDylibSearchOrderElement {
            JD: self.jd,
            JDLookupFlags: LLVMOrcJITDylibLookupFlags::LLVMOrcJITDylibLookupFlagsMatchAllSymbols,
        }];
        // SAFETY: lljit is live; each interned name is retained once more for our own matching
        // below (the lookup takes ownership of the set's references).
        let names: Vec<LLVMOrcSymbolStringPoolEntryRef> =
            cnames.iter().map(|c| unsafe { LLVMOrcLLJITMangleAndIntern(self.lljit, c.as_ptr()) }).collect();
        let mut set: Vec<LLVMOrcCLookupSetElement> = names
            .iter()
            .map(|&name| {
                // SAFETY: a live pool entry; the extra reference is the lookup's.
                unsafe { LLVMOrcRetainSymbolStringPoolEntry(name) };
                LLVMOrcCLookupSetElement {
                    Name: name,
                    LookupFlags: LLVMOrcSymbolLookupFlags::LLVMOrcSymbolLookupFlagsRequiredSymbol,
                }
            })
            .collect();
        // SAFETY: arrays and `wait` outlive the lookup: we block below until the handler ran.
        unsafe {
            LLVMOrcExecutionSessionLookup(
                self.es,
                LLVMOrcLookupKind::LLVMOrcLookupKindStatic,
                order.as_mut_ptr(),
                order.len(),
                set.as_mut_ptr(),
                set.len(),
                on_result,
                &wait as *const Wait as *mut c_void,
            )
        };
        let mut guard = wait.result.lock().unwrap_or_else(|p| p.into_inner());
        while guard.is_none() {
            guard = wait.done.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
        let result = guard.take().unwrap_or_else(|| Err(String::from("lookup did not complete")));
        drop(guard);
        // The addresses in the order asked (ORC's map has its own order; names are interned, so
        // equal names are the same pool entry).
        let ordered = result.and_then(|found| {
            names
                .iter()
                .map(|n| {
                    found
                        .iter()
                        .find(|(m, _)| m == n)
                        .map(|&(_, a)| a)
                        .ok_or_else(|| String::from("lookup returned no address"))
                })
                .collect::<std::result::Result<Vec<u64>, String>>()
        });
        // SAFETY: releasing the references taken by MangleAndIntern above.
        names.iter().for_each(|&n| unsafe { LLVMOrcReleaseSymbolStringPoolEntry(n) });
        ordered.map_err(|msg| {
            let mut why = one_line(&msg);
            for e in self.session_errors.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
                if !why.contains(&e) {
                    why = format!("{why}; {e}");
                }
            }
            Error::Link(format!("{what}: {why}"))
        })
    }

    /// Free the code of one compilation (its symbols become undefined). The caller must make
    /// sure no frame is executing it and no slot points into it.
    pub fn remove(&mut self, code: CodeId) -> Result<()> {
        let rt = self
            .code
            .get_mut(code.0)
            .and_then(Option::take)
            .ok_or_else(|| Error::Link(format!("code #{} was already removed", code.0)))?;
        // SAFETY: `rt` is a tracker we created and still own; removing then releasing it.
        let r = check(unsafe { LLVMOrcResourceTrackerRemove(rt) });
        // SAFETY: see above.
        unsafe { LLVMOrcReleaseResourceTracker(rt) };
        r.map_err(|e| e.context(format!("removing code #{}", code.0)))
    }

    pub(super) fn check_runtime_references(&self, names: &[String]) -> Result<()> {
        let missing: Vec<&str> = names.iter().map(String::as_str).filter(|n| !self.defined.contains(n)).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::Link(format!(
                "unresolved symbol{} {}: not a runtime symbol given to the JIT (Jit::define_runtime_symbols)",
                if missing.len() > 1 { "s" } else { "" },
                missing.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
            )))
        }
    }

    pub(super) fn define_host_symbols(&mut self, host: &[HostSymbol], links: &dyn HostLinks) -> Result<()> {
        let mut wanted = Vec::new();
        for h in host {
            let name = h.symbol();
            if self.defined.get(&name).is_some() && !matches!(h, HostSymbol::Slot(_)) {
                continue;
            }
            wanted.push((name, h.resolve(links)?, h.is_callable()));
        }
        // SAFETY: lljit and jd are live.
        unsafe { symbols::define_absolute(self.lljit, self.jd, &mut self.defined, &wanted) }
    }

    pub(super) fn add_object_bytes(&mut self, object: &[u8], name: &str) -> Result<CodeId> {
        let cname = cstring("object name", name)?;
        // SAFETY: the buffer copies `object` and is handed to ORC (which then owns it); the
        // tracker is ours until `remove`.
        let (rt, err) = unsafe {
            let rt = LLVMOrcJITDylibCreateResourceTracker(self.jd);
            let buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(object.as_ptr().cast(), object.len(), cname.as_ptr());
            (rt, LLVMOrcLLJITAddObjectFileWithRT(self.lljit, rt, buf))
        };
        if let Err(e) = check(err) {
            // SAFETY: the tracker is ours and holds nothing.
            unsafe { LLVMOrcReleaseResourceTracker(rt) };
            return Err(e.context("adding the object to the JIT"));
        }
        self.code.push(Some(rt));
        Ok(CodeId(self.code.len() - 1))
    }
}
