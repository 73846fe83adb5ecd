//! orc-bridge against real clang-19 bitcode and inkwell-built IR: tiers agree, explicit runtime
//! symbols, host-owned globals and call slots (the tier manager's shape), object re-use (run snapshots), and
//! clean errors for unresolved symbols and malformed bitcode.

mod common;

use std::collections::HashMap;
use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::Relaxed;

use inkwell::context::Context;
use orc_bridge::{
    AddressMap, BranchWeights, FunctionProfile, Jit, JitConfig, MemVersion, NoHostLinks, OptLevel, ProfileSummary,
    Specialization, Version,
};

const KERNELS: &str = r#"
#include <stdint.h>
int64_t collatz_total(int64_t n) {
    int64_t total = 0;
    for (int64_t i = 1; i <= n; i++) {
        int64_t x = i;
        while (x != 1) { x = (x & 1) ? 3 * x + 1 : x / 2; total++; }
    }
    return total;
}
double dot(const double *a, const double *b, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
"#;

/// Rust version of `collatz_total` in KERNELS.
fn collatz_total(n: i64) -> i64 {
    (1..=n)
        .map(|i| {
            let (mut x, mut steps) = (i, 0);
            while x != 1 {
                x = if x & 1 == 1 { 3 * x + 1 } else { x / 2 };
                steps += 1;
            }
            steps
        })
        .sum()
}

fn jit() -> Jit {
    Jit::new(&JitConfig::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn o0_and_o3_agree_on_clang_bitcode() {
    let bc = common::c_to_bitcode("kernels", KERNELS);
    let mut jit = jit();
    let m = jit.load_bitcode("kernels.bc", &bc).unwrap();
    assert_eq!(jit.defined_functions(m), ["collatz_total", "dot"]);

    let a: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5).collect();
    let b: Vec<f64> = (0..1000).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let mut results = Vec::new();
    for level in OptLevel::ALL {
        let c = jit.compile_function(m, "collatz_total", level, &NoHostLinks, None).unwrap();
        // SAFETY: collatz_total is int64_t(int64_t).
        let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(c.address as usize) };
        let d = jit.compile_function(m, "dot", level, &NoHostLinks, None).unwrap();
        // SAFETY: dot is double(const double*, const double*, int).
        let g: extern "C" fn(*const f64, *const f64, i32) -> f64 = unsafe { std::mem::transmute(d.address as usize) };
        assert!(c.times.total() > std::time::Duration::ZERO);
        assert!(c.object.starts_with(b"\x7fELF"), "an ELF object is returned for caching");
        results.push((f(10_000), g(a.as_ptr(), b.as_ptr(), 1000)));
    }
    let expected_collatz = collatz_total(10_000);
    let expected_dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    for (level, (c, d)) in OptLevel::ALL.iter().zip(&results) {
        assert_eq!(*c, expected_collatz, "collatz at {level}");
        // O2/O3 may vectorize the reduction (reassociation is not allowed without fast-math,
        // so results must be bit-identical).
        assert_eq!(d.to_bits(), expected_dot.to_bits(), "dot at {level}");
    }
}

extern "C" fn host_square_plus(x: i32) -> i32 {
    x * x + 1000
}

#[test]
fn calls_a_host_function_given_as_an_explicit_symbol() {
    // IR built with inkwell: i32 twice_host(i32 x) { return host_square_plus(x) * 2; }
    let ctx = Context::create();
    let module = ctx.create_module("hostcall");
    let i32t = ctx.i32_type();
    let fnty = i32t.fn_type(&[i32t.into()], false);
    let host = module.add_function("host_square_plus", fnty, None);
    let f = module.add_function("twice_host", fnty, None);
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(f, "entry"));
    let x = f.get_nth_param(0).unwrap().into_int_value();
    let r = b.build_call(host, &[x.into()], "r").unwrap().try_as_basic_value().basic().unwrap().into_int_value();
    let two = b.build_int_mul(r, i32t.const_int(2, false), "two").unwrap();
    b.build_return(Some(&two)).unwrap();
    let bc = module.write_bitcode_to_memory();

    let mut jit = jit();
    jit.define_runtime_symbols(&[("host_square_plus", host_square_plus as *const () as u64)]).unwrap();
    let m = jit.load_bitcode("hostcall.bc", bc.as_slice()).unwrap();
    for level in [OptLevel::O0, OptLevel::O3] {
        let c = jit.compile_function(m, "twice_host", level, &NoHostLinks, None).unwrap();
        // SAFETY: twice_host is i32(i32).
        let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(c.address as usize) };
        assert_eq!(f(7), (49 + 1000) * 2, "at {level}");
    }
}

