//! Conformance corpus of the interpreter: every C program in `tests/conformance/` is compiled by clang-19
//! to bitcode at each optimization level (default -O0 and -O2), the bitcode is compiled to a native
//! executable, and both the native executable and `bareflow run --tier $BAREFLOW_TIER` (default
//! `interp`) run the program; stdout and the exit status must be identical. All mismatches are
//! collected and listed together.
//!
//! A program is a `NAME.c` file or a `NAME/` directory of `.c` files (linked with llvm-link-19). Marker
//! lines at the top of the main source: `// ARGS: a "b c" ""` (program arguments) and `// FP80:` (uses
//! `long double`, i.e. x86_fp80; reported in its own section).
//!
//! Environment: `BAREFLOW_BIN`, `BAREFLOW_TIER`, `BAREFLOW_FLAGS` (the engine, see tests/support/differential.rs),
//! `CONFORMANCE_OPT` ("O0 O2"), `CONFORMANCE_FILTER` (comma-separated name substrings),
//! `CONFORMANCE_JOBS` (2), `CONFORMANCE_TIMEOUT` (engine seconds per run, 120),
//! `CONFORMANCE_STRICT=1` (count the known failures listed in tests/conformance/known-failures.txt,
//! which are otherwise reported in their own section without failing the test).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::differential::{self, Engine, Output, Status};

/// One program of the corpus.
struct Program {
    name: String,
    srcs: Vec<PathBuf>,
    args: Vec<String>,
    fp80: bool,
}

/// How one (program, optimization level) pair went.
enum Verdict {
    Pass,
    /// The engine disagrees with native code.
    Mismatch(String),
    /// The corpus itself is broken here (does not compile, crashes natively...).
    CorpusError(String),
}

struct Outcome {
    prog: usize,
    opt: String,
    verdict: Verdict,
    native: Option<Output>,
    engine_time: Option<Duration>,
}

fn corpus_dir() -> PathBuf {
    support::root().join("tests/conformance")
}

/// Read the `// ARGS:` and `// FP80:` markers from the first lines of `src`.
fn markers(src: &Path) -> (Vec<String>, bool) {
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let mut args = Vec::new();
    let mut fp80 = false;
    for line in text.lines().take(5) {
        if let Some(rest) = line.strip_prefix("// ARGS:") {
            args = differential::split_args(rest);
        }
        if line.starts_with("// FP80:") {
            fp80 = true;
        }
    }
    (args, fp80)
}

/// All programs of the corpus, sorted by name.
fn discover() -> Vec<Program> {
    let dir = corpus_dir();
    let mut progs = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let mut srcs: Vec<PathBuf> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "c"))
                .collect();
            srcs.sort();
            if srcs.is_empty() {
                continue;
            }
            // The markers live in main.c when there is one.
            let main = srcs.iter().find(|p| p.file_name().unwrap() == "main.c").unwrap_or(&srcs[0]).clone();
            let (args, fp80) = markers(&main);
            progs.push(Program { name, srcs, args, fp80 });
        } else if path.extension().is_some_and(|x| x == "c") {
            let (args, fp80) = markers(&path);
            progs.push(Program { name, srcs: vec![path], args, fp80 });
        }
    }
    progs.sort_by(|a, b| a.name.cmp(&b.name));
    progs
}

/// Programs that currently fail for a known engine gap: `name: reason` lines of
/// tests/conformance/known-failures.txt (`#` starts a comment).
fn known_failures() -> std::collections::HashMap<String, String> {
    let path = corpus_dir().join("known-failures.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Default::default();
    };
    let mut map = std::collections::HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, reason) = line.split_once(':').unwrap_or((line, "no reason given"));
        map.insert(name.trim().to_string(), reason.trim().to_string());
    }
    map
}

