//! What the integration tests share (`mod support;` in each tests/*.rs): where things are (the
//! repository, the `bareflow` binary, the kernel image, app-tinyllama), C built with clang-19,
//! `bareflow` and gdb commands, and QEMU booted through the one launcher, tools/qemu-run.
//! `differential` holds the plumbing of the differential tests (conformance corpus, csmith),
//! `guards` the guard-counter reader of ahead-of-time code with specializations.
// Each test crate includes this module and uses a part of it.
#![allow(dead_code)]

pub mod differential;
pub mod guards;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Linux build of `bareflow` cargo built for this test run.
pub fn bareflow_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_bareflow"))
}

/// `bareflow ARGS...`, ready to run.
pub fn bareflow<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Command {
    let mut c = Command::new(bareflow_bin());
    c.args(args);
    c
}

/// `bareflow aot --state STATE BITCODE -o OBJECT --stubs STUBS`: the appliance's code from a snapshot.
pub fn aot(state: &Path, bitcode: &Path, object: &Path, stubs: &Path) -> Command {
    let mut c = bareflow(["aot", "--state"]);
    c.arg(state).arg(bitcode).arg("-o").arg(object).arg("--stubs").arg(stubs);
    c
}

/// [`aot`] into `dir` (`app.o`, `dead.s`), which must succeed: the object, the stubs and what
/// `bareflow aot` printed.
pub fn aot_in(dir: &Path, state: &Path, bitcode: &Path) -> (PathBuf, PathBuf, String) {
    let (obj, stubs) = (dir.join("app.o"), dir.join("dead.s"));
    let aot = aot(state, bitcode, &obj, &stubs).output().expect("bareflow aot");
    let said = text(&aot.stdout);
    assert!(aot.status.success(), "bareflow aot: {}{said}", text(&aot.stderr));
    (obj, stubs, said)
}

/// `bareflow run FLAGS BC -- ARGS` with every compiled module dumped (`BAREFLOW_JIT_DUMP`) into a
/// fresh target/DIR/NAME.dump: the run's output and the dump directory.
pub fn run_dumping(dir: &str, name: &str, bc: &Path, flags: &[&str], args: &[&str]) -> (Output, PathBuf) {
    let dump = scratch(dir).join(format!("{name}.dump"));
    let _ = std::fs::remove_dir_all(&dump);
    std::fs::create_dir_all(&dump).unwrap();
    let out = bareflow(["run"])
        .args(flags)
        .arg(bc)
        .arg("--")
        .args(args)
        .env("BAREFLOW_JIT_DUMP", &dump)
        .output()
        .expect("bareflow run");
    (out, dump)
}

/// The final IR (`*.ll`, not the pipeline's input `*.pre.ll`) of every module in the dump
/// directory `dump` whose file name `keep` accepts, in directory order, concatenated.
pub fn dumped_ir(dump: &Path, keep: impl Fn(&str) -> bool) -> String {
    std::fs::read_dir(dump)
        .unwrap_or_else(|e| panic!("{}: {e}", dump.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.ends_with(".ll") && !n.ends_with(".pre.ll") && keep(&n)
        })
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The kernel image `make image` builds (build/bareflow.elf), checked to be there.
pub fn kernel() -> PathBuf {
    let k = root().join("build/bareflow.elf");
    assert!(k.exists(), "{} is missing: run `make image` first", k.display());
    k
}

/// app-tinyllama's model.
pub fn model() -> PathBuf {
    root().join("app-tinyllama/model/model.bin")
}

/// What the native build of app-tinyllama (build/tinyllama, `make app`) prints on stdout for
/// `model.bin ARGS...`; it must succeed.
pub fn tinyllama_native(args: &[&str]) -> String {
    let o = Command::new(root().join("build/tinyllama"))
        .arg(model())
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .expect("build/tinyllama (run `make app`)");
    assert!(o.status.success(), "native tinyllama {args:?} failed");
    String::from_utf8(o.stdout).expect("native tinyllama prints UTF-8")
}

/// target/REL, created: a test's scratch directory.
pub fn scratch(rel: &str) -> PathBuf {
    let d = root().join("target").join(rel);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
    d
}

/// A path in the system's temporary directory no other test process uses: bf-NAME-PID.
pub fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("bf-{name}-{}", std::process::id()))
}