#[test]
fn unresolved_symbol_is_a_clean_error_naming_it() {
    let bc = common::c_to_bitcode(
        "unresolved",
        "extern int not_provided(int); int uses_it(int x) { return not_provided(x) + 1; }",
    );
    let mut jit = jit();
    let m = jit.load_bitcode("unresolved.bc", &bc).unwrap();
    assert_eq!(jit.external_names(m), ["not_provided"]);
    let err = jit.compile_function(m, "uses_it", OptLevel::O2, &NoHostLinks, None).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("'not_provided'"), "{msg}");
    assert!(msg.contains("function 'uses_it'") && msg.contains("unresolved.bc") && msg.contains("O2"), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");

    // A missing function or a declaration-only name are errors too, and the JIT stays usable.
    let err = jit.compile_function(m, "nope", OptLevel::O0, &NoHostLinks, None).unwrap_err();
    assert!(err.to_string().contains("function 'nope'"), "{err}");
    let err = jit.compile_function(m, "not_provided", OptLevel::O0, &NoHostLinks, None).unwrap_err();
    assert!(err.to_string().contains("only declares"), "{err}");
    let err = jit.lookup("never_defined").unwrap_err();
    assert!(err.to_string().contains("never_defined"), "{err}");
}

#[test]
fn unresolved_libcall_from_codegen_fails_at_link_not_abort() {
    // 128-bit division becomes a call to `__divti3` only during instruction selection, so the IR
    // check cannot see it; JITLink reports it when the object is linked.
    let bc = common::c_to_bitcode("libcall", "__int128 quot(__int128 a, __int128 b) { return a / b; }");
    let mut jit = jit();
    let m = jit.load_bitcode("libcall.bc", &bc).unwrap();
    let err = jit.compile_function(m, "quot", OptLevel::O1, &NoHostLinks, None).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("__divti3") && msg.contains("function 'quot'"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");

    extern "C" fn my_divti3(a: i128, b: i128) -> i128 {
        a / b
    }
    jit.define_runtime_symbols(&[("__divti3", my_divti3 as *const () as u64)]).unwrap();
    let c = jit.compile_function(m, "quot", OptLevel::O1, &NoHostLinks, None).unwrap();
    // SAFETY: quot is __int128(__int128, __int128), the same ABI as Rust's i128 on x86-64.
    let f: extern "C" fn(i128, i128) -> i128 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(f(1 << 100, 3), (1i128 << 100) / 3);
}

#[test]
fn malformed_bitcode_is_a_clean_error() {
    let mut jit = jit();
    let err = jit.load_bitcode("garbage.bc", b"definitely not bitcode").unwrap_err();
    assert!(err.to_string().contains("module 'garbage.bc'"), "{err}");

    let good = common::c_to_bitcode("trunc", KERNELS);
    for cut in [8, good.len() / 3, good.len() - 5] {
        let err = jit.load_bitcode("truncated.bc", &good[..cut]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("module 'truncated.bc'") && msg.contains("malformed bitcode"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }
    let mut flipped = good.clone();
    for i in (40..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5a;
    }
    assert!(jit.load_bitcode("flipped.bc", &flipped).is_err());
    // Still usable after the failures.
    let m = jit.load_bitcode("good.bc", &good).unwrap();
    jit.compile_function(m, "collatz_total", OptLevel::O0, &NoHostLinks, None).unwrap();
}

/// The tier manager's shape: the "interpreter" (this test) owns the globals in real memory and the call
/// slots; the JIT code must use the SAME memory and call through the slots.
const HOST_OWNED: &str = r#"
int counter = 5;
static const int table[4] = {10, 20, 30, 40};
const char *greeting = "hi";
int helper(int x) { return x * 3; }
int bump(int x) { counter += x; return counter + table[x & 3]; }
int calls_helper(int x) { return helper(x) + 1; }
typedef int (*fnp)(int);
fnp helper_address(void) { return &helper; }
char first_char(void) { return greeting[0]; }
"#;

static mut CALLS_TO_SLOT_A: i32 = 0;
extern "C" fn slot_a(x: i32) -> i32 {
    // SAFETY: tests in this file that touch this counter run in one thread (this test only).
    unsafe { CALLS_TO_SLOT_A += 1 };
    x * 3
}
extern "C" fn slot_b(x: i32) -> i32 {
    -x
}
extern "C" fn canonical_helper(x: i32) -> i32 {
    x * 3
}

#[test]
fn extracted_functions_use_host_globals_and_call_slots() {
    let bc = common::c_to_bitcode("hostowned", HOST_OWNED);
    let mut jit = jit();
    let m = jit.load_bitcode("hostowned.bc", &bc).unwrap();

    // Host memory for the module's globals (what irvm would allocate).
    // (Atomic: JIT code writes it through its address, behind Rust's back.)
    let counter = Box::new(AtomicI32::new(5));
    let table: Box<[i32; 4]> = Box::new([10, 20, 30, 40]);
    let hi = b"hi\0";
    let greeting: Box<*const u8> = Box::new(hi.as_ptr());
    let slot: Box<u64> = Box::new(slot_a as *const () as u64);
    let mut links = AddressMap::default();
    links.globals.insert("counter".into(), counter.as_ptr() as u64);
    links.globals.insert("table".into(), table.as_ptr() as u64);
    links.globals.insert("greeting".into(), &*greeting as *const *const u8 as u64);
    links.globals.insert(".str".into(), hi.as_ptr() as u64);
    links.functions.insert("helper".into(), canonical_helper as *const () as u64);
    links.call_slots.insert("helper".into(), &*slot as *const u64 as u64);

    for level in OptLevel::ALL {
        let c = jit.compile_function(m, "bump", level, &links, None).unwrap_or_else(|e| panic!("{e}"));
        // SAFETY: bump is int(int).
        let bump: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(c.address as usize) };
        let before = counter.load(Relaxed);
        assert_eq!(bump(2), before + 2 + 30, "at {level}");
        assert_eq!(counter.load(Relaxed), before + 2, "the JIT code wrote the host's counter at {level}");
        assert!(c.host_symbols.iter().any(|s| s.ends_with(".counter")), "{:?}", c.host_symbols);
    }

    // At O0 the call to `helper` goes through its slot: re-pointing the slot re-targets it.
    let c = jit.compile_function(m, "calls_helper", OptLevel::O0, &links, None).unwrap();
    // SAFETY: calls_helper is int(int).
    let calls_helper: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(calls_helper(4), 13);
    // SAFETY: single-threaded use of the counter in this test.
    assert_eq!(unsafe { CALLS_TO_SLOT_A }, 1);
    let slot_addr = &*slot as *const u64 as *mut u64;
    // SAFETY: the slot is our own live allocation; JIT code only reads it.
    unsafe { slot_addr.write_volatile(slot_b as *const () as u64) };
    assert_eq!(calls_helper(4), -3, "next call goes to the re-pointed slot");

    // At O3 helper's body was visible to the inliner: no call through the slot remains.
    // SAFETY: as above.
    unsafe { slot_addr.write_volatile(slot_a as *const () as u64) };
    let c3 = jit.compile_function(m, "calls_helper", OptLevel::O3, &links, None).unwrap();
    // SAFETY: calls_helper is int(int).
    let calls_helper3: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(c3.address as usize) };
    assert_eq!(calls_helper3(4), 13);
    // SAFETY: single-threaded use of the counter in this test.
    let calls = unsafe { CALLS_TO_SLOT_A };
    assert_eq!(calls, 1, "O3 inlined helper instead of calling the slot");
    assert!(!c3.host_symbols.iter().any(|s| s.starts_with("__bf.slot.")), "{:?}", c3.host_symbols);
    // The compile says so (the dead-code record counts helper as run when calls_helper runs).
    assert_eq!(c3.inlined, ["helper"], "O3 reports the inlined body");
    assert!(c.inlined.is_empty(), "O0 inlines nothing: {:?}", c.inlined);

    // Taking a function's address yields the host's canonical address at every tier.
    for level in [OptLevel::O0, OptLevel::O3] {
        let c = jit.compile_function(m, "helper_address", level, &links, None).unwrap();
        // SAFETY: helper_address returns a function pointer.
        let f: extern "C" fn() -> u64 = unsafe { std::mem::transmute(c.address as usize) };
        assert_eq!(f(), canonical_helper as *const () as u64, "at {level}");
    }

    // A pointer global pointing at a string literal, both in host memory.
    let c = jit.compile_function(m, "first_char", OptLevel::O2, &links, None).unwrap();
    // SAFETY: first_char is char(void).
    let f: extern "C" fn() -> u8 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(f(), b'h');

    // A global the host does not provide is an error naming it.
    let mut partial = links.clone();
    partial.globals.remove("counter");
    let mut jit2 = self::jit();
    let m2 = jit2.load_bitcode("hostowned.bc", &bc).unwrap();
    let err = jit2.compile_function(m2, "bump", OptLevel::O1, &partial, None).unwrap_err();
    assert!(err.to_string().contains("'counter'"), "{err}");
}

/// Host links giving HOST_OWNED's `counter` and `table` the host's copies.
fn counter_and_table(counter: &AtomicI32, table: &[i32; 4]) -> AddressMap {
    let mut links = AddressMap::default();
    links.globals.insert("counter".into(), counter.as_ptr() as u64);
    links.globals.insert("table".into(), table.as_ptr() as u64);
    links
}

#[test]
fn compiled_objects_can_be_added_again_in_a_new_jit() {
    let bc = common::c_to_bitcode("cache", HOST_OWNED);
    let (counter, table) = (Box::new(AtomicI32::new(100)), Box::new([1i32, 2, 3, 4]));
    let links = counter_and_table(&counter, &table);

    let compiled = {
        let mut jit = jit();
        let m = jit.load_bitcode("cache.bc", &bc).unwrap();
        jit.compile_function(m, "bump", OptLevel::O3, &links, None).unwrap()
    };
    let mut jit = jit();
    let code = jit.add_object("bump.o", &compiled.object, &compiled.host_symbols, &links).unwrap();
    let addr = jit.lookup(&compiled.symbol).unwrap();
    // SAFETY: bump is int(int).
    let bump: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(addr as usize) };
    assert_eq!(bump(1), 101 + 2);
    assert_eq!(counter.load(Relaxed), 101);
    jit.remove(code).unwrap();
    assert!(jit.lookup(&compiled.symbol).is_err(), "removed code is gone");
}

