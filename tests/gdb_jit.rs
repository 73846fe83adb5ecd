//! GDB on JIT-compiled code in userspace: tests/gdb_jit/prog.c is compiled to
//! bitcode with -g, `bareflow run --tier jit --opt 2` runs it under `gdb -batch`; a pending
//! breakpoint on `collatz_steps` must stop in its JIT-compiled code (registered through the GDB JIT
//! interface with its DWARF), and `bt` must show the JIT frames down to `main` and the Rust callers (irvm's native call, `bareflow run`).
//! Needs the Linux build to export `llvm_orc_registerJITLoaderGDBWrapper` dynamically (root build.rs). Run: `make test-gdb-jit`.

mod support;

#[test]
fn gdb_stops_in_jit_compiled_function() {
    let tmp = support::temp_path("gdb-jit");
    std::fs::create_dir_all(&tmp).unwrap();
    let bc = tmp.join("prog.bc");
    support::bitcode(&support::root().join("tests/gdb_jit/prog.c"), &bc, &["-g", "-O1", "-fno-unwind-tables"]);
    let commands = [
        "set breakpoint pending on",
        "set pagination off",
        "break collatz_steps",
        "run",
        "info symbol $pc",
        "bt",
        "kill",
    ];
    let out = support::gdb_batch(&commands)
        .arg("--args")
        .arg(support::bareflow_bin())
        .args(["run", "--tier", "jit", "--opt", "2"])
        .arg(&bc)
        .output()
        .expect("gdb");
    let _ = std::fs::remove_dir_all(&tmp);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // Stopped at the breakpoint, in collatz_steps, with its source position from the JIT object's DWARF.
    assert!(text.contains("Breakpoint 1, collatz_steps (n=1)"), "gdb did not stop in collatz_steps:\n{text}");
    assert!(text.contains("prog.c:"), "no source position for the JIT-compiled frame:\n{text}");
    // $pc's symbol is the JIT-compiled code (orc-bridge names it <function>.bf.<level>.<n>).
    assert!(text.contains("collatz_steps.bf.O2"), "$pc is not in the O2 JIT code of collatz_steps:\n{text}");
    // The backtrace goes through the JIT-compiled main into bareflow's own (Rust) frames.
    let bt: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert!(bt.first().is_some_and(|l| l.contains("collatz_steps")), "frame #0 is not collatz_steps:\n{text}");
    assert!(
        bt.get(1).is_some_and(|l| l.contains("main") && l.contains("prog.c")),
        "frame #1 is not the app's main:\n{text}"
    );
    assert!(bt.iter().any(|l| l.contains("irvm/src/vm.rs")), "the backtrace does not reach irvm's frames:\n{text}");
    assert!(bt.iter().any(|l| l.contains("src/run/mod.rs")), "the backtrace does not reach `bareflow run`:\n{text}");
}