/// Bytes a process wrote, as text, without the carriage returns of a serial console.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\r', "")
}

/// A tool from the environment (`var`, e.g. CLANG) or its default name (e.g. clang-19).
pub fn tool(var: &str, default: &str) -> String {
    std::env::var(var).ok().filter(|s| !s.is_empty()).unwrap_or_else(|| default.to_string())
}

/// The C compiler of the tests: `$CLANG`, default clang-19.
pub fn clang() -> String {
    tool("CLANG", "clang-19")
}

/// The C compiler (`clang()`) as a command, arguments to be added; `compile` runs it.
pub fn clang_command() -> Command {
    Command::new(clang())
}

/// Run a compiler command; it must succeed (`what` names the build when it does not).
pub fn compile(what: &str, cmd: &mut Command) {
    let st = cmd.status().unwrap_or_else(|e| panic!("{what}: cannot run {:?}: {e}", cmd.get_program()));
    assert!(st.success(), "{what}: {:?} failed", cmd.get_program());
}

/// Build tests/tiering/NAME.c natively (-O2) and as bitcode into the scratch directory NAME (one
/// build at a time in a test binary); returns (native exe, bitcode).
pub fn tiering_program(name: &str) -> (PathBuf, PathBuf) {
    test_program("tiering", name)
}

/// Build tests/DIR/NAME.c as [`tiering_program`] does.
pub fn test_program(dir: &str, name: &str) -> (PathBuf, PathBuf) {
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let out = scratch(name);
    let src = root().join(format!("tests/{dir}/{name}.c"));
    let (exe, bc) = (out.join(name), out.join(format!("{name}.bc")));
    compile(&format!("{name}: native build"), clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe));
    bitcode(&src, &bc, &["-O2"]);
    (exe, bc)
}

/// Run [`tiering_program`] NAME natively and as `bareflow run FLAGS` on `args`; both must succeed
/// with equal output. Returns bareflow's stderr.
pub fn run_both(name: &str, flags: &[&str], args: &[&str]) -> String {
    run_both_in("tiering", name, flags, args)
}

/// [`run_both`] for tests/DIR/NAME.c.
pub fn run_both_in(dir: &str, name: &str, flags: &[&str], args: &[&str]) -> String {
    let (exe, bc) = test_program(dir, name);
    let n = Command::new(&exe).args(args).output().expect("native run");
    assert!(n.status.success(), "{name}: native run failed");
    let b = bareflow(["run"]).args(flags).arg(&bc).arg("--").args(args).output().expect("bareflow run");
    let err = String::from_utf8_lossy(&b.stderr).to_string();
    assert!(b.status.success(), "{name}: bareflow run {flags:?} failed: {err}");
    assert_eq!(String::from_utf8_lossy(&n.stdout), String::from_utf8_lossy(&b.stdout), "bareflow run {flags:?}");
    err
}

/// `clang-19 FLAGS... -emit-llvm -c SRC -o OUT`: one C file to a bitcode module.
pub fn bitcode(src: &Path, out: &Path, flags: &[&str]) {
    let what = format!("bitcode of {}", src.display());
    compile(&what, clang_command().args(flags).args(["-emit-llvm", "-c"]).arg(src).arg("-o").arg(out));
}

/// Say that `test` could not check what it should, and why: a `SKIPPED: <test>: <reason>` line on the
/// process's stderr itself (libtest captures only the print macros, so the line shows even for a
/// passing test), which tools/test-summary counts, names and fails `make test` on.
pub fn skipped(test: &str, reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {reason}");
}