#[test]
fn cached_objects_link_in_one_lookup_and_a_bad_one_fails_it_by_name() {
    let bc = common::c_to_bitcode("batch", HOST_OWNED);
    let (counter, table) = (Box::new(AtomicI32::new(100)), Box::new([1i32, 2, 3, 4]));
    let links = counter_and_table(&counter, &table);
    let (bump, helper) = {
        let mut jit = jit();
        let m = jit.load_bitcode("batch.bc", &bc).unwrap();
        (
            jit.compile_function(m, "bump", OptLevel::O2, &links, None).unwrap(),
            jit.compile_function(m, "helper", OptLevel::O2, &links, None).unwrap(),
        )
    };

    // Both objects linked by one lookup; addresses come back in the order asked.
    let mut both = jit();
    both.add_object("helper.o", &helper.object, &helper.host_symbols, &links).unwrap();
    both.add_object("bump.o", &bump.object, &bump.host_symbols, &links).unwrap();
    let a = both.lookup_all(&[&bump.symbol, &helper.symbol]).unwrap();
    type IntFn = extern "C" fn(i32) -> i32;
    // SAFETY: bump and helper are int(int), and the JIT that owns their code lives to the end of the test.
    let (bump_fn, helper_fn) = unsafe {
        (std::mem::transmute::<usize, IntFn>(a[0] as usize), std::mem::transmute::<usize, IntFn>(a[1] as usize))
    };
    assert_eq!(bump_fn(1), 101 + 2);
    assert_eq!(helper_fn(5), 15);

    // An object whose host symbols were not defined cannot link: the whole lookup fails, naming
    // the symbols and what is missing; the good object still links on its own.
    let mut bad = jit();
    bad.add_object("helper.o", &helper.object, &helper.host_symbols, &links).unwrap();
    bad.add_object("bump.o", &bump.object, &[], &links).unwrap();
    let err = bad.lookup_all(&[&helper.symbol, &bump.symbol]).unwrap_err().to_string();
    assert!(err.contains(&format!("'{}'", bump.symbol)) && err.contains("counter"), "{err}");
    let h = bad.lookup(&helper.symbol).unwrap();
    // SAFETY: helper is int(int).
    let helper_fn: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(h as usize) };
    assert_eq!(helper_fn(7), 21);
    assert!(bad.lookup(&bump.symbol).is_err());
}

