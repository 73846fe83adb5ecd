//! Shared helpers of irvm's integration tests: compile C with clang-19, run the bitcode in irvm in
//! a forked child (so the program's stdout can be captured and its `exit` is contained), and run
//! the same source natively.

#![allow(dead_code)]

use irvm::{Machine, Options, Outcome};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CLANG: &str = "clang-19";

/// A scratch directory for this test binary.
pub fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("irvm-test-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

fn run_clang(args: &[&str]) {
    let out = Command::new(CLANG)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {CLANG} (install clang-19): {e}"));
    assert!(out.status.success(), "{CLANG} {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// Compile C source `src` to bitcode at `opt` ("O0", "O2", ...).
pub fn bitcode(src: &Path, opt: &str, dir: &Path) -> Vec<u8> {
    let stem = src.file_stem().unwrap().to_string_lossy();
    let bc = dir.join(format!("{stem}.{opt}.bc"));
    run_clang(&[&format!("-{opt}"), "-w", "-c", "-emit-llvm", src.to_str().unwrap(), "-o", bc.to_str().unwrap()]);
    std::fs::read(&bc).expect("read bitcode")
}

/// Compile `src` natively at `opt`, run it with `args`: (stdout, exit status).
pub fn native(src: &Path, opt: &str, dir: &Path, args: &[&str]) -> (String, i32) {
    let stem = src.file_stem().unwrap().to_string_lossy();
    let exe = dir.join(format!("{stem}.{opt}.exe"));
    run_clang(&[&format!("-{opt}"), "-w", src.to_str().unwrap(), "-o", exe.to_str().unwrap(), "-lm"]);
    let out = Command::new(&exe).args(args).output().expect("run native program");
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code().unwrap_or(-1))
}

/// Run bitcode in irvm in a forked child with `args` (argv[0] = "prog.bc"): (stdout, exit status).
/// irvm's own errors go to stderr and give status 2, as `bareflow run` does.
pub fn irvm(bc: &[u8], args: &[&str]) -> (String, i32) {
    irvm_with(bc, args, Options::default())
}

/// [`irvm`] with these machine options.
pub fn irvm_with(bc: &[u8], args: &[&str], opts: Options) -> (String, i32) {
    let mut fds = [0i32; 2];
    // SAFETY: pipe/fork/dup2 on descriptors we own; the child ends with exit() and never returns.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        let pid = libc::fork();
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            libc::dup2(fds[1], 1);
            libc::close(fds[0]);
            let mut argv = vec!["prog.bc".to_string()];
            argv.extend(args.iter().map(|a| a.to_string()));
            let status = match Machine::load(bc, "prog.bc", Box::new(irvm::host::DlsymResolver::new()), opts) {
                Ok(mut m) => {
                    let r = match m.run_main(&argv) {
                        Outcome::Exit(c) => c,
                        Outcome::Error(e) => {
                            eprintln!("{e}");
                            2
                        }
                    };
                    Box::leak(m);
                    r
                }
                Err(e) => {
                    eprintln!("{e}");
                    2
                }
            };
            libc::exit(status);
        }
        libc::close(fds[1]);
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = libc::read(fds[0], buf.as_mut_ptr().cast(), buf.len());
            if n <= 0 {
                break;
            }
            out.extend_from_slice(&buf[..n as usize]);
        }
        libc::close(fds[0]);
        let mut st = 0;
        libc::waitpid(pid, &mut st, 0);
        let code = if libc::WIFEXITED(st) { libc::WEXITSTATUS(st) } else { 128 + libc::WTERMSIG(st) };
        (String::from_utf8_lossy(&out).into_owned(), code)
    }
}
