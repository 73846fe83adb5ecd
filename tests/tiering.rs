//! Tiering behaviour beyond output equality: programs of tests/tiering/ run natively
//! and under `bareflow run --tier auto --verbose`; the output must match and the tier log must
//! show the expected tier changes (calls between JIT code counted; OSR of a loop in `main`).
//! And bareflow.h: every function answers, in every tier, what the program's construction says.

mod support;

use std::path::PathBuf;
use std::process::Command;
use support::root;

/// Build `tests/tiering/<name>.c` natively (-O2) and as bitcode; returns (native exe, bitcode).
fn build(name: &str) -> (PathBuf, PathBuf) {
    // Tests run in parallel and may build the same program: one build at a time.
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let out = support::scratch("tiering");
    let src = root().join(format!("tests/tiering/{name}.c"));
    let (exe, bc) = (out.join(name), out.join(format!("{name}.bc")));
    support::compile(
        &format!("{name}: native build"),
        support::clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe),
    );
    support::bitcode(&src, &bc, &["-O2"]);
    (exe, bc)
}

/// Run the native program and `bareflow run` with `flags`; returns (stdout, bareflow stderr, seconds).
fn run_both(name: &str, flags: &[&str], args: &[&str]) -> (String, String, f64) {
    let (exe, bc) = build(name);
    let n = Command::new(&exe).args(args).output().expect("native run");
    assert!(n.status.success(), "{name}: native run failed");
    let t0 = std::time::Instant::now();
    let b = support::bareflow(["run"]).args(flags).arg(&bc).arg("--").args(args).output().expect("bareflow run");
    let secs = t0.elapsed().as_secs_f64();
    let (nout, bout, berr) = (
        String::from_utf8_lossy(&n.stdout),
        String::from_utf8_lossy(&b.stdout),
        String::from_utf8_lossy(&b.stderr).to_string(),
    );
    assert!(b.status.success(), "{name}: bareflow run {flags:?} failed: {berr}");
    assert_eq!(nout, bout, "{name}: native and bareflow run {flags:?} differ");
    (bout.to_string(), berr, secs)
}

#[test]
fn calls_between_jit_code_count_toward_tier_up() {
    // `driver` is compiled at O1 before it first calls `leaf`; `leaf` is then only called by
    // native code and must still climb to O3 (200 000 calls >> 1000).
    // Synchronous compiles: each tier in turn, in a fixed order (a compile thread may skip tiers).
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--thresholds", "3,100,1000"];
    let (_, err, _) = run_both("native_calls", &flags, &[]);
    assert!(err.contains("[tier] driver: interp -> O1"), "{err}");
    let (d, l) = (
        err.find("[tier] driver: interp -> O1").unwrap(),
        err.find("[tier] leaf: interp -> O1").expect("leaf compiled"),
    );
    assert!(d < l, "leaf was compiled before driver:\n{err}");
    assert!(err.contains("[tier] leaf: O2 -> O3"), "leaf did not reach O3 through native calls:\n{err}");
}

#[test]
fn report_summarizes_tiers_and_draws_a_flame_graph() {
    let out = support::scratch("tiering");
    let (prof, svg) = (out.join("native_calls.json"), out.join("native_calls.svg"));
    let _ = std::fs::remove_file(&svg);
    let p = prof.to_str().unwrap();
    run_both(
        "native_calls",
        &["--tier", "auto", "--jit-threads", "0", "--thresholds", "3,100,1000", "--profile-out", p],
        &[],
    );
    let r = support::bareflow(["report", p, "--svg"]).arg(&svg).output().expect("bareflow report");
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "report failed: {}", String::from_utf8_lossy(&r.stderr));
    assert!(text.lines().any(|l| l.contains(" O3 ") && l.trim_end().ends_with(" leaf")), "no O3 row for leaf:\n{text}");
    assert!(text.contains("leaf: O2 -> O3 (heat 1000 >= 1000"), "{text}");
    let svg = std::fs::read_to_string(&svg).expect("flame graph written");
    assert!(
        svg.contains("<svg") && svg.contains("driver (O1)") && svg.contains("main (interp)"),
        "flame graph lacks the functions"
    );
    // Bad input: one line naming the file, exit status 2.
    let bad = support::bareflow(["report", "/nonexistent/p.json"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("/nonexistent/p.json"));
}

