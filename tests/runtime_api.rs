//! runtime.h (core-rt/include/runtime.h): a C program calling every function gives the same output
//! compiled natively (with core-rt/host/runtime_host.c) and run by `bareflow run` interpreted, tiered
//! (`--thresholds min`) and compiled up front (BAREFLOW_TIER selects one), with the keyboard input fed by the test.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command, input: &[u8]) -> (i32, String) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let o = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string() + "--stderr--\n" + &String::from_utf8_lossy(&o.stderr);
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn same_output_natively_and_under_bareflow() {
    let out = root().join("target/runtime_api");
    std::fs::create_dir_all(&out).unwrap();
    let src = root().join("tests/runtime_api/rtapi_demo.c");
    let inc = root().join("core-rt/include");
    let native = out.join("rtapi_native");
    let bc = out.join("rtapi.bc");
    let st = Command::new("clang-19")
        .args(["-O2", "-I"])
        .arg(&inc)
        .arg(&src)
        .arg(root().join("core-rt/host/runtime_host.c"))
        .arg("-o")
        .arg(&native)
        .status()
        .expect("clang-19");
    assert!(st.success(), "native build failed");
    let st = Command::new("clang-19")
        .args(["-O2", "-emit-llvm", "-c", "-I"])
        .arg(&inc)
        .arg(&src)
        .arg("-o")
        .arg(&bc)
        .status()
        .expect("clang-19");
    assert!(st.success(), "bitcode build failed");
    // Interpreted, tiered (minimum thresholds: every function is compiled during the run, main's
    // loops through OSR) and compiled up front; BAREFLOW_TIER picks one.
    let all: Vec<(String, Vec<&str>)> = match std::env::var("BAREFLOW_TIER") {
        Ok(t) => vec![(t, vec![])],
        Err(_) => vec![
            ("interp".into(), vec![]),
            ("auto".into(), vec!["--thresholds", "min"]),
            ("jit".into(), vec!["--opt", "2"]),
        ],
    };
    for input in [&b"hello keys\n"[..], b"no newline"] {
        let (nc, n) = run(&mut Command::new(&native), input);
        assert_eq!(nc, 0, "{n}");
        assert!(n.contains("rtapi: got \""), "{n}");
        for (tier, flags) in &all {
            let (bc_code, b) = run(
                Command::new(env!("CARGO_BIN_EXE_bareflow")).args(["run", "--tier", tier]).args(flags).arg(&bc),
                input,
            );
            assert_eq!(bc_code, 0, "{b}");
            assert_eq!(n, b, "native and bareflow run --tier {tier} {flags:?} differ");
        }
    }
    // The tiered run really ran runtime.h calls from JIT-compiled code.
    let (code, v) = run(
        Command::new(env!("CARGO_BIN_EXE_bareflow"))
            .args(["run", "--tier", "auto", "--thresholds", "min", "--verbose"])
            .arg(&bc),
        b"x\n",
    );
    assert_eq!(code, 0, "{v}");
    assert!(v.contains("[tier] main: interp -> O"), "main was not compiled:\n{v}");
}
