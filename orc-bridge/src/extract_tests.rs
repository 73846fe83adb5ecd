//! The module cut against the whole-module clone it replaces: for every function of a module,
//! with and without the inliner's callee bodies, [`extract`] must give the module the earlier
//! extraction gave (clone the whole host-linked base, mark what is not kept
//! `available_externally`, `elim-avail-extern,globaldce,strip-dead-prototypes`, except that the
//! host constants keep their initializers: `available_externally` copies the optimizer reads). Modules are
//! compared as printed IR, with attribute groups and metadata written out where they are
//! referenced and the top-level entities sorted: the order of globals is not part of the meaning.
//! Inputs: selftest/cut.c and selftest/selftest.c (built by build.rs), plus every bitcode file named
//! in `ORC_BRIDGE_CUT_BITCODE` (absolute paths, colon-separated; for large programs, by hand).

use std::collections::{HashMap, HashSet};

use llvm_sys::comdat::LLVMSetComdat;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMVisibility};

use super::{HostLinkedBase, extract, host_linked_base};
use crate::llvm::{self, DiagnosticSink, OwnedModule};

const CUT_BITCODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cut.bc"));

/// An LLVM context for one test, disposed last (declare it before the modules it holds).
struct Context {
    raw: LLVMContextRef,
    sink: Box<DiagnosticSink>,
}

impl Context {
    fn new() -> Self {
        // SAFETY: a new context; the sink is boxed and lives as long as the context.
        unsafe {
            let raw = LLVMContextCreate();
            let sink = Box::<DiagnosticSink>::default();
            llvm::install_diagnostics(raw, &sink);
            Context { raw, sink }
        }
    }

    fn parse(&self, name: &str, bytes: &[u8]) -> OwnedModule {
        // SAFETY: `raw` is valid with `sink` installed.
        unsafe { llvm::parse_bitcode(self.raw, &self.sink, name, bytes) }.unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: every module of this context was dropped before (declared after it).
        unsafe { LLVMContextDispose(self.raw) }
    }
}

/// The earlier extraction: clone the whole base, then prune.
fn whole_clone_extract(base: &HostLinkedBase, function: &str, symbol: &str, keep_callee_bodies: bool) -> OwnedModule {
    let module = base.module.clone_module().unwrap();
    let m = module.raw();
    let target = super::named_function(m, function).unwrap().unwrap();
    let keep: HashSet<LLVMValueRef> = if keep_callee_bodies {
        super::direct_callees(target)
            .into_iter()
            .filter(|&c| {
                c != target
                    && !llvm::is_declaration(c)
                    && super::instruction_count(c) <= super::INLINE_CANDIDATE_MAX_INSTRUCTIONS
            })
            .collect()
    } else {
        HashSet::new()
    };
    for f in llvm::functions(m) {
        if f == target || llvm::is_declaration(f) {
            continue;
        }
        // SAFETY: `f` is a function definition of `m`.
        unsafe {
            LLVMSetComdat(f, std::ptr::null_mut());
            LLVMSetVisibility(f, LLVMVisibility::LLVMDefaultVisibility);
            let linkage = if keep.contains(&f) {
                LLVMLinkage::LLVMExternalLinkage
            } else {
                LLVMLinkage::LLVMAvailableExternallyLinkage
            };
            LLVMSetLinkage(f, linkage);
        }
    }
    // `elim-avail-extern` would also strip the host constants' initializers: they are external
    // while it runs, then `available_externally` again for `globaldce`.
    let constants: Vec<LLVMValueRef> = llvm::globals(m)
        .into_iter()
        // SAFETY: `g` is a global variable of `m`.
        .filter(|&g| unsafe { LLVMGetLinkage(g) } == LLVMLinkage::LLVMAvailableExternallyLinkage)
        .collect();
    for &g in &constants {
        // SAFETY: `g` is a global variable of `m`; only its linkage changes, restored below.
        unsafe { LLVMSetLinkage(g, LLVMLinkage::LLVMExternalLinkage) };
    }
    llvm::set_name(target, symbol);
    // SAFETY: `target` is a function definition of `m`.
    unsafe {
        LLVMSetComdat(target, std::ptr::null_mut());
        LLVMSetLinkage(target, LLVMLinkage::LLVMExternalLinkage);
        LLVMSetVisibility(target, LLVMVisibility::LLVMDefaultVisibility);
    }
    crate::pipeline::run_passes(&module, "elim-avail-extern", None).unwrap();
    for &g in &constants {
        // SAFETY: `g` is still a global variable of `m` (only function bodies were removed).
        unsafe { LLVMSetLinkage(g, LLVMLinkage::LLVMAvailableExternallyLinkage) };
    }
    crate::pipeline::run_passes(&module, "globaldce,strip-dead-prototypes", None).unwrap();
    for &f in &keep {
        // SAFETY: kept callees are function definitions of `m`.
        unsafe { LLVMSetLinkage(f, LLVMLinkage::LLVMAvailableExternallyLinkage) };
    }
    module
}

