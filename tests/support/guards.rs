//! Guard counters of ahead-of-time code with guarded specializations (tests/aot.rs and the
//! appliance tests of tests/tier_boot.rs and tests/unrolljam_boot.rs): a C reader linked into the program that prints the
//! counters `__bf.guards.<function>` at exit, and the counts tests/tiering/specialize.c's calls
//! must give.

use std::path::{Path, PathBuf};

/// Write `dir/guards.c`: a destructor that prints `guards <function> <word...>` on stderr for each
/// of `functions`: every word of its guard-counter array (`orc_bridge::specialize::GUARD_COUNTERS`:
/// hits per version, misses, then hits and misses per size-versioned memory call). The
/// ahead-of-time object defines the counters: a missing one fails the link.
pub fn reader(dir: &Path, functions: &[&str]) -> PathBuf {
    let words = orc_bridge::specialize::GUARD_COUNTERS;
    let mut c = String::from("#include <stdio.h>\n");
    for (i, f) in functions.iter().enumerate() {
        c += &format!("extern unsigned long long g{i}[{words}] __asm__(\"__bf.guards.{f}\");\n");
    }
    c += "__attribute__((destructor)) static void report(void) {\n";
    for (i, f) in functions.iter().enumerate() {
        c += &format!("  fprintf(stderr, \"guards {f}\");\n");
        c += &format!("  for (int k = 0; k < {words}; k++) fprintf(stderr, \" %llu\", g{i}[k]);\n");
        c += "  fprintf(stderr, \"\\n\");\n";
    }
    c += "}\n";
    let path = dir.join("guards.c");
    std::fs::write(&path, c).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// Link the program `prog` (glibc) from a `bareflow aot` object `obj`, its dead-function stubs
/// `stubs` and a [`reader`] (written in `dir`) of `functions`' guard counters.
pub fn link_program(dir: &Path, obj: &Path, stubs: &Path, functions: &[&str], prog: &Path) {
    let reader = reader(dir, functions);
    super::compile(
        "the ahead-of-time program",
        super::clang_command().arg(obj).arg(stubs).arg(&reader).arg("-lm").arg("-o").arg(prog),
    );
}

/// [`link_program`] as `dir/aot`, then run it on `args`: it must succeed with `native_stdout`, the
/// native build's output. Returns its output (the reader's counters are on stderr).
pub fn run_program(
    dir: &Path,
    obj: &Path,
    stubs: &Path,
    functions: &[&str],
    args: &[&str],
    native_stdout: &[u8],
) -> std::process::Output {
    let prog = dir.join("aot");
    link_program(dir, obj, stubs, functions, &prog);
    let o = std::process::Command::new(&prog).args(args).output().expect("ahead-of-time run");
    assert!(o.status.success(), "ahead-of-time program failed");
    assert_eq!(o.stdout, native_stdout, "ahead-of-time program's output differs from the native build's");
    o
}

/// Link the appliance `dir/appliance.elf` (tools/mkappliance: core-rt, no LLVM) from a `bareflow
/// aot` object `obj`, its dead-function stubs `stubs` and a [`reader`] of `functions`' guard
/// counters; panics with the tool's message if a step fails.
pub fn appliance(dir: &Path, obj: &Path, stubs: &Path, functions: &[&str]) -> PathBuf {
    let reader = reader(dir, functions);
    let cc = |src: &Path, out: &Path, flags: &[&str]| {
        let what = format!("{} for the appliance", src.display());
        super::compile(&what, super::clang_command().args(flags).arg("-c").arg(src).arg("-o").arg(out))
    };
    let (dead_o, reader_o, elf) = (dir.join("dead.o"), dir.join("guards.o"), dir.join("appliance.elf"));
    cc(stubs, &dead_o, &[]);
    cc(&reader, &reader_o, &["-O2", "-fno-stack-protector", "-fno-pic"]);
    let link = std::process::Command::new(super::root().join("tools/mkappliance"))
        .current_dir(super::root())
        .arg(&elf)
        .args([obj, &dead_o, &reader_o])
        .output()
        .expect("tools/mkappliance");
    assert!(link.status.success(), "tools/mkappliance: {}", String::from_utf8_lossy(&link.stderr));
    elf
}

/// Every counter the reader printed for `function` in `output`.
fn printed_words(output: &str, function: &str) -> Vec<u64> {
    let prefix = format!("guards {function} ");
    let l = output
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no guard report of {function}:\n{output}"));
    l.split_whitespace().map(|x| x.parse().unwrap()).collect()
}

/// The argument guards' counters the reader printed for `function` in `output`: hits of each
/// of the 3 version slots, then misses.
pub fn printed(output: &str, function: &str) -> Vec<u64> {
    printed_words(output, function)[..4].to_vec()
}

/// `(hits, misses)` of the first `sites` size-versioned memory calls the reader printed for
/// `function` in `output`.
pub fn printed_mem(output: &str, function: &str, sites: usize) -> Vec<(u64, u64)> {
    let w = printed_words(output, function);
    (0..sites).map(|k| (w[4 + 2 * k], w[5 + 2 * k])).collect()
}

/// `(hits, misses)` of the unroll-and-jam guard the reader printed for `function` in `output`
/// (words `orc_bridge::specialize::LOOP_HITS` and the next).
pub fn printed_loop(output: &str, function: &str) -> (u64, u64) {
    let w = printed_words(output, function);
    let k = orc_bridge::specialize::LOOP_HITS;
    (w[k], w[k + 1])
}

/// The specialization `key` a `bareflow aot` report gives for `function`
/// (`aot: row: guarded specialization p2=64,p3=1;p2=96,p3=1 kept (...)`).
pub fn aot_key(report: &str, function: &str) -> String {
    let prefix = format!("aot: {function}: guarded specialization ");
    let l = report
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{function} not kept:\n{report}"));
    l.split_whitespace().next().unwrap().to_string()
}

/// The `(width, step)` of each call of `row` that tests/tiering/specialize.c makes with
/// arguments `w calls other` (its main loop, transcribed; last quarter of other widths/steps).
pub fn specialize_row_calls(w: i64, calls: i64, other: i64) -> Vec<(i64, i64)> {
    let last = calls * 25 / 100;
    (0..calls)
        .map(|c| {
            if c >= calls - last {
                let width = if c % 3 == 2 {
                    5 + c % 7
                } else if c % 3 == 0 {
                    other
                } else {
                    w
                };
                (width, 1 + c % 2)
            } else {
                (if c % 16 == 15 { other } else { w }, 1)
            }
        })
        .collect()
}

/// Expected guard counters (hits of each of the 3 version slots, then misses) of a
/// specialization `key` (`p2=64,p3=1;p2=96,p3=1`) over `calls`, whose arguments `arg(call,
/// param)` gives.
pub fn expected<T>(key: &str, calls: &[T], arg: impl Fn(&T, u32) -> i64) -> Vec<u64> {
    // The argument versions only (size-versioned memory calls follow a '|').
    let args = key.split('|').next().unwrap_or_default();
    let versions: Vec<Vec<(u32, i64)>> = args
        .split(';')
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.split(',')
                .map(|pv| {
                    let (p, x) = pv.strip_prefix('p').and_then(|s| s.split_once('=')).expect("pN=V");
                    (p.parse().unwrap(), x.parse().unwrap())
                })
                .collect()
        })
        .collect();
    let mut n = vec![0u64; 4];
    for c in calls {
        let v = versions.iter().position(|v| v.iter().all(|&(p, x)| arg(c, p) == x)).unwrap_or(3);
        n[v] += 1;
    }
    n
}

/// `row`'s expected counters (parameters 2 and 3: width and step).
pub fn expected_row(key: &str, calls: &[(i64, i64)]) -> Vec<u64> {
    expected(key, calls, |&(w, s), p| match p {
        2 => w,
        3 => s,
        _ => panic!("row specialized on parameter {p}"),
    })
}
