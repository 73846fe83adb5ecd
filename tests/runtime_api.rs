//! runtime.h (core-rt/include/runtime.h): a C program calling every function gives the same output
//! compiled natively (with core-rt/host/runtime_host.c) and run by `bareflow run` interpreted, tiered
//! (`--thresholds min`) and compiled up front (BAREFLOW_TIER selects one), with the keyboard input fed by the test.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::root;

fn run(cmd: &mut Command, input: &[u8]) -> (i32, String) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let o = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string() + "--stderr--\n" + &String::from_utf8_lossy(&o.stderr);
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn same_output_natively_and_under_bareflow() {
    let out = support::scratch("runtime_api");
    let src = root().join("tests/runtime_api/rtapi_demo.c");
    let inc = root().join("core-rt/include");
    let native = out.join("rtapi_native");
    let bc = out.join("rtapi.bc");
    let host = root().join("core-rt/host/runtime_host.c");
    support::compile(
        "native build",
        support::clang_command().args(["-O2", "-I"]).arg(&inc).args([&src, &host]).arg("-o").arg(&native),
    );
    support::bitcode(&src, &bc, &["-O2", "-I", inc.to_str().unwrap()]);
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
            let (bc_code, b) = run(support::bareflow(["run", "--tier", tier]).args(flags).arg(&bc), input);
            assert_eq!(bc_code, 0, "{b}");
            assert_eq!(n, b, "native and bareflow run --tier {tier} {flags:?} differ");
        }
    }
    // The tiered run really ran runtime.h calls from JIT-compiled code.
    let (code, v) =
        run(support::bareflow(["run", "--tier", "auto", "--thresholds", "min", "--verbose"]).arg(&bc), b"x\n");
    assert_eq!(code, 0, "{v}");
    assert!(v.contains("[tier] main: interp -> O"), "main was not compiled:\n{v}");
}