#[test]
fn profiles_attach_and_bad_profiles_are_rejected() {
    let bc = common::c_to_bitcode("pgo", KERNELS);
    let mut jit = jit();
    let m = jit.load_bitcode("pgo.bc", &bc).unwrap();
    // Blocks without a two-way terminator are rejected, so the first accepted block index is one
    // with a conditional branch (clang's exact block layout is not hard-coded here).
    let mut ok = None;
    for block in 0..12 {
        let p = FunctionProfile {
            entry_count: 1000,
            branch_weights: vec![BranchWeights { block, weights: vec![900_000, 10] }],
        };
        if let Ok(c) = jit.compile_function(m, "collatz_total", OptLevel::O3, &NoHostLinks, Some(&p)) {
            ok = Some(c);
            break;
        }
    }
    let c = ok.expect("some block of collatz_total has a two-way branch");
    // SAFETY: collatz_total is int64_t(int64_t).
    let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(f(1000), collatz_total(1000), "profile-guided code computes the same");
    let bad =
        FunctionProfile { entry_count: 1, branch_weights: vec![BranchWeights { block: 999, weights: vec![1, 2] }] };
    let err = jit.compile_function(m, "collatz_total", OptLevel::O2, &NoHostLinks, Some(&bad)).unwrap_err();
    assert!(err.to_string().contains("block 999"), "{err}");
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn profile_summary_lets_llvm_tell_hot_from_cold() {
    let bc = common::c_to_bitcode("hotcold", KERNELS);
    let mut jit = jit();
    let m = jit.load_bitcode("hotcold.bc", &bc).unwrap();
    let hot = FunctionProfile { entry_count: 1_000_000, branch_weights: vec![] };
    let cold = FunctionProfile { entry_count: 0, branch_weights: vec![] };

    // Without a summary LLVM cannot classify: no hot/cold section prefix.
    let c = jit.compile_function(m, "dot", OptLevel::O2, &NoHostLinks, Some(&hot)).unwrap();
    assert!(!contains(&c.object, b".text.hot"), "no summary, no prefix");

    // With the program's summary, the very hot function goes to .text.hot, the never-run one to
    // .text.unlikely (CodeGenPrepare's profile-guided section prefix).
    jit.set_profile_summary(Some(ProfileSummary::from_counts(&[1_000_000, 0, 3], &[500_000, 20, 7, 1])));
    let c = jit.compile_function(m, "dot", OptLevel::O2, &NoHostLinks, Some(&hot)).unwrap();
    assert!(contains(&c.object, b".text.hot"), "hot function in .text.hot");
    let c = jit.compile_function(m, "collatz_total", OptLevel::O2, &NoHostLinks, Some(&cold)).unwrap();
    assert!(contains(&c.object, b".text.unlikely"), "cold function in .text.unlikely");
    // SAFETY: collatz_total is int64_t(int64_t).
    let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(f(100), collatz_total(100), "cold code still runs correctly");
}

#[test]
fn whole_module_compiles_and_keeps_names() {
    let bc = common::c_to_bitcode(
        "whole",
        "static int hits; int count(void) { return ++hits; } int twice(void) { count(); return count(); }",
    );
    let mut jit = jit();
    let m = jit.load_bitcode("whole.bc", &bc).unwrap();
    let c = jit.compile_module(m, OptLevel::O2, &HashMap::new()).unwrap();
    assert_eq!(c.level, OptLevel::O2);
    let addr = jit.lookup("twice").unwrap();
    // SAFETY: twice is int(void).
    let twice: extern "C" fn() -> i32 = unsafe { std::mem::transmute(addr as usize) };
    assert_eq!(twice(), 2);
    assert_eq!(twice(), 4, "the module's global lives in JIT memory and persists");
}

#[test]
fn optimize_module_drops_dead_functions_and_emits_bitcode() {
    let bc = common::c_to_bitcode(
        "aot",
        "int live(int x) { return x + 1; } int dead(int x) { return x * 7; } int user(int x) { return live(x) * 2; }",
    );
    let mut jit = jit();
    let m = jit.load_bitcode("aot.bc", &bc).unwrap();
    let keep = vec!["live".to_string(), "user".to_string()];
    let out = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), Some(&keep), &HashMap::new()).unwrap();
    assert!(out.object.starts_with(b"\x7fELF"));
    let m2 = jit.load_bitcode("aot-optimized.bc", &out.bitcode).unwrap();
    assert_eq!(jit.defined_functions(m2), ["live", "user"], "'dead' lost its body");
    let c = jit.compile_function(m2, "user", OptLevel::O0, &NoHostLinks, None).unwrap();
    // SAFETY: user is int(int).
    let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(f(4), 10);
    let err = jit
        .optimize_module(m, OptLevel::O1, &HashMap::new(), Some(&["nope".to_string()]), &HashMap::new())
        .unwrap_err();
    assert!(err.to_string().contains("'nope'"), "{err}");
}

