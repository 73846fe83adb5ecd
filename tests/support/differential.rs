//! Plumbing of the differential tests (`tests/conformance.rs`, `tests/csmith.rs`): running a
//! command with a time limit, compiling C with clang-19 to bitcode and to native code, building the
//! `bareflow run` command under test from the environment, a small parallel map and a readable diff.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How a child process ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Exited normally with this status.
    Exited(i32),
    /// Killed by this signal (a crash, or an abort).
    Signaled(i32),
    /// Still running at the time limit; it was killed.
    TimedOut,
    /// Could not be started.
    SpawnFailed(String),
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Exited(c) => write!(f, "exit {c}"),
            Status::Signaled(s) => write!(f, "killed by signal {s}"),
            Status::TimedOut => write!(f, "timed out"),
            Status::SpawnFailed(e) => write!(f, "could not start: {e}"),
        }
    }
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct Output {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
}

impl Output {
    /// True when the process exited normally with status 0.
    pub fn success(&self) -> bool {
        self.status == Status::Exited(0)
    }

    /// The last `n` lines of stderr, for error messages.
    pub fn stderr_tail(&self, n: usize) -> String {
        tail_lines(&self.stderr, n)
    }
}

/// The last `n` lines of `bytes` as (lossy) text.
pub fn tail_lines(bytes: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Run `cmd` with stdin closed, capturing stdout and stderr, killing it after `timeout`.
pub fn run(cmd: &mut Command, timeout: Duration) -> Output {
    let start = Instant::now();
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Own process group, so a time-out kills grandchildren too (a wrapper script's child would
    // otherwise keep the pipes open and hang the readers).
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Output {
                status: Status::SpawnFailed(format!("{:?}: {e}", cmd.get_program())),
                stdout: Vec::new(),
                stderr: Vec::new(),
                elapsed: start.elapsed(),
            };
        }
    };
    // Drain both pipes on their own threads so a chatty child never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().expect("stdout is piped");
    let mut err_pipe = child.stderr.take().expect("stderr is piped");
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out_pipe.read_to_end(&mut v);
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err_pipe.read_to_end(&mut v);
        v
    });
    let mut timed_out = false;
    let exit = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if start.elapsed() >= timeout => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                timed_out = true;
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => break None,
        }
    };
    let elapsed = start.elapsed();
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    let status = if timed_out {
        Status::TimedOut
    } else {
        match exit {
            Some(st) => match st.code() {
                Some(c) => Status::Exited(c),
                None => {
                    use std::os::unix::process::ExitStatusExt;
                    Status::Signaled(st.signal().unwrap_or(0))
                }
            },
            None => Status::SpawnFailed("wait failed".into()),
        }
    };
    Output { status, stdout, stderr, elapsed }
}

/// A positive number from the environment, or `default`; a malformed value is a hard error.
pub fn env_number(var: &str, default: f64) -> f64 {
    match std::env::var(var) {
        Ok(s) if !s.trim().is_empty() => match s.trim().parse::<f64>() {
            Ok(v) if v > 0.0 => v,
            _ => panic!("{var}='{s}': expected a positive number"),
        },
        _ => default,
    }
}

/// Whether `name` runs (`name --version` exits 0).
pub fn have_tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Optimization levels to test, from `var` (e.g. "O0 O2" or "-O1,-O3"), else `default`.
pub fn opt_levels(var: &str, default: &[&str]) -> Vec<String> {
    let raw = std::env::var(var).unwrap_or_default();
    let levels: Vec<String> = raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_start_matches('-').to_string())
        .collect();
    let levels = if levels.is_empty() { default.iter().map(|s| s.to_string()).collect() } else { levels };
    for l in &levels {
        assert!(
            matches!(l.as_str(), "O0" | "O1" | "O2" | "O3" | "Os" | "Oz"),
            "{var}: unknown optimization level '{l}' (use O0, O1, O2, O3, Os or Oz)"
        );
    }
    levels
}

/// Compile C sources to one bitcode module at `-{opt}` (each source with `-emit-llvm -c`, then
/// `llvm-link-19` when there are several). Returns the module path or clang's error text.
pub fn compile_bitcode(srcs: &[PathBuf], opt: &str, cflags: &[String], out_dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let clang = super::clang();
    let mut parts = Vec::new();
    for (i, src) in srcs.iter().enumerate() {
        let bc = out_dir.join(format!("part{i}.bc"));
        let out = run(
            Command::new(&clang)
                .arg(format!("-{opt}"))
                .args(cflags)
                .args(["-emit-llvm", "-c"])
                .arg(src)
                .arg("-o")
                .arg(&bc),
            Duration::from_secs(300),
        );
        if !out.success() {
            return Err(format!(
                "{clang} -{opt} -emit-llvm -c {}: {}\n{}",
                src.display(),
                out.status,
                out.stderr_tail(15)
            ));
        }
        parts.push(bc);
    }
    let module = out_dir.join("program.bc");
    if parts.len() == 1 {
        std::fs::rename(&parts[0], &module).map_err(|e| format!("{}: {e}", module.display()))?;
    } else {
        let link = super::tool("LLVM_LINK", "llvm-link-19");
        let out = run(Command::new(&link).args(&parts).arg("-o").arg(&module), Duration::from_secs(120));
        if !out.success() {
            return Err(format!("{link} {:?}: {}\n{}", parts, out.status, out.stderr_tail(15)));
        }
    }
    Ok(module)
}

