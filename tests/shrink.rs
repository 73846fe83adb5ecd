//! Run snapshots in userspace: `bareflow run --state DIR` saves a run snapshot (aggregated
//! profile, tiers, ORC object cache); the next run loads it, prints the same output and compiles
//! nothing; a corrupt, mismatched or foreign snapshot is reported in one line and the run goes on
//! cold, keeping the last good snapshot. Also `jit_optimize_hot_functions()` (bareflow.h).
//! Needs `make app` (build/tinyllama.bc, build/tinyllama); `make test-shrink` runs it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use support::{model, root};

fn bitcode() -> PathBuf {
    let bc = root().join("build/tinyllama.bc");
    assert!(bc.exists(), "{} missing: run `make app` first", bc.display());
    bc
}

/// A fresh state directory for one test.
fn fresh(name: &str) -> PathBuf {
    let d = support::scratch("shrink").join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// `bareflow run --verbose --state DIR tinyllama.bc -- model -n 48 -t 0 -i ...`: (stdout, stderr).
fn llama(state: &Path, extra: &[&str]) -> (String, String) {
    let o = support::bareflow(["run", "--verbose", "--state"])
        .arg(state)
        .args(extra)
        .arg(bitcode())
        .arg("--")
        .arg(model())
        .args(["-n", "48", "-t", "0", "-i", "And God said"])
        .output()
        .expect("bareflow run");
    let (out, err) = (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string());
    assert!(o.status.success(), "bareflow run failed: {err}");
    (out, err)
}

/// Tier changes made while the program ran or at its end (`[tier] f: A -> B (...)`).
fn compiles(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.starts_with("[tier] ") && l.contains(" -> ")).collect()
}

/// The functions build/tinyllama.bc defines (llvm-nm-19: text symbols, global or local).
fn defined_functions() -> std::collections::BTreeSet<String> {
    let o = std::process::Command::new(support::tool("LLVM_NM", "llvm-nm-19"))
        .arg("--defined-only")
        .arg(bitcode())
        .output()
        .expect("llvm-nm-19");
    assert!(o.status.success(), "llvm-nm-19 failed");
    let defined: std::collections::BTreeSet<String> = support::text(&o.stdout)
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "T" | "t", name] => Some(name.to_string()),
            _ => None,
        })
        .collect();
    assert!(defined.contains("main") && defined.contains("model_forward"), "llvm-nm-19 found {defined:?}");
    defined
}