#[test]
fn optimize_module_keeps_guarded_specializations_with_their_own_guard_counters() {
    // The rebuilt module defines `__bf.guards.sum_to` itself (no host): compiled as a whole
    // module and run, its calls count one hit per matching version and misses otherwise.
    let bc = common::c_to_bitcode(
        "aot-spec",
        "__attribute__((noinline)) int sum_to(int n, int k) { int s = 0; for (int i = 0; i < n; i++) s += i * k; return s; }
         int user(int n) { return sum_to(n, 3); }",
    );
    let mut jit = jit();
    let m = jit.load_bitcode("aot-spec.bc", &bc).unwrap();
    let spec = Specialization {
        versions: vec![Version { values: vec![(0, 10), (1, 3)] }, Version { values: vec![(0, 20), (1, 3)] }],
        mem: Vec::new(),
        jam: None,
        prefetch: None,
    };
    let specs = HashMap::from([("sum_to".to_string(), spec)]);
    let out = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &specs).unwrap();
    let m2 = jit.load_bitcode("aot-spec-optimized.bc", &out.bitcode).unwrap();
    jit.compile_module(m2, OptLevel::O0, &HashMap::new()).unwrap();
    // SAFETY: user is int(int).
    let user: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(jit.lookup("user").unwrap() as usize) };
    let guards = jit.lookup("__bf.guards.sum_to").unwrap() as *const [u64; 4];
    assert_eq!([user(10), user(20), user(20), user(7)], [135, 570, 570, 63]);
    // SAFETY: the module defines `__bf.guards.sum_to` as [4 x i64] in JIT memory, alive with `jit`.
    assert_eq!(unsafe { *guards }, [1, 2, 0, 1], "hits of p0=10, p0=20, the unused third, misses");
    let bad = HashMap::from([(
        "nope".to_string(),
        Specialization { versions: vec![Version { values: vec![(0, 1)] }], mem: Vec::new(), jam: None, prefetch: None },
    )]);
    let err = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &bad).unwrap_err();
    assert!(err.to_string().contains("'nope'"), "{err}");
}