#[test]
fn osr_moves_a_loop_that_runs_once_to_native_code() {
    // `main` and `sweep` each run once; their loops must leave the interpreter at the hot
    // threshold (5 000 header entries by default) through OSR, so irvm counts only a few
    // thousand iterations of loops that run millions of times.
    // With a compile thread too: `sweep`'s nest enters at the same (outer) header, which its
    // inner loop asks to go first once the function's loops have run `hot` times (not after the
    // outer header's own few entries). The program keeps interpreting while a variant compiles,
    // so more iterations run in irvm than synchronously (a third of them at most here).
    let out = support::scratch("tiering");
    let mut sweep_header = String::new();
    for threads in ["0", "1"] {
        let prof = out.join(format!("main_loop_j{threads}.json"));
        let p = prof.to_str().unwrap();
        let flags = ["--tier", "auto", "--verbose", "--jit-threads", threads, "--profile-out", p];
        let (stdout, err, _) = run_both("main_loop", &flags, &["3000000"]);
        assert!(stdout.starts_with("n=3000000 "), "{stdout}");
        for f in ["main", "sweep"] {
            let needle = format!("[tier] {f}: interp -> O");
            let line = err.lines().find(|l| l.starts_with(&needle) && l.contains("OSR at loop header"));
            let line = line.unwrap_or_else(|| panic!("no OSR of {f} with --jit-threads {threads}:\n{err}"));
            let header = line.split("OSR at ").nth(1).and_then(|r| r.split(" after").next()).unwrap_or_default();
            match (f, threads) {
                ("sweep", "0") => sweep_header = header.to_string(),
                ("sweep", _) => assert_eq!(header, sweep_header, "sweep entered elsewhere than synchronously: {line}"),
                _ => {}
            }
        }
        let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&prof).unwrap()).unwrap();
        let funcs = j["functions"].as_array().expect("functions");
        for f in ["main", "sweep"] {
            let e = funcs.iter().find(|x| x["name"] == f).unwrap_or_else(|| panic!("{f} not in the profile"));
            assert_eq!(e["osr_entries"], 1, "{f} with --jit-threads {threads}: {e}");
            let loops = e["loops"].as_array().unwrap();
            let back: u64 = loops.iter().map(|l| l["back_edge_count"].as_u64().unwrap()).sum();
            let most = if threads == "0" { 20_000 } else { 1_000_000 };
            assert!(
                back < most,
                "{f}, --jit-threads {threads}: {back} back edges interpreted: the loop did not leave irvm"
            );
        }
    }
    // The same run without OSR interprets every iteration of main's loop (and prints the same).
    let (same, _, _) = run_both("main_loop", &["--tier", "auto", "--no-osr"], &["300000"]);
    assert!(same.starts_with("n=300000 "), "{same}");
}

#[test]
fn fp_contract_fuses_in_every_tier_or_in_none() {
    // Without --fp-contract every tier rounds a*b + c twice (= clang -O2, generic); with it every
    // tier fuses (= clang -O2 -mfma), so a function's results do not change when it tiers up.
    let out = support::scratch("tiering");
    let src = root().join("tests/tiering/fma.c");
    // The JIT's target is the host as LLVM detects it: asked here through clang -march=native.
    let has_fma = support::native_cpu_has("__FMA__");
    if !has_fma {
        support::skipped(
            "tiering::fp_contract_fuses_in_every_tier_or_in_none",
            "the host has no FMA: fusing cannot be told from rounding twice (both expectations are the same output)",
        );
    }
    let (generic, fused, bc) = (out.join("fma_generic"), out.join("fma_fused"), out.join("fma.bc"));
    for (o, extra) in [(&generic, vec![]), (&fused, vec!["-mfma"])] {
        support::compile("fma.c native", support::clang_command().arg("-O2").args(extra).arg(&src).arg("-o").arg(o));
    }
    support::bitcode(&src, &bc, &["-O2"]);
    let native =
        |exe: &PathBuf| String::from_utf8_lossy(&Command::new(exe).output().expect("native run").stdout).to_string();
    let two = native(&generic);
    let one = if has_fma { native(&fused) } else { two.clone() };
    if has_fma {
        assert_ne!(one, two, "the test program should tell one rounding from two");
    }
    let modes: [&[&str]; 3] =
        [&["--tier", "interp"], &["--tier", "auto", "--thresholds", "min"], &["--tier", "jit", "--opt", "3"]];
    for m in modes {
        for (flag, want) in [(None, &two), (Some("--fp-contract"), &one)] {
            let o = support::bareflow(["run"]).args(m).args(flag).arg(&bc).output().expect("bareflow run");
            assert!(o.status.success(), "{m:?} {flag:?}: {}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(&String::from_utf8_lossy(&o.stdout).to_string(), want, "{m:?} {flag:?}");
        }
    }
}

/// The tier log's lines about function `name` (`[tier] NAME: ...`).
fn tier_lines<'a>(err: &'a str, name: &str) -> Vec<&'a str> {
    let prefix = format!("[tier] {name}: ");
    err.lines().filter(|l| l.starts_with(&prefix)).collect()
}

#[test]
fn osr_variant_keeps_unreached_code_warm_and_recomputes_derived_values() {
    // main's OSR variant is compiled while its first loop runs: that loop's exit and the loops
    // after it have counts of 0 so far, which is "not yet", not "never" (a zero weight would make
    // LLVM optimize everything after the loop for size). See tests/tiering/osr_rest.c.
    let (exe, bc) = build("osr_rest");
    let want = Command::new(&exe).arg("6000").output().expect("native run");
    // Synchronous: the OSR entry at the hot threshold (with a compile thread it comes earlier).
    let (b, dump) = support::run_dumping(
        "tiering",
        "osr_rest",
        &bc,
        &["--tier", "auto", "--jit-threads", "0", "--verbose"],
        &["6000"],
    );
    let err = String::from_utf8_lossy(&b.stderr);
    assert!(b.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&b.stdout), String::from_utf8_lossy(&want.stdout));
    assert!(
        err.lines().any(|l| l.starts_with("[tier] main: interp -> O3 (OSR at loop header")),
        "no OSR of main:\n{err}"
    );
    let pre: Vec<PathBuf> = std::fs::read_dir(&dump)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".pre.ll"))
        .collect();
    assert_eq!(pre.len(), 1, "one compile (main's OSR variant) expected: {pre:?}");
    let ir = std::fs::read_to_string(&pre[0]).unwrap();
    let weights: Vec<&str> = ir.lines().filter(|l| l.contains("!\"branch_weights\"")).collect();
    assert!(!weights.is_empty(), "no profile attached:\n{ir}");
    for w in &weights {
        assert!(!w.contains("i32 0,") && !w.ends_with("i32 0}"), "a zero branch weight from a partial profile: {w}");
    }
    // The entry block recomputes m = n / 3 + 1 from n (sdiv: atol is signed) rather than loading it.
    let entry = ir.split("osr.entry:").nth(1).expect("OSR entry block").split("\n\n").next().unwrap();
    assert!(entry.contains("div i64 "), "m is not recomputed in the OSR entry:\n{entry}");
}