fn check_one(
    p: &Program,
    opt: &str,
    engine: &Engine,
    timeout: Duration,
    work_root: &Path,
) -> (Verdict, Option<Output>, Option<Duration>) {
    let work = work_root.join(&p.name).join(opt);
    let cflags = vec!["-w".to_string(), format!("-I{}", corpus_dir().display())];
    let exe = work.join("native");
    let bc = work.join("program.bc");
    // Reuse the previous build when it is newer than every input (fast reruns while fixing an engine).
    let mut inputs = p.srcs.clone();
    inputs.push(corpus_dir().join("common.h"));
    if let Some(dir) = p.srcs[0].parent().filter(|d| *d != corpus_dir()) {
        // A multi-file program: its headers count too.
        inputs.extend(std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()));
    }
    if !differential::up_to_date(&inputs, &[&bc, &exe]) {
        let _ = std::fs::remove_file(&exe);
        if let Err(e) = differential::compile_bitcode(&p.srcs, opt, &cflags, &work) {
            let msg = format!("bitcode compile failed: {e}");
            return (Verdict::CorpusError(msg), None, None);
        }
        if let Err(e) = differential::compile_native(&bc, opt, &exe) {
            let msg = format!("native compile failed: {e}");
            return (Verdict::CorpusError(msg), None, None);
        }
    }
    let native = differential::run(Command::new(&exe).args(&p.args), Duration::from_secs(20));
    if matches!(native.status, Status::TimedOut | Status::Signaled(_) | Status::SpawnFailed(_)) {
        return (
            Verdict::CorpusError(format!("native run: {}\n{}", native.status, native.stderr_tail(5))),
            Some(native),
            None,
        );
    }
    let got = differential::run(&mut engine.command(&bc, &p.args), timeout);
    let mut problems = String::new();
    if got.status != native.status {
        problems.push_str(&format!("    status: native {}, engine {}\n", native.status, got.status));
    }
    if got.stdout != native.stdout {
        problems.push_str(&differential::diff_text(&native.stdout, &got.stdout));
    }
    let verdict = if problems.is_empty() {
        Verdict::Pass
    } else {
        if !got.stderr.is_empty() {
            problems.push_str("    engine stderr (last lines):\n");
            for l in got.stderr_tail(8).lines() {
                problems.push_str(&format!("      {l}\n"));
            }
        }
        problems.push_str(&format!("    rerun: {}\n", engine.describe(&bc, &p.args)));
        Verdict::Mismatch(problems)
    };
    (verdict, Some(native), Some(got.elapsed))
}

