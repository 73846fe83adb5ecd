//! The profile is exact: call counts, per-block counts, branch edge counts and loop back-edge
//! counts of a program whose dynamic behaviour is known (tests/c/profile.c), at -O0 and -O2.

mod common;

use irvm::profile::{Function, Profile};
use irvm::{Machine, Options, Outcome};
use std::path::Path;

/// The profile of tests/c/profile.c at `opt`, and whether that bitcode's `leaf` has a `switch`
/// (llvm-dis-19: clang may turn it into a table or selects at -O2).
fn profile_of(opt: &str) -> (Profile, bool) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/profile.c");
    let dir = common::scratch(&format!("profile-{opt}"));
    let bc = common::bitcode(&src, opt, &dir);
    let dis = std::process::Command::new("llvm-dis-19")
        .arg(dir.join(format!("profile.{opt}.bc")))
        .args(["-o", "-"])
        .output()
        .expect("llvm-dis-19");
    assert!(dis.status.success(), "llvm-dis-19 failed");
    let ir = String::from_utf8_lossy(&dis.stdout).to_string();
    let leaf = ir
        .split("\ndefine ")
        .find(|f| f.lines().next().is_some_and(|l| l.contains(" @leaf(")))
        .expect("leaf in the bitcode");
    let leaf_switch = leaf.split("\n}\n").next().unwrap().lines().any(|l| l.trim_start().starts_with("switch "));
    let _ = std::fs::remove_dir_all(dir);
    let mut m =
        Machine::load(&bc, "profile.bc", Box::new(irvm::host::DlsymResolver::new()), Options::default()).expect("load");
    let out = m.run_main(&["profile.bc".to_string()]);
    // leaf(i) over i = 0..9, ten times: sum of 3i (i%4==0) + (i+7) (i%4==1) + (i^5) otherwise.
    let per_mid: i32 = (0..10)
        .map(|i| match i % 4 {
            0 => i * 3,
            1 => i + 7,
            _ => i ^ 5,
        })
        .sum();
    assert_eq!(out, Outcome::Exit((10 * per_mid) & 0x7f));
    (Profile::collect(&m, Some(0)), leaf_switch)
}

fn func<'a>(p: &'a Profile, name: &str) -> &'a Function {
    p.function(name).unwrap_or_else(|| panic!("'{name}' missing from the profile"))
}

/// Checks that hold at every optimization level (`leaf_switch`: the bitcode's leaf has a switch).
fn common_checks(p: &Profile, leaf_switch: bool) {
    assert_eq!(func(p, "main").calls, 1);
    assert_eq!(func(p, "mid").calls, 10);
    assert_eq!(func(p, "leaf").calls, 100);
    // The loop in mid runs 10 times per call: its header block runs 100 times in all, entered
    // once per call.
    let mid = func(p, "mid");
    assert_eq!(mid.loops.len(), 1, "mid has one loop: {:?}", mid.loops);
    let l = &mid.loops[0];
    assert_eq!(l.entries, 10);
    assert!(l.header_count == 100 || l.header_count == 110, "header count {}", l.header_count);
    assert_eq!(l.back_edge_count + l.entries, l.header_count);
    // leaf's switch: i % 4 over i = 0..9 gives 0 three times, 1 three times, 2 or 3 four times.
    let leaf = func(p, "leaf");
    let sw = leaf.branches.iter().find(|b| b.kind == "switch");
    assert_eq!(sw.is_some(), leaf_switch, "a switch in the profile of leaf iff its bitcode has one");
    if let Some(sw) = sw {
        let total: u64 = sw.edges.iter().map(|e| e.count).sum();
        assert_eq!(total, 100);
    }
    // Executed instructions are consistent with the block counts.
    for f in [mid, leaf] {
        let sum: u64 = f.blocks.iter().map(|b| b.count * u64::from(b.instructions)).sum();
        assert_eq!(f.instructions, sum);
        assert!(f.inclusive_cycles >= f.exclusive_cycles);
    }
    // The JSON export carries the same numbers.
    let json: serde_json::Value = serde_json::from_str(&p.to_json()).expect("valid JSON");
    assert_eq!(json["schema"], "irvm-profile/1");
    let fns = json["functions"].as_array().expect("functions");
    let leaf_json = fns.iter().find(|f| f["name"] == "leaf").expect("leaf in JSON");
    assert_eq!(leaf_json["calls"], 100);
    assert!(p.to_table().contains("leaf"));
}