/// The widest `OP <N x float>` in LLVM IR `ir` (None without one).
fn widest(ir: &str, op: &str) -> Option<usize> {
    let pat = format!("{op} <");
    ir.match_indices(&pat)
        .filter_map(|(i, _)| ir[i + pat.len()..].split_once(" x float>").and_then(|(n, _)| n.parse().ok()))
        .max()
}

/// Whether the LLVM the engine links (llvm-sys's prefix at build time, the one `make` exports) has the
/// `scalarizer` pass: that prefix's `opt` is asked on an empty module. None: no `opt` there (the
/// stripped LLVM of llvm-build/ has no tools; its patch drops the scalarizer from the registry).
fn engine_llvm_has_scalarizer() -> Option<bool> {
    let prefix = option_env!("LLVM_SYS_191_PREFIX").filter(|p| !p.is_empty()).unwrap_or("/usr/lib/llvm-19");
    let opt = std::path::Path::new(prefix).join("bin/opt");
    let empty = support::temp_path("empty.ll");
    std::fs::write(&empty, "").unwrap();
    let o = Command::new(&opt).args(["-passes=function(scalarizer)", "-disable-output"]).arg(&empty).output();
    let _ = std::fs::remove_file(&empty);
    o.ok().map(|o| o.status.success())
}

#[test]
fn revec_revectorizes_generic_vector_loops_at_the_host_width() {
    // tests/tiering/revec.c's -O2 bitcode has two loops vectorized for generic x86-64
    // (<4 x float>). On a CPU with wider vectors (orc-bridge/src/revec/):
    // - the run-time-length loop (`b = b * 0.5 + a`, an fadd) keeps its scalar remainder loop,
    //   so the JIT skips the generic vector loop and the loop vectorizer works on the scalar one
    //   again: `fadd <W x float>` at the width W a -march=native build of the same source uses,
    //   interleaved (several per iteration, as in that build; scalarizing this loop instead gives one);
    // - the fixed-length loop (`y = y * 0.5 - x`, an fsub) has no remainder: the JIT scalarizes
    //   it and the SLP vectorizer re-packs it wider than 4 lanes (needs the scalarizer and
    //   LLVM's `-scalarize-load-store`, parsed when the scalarizer is first used).
    // Without wide vectors both loops stay as the generic build made them.
    // The oracle for the host's width: clang-19 -O2 -march=native on the same source (the same
    // LLVM, the same host detection as the JIT's target), not the engine.
    const TEST: &str = "tiering::revec_revectorizes_generic_vector_loops_at_the_host_width";
    let native_ir = support::scratch("tiering").join("revec.native.ll");
    support::compile(
        "revec.c -march=native IR",
        support::clang_command()
            .args(["-O2", "-ffp-contract=off", "-march=native", "-Wno-invalid-feature-combination", "-S", "-emit-llvm"])
            .arg(root().join("tests/tiering/revec.c"))
            .arg("-o")
            .arg(&native_ir),
    );
    let native_ir = std::fs::read_to_string(&native_ir).unwrap();
    let width = widest(&native_ir, "fadd").expect("the -march=native build vectorizes the fadd loop");
    let native_fadds = native_ir.matches(&format!("fadd <{width} x float>")).count();
    assert!(native_fadds >= 2, "the -march=native build does not interleave the fadd loop: {native_fadds}");
    let wide = width > 4;
    let scalarizer = engine_llvm_has_scalarizer();
    if !wide {
        support::skipped(TEST, &format!("the host's vectors are {width} floats wide: nothing to re-vectorize"));
    }
    if scalarizer.is_none() {
        support::skipped(TEST, "the engine's LLVM has no `opt` to ask for the scalarizer: fixed-length loop unchecked");
    }
    let (exe, bc) = build("revec");
    let (r, dump) = support::run_dumping("tiering", "revec", &bc, &["--tier", "jit", "--opt", "3"], &["1000"]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "bareflow run failed: {err}");
    let native = Command::new(&exe).arg("1000").output().expect("native revec");
    assert!(String::from_utf8_lossy(&native.stdout).starts_with("revec n=1000 sum="));
    assert_eq!(String::from_utf8_lossy(&r.stdout), String::from_utf8_lossy(&native.stdout), "JIT and native differ");
    let (mut pre, mut post) = (String::new(), String::new());
    for e in std::fs::read_dir(&dump).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".pre.ll") {
            pre += &std::fs::read_to_string(&p).unwrap();
        } else if name.ends_with(".ll") {
            post += &std::fs::read_to_string(&p).unwrap();
        }
    }
    assert!(
        widest(&pre, "fadd") == Some(4) && ["fsub", "fmul"].iter().all(|op| widest(&pre, op).unwrap_or(4) == 4),
        "the JIT's input is not the generic 128-bit code"
    );
    // Same results as native for every remainder length: the re-vectorized loops' own
    // remainders, and lengths too short for any vector loop.
    for n in ["1", "3", "7", "8", "9", "31", "33", "1001"] {
        run_both("revec", &["--tier", "jit", "--opt", "3"], &[n]);
    }
    let fadds = post.matches(&format!("fadd <{width} x float>")).count();
    if wide {
        assert!(
            fadds >= 2,
            "run-time-length loop not re-vectorized and interleaved at the host's width: {fadds} fadd <{width} x float> \
             (the -march=native build has {native_fadds})"
        );
    } else {
        assert_eq!(widest(&post, "fadd"), Some(4), "no wide vectors, yet the fadd loop changed width");
    }
    if let Some(scalarizer) = scalarizer {
        let fsub = widest(&post, "fsub").unwrap_or(0);
        assert_eq!(
            fsub > 4,
            wide && scalarizer,
            "fixed-length loop re-packed wider than 4 lanes: fsub <{fsub} x float> (host width {width}, scalarizer {scalarizer})"
        );
    }
}