/// Whether every output exists and is newer than every input (and than the test binary itself, so a
/// changed harness or toolchain setting rebuilds).
pub fn up_to_date(inputs: &[PathBuf], outputs: &[&Path]) -> bool {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut newest_input = std::env::current_exe().ok().and_then(|e| mtime(&e));
    for i in inputs {
        match (mtime(i), newest_input) {
            (Some(t), Some(n)) if t > n => newest_input = Some(t),
            (Some(t), None) => newest_input = Some(t),
            (None, _) => return false,
            _ => {}
        }
    }
    let Some(newest_input) = newest_input else {
        return false;
    };
    outputs.iter().all(|o| mtime(o).is_some_and(|t| t > newest_input))
}

/// Compile a bitcode module to a native executable at `-{opt}` (the same IR that bareflow runs, so a
/// difference in behaviour is the engine's, not the front end's).
pub fn compile_native(bc: &Path, opt: &str, exe: &Path) -> Result<(), String> {
    let clang = super::clang();
    let out = run(
        Command::new(&clang).arg(format!("-{opt}")).arg("-w").arg(bc).arg("-o").arg(exe).arg("-lm"),
        Duration::from_secs(300),
    );
    if out.success() {
        Ok(())
    } else {
        Err(format!("{clang} -{opt} {} -o {}: {}\n{}", bc.display(), exe.display(), out.status, out.stderr_tail(15)))
    }
}

/// The engine under test: `$BAREFLOW_BIN` (default: the cargo-built `bareflow`) with
/// `run --tier $BAREFLOW_TIER` (default `interp`) and the words of `$BAREFLOW_FLAGS`.
pub struct Engine {
    pub bin: String,
    pub tier: String,
    pub flags: Vec<String>,
}

impl Engine {
    /// Read the engine settings from the environment.
    pub fn from_env() -> Engine {
        Engine {
            bin: super::tool("BAREFLOW_BIN", &super::bareflow_bin().display().to_string()),
            tier: super::tool("BAREFLOW_TIER", "interp"),
            flags: std::env::var("BAREFLOW_FLAGS").unwrap_or_default().split_whitespace().map(String::from).collect(),
        }
    }

    /// `bareflow run --tier T FLAGS... PROGRAM.bc -- ARGS...`
    pub fn command(&self, bc: &Path, args: &[String]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(["run", "--tier", &self.tier]).args(&self.flags).arg(bc).arg("--").args(args);
        c
    }

    /// The command line as text, for reports.
    pub fn describe(&self, bc: &Path, args: &[String]) -> String {
        let mut s = format!("{} run --tier {}", self.bin, self.tier);
        for f in &self.flags {
            s.push(' ');
            s.push_str(f);
        }
        s.push(' ');
        s.push_str(&bc.display().to_string());
        s.push_str(" --");
        for a in args {
            s.push_str(&format!(" '{a}'"));
        }
        s
    }
}

/// Apply `f` to every item on `jobs` threads; results keep the input order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= items.len() {
                        break;
                    }
                    let r = f(&items[i]);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|r| r.expect("every item processed")).collect()
}

/// Number of worker threads: `$var`, default 2 (the machines here have 2 cores).
pub fn jobs(var: &str) -> usize {
    env_number(var, 2.0) as usize
}

/// A readable comparison of two outputs: the first differing line and a few lines around it.
pub fn diff_text(expected: &[u8], actual: &[u8]) -> String {
    let e = String::from_utf8_lossy(expected);
    let a = String::from_utf8_lossy(actual);
    let el: Vec<&str> = e.split_inclusive('\n').collect();
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    let first = el.iter().zip(al.iter()).position(|(x, y)| x != y).unwrap_or(el.len().min(al.len()));
    let mut s = format!(
        "    stdout differs from line {} (native {} lines / {} bytes, engine {} lines / {} bytes)\n",
        first + 1,
        el.len(),
        expected.len(),
        al.len(),
        actual.len()
    );
    let show = |s: &mut String, tag: &str, lines: &[&str]| {
        for l in lines.iter().skip(first).take(4) {
            let l = l.strip_suffix('\n').unwrap_or(l);
            let l: String = l.chars().take(200).collect();
            s.push_str(&format!("    {tag} {l}\n"));
        }
        if lines.len() > first + 4 {
            s.push_str(&format!("    {tag} ... ({} more lines)\n", lines.len() - first - 4));
        }
    };
    show(&mut s, "-native", &el);
    show(&mut s, "+engine", &al);
    s
}

/// Split an `ARGS:` line into words: whitespace separates, double quotes group (`""` is an empty word).
pub fn split_args(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}
