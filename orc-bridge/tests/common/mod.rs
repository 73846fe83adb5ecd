//! Test helpers: C → bitcode with clang-19 (as the app build does), unique temp files.

use std::path::PathBuf;
use std::process::Command;

/// `float scan(const float *a, int n)`: seven loops over `n`, too big for clang's O2 or LLVM's O3
/// to inline on their own (tests of the callees a specialization pastes).
#[allow(dead_code)] // not every test file uses it
pub const SCAN_SOURCE: &str = "float scan(const float *a, int n) {
    float s = 0, t = 1, u = 0, v = 0;
    for (int i = 0; i < n; i++) s += a[i] * a[i];
    for (int i = 0; i < n; i++) t = t * 0.5f + a[i];
    for (int i = 1; i < n; i++) u += a[i] - a[i - 1] > 0 ? a[i] : -a[i];
    for (int i = 0; i + 2 < n; i++) v += a[i] * a[i + 2] - a[i + 1];
    for (int i = n - 1; i > 0; i--) s = s * 0.75f + (a[i] > s ? a[i] : t) - v * 0.125f;
    for (int i = 0; i < n; i++) u = u * 0.5f + (a[i] < u ? a[i] * v : a[i] / (1.0f + t));
    for (int i = 0; i + 3 < n; i++) v -= a[i] * a[i + 3] > s ? s * 0.25f : a[i + 1] * t;
    return s + t * u - v;
}
";

/// Compile C source to bitcode (unoptimized IR without optnone, like the JIT tiers see it).
#[allow(dead_code)] // not every test file uses it
pub fn c_to_bitcode(name: &str, source: &str) -> Vec<u8> {
    c_to_bitcode_with(name, source, &["-Xclang", "-disable-llvm-passes"])
}

/// Compile C source to bitcode optimized by clang's -O2 (as the apps' bitcode is built).
#[allow(dead_code)] // not every test file uses it
pub fn c_to_optimized_bitcode(name: &str, source: &str) -> Vec<u8> {
    c_to_bitcode_with(name, source, &["-fno-vectorize", "-fno-slp-vectorize"])
}

fn c_to_bitcode_with(name: &str, source: &str, flags: &[&str]) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("orc-bridge-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let c: PathBuf = dir.join(format!("{name}.c"));
    let bc: PathBuf = dir.join(format!("{name}.bc"));
    std::fs::write(&c, source).expect("write C source");
    let clang = std::env::var("CLANG").unwrap_or_else(|_| String::from("clang-19"));
    let out = Command::new(&clang)
        .arg("-O2")
        .args(flags)
        .args(["-fno-stack-protector", "-emit-llvm", "-c"])
        .arg(&c)
        .arg("-o")
        .arg(&bc)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {clang}: {e}"));
    assert!(out.status.success(), "{clang} failed on {name}.c: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(&bc).expect("read bitcode")
}