/// The functions of app-tinyllama that never run for `-n 48 -t 0 -i "And God said"`, found apart
/// from the engine: the C sources built natively with clang's instrumentation
/// (`-fprofile-instr-generate`, -O0: every function keeps its counter), run on the same arguments,
/// and the functions `llvm-profdata-19 show` counts 0 calls for (static ones are named `file.c:f`).
fn unexecuted_natively() -> std::collections::BTreeSet<String> {
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let dir = support::scratch("shrink/native-profile");
    let (exe, raw, data) = (dir.join("tinyllama"), dir.join("run.profraw"), dir.join("run.profdata"));
    let mut srcs: Vec<PathBuf> = std::fs::read_dir(root().join("app-tinyllama/src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    srcs.sort();
    support::compile(
        "app-tinyllama, instrumented",
        support::clang_command()
            .args(["-std=c11", "-O0", "-fprofile-instr-generate"])
            .args(&srcs)
            .arg("-lm")
            .arg("-o")
            .arg(&exe),
    );
    let _ = std::fs::remove_file(&raw);
    let run = std::process::Command::new(&exe)
        .arg(model())
        .args(["-n", "48", "-t", "0", "-i", "And God said"])
        .env("LLVM_PROFILE_FILE", &raw)
        .output()
        .expect("instrumented tinyllama");
    assert!(run.status.success(), "instrumented tinyllama failed");
    let profdata = support::tool("LLVM_PROFDATA", "llvm-profdata-19");
    let merge = std::process::Command::new(&profdata).arg("merge").arg("-o").arg(&data).arg(&raw).status();
    assert!(merge.is_ok_and(|s| s.success()), "llvm-profdata-19 merge failed");
    let show = std::process::Command::new(&profdata).args(["show", "--all-functions"]).arg(&data).output().unwrap();
    let mut name = String::new();
    let mut zero = std::collections::BTreeSet::new();
    for line in support::text(&show.stdout).lines() {
        if let Some(n) = line.strip_prefix("  ").filter(|n| !n.starts_with(' ')).and_then(|n| n.strip_suffix(':')) {
            name = n.rsplit([':', ';']).next().unwrap().to_string();
        } else if line.trim() == "Function count: 0" {
            zero.insert(name.clone());
        }
    }
    assert!(zero.contains("chat"), "the instrumented run's profile has no uncalled `chat` (-m chat only):\n{zero:?}");
    zero
}

fn native_output() -> String {
    support::tinyllama_native(&["-n", "48", "-t", "0", "-i", "And God said"])
}

fn bareflow(args: &[&str]) -> Output {
    support::bareflow(args).output().expect("bareflow")
}

/// Flip one byte of slot `slot`'s payload in DIR/state.img (64 MiB store: slots of 32 MiB).
fn corrupt_slot(dir: &Path, slot: u64) {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().read(true).write(true).open(dir.join("state.img")).unwrap();
    let at = slot * (32 << 20) + 4096 + 200;
    let mut b = [0u8];
    f.seek(SeekFrom::Start(at)).unwrap();
    f.read_exact(&mut b).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(&[b[0] ^ 0x55]).unwrap();
}

#[test]
fn warm_run_prints_the_same_and_compiles_nothing() {
    let dir = fresh("warm");
    let (cold_out, cold_err) = llama(&dir, &[]);
    assert_eq!(cold_out, native_output(), "cold run differs from the native build");
    assert!(cold_err.contains("empty, cold start"), "{cold_err}");
    assert!(!compiles(&cold_err).is_empty(), "the cold run compiled nothing:\n{cold_err}");
    assert!(cold_err.contains("state: saved snapshot gen 1"), "{cold_err}");
    let gen1 = profile_rows(&dir);

    let prof = dir.join("warm.json");
    let (warm_out, warm_err) = llama(&dir, &["--profile-out", prof.to_str().unwrap()]);
    assert_eq!(warm_out, cold_out, "warm run printed something else");
    assert!(warm_err.contains("state: loaded snapshot gen 1 from"), "{warm_err}");
    assert!(compiles(&warm_err).is_empty(), "the warm run compiled:\n{}", compiles(&warm_err).join("\n"));
    // The hottest function (the model's forward pass, every token) is loaded at the tier run 1 saved.
    let forward_tier = gen1["model_forward"].0.clone();
    assert!(forward_tier.starts_with('O') && forward_tier != "O1", "model_forward left run 1 at {forward_tier}");
    let loaded_forward = format!("[state] model_forward: {forward_tier} from the object cache");
    assert!(warm_err.contains(&loaded_forward), "expected {loaded_forward:?}:\n{warm_err}");
    let p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&prof).unwrap()).unwrap();
    assert_eq!(p["tiering"]["changes"].as_array().map(Vec::len), Some(0), "tier log of the warm run: {}", p["tiering"]);
    assert!(warm_err.contains("state: saved snapshot gen 2"), "{warm_err}");
    // Dead code, from the bitcode (llvm-nm) and an instrumented native run, not from the engine.
    // The engine's dead set is the oracle's less the functions inlined into the compiled code of a
    // function that ran (they count as run: irvm cannot see an inlined copy run or not run,
    // docs/state.md "Dead code"), which `snapshot show` names below.
    let defined = defined_functions();
    let oracle: Vec<String> = unexecuted_natively().intersection(&defined).cloned().collect();
    assert!(!oracle.is_empty(), "the oracle finds no dead function: the workload no longer shows dead code");
    let dead_line = warm_err.lines().find(|l| l.starts_with("state: dead code: ")).unwrap_or_default();
    let tail = format!(" of {} app functions never executed in 2 run(s): ", defined.len());
    let (count, names) = dead_line.trim_start_matches("state: dead code: ").split_once(tail.as_str()).unzip();
    let dead: Vec<String> = names.map(|n| n.split(", ").map(str::to_string).collect()).unwrap_or_default();
    assert_eq!(count.and_then(|c| c.parse().ok()), Some(dead.len()), "no dead-code line like {tail:?}:\n{warm_err}");
    let executed_called_dead: Vec<&String> = dead.iter().filter(|f| !oracle.contains(f)).collect();
    assert!(
        executed_called_dead.is_empty(),
        "functions the native run executed are called dead: {executed_called_dead:?}"
    );
    // Live: not dead (executed, or inlined where something executed); executed: by the oracle.
    let (live, executed) = (defined.len() - dead.len(), defined.len() - oracle.len());

    // `snapshot show` decodes it: runs, per-function profile and tier, object cache, dead code.
    let show = bareflow(&["snapshot", "show", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(show.status.success(), "{text}");
    assert!(text.contains("run snapshot: program") && text.contains(", 2 run(s)"), "{text}");
    assert!(
        text.lines().any(|l| l.trim_start().starts_with(forward_tier.as_str()) && l.ends_with(" model_forward")),
        "{text}"
    );
    // Its object-cache line: `model_forward O2: N bytes, ...`, or with its specialization or
    // size-versioned calls before the colon (`model_forward O2 specialized |m1=128: ...`).
    let object_line = format!("model_forward {forward_tier}");
    assert!(
        text.contains("object cache: ")
            && text.lines().any(|l| l.trim_start().starts_with(&object_line) && l.contains(" bytes, symbol ")),
        "{text}"
    );
    let show_dead = format!("dead code: {} of {} function(s) never executed in 2 run(s):", dead.len(), defined.len());
    assert!(text.contains(&show_dead), "expected {show_dead:?}:\n{text}");
    // Each function the oracle finds dead but the engine does not is inlined into compiled code
    // of a function that ran.
    let inlined: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once("'s compiled code inlined (run whenever it runs): "))
        .filter(|(f, _)| !dead.iter().any(|d| d == f.trim()))
        .flat_map(|(_, names)| names.split(", "))
        .collect();
    for f in oracle.iter().filter(|f| !dead.contains(f)) {
        assert!(inlined.contains(&f.as_str()), "{f} never ran natively, is not dead and was inlined nowhere:\n{text}");
    }

    // The aggregate adds what each run counted beyond what it was seeded with, and no total
    // ever shrinks. Start-up code (below the warm threshold, O1 from the end of run 1 on) was
    // interpreted in run 1 and runs native in run 2, where the counting thunk still counts its
    // calls: the same calls per run, so its calls double and its heat grows by one run's calls
    // (native code takes no loop back-edges into account).
    let gen2 = profile_rows(&dir);
    let mut startup = 0;
    for (name, (tier, calls, heat)) in &gen1 {
        let (_, calls2, heat2) = gen2[name];
        assert!(
            calls2 >= *calls && heat2 >= *heat,
            "{name}: aggregate shrank ({calls}, {heat}) -> ({calls2}, {heat2})"
        );
        if tier == "O1" && *heat < 200 && calls2 > *calls {
            startup += 1;
            assert_eq!(
                (calls2, heat2),
                (2 * calls, heat + calls),
                "{name}: start-up code counted in both runs, aggregate does not add up"
            );
        }
    }
    assert!(startup >= 5, "fewer than 5 start-up functions counted in both runs:\n{gen1:?}\n{gen2:?}");
    for f in ["main", "cli_parse", "file_read_all"] {
        assert_eq!(gen1[f].0, "O1", "{f}: start-up code without an O1 object after run 1: {gen1:?}");
    }
    // Every executed function left run 1 with an object (its tier in the gen-1 profile); the warm
    // run loads them all: as many per tier as the profile table lists, and the oracle's count.
    let tier_count = |t: &str| gen1.values().filter(|(tier, _, _)| tier == t).count();
    let (o1, o2, o3) = (tier_count("O1"), tier_count("O2"), tier_count("O3"));
    assert_eq!(o1 + o2 + o3, executed, "gen 1's tiers do not cover the {executed} executed functions: {gen1:?}");
    let loaded = format!("({executed} functions native from the cache: O1 {o1}, O2 {o2}, O3 {o3};");
    assert!(warm_err.contains(&loaded), "expected {loaded:?}:\n{warm_err}");

    // Run 2 changed nothing: the whole program was rebuilt from the profile and kept; `aot`
    // writes that object; a run that changes tiers drops it.
    let converged = format!("state: converged module: {live} live functions, {} dead dropped", dead.len());
    assert!(warm_err.contains(&converged), "expected {converged:?}:\n{warm_err}");
    let kept = format!("converged module: built at the end of run 2, {live} live / {} dead function(s)", dead.len());
    assert!(text.contains(&kept), "expected {kept:?}:\n{text}");
    let obj = dir.join("converged.o");
    let aot =
        bareflow(&["aot", "--state", dir.to_str().unwrap(), bitcode().to_str().unwrap(), "-o", obj.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&aot.stdout);
    assert!(
        aot.status.success() && said.contains("from the converged module kept in snapshot gen 2 (built at run 2)"),
        "{said}{}",
        String::from_utf8_lossy(&aot.stderr)
    );
    assert!(std::fs::read(&obj).unwrap().starts_with(b"\x7fELF"));
    let (_, err3) = llama(&dir, &["--thresholds", "min"]);
    assert!(
        !compiles(&err3).is_empty()
            && err3.contains("state: converged module dropped: tiers, dead set or specializations changed"),
        "{err3}"
    );
}

/// `snapshot show`'s profile table: function -> (tier, calls, heat).
fn profile_rows(dir: &Path) -> std::collections::HashMap<String, (String, u64, u64)> {
    let show = bareflow(&["snapshot", "show", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&show.stdout).to_string();
    assert!(show.status.success(), "{text}");
    let rows: std::collections::HashMap<_, _> = text
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let (calls, heat) = (w.get(1)?.parse().ok()?, w.get(2)?.parse().ok()?);
            (w.len() == 6).then(|| (w[5].to_string(), (w[0].to_string(), calls, heat)))
        })
        .collect();
    assert!(rows.len() >= 20, "profile table not found:\n{text}");
    rows
}

#[test]
fn corrupt_snapshot_is_reported_and_the_run_goes_cold() {
    let dir = fresh("corrupt");
    let (cold_out, _) = llama(&dir, &[]);
    corrupt_slot(&dir, 0);
    let (out, err) = llama(&dir, &[]);
    assert_eq!(out, cold_out);
    let store = dir.join("state.img").display().to_string();
    let line = err
        .lines()
        .find(|l| l.starts_with("state: ") && l.contains("cold start"))
        .unwrap_or_else(|| panic!("no state line:\n{err}"));
    assert!(line.contains(&store) && line.contains("slot A ignored: payload checksum mismatch"), "{line}");
    assert!(!compiles(&err).is_empty(), "a cold run must compile:\n{err}");
    assert!(err.contains("state: saved snapshot gen 1"), "{err}");

    // Two good generations; the newer one gets damaged: the older one is used.
    let (_, err) = llama(&dir, &[]);
    assert!(err.contains("state: loaded snapshot gen 1") && err.contains("state: saved snapshot gen 2"), "{err}");
    corrupt_slot(&dir, 1);
    let (out, err) = llama(&dir, &[]);
    assert_eq!(out, cold_out);
    let line = err.lines().find(|l| l.starts_with("state: loaded snapshot")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("gen 1") && line.contains("slot B ignored: payload checksum mismatch"), "{line}");
}

#[test]
fn mismatched_or_foreign_snapshots_are_discarded() {
    // Another program's snapshot.
    let dir = fresh("mismatch");
    let other = support::scratch("shrink").join("hot_api.bc");
    build_hot_api(&other);
    let o = bareflow(&["run", "--state", dir.to_str().unwrap(), other.to_str().unwrap()]);
    assert!(o.status.success());
    let (out, err) = llama(&dir, &[]);
    assert_eq!(out, native_output());
    let line =
        err.lines().find(|l| l.starts_with("state: ") && l.contains("cold start")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("generation 1 does not fit this run: program bitcode hash differs"), "{line}");
    assert!(!compiles(&err).is_empty());

    // Same program, another CPU: meta.json rewritten with `snapshot put`.
    let show = String::from_utf8_lossy(&bareflow(&["snapshot", "show", dir.to_str().unwrap()]).stdout).to_string();
    let hash = show.lines().find_map(|l| l.trim().strip_prefix("bitcode ")).expect("bitcode line").to_string();
    let llvm = show
        .lines()
        .find_map(|l| l.trim().strip_prefix("LLVM "))
        .and_then(|l| l.split(',').next())
        .expect("LLVM line")
        .to_string();
    let meta = serde_json::json!({"format": 1, "runs": 1, "program": "x", "bitcode_hash": hash, "llvm_version": llvm,
        "cpu": "i486", "features": "+x87"});
    let meta_file = dir.join("meta.json");
    std::fs::write(&meta_file, meta.to_string()).unwrap();
    assert!(
        bareflow(&["snapshot", "put", dir.to_str().unwrap(), "meta.json", meta_file.to_str().unwrap()])
            .status
            .success()
    );
    let (_, err) = llama(&dir, &[]);
    assert!(err.contains("does not fit this run: CPU differs (snapshot 'i486', this run '"), "{err}");
    assert!(!compiles(&err).is_empty());

    // A foreign snapshot (the crash test's payloads).
    let dir = fresh("foreign");
    assert!(bareflow(&["snapshot", "stress", dir.to_str().unwrap(), "1"]).status.success());
    let (out, err) = llama(&dir, &[]);
    assert_eq!(out, native_output());
    assert!(
        err.contains("generation 1 is not a run snapshot (sections: counter, data); discarded, cold start"),
        "{err}"
    );
    // ... and the store is usable afterwards.
    let (_, err) = llama(&dir, &[]);
    assert!(err.contains("state: loaded snapshot gen 2"), "{err}");
}

fn build_hot_api(bc: &Path) {
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let include = root().join("tier/include");
    support::bitcode(&root().join("tests/shrink/hot_api.c"), bc, &["-O2", "-I", include.to_str().unwrap()]);
}

#[test]
fn jit_optimize_hot_functions_tiers_up_hot_functions_now() {
    let bc = support::scratch("shrink").join("hot_api_api.bc");
    build_hot_api(&bc);
    // Without OSR (which would move `work`'s loop to native code after 5 000 iterations and so
    // stop its heat there) the API alone decides; synchronous compiles, since a compile thread
    // asks for a function with a long loop before the API would (docs/tiering.md).
    let o = bareflow(&["run", "--verbose", "--no-osr", "--jit-threads", "0", bc.to_str().unwrap()]);
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{err}");
    // `work` (3 calls, ~180 000 loop back-edges) is very hot but was never re-checked by the
    // call-count hook; the API compiles it at O3. `mild` (~1 000) is not hot: left alone.
    assert!(out.contains("before: work -1, mild -1\ncompiled 1\nafter: work 3, mild -1\nagain: compiled 0\n"), "{out}");
    assert!(err.contains("[tier] work: interp -> O3 (jit_optimize_hot_functions()"), "{err}");
    // Same result interpreted (where there is no tier manager: the API reports failure).
    let i = bareflow(&["run", "--tier", "interp", bc.to_str().unwrap()]);
    let iout = String::from_utf8_lossy(&i.stdout);
    assert!(iout.contains("compiled -1\nafter: work -1, mild -1"), "{iout}");
    assert_eq!(out.lines().last(), iout.lines().last(), "results differ");
}

#[test]
fn runtime_coverage_names_sampled_runtime_code_per_component() {
    let dir = fresh("coverage");
    let (_, err) = llama(&dir, &["--runtime-coverage"]);
    let sampled = |component: &str| -> u64 {
        let line = err
            .lines()
            .find(|l| l.trim_start().starts_with(component))
            .unwrap_or_else(|| panic!("no {component} row:\n{err}"));
        let n = line.split("sampled ").nth(1).and_then(|r| r.split(' ').next()).unwrap_or_else(|| panic!("{line}"));
        n.parse().unwrap()
    };
    assert!(err.contains("runtime coverage ("), "{err}");
    // The interpreter and LLVM (the cold run compiles) certainly ran; some of each was sampled.
    assert!(sampled("irvm ") > 0 && sampled("LLVM ") > 0, "{err}");
    let show = bareflow(&["snapshot", "show", dir.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("runtime coverage: "), "coverage not saved");
}

#[test]
fn missing_state_device_is_one_line_and_the_run_goes_on() {
    let o = support::bareflow(["run", "--state", "/dev/bareflow-no-such-disk"])
        .arg(bitcode())
        .arg("--")
        .arg(model())
        .args(["-n", "8", "-t", "0", "-i", "And"])
        .output()
        .expect("bareflow run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("state:")).collect();
    assert_eq!(
        lines,
        [
            "state: /dev/bareflow-no-such-disk: no such device (no state disk attached? QEMU: tools/qemu-run --disk FILE); running without state"
        ]
    );
    assert!(!Path::new("/dev/bareflow-no-such-disk").exists());
}
