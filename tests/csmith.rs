//! csmith differential test: random C programs from csmith, compiled by clang-19 to
//! bitcode and from that bitcode to native code, must print the same checksums under
//! `bareflow run --tier $BAREFLOW_TIER` as natively. See tests/csmith/README.md for the modes
//! (`CSMITH_MODE=fixed`: the seeds of tests/csmith/seeds.txt, `random`: `make fuzz-diff`), time
//! limits, skips, and where failing programs are saved.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};
use support::differential::{self, Engine, Output, Status};

/// What happened to one seed.
enum SeedResult {
    /// Not usable (generator or native problem); another seed is drawn.
    Skipped(String),
    Passed,
    /// Engine and native disagree at these levels; the text explains.
    Failed(Vec<String>),
}

/// Where seeds come from.
enum Seeds {
    List(Vec<u64>, usize),
    Random(u64),
}

impl Seeds {
    /// The next seed, or None when a fixed list is used up.
    fn next(&mut self) -> Option<u64> {
        match self {
            Seeds::List(v, i) => {
                let s = v.get(*i).copied();
                *i += 1;
                s
            }
            Seeds::Random(state) => {
                // splitmix64: reproducible from the printed start value.
                *state = state.wrapping_add(0x9e3779b97f4a7c15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
                Some((z ^ (z >> 31)) & 0x7fff_ffff)
            }
        }
    }
}

struct Config {
    opts: Vec<String>,
    engine: Engine,
    native_timeout: Duration,
    csmith_args: Vec<String>,
    include: String,
    work: PathBuf,
    save_dir: PathBuf,
}

fn fixed_seeds() -> Vec<u64> {
    if let Some(list) = std::env::var("CSMITH_SEEDS").ok().filter(|l| !l.trim().is_empty()) {
        return list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap_or_else(|_| panic!("CSMITH_SEEDS: '{s}' is not a seed number")))
            .collect();
    }
    let path = support::root().join("tests/csmith/seeds.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split_whitespace())
        .map(|s| s.parse().unwrap_or_else(|_| panic!("{}: '{s}' is not a seed number", path.display())))
        .collect()
}

/// Generate, compile and compare one seed at every level.
fn check_seed(seed: u64, cfg: &Config) -> SeedResult {
    let dir = cfg.work.join(format!("seed-{seed}"));
    let _ = std::fs::create_dir_all(&dir);
    let src = dir.join("program.c");
    let csmith = support::tool("CSMITH", "csmith");
    let generated = differential::run(
        Command::new(&csmith).arg("--seed").arg(seed.to_string()).args(&cfg.csmith_args).arg("-o").arg(&src),
        Duration::from_secs(20),
    );
    if !generated.success() {
        return SeedResult::Skipped(format!("csmith: {}", generated.status));
    }
    let cflags = vec!["-w".to_string(), format!("-I{}", cfg.include)];
    let args = vec!["1".to_string()];
    // Native first, at every level, so that a slow program is skipped before any engine time is spent.
    let mut natives: Vec<(String, PathBuf, Output)> = Vec::new();
    for opt in &cfg.opts {
        let bc = match differential::compile_bitcode(std::slice::from_ref(&src), opt, &cflags, &dir.join(opt)) {
            Ok(bc) => bc,
            Err(e) => {
                return SeedResult::Skipped(format!("-{opt} bitcode compile failed: {}", first_line(&e)));
            }
        };
        let exe = dir.join(opt).join("native");
        if let Err(e) = differential::compile_native(&bc, opt, &exe) {
            return SeedResult::Skipped(format!("-{opt} native compile failed: {}", first_line(&e)));
        }
        let out = differential::run(Command::new(&exe).args(&args), cfg.native_timeout);
        if !matches!(out.status, Status::Exited(_)) {
            return SeedResult::Skipped(format!("-{opt} native run {}", out.status));
        }
        // A csmith program always ends with `checksum = X` and status 0; anything else means the
        // optimizer exploited undefined behaviour (e.g. a side-effect-free infinite loop removed).
        let text = String::from_utf8_lossy(&out.stdout);
        if out.status != Status::Exited(0) || !text.contains("checksum = ") {
            return SeedResult::Skipped(format!(
                "-{opt} native run {} without a checksum line (undefined behaviour)",
                out.status
            ));
        }
        if let Some((first_opt, _, first)) = natives.first()
            && first.stdout != out.stdout
        {
            return SeedResult::Skipped(format!(
                "native -{first_opt} and -{opt} print different checksums (undefined behaviour)"
            ));
        }
        natives.push((opt.clone(), bc, out));
    }
    let mut failures = Vec::new();
    for (opt, bc, native) in &natives {
        // A hang guard, not a speed check: under `--thresholds min` every function is compiled on
        // its second call, which costs some programs 3-4 s of CPU, and a shared 2-CPU machine
        // stretches that past 10 s of wall time.
        let limit = Duration::from_secs(30).max(native.elapsed * 50);
        let got = differential::run(&mut cfg.engine.command(bc, &args), limit);
        let mut problems = String::new();
        if got.status == Status::TimedOut {
            problems.push_str(&format!(
                "    engine timed out after {:.1} s (native took {:.3} s)\n",
                limit.as_secs_f64(),
                native.elapsed.as_secs_f64()
            ));
        } else if got.status != native.status {
            problems.push_str(&format!("    status: native {}, engine {}\n", native.status, got.status));
        }
        if got.status != Status::TimedOut && got.stdout != native.stdout {
            problems.push_str(&differential::diff_text(&native.stdout, &got.stdout));
        }
        if !problems.is_empty() {
            if !got.stderr.is_empty() {
                problems.push_str("    engine stderr (last lines):\n");
                for l in got.stderr_tail(8).lines() {
                    problems.push_str(&format!("      {l}\n"));
                }
            }
            problems.push_str(&format!("    rerun: {}\n", cfg.engine.describe(bc, &args)));
            failures.push(format!("seed {seed} -{opt}:\n{problems}"));
        }
    }
    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
        SeedResult::Passed
    } else {
        save_failure(seed, &src, &failures, cfg);
        SeedResult::Failed(failures)
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Keep a failing program and its report under the save directory.
fn save_failure(seed: u64, src: &Path, failures: &[String], cfg: &Config) {
    let dest = cfg.save_dir.join(format!("seed-{seed}"));
    if std::fs::create_dir_all(&dest).is_err() {
        eprintln!("csmith: cannot create {}", dest.display());
        return;
    }
    let _ = std::fs::copy(src, dest.join("program.c"));
    let mut report = format!(
        "csmith seed {seed}; compile: clang-19 -OX -w -I{} -emit-llvm -c program.c -o program.bc\n",
        cfg.include
    );
    report.push_str(&format!("reproduce: CSMITH_MODE=fixed CSMITH_SEEDS={seed} CSMITH_COUNT=1 make test-csmith\n\n"));
    for f in failures {
        report.push_str(f);
    }
    let _ = std::fs::write(dest.join("report.txt"), report);
}

#[test]
fn csmith_differential() {
    let mode = support::tool("CSMITH_MODE", "fixed");
    let (mut seeds, default_count, save_default) = match mode.as_str() {
        "fixed" => (Seeds::List(fixed_seeds(), 0), 20.0, "build/test-csmith"),
        "random" => {
            let start = match std::env::var("CSMITH_SEED") {
                Ok(s) if !s.is_empty() => s.parse().unwrap_or_else(|_| panic!("CSMITH_SEED='{s}': expected a number")),
                _ => SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64,
            };
            eprintln!("csmith: random seeds drawn from CSMITH_SEED={start}");
            (Seeds::Random(start), 200.0, "build/fuzz-diff")
        }
        other => panic!("CSMITH_MODE='{other}': expected 'fixed' or 'random'"),
    };
    let count = differential::env_number("CSMITH_COUNT", default_count) as usize;
    let csmith = support::tool("CSMITH", "csmith");
    assert!(
        differential::have_tool(&csmith),
        "{csmith} not found: install the Debian packages csmith and libcsmith-dev"
    );
    let include = support::tool("CSMITH_INCLUDE", "/usr/include/csmith");
    assert!(Path::new(&include).join("csmith.h").exists(), "{include}/csmith.h not found: install libcsmith-dev");
    let cfg = Config {
        opts: differential::opt_levels("CSMITH_OPT", &["O0", "O2"]),
        engine: Engine::from_env(),
        native_timeout: Duration::from_secs_f64(differential::env_number("CSMITH_NATIVE_TIMEOUT", 1.0)),
        csmith_args: std::env::var("CSMITH_ARGS").unwrap_or_default().split_whitespace().map(String::from).collect(),
        include,
        work: Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("csmith-{mode}")),
        save_dir: std::env::var("CSMITH_SAVE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| support::root().join(save_default)),
    };
    eprintln!(
        "csmith: {count} programs ({mode} seeds) at {:?} against `{} run --tier {} {}`",
        cfg.opts,
        cfg.engine.bin,
        cfg.engine.tier,
        cfg.engine.flags.join(" ")
    );

    // Workers draw seeds until `count` usable programs are done; a skipped seed is replaced.
    let done = AtomicUsize::new(0);
    let claimed = AtomicUsize::new(0);
    let failures: Mutex<Vec<(u64, Vec<String>)>> = Mutex::new(Vec::new());
    let skipped: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());
    let seeds_lock = Mutex::new(&mut seeds);
    let max_attempts = count * 4 + 20;
    let attempts = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..differential::jobs("CSMITH_JOBS") {
            s.spawn(|| {
                loop {
                    // Claim a slot first so that no more than `count` programs are checked.
                    if claimed.fetch_add(1, Ordering::SeqCst) >= count {
                        break;
                    }
                    let mut result = None;
                    while attempts.fetch_add(1, Ordering::SeqCst) < max_attempts {
                        let Some(seed) = seeds_lock.lock().unwrap().next() else {
                            break;
                        };
                        match check_seed(seed, &cfg) {
                            SeedResult::Skipped(why) => {
                                eprintln!("skip seed {seed}: {why}");
                                skipped.lock().unwrap().push((seed, why));
                            }
                            r => {
                                result = Some((seed, r));
                                break;
                            }
                        }
                    }
                    let Some((seed, r)) = result else { break };
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    match r {
                        SeedResult::Failed(f) => {
                            eprintln!("[{n}/{count}] FAIL seed {seed}");
                            for text in &f {
                                eprint!("{text}");
                            }
                            failures.lock().unwrap().push((seed, f));
                        }
                        _ => eprintln!("[{n}/{count}] ok   seed {seed}"),
                    }
                }
            });
        }
    });
    let done = done.into_inner();
    let mut failures = failures.into_inner().unwrap();
    failures.sort_by_key(|f| f.0);
    let skipped = skipped.into_inner().unwrap();
    eprintln!("\ncsmith: {done} programs checked, {} seeds skipped", skipped.len());
    if !failures.is_empty() {
        let seeds: Vec<String> = failures.iter().map(|f| f.0.to_string()).collect();
        eprintln!("failing seeds: {} (programs saved under {})", seeds.join(" "), cfg.save_dir.display());
    }
    println!("csmith: {} passed, {} failed", done - failures.len(), failures.len());
    assert!(done >= count, "only {done} of {count} csmith programs were usable (seeds ran out or all were skipped)");
    assert!(
        failures.is_empty(),
        "{} csmith programs differ between native and the engine (listed above)",
        failures.len()
    );
}