/// An LLVM module (bitcode) as `llvm-dis-19`'s text; `name` names its temporary file.
fn disassemble(bitcode: &[u8], name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("orc-bridge-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.bc"));
    std::fs::write(&path, bitcode).expect("write bitcode");
    let out = std::process::Command::new("llvm-dis-19").arg(&path).arg("-o").arg("-").output().expect("llvm-dis-19");
    assert!(out.status.success(), "llvm-dis-19: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The functions of an LLVM module (bitcode) that call `callee`, from `llvm-dis-19`'s text.
fn callers_of(bitcode: &[u8], callee: &str) -> Vec<String> {
    let (mut current, mut callers) = (String::new(), Vec::new());
    for line in disassemble(bitcode, &format!("callers-of-{callee}")).lines() {
        if line.starts_with("define ") {
            let at = line.find('@').expect("a function name");
            current = line[at + 1..].split('(').next().unwrap().trim_matches('"').to_string();
        } else if line.contains(&format!("@{callee}(")) && line.contains("call ") && !callers.contains(&current) {
            callers.push(current.clone());
        }
    }
    callers
}

#[test]
fn specialized_versions_paste_the_callees_given_a_specialized_parameter() {
    // `rows` passes its `n` straight to `scan`, which LLVM's O3 does not inline on its own (too
    // big): the call stays. Specialized on n, the call is pasted into the body, so each version
    // gets scan's loops with a constant trip count, and no call to scan is left.
    let rest = "float rows(const float *a, int n, int d) {
                   float r = 0;
                   for (int k = 0; k < d; k++) r += scan(a + k * n, n);
                   return r;
               }
               float other(const float *a) { return scan(a, 7) + scan(a, 9); }";
    let bc = common::c_to_optimized_bitcode("paste", &format!("{}{rest}", common::SCAN_SOURCE));
    let mut jit = jit();
    let m = jit.load_bitcode("paste.bc", &bc).unwrap();
    let plain = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &HashMap::new()).unwrap();
    assert!(callers_of(&plain.bitcode, "scan").contains(&"rows".to_string()), "O3 inlined scan by itself");
    let spec = Specialization {
        versions: vec![Version { values: vec![(1, 16)] }],
        mem: Vec::new(),
        jam: None,
        prefetch: None,
    };
    let specs = HashMap::from([("rows".to_string(), spec)]);
    let out = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &specs).unwrap();
    let callers = callers_of(&out.bitcode, "scan");
    assert!(callers.iter().all(|c| !c.starts_with("rows")), "scan still called from {callers:?}");
    // Same results as the plain build, on the version and on the generic path.
    let m2 = jit.load_bitcode("paste-optimized.bc", &out.bitcode).unwrap();
    jit.compile_module(m2, OptLevel::O0, &HashMap::new()).unwrap();
    // SAFETY: rows is float(const float *, int, int).
    let rows: extern "C" fn(*const f32, i32, i32) -> f32 =
        unsafe { std::mem::transmute(jit.lookup("rows").unwrap() as usize) };
    let a: Vec<f32> = (0..64).map(|i| (i % 5) as f32 * 0.25 - 0.5).collect();
    let mut plain_jit = self::jit();
    let m3 = plain_jit.load_bitcode("paste-plain.bc", &plain.bitcode).unwrap();
    plain_jit.compile_module(m3, OptLevel::O0, &HashMap::new()).unwrap();
    // SAFETY: the same signature, in the other JIT (alive until the end of the test).
    let plain_rows: extern "C" fn(*const f32, i32, i32) -> f32 =
        unsafe { std::mem::transmute(plain_jit.lookup("rows").unwrap() as usize) };
    for (n, d) in [(16, 4), (8, 8), (16, 1)] {
        assert_eq!(rows(a.as_ptr(), n, d).to_bits(), plain_rows(a.as_ptr(), n, d).to_bits(), "n={n} d={d}");
    }
}