fn print(m: &OwnedModule) -> String {
    // SAFETY: valid module; the string is LLVM's and freed by take_message.
    unsafe { crate::error::take_message(LLVMPrintModuleToString(m.raw())) }
}

/// `text` with each `#N` / `!N` reference replaced by what it names (recursively, a cycle by
/// `!^`), so that numbering, which follows the order of globals, does not matter.
fn expand(
    text: &str,
    attrs: &HashMap<String, String>,
    mds: &HashMap<String, String>,
    path: &mut Vec<String>,
) -> String {
    let mut out = String::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
        if (c == b'#' || c == b'!') && digits > 0 && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let key = &text[i + 1..i + 1 + digits];
            if c == b'#' {
                out.push_str(&format!("#{{{}}}", attrs.get(key).map_or("?", String::as_str)));
            } else if path.iter().any(|p| p == key) {
                out.push_str("!^");
            } else {
                path.push(key.to_string());
                let body = mds.get(key).map_or_else(|| String::from("?"), |v| expand(v, attrs, mds, path));
                path.pop();
                out.push_str(&format!("!<{body}>"));
            }
            i += 1 + digits;
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The printed module as a sorted list of top-level entities with references written out.
fn canonical(m: &OwnedModule) -> Vec<String> {
    let text = print(m);
    let (mut attrs, mut mds) = (HashMap::new(), HashMap::new());
    let mut entities = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(body) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
            if line == "}" {
                entities.push(current.take().unwrap());
            }
        } else if let Some(rest) = line.strip_prefix("attributes #") {
            let (n, v) = rest.split_once(" = ").unwrap();
            attrs.insert(n.to_string(), v.to_string());
        } else if line.starts_with('!') && line.as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
            let (n, v) = line[1..].split_once(" = ").unwrap();
            mds.insert(n.to_string(), v.to_string());
        } else if line.starts_with("define ") {
            current = Some(format!("{line}\n"));
        } else if !line.is_empty() && !line.starts_with("; ModuleID") && !line.starts_with(';') {
            entities.push(line.to_string());
        }
    }
    let mut out: Vec<String> = entities.iter().map(|e| expand(e, &attrs, &mds, &mut Vec::new())).collect();
    out.sort();
    out
}

/// Compare both extractions of every function of `bytes`; returns how many modules were compared.
fn compare_all(name: &str, bytes: &[u8]) -> usize {
    let ctx = Context::new();
    let src = ctx.parse(name, bytes);
    let base = host_linked_base(&src).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut functions: Vec<String> = base.app_functions.iter().cloned().collect();
    functions.sort();
    let mut compared = 0;
    for f in &functions {
        for keep in [false, true] {
            let symbol = format!("{f}.bf.test");
            let ex = extract(&base, f, &symbol, keep).unwrap_or_else(|e| panic!("{name}: {f}: {e}"));
            llvm::verify(&ex.module).unwrap_or_else(|e| panic!("{name}: {f} (callee bodies {keep}): cut: {e}"));
            assert_eq!(llvm::name(ex.function), symbol);
            let reference = whole_clone_extract(&base, f, &symbol, keep);
            let (got, want) = (canonical(&ex.module), canonical(&reference));
            if got != want {
                let only_got: Vec<_> = got.iter().filter(|l| !want.contains(l)).collect();
                let only_want: Vec<_> = want.iter().filter(|l| !got.contains(l)).collect();
                panic!(
                    "{name}: {f} (callee bodies {keep}): the cut differs\nonly in the cut: {only_got:#?}\nonly in the whole-module clone: {only_want:#?}"
                );
            }
            compared += 1;
        }
    }
    compared
}

