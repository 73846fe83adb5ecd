//! Compile latency per tier: compiles every defined function of a bitcode file (or the ones
//! named) at O0–O3, several times each, and prints the median total and per-phase times.
//! The code is linked but never run, so every host/runtime address is a dummy.
//! `cargo run --release -p orc-bridge --example compile_times -- FILE.bc [--runs N] [FUNCTION...]`

use std::process::ExitCode;
use std::time::Duration;

use orc_bridge::{CompileTimes, GlobalRef, HostLinks, Jit, JitConfig, OptLevel};

/// Every host address is the same harmless static (the code is never executed).
struct Dummy(u64);

impl HostLinks for Dummy {
    fn global(&self, _: GlobalRef<'_>) -> Option<u64> {
        Some(self.0)
    }
    fn function(&self, _: &str) -> Option<u64> {
        Some(self.0)
    }
    fn call_slot(&self, _: &str) -> Option<u64> {
        Some(self.0)
    }
}

static DUMMY: [u64; 64] = [0; 64];

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:8.2}", d.as_secs_f64() * 1e3)
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file = None;
    let mut runs = 5usize;
    let mut only = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|n| n.parse().ok()).ok_or("--runs needs a number")?,
            _ if file.is_none() => file = Some(a.clone()),
            _ => only.push(a.clone()),
        }
    }
    let file = file.ok_or("usage: compile_times FILE.bc [--runs N] [FUNCTION...]")?;
    let bytes = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    let mut jit = Jit::new(&JitConfig::default()).map_err(|e| e.to_string())?;
    let m = jit.load_bitcode(&file, &bytes).map_err(|e| e.to_string())?;
    let dummy = DUMMY.as_ptr() as u64;
    let mut runtime: Vec<String> = jit.external_names(m);
    for libcall in ["memcpy", "memset", "memmove", "__divti3", "__udivti3", "__modti3", "__umodti3", "fmod", "fmodf"] {
        runtime.push(libcall.to_string());
    }
    let table: Vec<(&str, u64)> = runtime.iter().map(|n| (n.as_str(), dummy)).collect();
    jit.define_runtime_symbols(&table).map_err(|e| e.to_string())?;
    let functions = if only.is_empty() { jit.defined_functions(m) } else { only };
    let t = jit.target().clone();
    println!("# {file}: {} functions, {runs} runs each, cpu {} ({})", functions.len(), t.cpu, t.triple);
    println!(
        "{:<28} {:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}  (median ms; min = fastest run)",
        "function", "tier", "total", "min", "extract", "optimize", "codegen", "link"
    );
    let mut per_level: Vec<Vec<Duration>> = vec![Vec::new(); 4];
    let mut per_level_min: Vec<Vec<Duration>> = vec![Vec::new(); 4];
    for f in &functions {
        for level in OptLevel::ALL {
            let mut times: Vec<CompileTimes> = Vec::new();
            for _ in 0..runs {
                let c = jit.compile_function(m, f, level, &Dummy(dummy), None).map_err(|e| e.to_string())?;
                times.push(c.times);
                jit.remove(c.code).map_err(|e| e.to_string())?;
            }
            let pick = |g: fn(&CompileTimes) -> Duration| median(times.iter().map(g).collect());
            let total = pick(|t| t.total());
            let min = times.iter().map(|t| t.total()).min().unwrap_or_default();
            per_level[level as usize].push(total);
            per_level_min[level as usize].push(min);
            println!(
                "{:<28} {:>4} {} {} {} {} {} {}",
                f,
                level.to_string(),
                ms(total),
                ms(min),
                ms(pick(|t| t.extract)),
                ms(pick(|t| t.optimize)),
                ms(pick(|t| t.codegen)),
                ms(pick(|t| t.link))
            );
        }
    }
    for level in OptLevel::ALL {
        let v = &per_level[level as usize];
        let max = v.iter().max().copied().unwrap_or_default();
        let mins = &per_level_min[level as usize];
        println!(
            "# {level}: median over functions {} ms (of fastest runs {} ms), max {} ms",
            ms(median(v.clone())).trim(),
            ms(median(mins.clone())).trim(),
            ms(max).trim()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compile_times: {e}");
            ExitCode::FAILURE
        }
    }
}