/// A timed region of a profile (`jit_profile_begin/end`).
#[derive(Debug)]
struct Region {
    name: String,
    count: u64,
    cycles: u64,
}

/// What one run of tests/tiering/bareflow_h.c gave.
struct BareflowHRun {
    /// Its output, line by line as (what, value).
    answers: Vec<(String, String)>,
    /// The timed regions of its profile.
    regions: Vec<Region>,
}

/// Run tests/tiering/bareflow_h.c under `bareflow run FLAGS`.
fn bareflow_h_run(flags: &[&str]) -> BareflowHRun {
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let out = support::scratch("tiering");
    let bc = out.join("bareflow_h.bc");
    {
        let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
        let include = root().join("tier/include");
        support::bitcode(&root().join("tests/tiering/bareflow_h.c"), &bc, &["-O2", "-I", include.to_str().unwrap()]);
    }
    let prof = out.join(format!("bareflow_h{}.json", flags.join("")));
    let o =
        support::bareflow(["run"]).args(flags).arg("--profile-out").arg(&prof).arg(&bc).output().expect("bareflow run");
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "bareflow run {flags:?}: {}", String::from_utf8_lossy(&o.stderr));
    let answers = text
        .lines()
        .map(|l| {
            let (what, value) = l.split_once(' ').unwrap_or_else(|| panic!("{flags:?}: bad line {l:?}"));
            (what.to_string(), value.to_string())
        })
        .collect();
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&prof).unwrap()).unwrap();
    let regions = j["regions"]
        .as_array()
        .unwrap_or_else(|| panic!("{flags:?}: no regions in the profile"))
        .iter()
        .map(|r| Region {
            name: r["name"].as_str().unwrap().to_string(),
            count: r["count"].as_u64().unwrap(),
            cycles: r["cycles"].as_u64().unwrap(),
        })
        .collect();
    BareflowHRun { answers, regions }
}

#[test]
fn bareflow_h_answers_in_every_tier() {
    // `counted` is called 1000 times from `main`'s loop; its heat is its calls.
    fn expected(
        calls: &str,
        cycles: &str,
        level: &str,
        setters: &str,
        optimize: &str,
        after: &str,
    ) -> Vec<(String, String)> {
        let again = if optimize == "-1" { "-1" } else { "0" };
        [
            ("calls", calls),
            ("calls-missing", "0"),
            ("cycles", cycles),
            ("cycles-missing", "0"),
            ("level", level),
            ("level-missing", "-1"),
            ("threshold-disordered", "-1"),
            ("threshold-zero", "-1"),
            ("threshold", setters),
            ("optimize", optimize),
            ("level-after", after),
            ("optimize-again", again),
        ]
        .iter()
        .map(|(w, v)| (w.to_string(), v.to_string()))
        .collect()
    }
    let mut cases = vec![
        // No tier manager: irvm counts and times every call; no level; every setter fails.
        (vec!["--tier", "interp"], expected("1000", "measured", "-1", "-1", "-1", "-1")),
        // Default thresholds (warm 200, hot 5000): 1000 calls make `counted` warm, O1, with the
        // calls from interpreted `main` counted on. At thresholds 10/20/40, `counted` and `main`
        // (1000 loop back-edges) are very hot: both compiled at O3 now, nothing more after.
        // Synchronous: the level is there when the program asks right after the tier mark.
        (vec!["--tier", "auto", "--jit-threads", "0"], expected("1000", "measured", "1", "0", "2", "3")),
    ];
    // Everything compiled at the level asked before `main`, which runs natively: no call is
    // counted or timed, so nothing is hot; the tier manager takes thresholds.
    let levels = ["0", "1", "2", "3"];
    for level in &levels {
        cases.push((vec!["--tier", "jit", "--opt", level], expected("0", "none", level, "0", "0", level)));
    }
    let mut results = Vec::new();
    for (flags, want) in &cases {
        let BareflowHRun { answers, regions } = bareflow_h_run(flags);
        assert_eq!(answers[..want.len()], want[..], "bareflow run {flags:?}");
        assert_eq!(answers.len(), want.len() + 1, "bareflow run {flags:?}: {answers:?}");
        // jit_profile_begin/end: one region, 1000 passes, in every tier.
        assert!(
            matches!(&regions[..], [r] if r.name == "pass" && r.count == 1000 && r.cycles > 0),
            "bareflow run {flags:?}: regions {regions:?}"
        );
        results.push(answers.last().cloned().unwrap());
    }
    // The program computes the same in every tier.
    assert!(results.iter().all(|r| r.0 == "result" && *r == results[0]), "{results:?}");
}