#[test]
fn cut_equals_whole_module_clone() {
    let n = compare_all("cut.bc", CUT_BITCODE);
    // Every function of cut.c, twice (an alias is not a function of its own).
    assert_eq!(n, 2 * 12, "functions compared");
    assert_eq!(compare_all("selftest.bc", crate::selftest::BITCODE), 2);
    for path in std::env::var("ORC_BRIDGE_CUT_BITCODE").unwrap_or_default().split(':').filter(|p| !p.is_empty()) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("ORC_BRIDGE_CUT_BITCODE: {path}: {e}"));
        let n = compare_all(path, &bytes);
        assert!(n > 0, "{path}: no function compared");
        println!("{path}: {n} cuts equal to the whole-module clone");
    }
}

#[test]
fn cut_keeps_only_what_is_reached() {
    let ctx = Context::new();
    let src = ctx.parse("cut.bc", CUT_BITCODE);
    let base = host_linked_base(&src).unwrap();
    let ex = extract(&base, "plus_one", "plus_one.bf.test", true).unwrap();
    let names: Vec<String> = llvm::functions(ex.module.raw()).into_iter().map(llvm::name).collect();
    assert_eq!(names, ["plus_one.bf.test"], "a leaf function's cut holds nothing else");
    assert!(llvm::globals(ex.module.raw()).is_empty());
    let ex = extract(&base, "sum_squares", "s.bf.test", true).unwrap();
    let m = ex.module.raw();
    let add = super::named_function(m, "add").unwrap().expect("add is an inline candidate");
    assert!(!llvm::is_declaration(add));
    // SAFETY: `add` is a function of `m`.
    assert_eq!(unsafe { LLVMGetLinkage(add) }, LLVMLinkage::LLVMAvailableExternallyLinkage);
    // A declaration keeps the base's linkage (the base refreshes `extern_weak` ones as external).
    let weak = super::named_function(m, "bf_maybe").unwrap().expect("the weak declaration is referenced");
    let in_base = super::named_function(base.module.raw(), "bf_maybe").unwrap().unwrap();
    // SAFETY: both are functions of valid modules, still alive here; reading a linkage changes nothing.
    let (cut_linkage, base_linkage) = unsafe { (LLVMGetLinkage(weak), LLVMGetLinkage(in_base)) };
    assert_eq!(cut_linkage, base_linkage);
    assert!(super::named_function(m, "mix").unwrap().is_none(), "an unrelated function stays out");
    assert!(super::extract(&base, "printf", "p", false).is_err(), "a declaration has no body to cut");
}

#[test]
fn loads_from_a_host_constant_fold_in_the_cut() {
    let ctx = Context::new();
    let src = ctx.parse("cut.bc", CUT_BITCODE);
    let base = host_linked_base(&src).unwrap();
    let ex = extract(&base, "square_of_five", "sq.bf.test", false).unwrap();
    let m = ex.module.raw();
    // The base's copy of `squares` (a host constant) comes with its initializer.
    let tables: Vec<LLVMValueRef> = llvm::globals(m);
    assert_eq!(tables.len(), 1, "the cut holds the one constant the body reads");
    // SAFETY: `tables[0]` is a global variable of `m`.
    unsafe {
        assert_eq!(LLVMGetLinkage(tables[0]), LLVMLinkage::LLVMAvailableExternallyLinkage);
        assert!(!LLVMGetInitializer(tables[0]).is_null(), "the constant keeps its initializer");
    }
    crate::pipeline::run_passes(&ex.module, "instcombine", None).unwrap();
    let text = print(&ex.module);
    let body = text.split("define ").nth(1).expect("the cut function");
    assert!(!body.contains("load"), "the load of squares[5] folds:\n{body}");
    assert!(body.contains("ret i32 25"), "squares[5] is 25:\n{body}");
}