#[test]
fn exact_counts_o0() {
    let (p, leaf_switch) = profile_of("O0");
    assert!(leaf_switch, "-O0 keeps leaf's switch");
    common_checks(&p, leaf_switch);
    let mid = func(&p, "mid");
    // -O0: `for.cond` is the header: 11 evaluations per call, 10 back edges per call.
    let l = &mid.loops[0];
    assert_eq!(l.header_count, 110);
    assert_eq!(l.back_edge_count, 100);
    // The loop condition's branch: 100 times into the body, 10 times out.
    let cond = mid.branches.iter().find(|b| b.block == l.header && b.kind == "cond").expect("header branch");
    assert_eq!(cond.edges[0].count, 100);
    assert_eq!(cond.edges[1].count, 10);
    // main's loop: 10 back edges.
    let main = func(&p, "main");
    assert_eq!(main.loops.iter().map(|l| l.back_edge_count).sum::<u64>(), 10);
    // leaf's switch, per case in LLVM's order [default, case 0, case 1].
    let sw = func(&p, "leaf").branches.iter().find(|b| b.kind == "switch").expect("switch");
    assert_eq!(sw.cases, vec![0, 1]);
    assert_eq!(sw.edges.iter().map(|e| e.count).collect::<Vec<_>>(), vec![40, 30, 30]);
    // Every -O0 block of leaf's single-exit body: the entry block runs once per call.
    assert_eq!(func(&p, "leaf").blocks[0].count, 100);
    // The same numbers, read back from the JSON export.
    let json: serde_json::Value = serde_json::from_str(&p.to_json()).expect("valid JSON");
    let fns = json["functions"].as_array().expect("functions");
    let by_name = |n: &str| fns.iter().find(|f| f["name"] == n).unwrap_or_else(|| panic!("{n} in JSON"));
    assert_eq!(by_name("main")["calls"], 1);
    assert_eq!(by_name("mid")["calls"], 10);
    assert_eq!(by_name("leaf")["calls"], 100);
    let loop_json = &by_name("mid")["loops"][0];
    assert_eq!(loop_json["back_edge_count"], 100);
    assert_eq!(loop_json["header_count"], 110);
    assert_eq!(loop_json["entries"], 10);
}

#[test]
fn exact_counts_o2() {
    let (p, leaf_switch) = profile_of("O2");
    common_checks(&p, leaf_switch);
    // -O2 rotates the loop: the body is the header, 10 runs per call, 9 back edges per call.
    let l = &func(&p, "mid").loops[0];
    assert_eq!(l.header_count, 100);
    assert_eq!(l.back_edge_count, 90);
}

/// The profile of tests/c/NAME.c at -O2, run to its exit status `status`.
fn profile_at_o2(name: &str, status: i32) -> Profile {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/{name}.c"));
    let dir = common::scratch(&format!("profile-{name}"));
    let bc = common::bitcode(&src, "O2", &dir);
    let _ = std::fs::remove_dir_all(dir);
    let file = format!("{name}.bc");
    let mut m =
        Machine::load(&bc, &file, Box::new(irvm::host::DlsymResolver::new()), Options::default()).expect("load");
    assert_eq!(m.run_main(&[file]), Outcome::Exit(status));
    Profile::collect(&m, Some(0))
}

/// Calls of C library leaf functions past the exactly timed ones take the short path, without a
/// frame record (`exec/native_call.rs`, `call_leaf`): their calls are still counted exactly.
#[test]
fn leaf_calls_counted_exactly() {
    let p = profile_at_o2("leaf_calls", 0);
    // Per iteration (5000): strcmp, memchr and memcmp once (clang -O2 calls `bcmp` for a memcmp
    // compared with 0), strlen once, and once more for the memcmp length (-O2 keeps one strlen(v)).
    for (name, calls) in [("strcmp", 5000), ("memchr", 5000), ("bcmp", 5000), ("strlen", 10_000)] {
        assert_eq!(func(&p, name).calls, calls, "calls of {name}");
        assert_eq!(func(&p, name).kind, "native");
    }
    assert!(func(&p, "strlen").exclusive_cycles > 0);
}

/// Untimed calls of a recursive function are charged its average exclusive cycles plus what
/// their own callees were charged, and its cycles add up to the run's. (Charged the average of
/// its inclusive times, fib's exclusive cycles came to 30 times the run's; with each timed
/// activation's exclusive time clamped at 0, or the timer's own cost left in, to 3 times.)
#[test]
fn recursive_calls_charged_within_reach_of_the_run() {
    let p = profile_at_o2("recursion", 196418 & 0x7f);
    let fib = func(&p, "fib");
    assert_eq!(fib.calls, 317_811, "clang -O2 keeps one of the two recursive calls a call");
    assert!(fib.inclusive_cycles <= p.total_cycles, "fib inclusive {} > run {}", fib.inclusive_cycles, p.total_cycles);
    assert!(
        2 * fib.exclusive_cycles <= 3 * p.total_cycles,
        "fib exclusive {} > 1.5 x the run's {}",
        fib.exclusive_cycles,
        p.total_cycles
    );
}

/// Calls through function pointers to interpreted functions (their thunks) take the call fast
/// path once past the timed ones; their results and counts are those of direct calls.
#[test]
fn indirect_calls_counted_exactly() {
    let mut t: i64 = 1;
    for i in 0..30_000i64 {
        t = match i % 3 {
            0 => t.wrapping_add(i),
            1 => t.wrapping_sub(i),
            _ => t ^ (i << 1),
        };
    }
    let p = profile_at_o2("indirect_calls", (t & 0x7f) as i32);
    for name in ["add", "sub", "mix"] {
        assert_eq!(func(&p, name).calls, 10_000, "calls of {name}");
        assert_eq!(func(&p, name).kind, "interpreted");
    }
}