#[test]
fn conformance_corpus() {
    let filter: Vec<String> = std::env::var("CONFORMANCE_FILTER")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let all = discover();
    if filter.is_empty() {
        assert!(all.len() >= 60, "the conformance corpus has {} programs, expected at least 60", all.len());
    }
    let progs: Vec<Program> =
        all.into_iter().filter(|p| filter.is_empty() || filter.iter().any(|f| p.name.contains(f.as_str()))).collect();
    assert!(!progs.is_empty(), "CONFORMANCE_FILTER={filter:?} matches no program in {}", corpus_dir().display());
    let clang = support::clang();
    assert!(differential::have_tool(&clang), "{clang} not found: install clang-19 (make deps)");

    let opts = differential::opt_levels("CONFORMANCE_OPT", &["O0", "O2"]);
    let engine = Engine::from_env();
    let timeout = Duration::from_secs_f64(differential::env_number("CONFORMANCE_TIMEOUT", 120.0));
    eprintln!(
        "conformance: {} programs x {:?} against `{} run --tier {} {}`",
        progs.len(),
        opts,
        engine.bin,
        engine.tier,
        engine.flags.join(" ")
    );

    let work_root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance");
    let tasks: Vec<(usize, String)> = (0..progs.len()).flat_map(|i| opts.iter().map(move |o| (i, o.clone()))).collect();
    let outcomes: Vec<Outcome> =
        differential::parallel_map(&tasks, differential::jobs("CONFORMANCE_JOBS"), |(i, opt)| {
            let (verdict, native, engine_time) = check_one(&progs[*i], opt, &engine, timeout, &work_root);
            let tag = match &verdict {
                Verdict::Pass => "ok      ",
                Verdict::Mismatch(_) => "MISMATCH",
                Verdict::CorpusError(_) => "CORPUS  ",
            };
            eprintln!(
                "{tag} {:<22} -{opt}  native {:>7.1} ms  engine {}",
                progs[*i].name,
                native.as_ref().map_or(0.0, |n| n.elapsed.as_secs_f64() * 1e3),
                engine_time.map_or("-".to_string(), |t| format!("{:.1} ms", t.as_secs_f64() * 1e3))
            );
            Outcome { prog: *i, opt: opt.clone(), verdict, native, engine_time }
        });

    // The corpus must mean the same thing at every level: native outputs agree across levels.
    let mut corpus_errors = Vec::new();
    for (i, p) in progs.iter().enumerate() {
        let natives: Vec<&Outcome> = outcomes.iter().filter(|o| o.prog == i && o.native.is_some()).collect();
        for w in natives.windows(2) {
            let (a, b) = (w[0].native.as_ref().unwrap(), w[1].native.as_ref().unwrap());
            if a.stdout != b.stdout || a.status != b.status {
                corpus_errors.push(format!(
                    "{}: native -{} and -{} disagree (program has undefined or unspecified behaviour)\n{}",
                    p.name,
                    w[0].opt,
                    w[1].opt,
                    differential::diff_text(&a.stdout, &b.stdout)
                ));
            }
        }
    }
    let known = known_failures();
    let strict = std::env::var("CONFORMANCE_STRICT").is_ok_and(|v| v == "1");
    let mut mismatches = Vec::new();
    let mut fp80_mismatches = Vec::new();
    let mut known_mismatches = Vec::new();
    let mut known_names = std::collections::BTreeSet::new();
    let mut known_passing = std::collections::BTreeSet::new();
    let mut passed = 0;
    for o in &outcomes {
        let p = &progs[o.prog];
        match &o.verdict {
            Verdict::Pass => {
                passed += 1;
                if known.contains_key(&p.name) {
                    known_passing.insert(p.name.clone());
                }
            }
            Verdict::Mismatch(m) => {
                let entry = format!("{} -{}:\n{}", p.name, o.opt, m);
                if let Some(reason) = known.get(&p.name).filter(|_| !strict) {
                    known_names.insert(p.name.clone());
                    known_mismatches.push(format!("{} -{} (known: {reason})", p.name, o.opt));
                    if p.fp80 {
                        fp80_mismatches.push(entry);
                    } else {
                        mismatches.push(entry);
                    }
                } else if p.fp80 {
                    fp80_mismatches.push(entry)
                } else {
                    mismatches.push(entry)
                }
            }
            Verdict::CorpusError(e) => corpus_errors.push(format!("{} -{}: {}", p.name, o.opt, e)),
        }
    }
    // A known failure that now passes everywhere should leave the list.
    for name in &known_names {
        known_passing.remove(name);
    }

    let mut report = String::new();
    let engine_total: f64 = outcomes.iter().filter_map(|o| o.engine_time).map(|t| t.as_secs_f64()).sum();
    let native_total: f64 = outcomes.iter().filter_map(|o| o.native.as_ref()).map(|n| n.elapsed.as_secs_f64()).sum();
    report.push_str(&format!(
        "conformance: {} programs, levels {:?}, engine `{} --tier {}`; native total {:.2} s, engine total {:.2} s\n",
        progs.len(),
        opts,
        engine.bin,
        engine.tier,
        native_total,
        engine_total
    ));
    if !mismatches.is_empty() {
        report.push_str(&format!("\n== {} mismatches ==\n", mismatches.len()));
        for m in &mismatches {
            report.push_str(m);
        }
    }
    if !fp80_mismatches.is_empty() {
        report.push_str(&format!("\n== {} mismatches in long double (x86_fp80) programs ==\n", fp80_mismatches.len()));
        for m in &fp80_mismatches {
            report.push_str(m);
        }
    }
    if !known_mismatches.is_empty() {
        report.push_str(&format!(
            "\n== {} of the mismatches above are known failures (tests/conformance/known-failures.txt), \
             not counted; CONFORMANCE_STRICT=1 counts them ==\n",
            known_mismatches.len()
        ));
        for k in &known_mismatches {
            report.push_str(&format!("  {k}\n"));
        }
    }
    if !known_passing.is_empty() {
        let names: Vec<&str> = known_passing.iter().map(String::as_str).collect();
        report.push_str(&format!(
            "\n== listed as known failures but now passing at every level: remove from \
             tests/conformance/known-failures.txt: {} ==\n",
            names.join(", ")
        ));
    }
    if !corpus_errors.is_empty() {
        report.push_str(&format!("\n== {} corpus errors (fix the test program) ==\n", corpus_errors.len()));
        for e in &corpus_errors {
            report.push_str(e);
            report.push('\n');
        }
    }
    let failed = mismatches.len() + fp80_mismatches.len() + corpus_errors.len() - known_mismatches.len();
    let report_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance/report.txt");
    let _ = std::fs::write(&report_path, &report);
    eprintln!("{report}");
    eprintln!("(report written to {})", report_path.display());
    println!("conformance: {passed} passed, {failed} failed");
    if !known_mismatches.is_empty() {
        println!(
            "conformance: {} known failures not counted (tests/conformance/known-failures.txt)",
            known_mismatches.len()
        );
    }
    assert!(failed == 0, "{failed} conformance failures (listed above; report in {})", report_path.display());
    assert!(
        known_passing.is_empty(),
        "known failures that now pass at every level: remove them from tests/conformance/known-failures.txt: {known_passing:?}"
    );
}

