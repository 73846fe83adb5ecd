//! Differential tests: each C program in tests/c/ is compiled by clang-19 at -O0 and -O2 to bitcode
//! and to a native executable; irvm must print exactly what native code prints and exit with the
//! same status.

mod common;

use std::path::Path;

fn check(name: &str, args: &[&str]) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c").join(format!("{name}.c"));
    let dir = common::scratch(name);
    for opt in ["O0", "O2"] {
        let expected = common::native(&src, opt, &dir, args);
        let bc = common::bitcode(&src, opt, &dir);
        let got = common::irvm(&bc, args);
        assert_eq!(got, expected, "{name} at -{opt}: irvm (left) differs from native (right)");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn arith() {
    check("arith", &[]);
}

#[test]
fn float() {
    check("float", &[]);
}

#[test]
fn vectors() {
    check("vectors", &[]);
}

#[test]
fn calls() {
    check("calls", &["some arg", "x"]);
}

#[test]
fn control() {
    check("control", &[]);
}

#[test]
fn memory() {
    check("memory", &["a", "b"]);
}

#[test]
fn leaf_calls() {
    check("leaf_calls", &[]);
}

#[test]
fn exit() {
    check("exit", &[]);
}

/// Lazily loaded bitcode (bodies read when first lowered, as a warm start loads a program its
/// snapshot vouches for) runs exactly like eagerly loaded bitcode: calls through function
/// pointers, recursion, globals and control flow all read their bodies on demand.
#[test]
fn lazy_bodies_run_like_native() {
    for (name, args) in [("calls", &["some arg", "x"][..]), ("control", &[][..]), ("memory", &["a", "b"][..])] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c").join(format!("{name}.c"));
        let dir = common::scratch(&format!("lazy-{name}"));
        let expected = common::native(&src, "O2", &dir, args);
        let bc = common::bitcode(&src, "O2", &dir);
        let lazy = irvm::Options { lazy_bodies: true, ..irvm::Options::default() };
        assert_eq!(
            common::irvm_with(&bc, args, lazy),
            expected,
            "{name}: lazily loaded irvm (left) differs from native (right)"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