/// Function `name` of an LLVM module (bitcode) in `llvm-dis-19`'s text, followed by the line of
/// its attribute group.
fn function_text(bitcode: &[u8], name: &str) -> String {
    let text = disassemble(bitcode, &format!("function-{name}"));
    let body: Vec<&str> = text
        .lines()
        .skip_while(|l| !(l.starts_with("define ") && l.contains(&format!("@{name}("))))
        .take_while(|l| *l != "}")
        .collect();
    let define = body.first().unwrap_or_else(|| panic!("no definition of {name}"));
    let group = define.rsplit(' ').find(|w| w.starts_with('#')).expect("an attribute group");
    let attrs = text.lines().find(|l| l.starts_with(&format!("attributes {group} "))).expect("the group's line");
    format!("{}\n}}\n{attrs}", body.join("\n"))
}

#[test]
fn a_size_versioned_memory_call_keeps_the_vector_width_of_its_function() {
    // The versioned call is a helper pasted into the function. A function without
    // "min-legal-vector-width" may need any width, and pasting one drops the caller's: the X86
    // backend then uses 512-bit registers where the CPU's tuning prefers 256 (app-tinyllama's
    // `model_forward` ran its dot products in zmm registers, 0.8x of native).
    let bc = common::c_to_optimized_bitcode(
        "memsize-width",
        "#include <string.h>
         void deliver(char *dst, const char *src, unsigned long n) { memcpy(dst, src, n); }",
    );
    let mut jit = jit();
    let m = jit.load_bitcode("memsize-width.bc", &bc).unwrap();
    let plain = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &HashMap::new()).unwrap();
    let before = function_text(&plain.bitcode, "deliver");
    assert!(before.contains("\"min-legal-vector-width\"=\"0\""), "{before}");
    let spec =
        Specialization { versions: Vec::new(), mem: vec![MemVersion { site: 0, size: 40 }], jam: None, prefetch: None };
    let specs = HashMap::from([("deliver".to_string(), spec)]);
    let out = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &specs).unwrap();
    let after = function_text(&out.bitcode, "deliver");
    assert!(after.contains("i64 40"), "the call is not versioned for 40 bytes: {after}");
    assert!(after.contains("\"min-legal-vector-width\"=\"0\""), "{after}");
}