/// What LLVM finds on this host, as clang-19 `-march=native` sees it: its predefined macros
/// (`#define __AVX2__ 1` ...). The JIT asks the same LLVM host detection (LLVMGetHostCPUName and
/// LLVMGetHostCPUFeatures), so this is the JIT's target, asked explicitly and apart from the engine.
pub fn native_cpu_macros() -> String {
    let o = clang_command()
        .args(["-march=native", "-Wno-invalid-feature-combination", "-dM", "-E", "-x", "c", "/dev/null"])
        .output()
        .expect("clang-19 -march=native -dM -E");
    assert!(o.status.success(), "clang -march=native -dM -E failed: {}", text(&o.stderr));
    text(&o.stdout)
}

/// Whether clang-19 `-march=native` predefines `macro` (e.g. `__FMA__`): a host CPU feature.
pub fn native_cpu_has(macro_name: &str) -> bool {
    native_cpu_macros().lines().any(|l| l.split_whitespace().nth(1) == Some(macro_name))
}

/// tools/ppm2png: a QEMU screendump (QEMU 7.2 writes PPM only) as a PNG a person can look at.
pub fn ppm_to_png(ppm: &Path, png: &Path) -> bool {
    Command::new(root().join("tools/ppm2png")).arg(ppm).arg(png).status().is_ok_and(|s| s.success())
}