#[test]
fn value_profiles_record_the_arguments_of_functions_near_a_tier_mark() {
    // `row` is called with width 64 in 15 of 16 calls and 96 in the rest, step always 1 in the
    // first three quarters; `copy_records` always copies 256 bytes. The profile lists those
    // values with their shares (the tables are filled from half the first tier mark on).
    let out = support::scratch("tiering");
    let prof = out.join("specialize_values.json");
    let p = prof.to_str().unwrap();
    // Synchronous compiles (`--jit-threads 0`) here and in the specialization tests below: what they
    // check follows the order of the tier changes, which a compile thread makes depend on timing.
    run_both("specialize", &["--tier", "auto", "--jit-threads", "0", "--profile-out", p], &["64", "20000", "96"]);
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&prof).unwrap()).unwrap();
    let funcs = j["functions"].as_array().expect("functions");
    let values = |f: &str, param: u64| -> Vec<(u64, u64)> {
        let e = funcs.iter().find(|x| x["name"] == f).unwrap_or_else(|| panic!("{f} not in the profile"));
        let a = e["arg_values"].as_array().unwrap_or_else(|| panic!("{f}: no arg_values: {e}"));
        let t = a.iter().find(|t| t["param"] == param).unwrap_or_else(|| panic!("{f}: no table of {param}"));
        t["values"].as_array().unwrap().iter().map(|v| (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())).collect()
    };
    let width = values("row", 2);
    assert_eq!(width[0].0, 64, "row's width table: {width:?}");
    assert!(width.iter().any(|v| v.0 == 96), "row's width table lacks 96: {width:?}");
    let total: u64 = width.iter().map(|v| v.1).sum();
    assert!(total >= 50 && width[0].1 * 100 >= 85 * total, "row's width table: {width:?}");
    assert_eq!(values("row", 3), vec![(1, total)], "row's step");
    let size = values("copy_records", 2);
    assert!(size.len() == 1 && size[0].0 == 256 && size[0].1 >= 100, "copy size table: {size:?}");
}