#[test]
fn target_cpu_is_configurable() {
    let cfg = JitConfig {
        target: orc_bridge::TargetConfig { cpu: Some("x86-64".into()), features: Some(String::new()), triple: None },
        ..JitConfig::default()
    };
    let mut jit = Jit::new(&cfg).unwrap();
    assert_eq!(jit.target().cpu, "x86-64");
    let bc = common::c_to_bitcode("generic", KERNELS);
    let m = jit.load_bitcode("generic.bc", &bc).unwrap();
    let c = jit.compile_function(m, "collatz_total", OptLevel::O3, &NoHostLinks, None).unwrap();
    // SAFETY: collatz_total is int64_t(int64_t).
    let f: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(c.address as usize) };
    assert_eq!(f(1000), collatz_total(1000), "generic x86-64 code against the Rust reference");

    let bad = JitConfig {
        target: orc_bridge::TargetConfig { triple: Some("sparc-sun-solaris".into()), ..Default::default() },
        ..Default::default()
    };
    let err = Jit::new(&bad).err().expect("a target that is not built in");
    assert!(err.to_string().contains("sparc"), "{err}");
}

/// Each error names its input (module, function, level) and the cause, in one line.
#[test]
fn error_messages_name_the_input_and_the_cause() {
    let mut jit = jit();
    let bad = jit.load_bitcode("garbage.bc", b"BC\xc0\xde garbage").unwrap_err().to_string();
    let bc = common::c_to_bitcode(
        "msg",
        "extern int nf(int); int g(int x) { return nf(x); } __int128 r(__int128 a) { return a / 7; }",
    );
    let m = jit.load_bitcode("msg.bc", &bc).unwrap();
    let mut err = |f: &str| jit.compile_function(m, f, OptLevel::O2, &NoHostLinks, None).unwrap_err().to_string();
    let (g, r, zz) = (err("g"), err("r"), err("zz"));
    for (msg, needles) in [
        (&bad, &["module 'garbage.bc'", "malformed bitcode"][..]),
        (&g, &["function 'g' (module 'msg.bc') at O2", "unresolved symbol 'nf'"]),
        // 128-bit division is a call to compiler-rt's __divti3, which no runtime symbol provides here.
        (&r, &["function 'r' (module 'msg.bc') at O2", "__divti3"]),
        (&zz, &["function 'zz' (module 'msg.bc') at O2", "no such function"]),
    ] {
        assert!(!msg.contains('\n'), "not one line: {msg}");
        for n in needles {
            assert!(msg.contains(n), "{msg:?} lacks {n:?}");
        }
    }
}

#[test]
fn optimize_module_keeps_computed_goto_destinations() {
    // A bytecode loop dispatching through a static table of label addresses (Lua's shape): the
    // whole-module rebuild must keep every destination reachable, and the Jit must dispose its
    // modules (which hold `blockaddress` constants) cleanly.
    let bc = common::c_to_bitcode(
        "cgoto",
        r#"
        static int run(const unsigned char *code, int n) {
            static void *dispatch[] = {&&add, &&dec, &&jnz, &&end};
            int acc = 0, x = n, pc = 0;
            goto *dispatch[code[pc]];
        add: acc += x; pc++; goto *dispatch[code[pc]];
        dec: x--; pc++; goto *dispatch[code[pc]];
        jnz: pc = x ? 0 : pc + 1; goto *dispatch[code[pc]];
        end: return acc;
        }
        int total(int n) {
            static const unsigned char program[] = {0, 1, 2, 3};
            int sum = 0;
            for (int i = 0; i < 100; i++) sum += run(program, n + (i & 3));
            return sum;
        }
        "#,
    );
    let mut jit = jit();
    let m = jit.load_bitcode("cgoto.bc", &bc).unwrap();
    let out = jit.optimize_module(m, OptLevel::O3, &HashMap::new(), None, &HashMap::new()).unwrap();
    jit.add_object("cgoto.o", &out.object, &[], &NoHostLinks).unwrap();
    let total = jit.lookup("total").unwrap();
    // SAFETY: total is int(int).
    let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(total as usize) };
    let expect: i32 = (0..100)
        .map(|i| {
            let n = 10 + (i & 3);
            n * (n + 1) / 2
        })
        .sum();
    assert_eq!(f(10), expect);
    drop(jit);
}