/// A ustar archive DIR/initrd.tar of boot files (`/boot/<name>` in the guest): `files`, by their base
/// names, copied into `dir` when they live elsewhere.
pub fn initrd(dir: &Path, files: &[&Path]) -> PathBuf {
    let mut names = Vec::new();
    for f in files {
        let n = f.file_name().expect("a boot file name").to_string_lossy().to_string();
        if f.parent() != Some(dir) {
            std::fs::copy(f, dir.join(&n)).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
        names.push(n);
    }
    let tar = dir.join("initrd.tar");
    let mut cmd = Command::new("tar");
    cmd.arg("--format=ustar").arg("-cf").arg(&tar).arg("-C").arg(dir).args(&names);
    compile("boot files", &mut cmd);
    tar
}

/// The monitor's `sendkey` name of a character (US layout; newline is Enter).
pub fn sendkey_name(c: char) -> String {
    match c {
        'a'..='z' | '0'..='9' => c.to_string(),
        'A'..='Z' => format!("shift-{}", c.to_ascii_lowercase()),
        ' ' => "spc".into(),
        ',' => "comma".into(),
        '.' => "dot".into(),
        '!' => "shift-1".into(),
        '\n' => "ret".into(),
        _ => panic!("no sendkey name for {c:?}"),
    }
}

/// The VGA text screen (80 x 25 cells at 0xb8000: character byte, attribute byte) of a guest, read
/// through QEMU's monitor (`pmemsave` of the 4,000 bytes to `file`): what a person sees, apart from
/// the serial console it is meant to mirror.
pub struct VgaText {
    cells: Vec<(u8, u8)>,
}

impl VgaText {
    pub const COLS: usize = 80;
    pub const ROWS: usize = 25;

    /// Save the text buffer through the monitor connection `mon` into `file` and decode it.
    pub fn read(mon: &mut impl std::io::Write, file: &Path) -> VgaText {
        let bytes = 2 * Self::COLS * Self::ROWS;
        let _ = std::fs::remove_file(file);
        // The file name quoted: unquoted, the monitor reads "/tmp" as a division of the size.
        writeln!(mon, "pmemsave 0xb8000 {bytes} \"{}\"", file.display()).expect("monitor: pmemsave");
        for _ in 0..100 {
            if std::fs::metadata(file).is_ok_and(|m| m.len() == bytes as u64) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let raw = std::fs::read(file).unwrap_or_else(|e| panic!("pmemsave wrote no {}: {e}", file.display()));
        let _ = std::fs::remove_file(file);
        assert_eq!(raw.len(), bytes, "pmemsave of the VGA text buffer");
        VgaText { cells: raw.chunks(2).map(|c| (c[0], c[1])).collect() }
    }

    /// The screen's rows, trailing blanks cut, the empty rows after the last written one dropped.
    pub fn rows(&self) -> Vec<String> {
        let mut rows: Vec<String> = self
            .cells
            .chunks(Self::COLS)
            .map(|r| r.iter().map(|&(c, _)| if c == 0 { ' ' } else { c as char }).collect::<String>().trim_end().into())
            .collect();
        while rows.last().is_some_and(|r| r.is_empty()) {
            rows.pop();
        }
        rows
    }

    /// The attributes of the cells that hold a character other than a blank.
    pub fn text_attributes(&self) -> std::collections::BTreeSet<u8> {
        self.cells.iter().filter(|&&(c, _)| c != 0 && c != b' ').map(|&(_, a)| a).collect()
    }

    /// The screen, read while the serial console had printed at least `from` bytes of `console`, is
    /// what an 80 x 25 screen shows after some prefix of `console` no shorter than that (the guest may
    /// print on while the buffer is read), all text light grey on black (0x07).
    #[track_caller]
    pub fn assert_mirrors(&self, console: &str, from: usize) {
        let rows = self.rows();
        let matches = (from..=console.len())
            .filter(|&k| console.is_char_boundary(k))
            .any(|k| VgaText::expected(&console[..k]) == rows);
        assert!(
            matches,
            "the VGA text screen is not the serial console's last rows.\nscreen:\n{}\nserial console:\n{console}",
            rows.join("\n")
        );
        assert_eq!(self.text_attributes(), [0x07].into(), "text attributes other than light grey on black");
    }

    /// What an 80 x 25 text screen shows after `console` (a serial console's text, carriage returns
    /// removed) was written to an empty one: lines wrapped at 80 columns, tabs to the next multiple of
    /// 8, bytes outside printable ASCII as '?' (one per UTF-8 character, whether `console` was decoded
    /// as UTF-8 or one char per byte), the last 25 rows. The same shape as `rows` (trailing blanks
    /// cut, trailing empty rows dropped).
    pub fn expected(console: &str) -> Vec<String> {
        let mut rows = vec![String::new()];
        for ch in console.chars() {
            match ch {
                '\n' => rows.push(String::new()),
                '\t' => {
                    let col = rows.last().unwrap().len();
                    let next = ((col / 8 + 1) * 8).min(Self::COLS);
                    rows.last_mut().unwrap().push_str(&" ".repeat(next - col));
                }
                // A UTF-8 continuation byte read one char per byte: its lead byte gave the '?'.
                '\u{80}'..='\u{bf}' => {}
                _ => {
                    if rows.last().unwrap().len() == Self::COLS {
                        rows.push(String::new());
                    }
                    let c = if (' '..='~').contains(&ch) { ch } else { '?' };
                    rows.last_mut().unwrap().push(c);
                }
            }
        }
        let skip = rows.len().saturating_sub(Self::ROWS);
        let mut rows: Vec<String> = rows[skip..].iter().map(|r| r.trim_end().to_string()).collect();
        while rows.last().is_some_and(|r| r.is_empty()) {
            rows.pop();
        }
        rows
    }
}

/// `timeout 120 gdb -batch -nx -ex COMMAND...`, stdin closed (no terminal for gdb to hand to a
/// program from `timeout`'s background process group); the caller adds the program (or `--args ...`).
pub fn gdb_batch(commands: &[&str]) -> Command {
    let mut c = Command::new("timeout");
    c.args(["120", "gdb", "-batch", "-nx"]).stdin(std::process::Stdio::null());
    for cmd in commands {
        c.args(["-ex", cmd]);
    }
    c
}

/// One boot through tools/qemu-run, the QEMU launcher of `make qemu` and of every test: its options
/// (see the script), what it boots, and the guest's command line. `run` waits for the end;
/// `command` gives the launcher's command for tests that talk to QEMU while it runs.
pub struct Qemu {
    options: Vec<OsString>,
    target: Option<PathBuf>,
    cmdline: Vec<String>,
}

impl Qemu {
    /// The kernel image with the boot files of `make image` (build/initrd.tar).
    pub fn image() -> Qemu {
        Qemu::kernel(&kernel()).initrd(&root().join("build/initrd.tar"))
    }

    /// The kernel (or appliance) ELF `elf`, booted directly (PVH).
    pub fn kernel(elf: &Path) -> Qemu {
        Qemu { options: Vec::new(), target: Some(elf.to_path_buf()), cmdline: Vec::new() }
    }

    /// A GRUB ISO (its command line and boot files are inside).
    pub fn iso(iso: &Path) -> Qemu {
        Qemu { options: Vec::new(), target: None, cmdline: Vec::new() }.option("--iso", iso)
    }

    /// A launcher option with a value, `--NAME VALUE` (a later one overrides an earlier one).
    pub fn option(mut self, name: &str, value: impl AsRef<OsStr>) -> Qemu {
        self.options.push(name.into());
        self.options.push(value.as_ref().to_os_string());
        self
    }

    pub fn initrd(self, tar: &Path) -> Qemu {
        self.option("--initrd", tar)
    }

    /// The raw state disk (/dev/state in the guest).
    pub fn disk(self, img: &Path) -> Qemu {
        self.option("--disk", img)
    }

    /// `tcg` or `kvm` (default: KVM when it can run the kernel).
    pub fn accel(self, mode: &str) -> Qemu {
        self.option("--accel", mode)
    }

    /// `n` guest CPUs (default: the `SMP` the launcher inherits, else 1).
    pub fn smp(self, n: u32) -> Qemu {
        self.option("--smp", n.to_string())
    }

    /// Seconds before the launcher kills QEMU (and exits 124).
    pub fn timeout(self, secs: u32) -> Qemu {
        self.option("--timeout", secs.to_string())
    }

    /// Start paused with QEMU's gdb stub on tcp `port`.
    pub fn gdb(self, port: u16) -> Qemu {
        self.option("--gdb", port.to_string())
    }

    /// QEMU's monitor on the unix socket `sock` (`sendkey`, `screendump`).
    pub fn monitor(self, sock: &Path) -> Qemu {
        self.option("--monitor", sock)
    }

    /// QEMU writes its pid to `file` (to kill exactly that process).
    pub fn pidfile(self, file: &Path) -> Qemu {
        self.option("--pidfile", file)
    }

    /// No isa-debug-exit device: the guest powers off through ACPI.
    pub fn no_exit_device(mut self) -> Qemu {
        self.options.push("--no-exit-device".into());
        self
    }

    /// The guest's command line, word by word (the launcher joins them with spaces).
    pub fn args(mut self, words: &[&str]) -> Qemu {
        self.cmdline.extend(words.iter().map(|w| w.to_string()));
        self
    }

    /// The launcher's command, run from the repository's root.
    pub fn command(&self) -> Command {
        let mut c = Command::new(root().join("tools/qemu-run"));
        c.current_dir(root()).args(&self.options);
        if let Some(t) = &self.target {
            c.arg(t);
        }
        if !self.cmdline.is_empty() {
            c.arg("--").args(&self.cmdline);
        }
        c
    }

    /// Boot and wait for the end.
    pub fn run(&self) -> Boot {
        Boot::from(self.command().output().expect("run tools/qemu-run"))
    }
}

/// How a boot ended: the guest's exit code (as tools/qemu-run gives it), the serial console
/// (QEMU's stdout, without carriage returns) and the launcher's and QEMU's stderr.
pub struct Boot {
    pub code: i32,
    pub serial: String,
    pub stderr: String,
}

impl From<Output> for Boot {
    fn from(o: Output) -> Boot {
        Boot { code: o.status.code().unwrap_or(-1), serial: text(&o.stdout), stderr: text(&o.stderr) }
    }
}

impl Boot {
    /// Serial console and stderr together, for assertions and failure messages.
    pub fn all(&self) -> String {
        format!("{}{}", self.serial, self.stderr)
    }
}