/// The harness itself must be able to fail: a stand-in engine that runs the native executable passes,
/// one that prints a wrong answer or exits with another status is reported as a mismatch.
#[test]
fn harness_detects_mismatches() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-selfcheck");
    std::fs::create_dir_all(&work).unwrap();
    // Engines get `run --tier T [flags] PROGRAM.bc -- ARGS`; the native executable sits next to the bitcode.
    let script = |name: &str, body: &str| {
        let path = work.join(name);
        let text = format!("#!/bin/sh\nshift 3\nwhile [ \"$1\" != -- ]; do bc=$1; shift; done\nshift\n{body}\n");
        std::fs::write(&path, text).unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        Engine { bin: path.display().to_string(), tier: "interp".into(), flags: Vec::new() }
    };
    let same = script("same.sh", "exec \"$(dirname \"$bc\")/native\" \"$@\"");
    let wrong_output = script("wrong-output.sh", "\"$(dirname \"$bc\")/native\" \"$@\" | sed '1s/./X/'");
    let wrong_status = script("wrong-status.sh", "\"$(dirname \"$bc\")/native\" \"$@\"; exit 3");
    let progs = discover();
    let prog = progs.iter().find(|p| p.name == "argv_use").expect("argv_use.c in the corpus");
    let t = Duration::from_secs(60);
    let verdict = |e: &Engine, dir: &str| check_one(prog, "O0", e, t, &work.join(dir)).0;
    assert!(matches!(verdict(&same, "same"), Verdict::Pass), "identical engine not accepted");
    assert!(
        matches!(verdict(&wrong_output, "out"), Verdict::Mismatch(m) if m.contains("stdout differs")),
        "changed output not detected"
    );
    assert!(
        matches!(verdict(&wrong_status, "status"), Verdict::Mismatch(m) if m.contains("status: native exit 7, engine exit 3")),
        "changed exit status not detected"
    );
}
