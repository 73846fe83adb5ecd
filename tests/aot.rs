//! `bareflow aot` on a snapshot with guarded specializations: the ahead-of-time object keeps the
//! dispatchers and their versions, defines their guard counters (`__bf.guards.<function>`) and
//! counts them with no JIT and no host around it. Built the way `make bench-aot` builds the
//! appliance's code on the host: the object + trap stubs for dead functions, linked with glibc.
//! Needs clang-19; `make test-shrink` runs it.

mod support;

use std::process::Command;
use support::root;

/// tests/tiering/specialize.c's arguments: width 64 in 15 of 16 calls (else 96), step 1, then a
/// last quarter of other widths and steps (guard misses).
const ARGS: [&str; 3] = ["64", "20000", "96"];

/// The `(width, step)` of each call of `row` that tests/tiering/specialize.c makes with [`ARGS`]
/// (its main loop, transcribed).
fn row_calls(w: i64, calls: i64, other: i64) -> Vec<(i64, i64)> {
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

/// Expected guard counters (hits per version, then misses) of a specialization `key`
/// (`p2=64,p3=1;p2=96,p3=1`) over calls whose arguments are given by `arg(call, param)`.
fn expected_guards<T>(key: &str, calls: &[T], arg: impl Fn(&T, u32) -> i64) -> Vec<u64> {
    let versions: Vec<Vec<(u32, i64)>> = key
        .split(';')
        .map(|v| {
            v.split(',')
                .map(|pv| {
                    let (p, x) = pv.strip_prefix('p').and_then(|s| s.split_once('=')).expect("pN=V");
                    (p.parse().unwrap(), x.parse().unwrap())
                })
                .collect()
        })
        .collect();
    let mut n = vec![0u64; versions.len() + 1];
    for c in calls {
        let v = versions.iter().position(|v| v.iter().all(|&(p, x)| arg(c, p) == x)).unwrap_or(versions.len());
        n[v] += 1;
    }
    n
}

#[test]
fn ahead_of_time_code_keeps_the_specializations_and_counts_their_guards() {
    let dir = support::scratch("aot/specialized");
    let src = root().join("tests/tiering/specialize.c");
    let (exe, bc, state) = (dir.join("native"), dir.join("specialize.bc"), dir.join("state"));
    support::compile("native build", support::clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe));
    support::bitcode(&src, &bc, &["-O2"]);
    let native = Command::new(&exe).args(ARGS).output().expect("native run");
    assert!(native.status.success());
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();

    // One tiered run leaves row's and copy_records' specialized objects in the snapshot.
    let run = support::bareflow(["run", "--tier", "auto", "--verbose", "--state"])
        .arg(&state)
        .arg(&bc)
        .arg("--")
        .args(ARGS)
        .output()
        .expect("bareflow run");
    let err = support::text(&run.stderr);
    assert!(run.status.success() && run.stdout == native.stdout, "bareflow run: {err}");

    let (obj, stubs, prog) = (dir.join("app.o"), dir.join("dead.s"), dir.join("aot"));
    let aot = support::bareflow(["aot", "--state"])
        .arg(&state)
        .arg(&bc)
        .arg("-o")
        .arg(&obj)
        .arg("--stubs")
        .arg(&stubs)
        .output()
        .expect("bareflow aot");
    let said = support::text(&aot.stdout);
    assert!(aot.status.success(), "bareflow aot: {}{said}", support::text(&aot.stderr));
    // `aot: row: guarded specialization p2=64,p3=1;p2=96,p3=1 kept (...)`
    let key = |f: &str| -> String {
        let prefix = format!("aot: {f}: guarded specialization ");
        let l = said.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("{f} not kept:\n{said}"));
        l.split_whitespace().next().unwrap().to_string()
    };
    let (row_key, copy_key) = (key("row"), key("copy_records"));

    // A reader of the counters, linked in: the object defines them (a missing one fails the link).
    let reader = dir.join("guards.c");
    let mut c = String::from("#include <stdio.h>\n");
    for (i, f) in ["row", "copy_records"].iter().enumerate() {
        c += &format!("extern unsigned long long g{i}[4] __asm__(\"__bf.guards.{f}\");\n");
    }
    c += "__attribute__((destructor)) static void report(void) {\n";
    for (i, f) in ["row", "copy_records"].iter().enumerate() {
        c +=
            &format!("  fprintf(stderr, \"guards {f} %llu %llu %llu %llu\\n\", g{i}[0], g{i}[1], g{i}[2], g{i}[3]);\n");
    }
    c += "}\n";
    std::fs::write(&reader, c).unwrap();
    support::compile(
        "the ahead-of-time program",
        support::clang_command().arg(&obj).arg(&stubs).arg(&reader).arg("-lm").arg("-o").arg(&prog),
    );
    let nm = Command::new(support::tool("LLVM_NM", "llvm-nm-19")).arg("--defined-only").arg(&obj).output().unwrap();
    let symbols = support::text(&nm.stdout);
    assert!(symbols.lines().any(|l| l.ends_with(" row.generic")), "no generic body of row:\n{symbols}");

    let o = Command::new(&prog).args(ARGS).output().expect("ahead-of-time run");
    assert!(o.status.success(), "ahead-of-time program failed");
    assert_eq!(o.stdout, native.stdout, "ahead-of-time program's output differs from the native build's");
    let report = support::text(&o.stderr);
    let counters = |f: &str| -> Vec<u64> {
        let l = report.lines().find_map(|l| l.strip_prefix(&format!("guards {f} "))).expect("guard report");
        l.split_whitespace().map(|x| x.parse().unwrap()).collect()
    };
    let calls = row_calls(64, 20000, 96);
    let want = |mut n: Vec<u64>| {
        let misses = n.pop().unwrap();
        n.resize(3, 0);
        n.push(misses);
        n
    };
    let row = want(expected_guards(&row_key, &calls, |&(w, s), p| match p {
        2 => w,
        3 => s,
        _ => panic!("row specialized on parameter {p}"),
    }));
    assert_eq!(counters("row"), row, "row's guards ({row_key}): hits per version, then misses");
    assert!(row[..row.len() - 1].iter().filter(|&&h| h > 0).count() >= 2 && row[3] > 0, "{row:?}");
    // copy_records always copies the 4 records (256 bytes).
    let copies = vec![256i64; 20000];
    let copy = want(expected_guards(&copy_key, &copies, |&n, p| if p == 2 { n } else { panic!("parameter {p}") }));
    assert_eq!(counters("copy_records"), copy, "copy_records' guards ({copy_key})");
}