/// The `specializations` of a profile's tier log, by function: (dropped, hits per version, misses).
fn specializations(prof: &std::path::Path) -> Vec<(String, bool, Vec<u64>, u64)> {
    let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(prof).unwrap()).unwrap();
    let s = j["tiering"]["specializations"].as_array().expect("tiering.specializations");
    s.iter()
        .map(|r| {
            let hits = r["versions"].as_array().unwrap().iter().map(|v| v["hits"].as_u64().unwrap()).collect();
            (
                r["function"].as_str().unwrap().to_string(),
                r["dropped"].as_bool().unwrap(),
                hits,
                r["misses"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn specialized_versions_and_the_generic_path_all_run_and_agree() {
    // `row` gets versions for width 64 and 96 (step 1); the last quarter of the run alternates
    // 64, 96 and odd widths with steps 1 and 2: both versions hit and the generic path misses,
    // with the native build's output. `copy_records` copies 256 bytes every time: no miss.
    let out = support::scratch("tiering");
    let prof = out.join("specialize_guards.json");
    let p = prof.to_str().unwrap();
    let (_, err, _) = run_both(
        "specialize",
        &["--tier", "auto", "--jit-threads", "0", "--verbose", "--profile-out", p],
        &["64", "20000", "96"],
    );
    assert!(
        err.lines().any(|l| l.starts_with("[tier] row: ")
            && l.contains(" specialized arg2=64 arg3=1 (")
            && l.contains("% of calls), arg2=96 arg3=1 (")),
        "no specialization of row:\n{err}"
    );
    let s = specializations(&prof);
    let row = s.iter().rfind(|r| r.0 == "row").expect("row specialized");
    assert!(!row.1 && row.2.len() == 2 && row.2.iter().all(|&h| h > 0) && row.3 > 0, "row's guards: {row:?}");
    let copy = s.iter().rfind(|r| r.0 == "copy_records").expect("copy_records specialized");
    assert!(copy.2[0] > 0 && copy.3 == 0, "copy_records' guards: {copy:?}");
    // `bareflow report` shows them.
    let r = support::bareflow(["report", p]).output().expect("bareflow report");
    let text = String::from_utf8_lossy(&r.stdout);
    let line = format!("  row: arg2=64 arg3=1 {} hits (", row.2[0]);
    assert!(text.contains(&line) && text.contains(&format!("; {} misses (", row.3)), "{text}");
    // The same run without specialization: same output, nothing specialized.
    let (_, err, _) =
        run_both("specialize", &["--tier", "auto", "--verbose", "--no-specialize"], &["64", "20000", "96"]);
    assert!(!err.contains("specialized"), "{err}");
}

#[test]
fn a_stable_argument_that_no_loop_size_or_branch_uses_is_not_specialized() {
    // smooth(.., w = 64, tag = 7) and remember(.., id = 8) in every call: smooth is specialized
    // on its loop bound w only, tag and id (only stored) are refused with the reason.
    let (_, err, _) =
        run_both("stable_but_useless", &["--tier", "auto", "--jit-threads", "0", "--verbose"], &["64", "20000", "7"]);
    let smooth = tier_lines(&err, "smooth");
    assert!(
        smooth.iter().any(|l| l.contains(" specialized arg2=64 (100 % of calls)")),
        "smooth not specialized on its loop bound:\n{err}"
    );
    assert!(smooth.iter().all(|l| !l.contains("arg3=")), "smooth specialized on its stored tag:\n{err}");
    assert!(
        smooth.iter().any(|l| l.contains("not specialized on arg3: a constant there reaches no loop bound")),
        "no refusal logged for smooth's tag:\n{err}"
    );
    let remember = tier_lines(&err, "remember");
    assert!(remember.iter().any(|l| l.contains("not specialized on arg1: ")), "no refusal for remember:\n{err}");
    assert!(remember.iter().all(|l| !l.contains(" specialized arg")), "remember specialized:\n{err}");
}

#[test]
fn a_caller_compiled_after_its_callee_was_specialized_keeps_calling_the_versions() {
    // dot16 is specialized on n = 64 (at about its 4 400th of 40 000 calls); layer, which reads n
    // from memory, reaches O2 later (at its 5 000th of 20 000 calls). Had layer's O2 code inlined
    // dot16's generic body, dot16's guards would count no call after that (about 5 600 hits in
    // all); kept as calls to the dispatcher, every later call hits the n = 64 version.
    let out = support::scratch("tiering");
    let prof = out.join("specialized_callee.json");
    let p = prof.to_str().unwrap();
    // Synchronous compiles: the order of the tier-ups above (with a compile thread, main's earlier
    // OSR entry takes layer's loop first and layer never reaches O2 on its own).
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--profile-out", p];
    let (_, err, _) = run_both("specialized_callee", &flags, &["64", "20000"]);
    assert!(
        err.lines().any(|l| l.starts_with("[tier] dot16: ") && l.contains(" specialized arg2=64 (")),
        "no specialization of dot16:\n{err}"
    );
    assert!(err.contains("[tier] layer: O1 -> O2"), "layer not compiled at O2:\n{err}");
    let s = specializations(&prof);
    let dot = s.iter().rfind(|r| r.0 == "dot16").expect("dot16 specialized");
    assert!(!dot.1 && dot.3 == 0 && dot.2[0] >= 30_000, "dot16's guards (40 000 calls): {dot:?}");
}

#[test]
fn a_specialization_that_keeps_missing_is_dropped_and_not_made_again() {
    // The last 80% of the calls use small odd widths only: row's guards miss more than they hit,
    // the tier manager (at copy_records' and row's later tier marks) recompiles row without
    // versions, and row's O3 compile does not specialize again.
    let out = support::scratch("tiering");
    let prof = out.join("specialize_drop.json");
    let p = prof.to_str().unwrap();
    let flags =
        ["--tier", "auto", "--jit-threads", "0", "--verbose", "--thresholds", "50,500,15000", "--profile-out", p];
    let (_, err, _) = run_both("specialize", &flags, &["64", "20000", "96", "80", "1"]);
    assert!(err.lines().any(|l| l.starts_with("[tier] row: ") && l.contains("specialization dropped")), "{err}");
    let s = specializations(&prof);
    let rows: Vec<_> = s.iter().filter(|r| r.0 == "row").collect();
    assert_eq!(rows.len(), 1, "row specialized again after the drop: {rows:?}");
    assert!(rows[0].1 && rows[0].3 > rows[0].2.iter().sum::<u64>(), "{rows:?}");
    let after = err.lines().skip_while(|l| !l.contains("specialization dropped"));
    assert!(after.filter(|l| l.starts_with("[tier] row: ")).all(|l| !l.contains("specialized")), "{err}");
}

/// An empty state directory `name` in the tiering tests' scratch directory (emptied if a run
/// before left one).
fn fresh_state(name: &str) -> std::path::PathBuf {
    let state = support::scratch("tiering").join(name);
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    state
}

#[test]
fn a_warm_start_links_the_specialized_objects_and_counts_their_guards() {
    // The first run's snapshot keeps row's and copy_records' specialized objects (keyed by their
    // values too); the second run links them without compiling and counts their guards.
    let out = support::scratch("tiering");
    let state = fresh_state("specialize_state");
    let s = state.to_str().unwrap();
    run_both("specialize", &["--tier", "auto", "--jit-threads", "0", "--state", s], &["64", "20000", "96"]);
    let prof = out.join("specialize_warm.json");
    let p = prof.to_str().unwrap();
    let (_, err, _) = run_both(
        "specialize",
        &["--tier", "auto", "--jit-threads", "0", "--verbose", "--state", s, "--profile-out", p],
        &["64", "20000", "96"],
    );
    assert!(
        err.lines().any(|l| l.starts_with("[state] row: O")
            && l.contains(" from the object cache (")
            && l.ends_with(" bytes) specialized arg2=64 arg3=1, arg2=96 arg3=1")),
        "row's specialized object not linked:\n{err}"
    );
    assert!(!err.lines().any(|l| l.starts_with("[tier] row: ")), "row compiled again:\n{err}");
    let row = specializations(&prof).into_iter().find(|r| r.0 == "row").expect("row's guards reported");
    assert!(row.2.iter().all(|&h| h > 0) && row.3 > 0, "row's guards: {row:?}");
    let snap = support::bareflow(["snapshot", "show", s]).output().expect("bareflow snapshot show");
    let text = String::from_utf8_lossy(&snap.stdout);
    assert!(text.contains(" specialized p2=64,p3=1;p2=96,p3=1: ") && !text.contains("KEY MISMATCH"), "{text}");
}

#[test]
fn a_warm_start_sets_up_its_compile_thread_only_when_a_job_comes() {
    // A cold run's compile thread sets itself up at once (its first job comes early). A warm
    // start from a snapshot of the program whose every function comes from the object cache
    // queues no job, and its thread, set up only at its first job, never parses the program:
    // that set-up beside the program's start slowed app-tinyllama's first token.
    let state = fresh_state("lazy_setup_state");
    let s = state.to_str().unwrap();
    let cpu_line = |err: &str| {
        err.lines()
            .find(|l| l.starts_with("[tier] CPU time:"))
            .unwrap_or_else(|| panic!("no CPU time line:\n{err}"))
            .to_string()
    };
    let args = ["64", "20000", "96"];
    let (_, cold, _) = run_both("specialize", &["--tier", "auto", "--jit-threads", "1", "--verbose"], &args);
    assert!(cpu_line(&cold).contains(" set-up "), "{}", cpu_line(&cold));
    for _ in 0..2 {
        run_both("specialize", &["--tier", "auto", "--jit-threads", "0", "--state", s], &args);
    }
    let (_, warm, _) =
        run_both("specialize", &["--tier", "auto", "--jit-threads", "1", "--verbose", "--state", s], &args);
    assert!(!warm.lines().any(|l| l.starts_with("[tier] ") && l.contains(" -> O")), "a tier change:\n{warm}");
    assert!(cpu_line(&warm).contains("(0 objects built, not set up: no job came;"), "{}", cpu_line(&warm));
}

/// Run tests/tiering/background.c under `bareflow run FLAGS`; returns (stdout, stderr).
fn background_run(flags: &[&str]) -> (String, String) {
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let bc = support::scratch("tiering").join("background.bc");
    {
        let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
        let include = root().join("tier/include");
        support::bitcode(&root().join("tests/tiering/background.c"), &bc, &["-O2", "-I", include.to_str().unwrap()]);
    }
    let o = support::bareflow(["run"]).args(flags).arg(&bc).output().expect("bareflow run");
    let (out, err) = (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string());
    assert!(o.status.success(), "bareflow run {flags:?}: {err}");
    (out, err)
}

#[test]
fn background_compiles_switch_to_new_code_while_the_program_runs() {
    let (interp, _) = background_run(&["--tier", "interp"]);
    assert!(interp.starts_with("switched no\nresult "), "{interp}");
    let result = interp.lines().nth(1).unwrap();
    for threads in ["0", "1", "2"] {
        let flags = ["--tier", "auto", "--verbose", "--jit-threads", threads];
        let (out, err) = background_run(&flags);
        assert_eq!(out, format!("switched yes\n{result}\n"), "{flags:?}: {err}");
        // Its first tier change: O1 at the lowered threshold (synchronous), or (with a compile
        // thread, whose loops ask earlier) its whole function at O3 for its loop.
        let change = err.lines().find(|l| l.starts_with("[tier] work: interp -> O")).expect("no tier change of work");
        // The tier log says where the compile ran and how long it waited in the queue.
        match threads {
            "0" => assert!(!change.contains("queued"), "{change}"),
            // Built by a compile thread, or by the program's thread while every compile thread
            // was busy (a backlog).
            _ => assert!(
                (change.contains("in background") || change.contains("by the program's thread from the backlog"))
                    && change.contains(", queued "),
                "{change}"
            ),
        }
        // With a compile thread, `work` (called over and over, 200 loop iterations a call) gets
        // whole-function code at O3 — as the program's main work (most of the interpreted time)
        // or when its loop header asks — never an OSR variant: every later call runs native
        // instead of entering irvm and jumping into a variant at the loop header.
        if threads != "0" {
            let whole = change.contains("(loop header block ") || change.contains("(the program's main work: ");
            assert!(change.contains(" -> O3 (") && whole, "{change}");
            assert!(!err.lines().any(|l| l.starts_with("[tier] work:") && l.contains("OSR at")), "{err}");
        }
    }
}

#[test]
fn jit_threads_default_follows_the_cpus_online() {
    // One compile thread when the run sees more than one CPU, synchronous compiles with one: the
    // tier log says which, with the CPUs online, and the result is the same either way. Pinned
    // to one CPU (taskset), `available_parallelism` sees one.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (free, err) = background_run(&["--tier", "auto", "--verbose"]);
    let want = if cpus > 1 {
        format!("[tier] compiling on 1 background thread(s) (default, {cpus} CPU(s) online)")
    } else {
        "[tier] compiling synchronously (default, 1 CPU(s) online)".to_string()
    };
    assert!(err.lines().any(|l| l == want), "no '{want}' in: {err}");
    let bc = support::scratch("tiering").join("background.bc");
    let o = std::process::Command::new("taskset")
        .args(["-c", "0"])
        .arg(support::bareflow_bin())
        .args(["run", "--tier", "auto", "--verbose"])
        .arg(&bc)
        .output()
        .expect("taskset -c 0 bareflow run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "taskset -c 0 bareflow run: {err}");
    let want = "[tier] compiling synchronously (default, 1 CPU(s) online)";
    assert!(err.lines().any(|l| l == want), "no '{want}' in: {err}");
    assert_eq!(String::from_utf8_lossy(&o.stdout), free);
    let (threaded, err) = background_run(&["--tier", "auto", "--verbose", "--jit-threads", "0"]);
    let want = "[tier] compiling synchronously (--jit-threads)";
    assert!(err.lines().any(|l| l == want), "no '{want}' in: {err}");
    assert_eq!(threaded, free);
}

#[test]
fn jit_threads_takes_a_count() {
    for bad in ["x", "-1", "65"] {
        let o = support::bareflow(["run", "--jit-threads", bad, "prog.bc"]).output().expect("bareflow run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.trim(), format!("bareflow run: --jit-threads '{bad}': expected a number from 0 to 64"));
    }
}

/// Guarded specialization with a compile thread: a function hot within its first call (an OSR
/// variant) asks for its whole-function code a call later, before irvm has recorded its argument
/// values; the job must wait for them (`Tiering::defer_for_values`) rather than be built generic
/// for the rest of the run. The program is bench-jit's spec_conv on a 512x512 image, so that the
/// first call (2.3 M interpreted iterations) outlasts its OSR compile whatever the load (at 32x32
/// it could end first, and then no variant was entered); 200 calls leave time for the
/// whole-function compile. Without the wait, 4 of 4 runs were generic O3.
#[test]
fn a_function_hot_in_its_first_call_is_specialized_with_a_compile_thread() {
    let err = support::run_both_in(
        "bench",
        "spec_conv",
        &["--tier", "auto", "--jit-threads", "1", "--verbose"],
        &["512", "512", "3", "200"],
    );
    let conv = tier_lines(&err, "conv");
    assert!(conv.iter().any(|l| l.contains("OSR at loop header")), "conv entered no OSR variant:\n{err}");
    assert!(
        conv.iter().any(|l| l.contains(" specialized arg3=512 arg4=512 arg5=3 arg6=3 (100 % of calls)")),
        "conv's whole-function code is not specialized on its sizes:\n{err}"
    );
}

/// The same with short calls: bench-jit's spec_rows, whose `score` (64 rows of 256) is hot by its
/// loops at its second call, which asks for the whole function instead of an OSR variant. The job
/// waits for a few more interpreted calls' values, and the specialized body, whose row loop
/// clang unrolled into two inner loops that the constant row length folds into one, is
/// unroll-and-jammed. Without the wait, 3 of 3 runs kept generic O3 code, not jammed.
#[test]
fn a_function_with_short_calls_hot_at_its_second_call_is_specialized_with_a_compile_thread() {
    let err = support::run_both_in(
        "bench",
        "spec_rows",
        &["--tier", "auto", "--jit-threads", "1", "--verbose"],
        &["256", "64", "2000"],
    );
    let score = tier_lines(&err, "score");
    assert!(
        score.iter().any(|l| l.contains(" specialized arg3=256 arg4=64 (100 % of calls)")),
        "score's code is not specialized on its sizes:\n{err}"
    );
    assert!(
        score.iter().any(|l| l.contains("unroll-and-jam: x4: 1 of 1 loop nests jammed")),
        "score's row nest is not unroll-and-jammed:\n{err}"
    );
}

#[test]
fn the_end_of_a_run_gives_looping_functions_o2_and_the_main_work_o3() {
    // Synchronous compiles (a compile thread applies these rules while the program runs): `step`
    // is O1 in the run, its per-run heat deserves O1, and its calls run loops: O2 for the next
    // run; `pass` never leaves the interpreter and takes nearly all of its time: O3. The next run
    // starts from that code and compiles nothing.
    let state = fresh_state("end_of_run_state");
    let flags = ["--tier", "auto", "--jit-threads", "0", "--verbose", "--state", state.to_str().unwrap()];
    let (_, err, _) = run_both("end_of_run", &flags, &[]);
    assert!(err.contains("[tier] step: interp -> O1 (heat "), "step not at O1 in the run:\n{err}");
    assert!(
        err.lines().any(|l| l.starts_with("[tier] step: O1 -> O2 ")
            && l.contains("(per-run heat ")
            && l.contains("its calls run loops: O2 at least, for the next run")),
        "step not promoted to O2 for its loops:\n{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("[tier] pass: interp -> O3 (the program's main work: ")
            && l.contains("its calls run loops, for the next run")),
        "pass not promoted to O3 as the main work:\n{err}"
    );
    let (_, err, _) = run_both("end_of_run", &flags, &[]);
    assert!(
        err.contains("[state] step: O2 from the object cache")
            && err.contains("[state] pass: O3 from the object cache"),
        "{err}"
    );
    assert!(
        !err.lines().any(|l| l.starts_with("[tier] step: ") || l.starts_with("[tier] pass: ")),
        "compiled again:\n{err}"
    );
}

#[test]
fn perf_map_names_every_installed_code() {
    // BAREFLOW_PERF_MAP=1: /tmp/perf-PID.map gets one line per function symbol of every object
    // installed — here leaf's O1, O2 and O3 code and driver's — with its address and ELF size.
    let (_, bc) = build("native_calls");
    let child = support::bareflow(["run"])
        .args(["--tier", "auto", "--jit-threads", "0", "--thresholds", "3,100,1000"])
        .arg(&bc)
        .env("BAREFLOW_PERF_MAP", "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("bareflow run");
    let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
    let out = child.wait_with_output().expect("bareflow run");
    assert!(out.status.success(), "bareflow run failed");
    let text = std::fs::read_to_string(&map).unwrap_or_else(|e| panic!("{}: {e}", map.display()));
    let _ = std::fs::remove_file(&map);
    let lines: Vec<(u64, u64, &str)> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 3, "not START SIZE NAME: {l:?}");
            let hex = |s: &str| u64::from_str_radix(s, 16).unwrap_or_else(|e| panic!("{l:?}: {e}"));
            (hex(f[0]), hex(f[1]), f[2])
        })
        .collect();
    for level in ["O1", "O2", "O3"] {
        let prefix = format!("leaf.bf.{level}.");
        assert!(lines.iter().any(|l| l.2.starts_with(&prefix) && l.0 != 0 && l.1 > 1), "no {prefix}* line:\n{text}");
    }
    assert!(lines.iter().any(|l| l.2.starts_with("driver.bf.O")), "no driver line:\n{text}");
}
