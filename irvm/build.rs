//! Compiles irvm's C++ piece (cxx/exceptions.cc) when the `cxx-exceptions` feature is on (the
//! Linux build): the `catch (...)` around native calls that keeps C++ exceptions out of Rust
//! frames. The kernel build has no C++ runtime to link it against and leaves the feature off.

fn main() {
    println!("cargo:rerun-if-changed=cxx");
    if std::env::var_os("CARGO_FEATURE_CXX_EXCEPTIONS").is_none() {
        return;
    }
    let mut cxx = cc::Build::new();
    if std::process::Command::new("clang++-19").arg("--version").output().is_ok_and(|o| o.status.success()) {
        cxx.compiler("clang++-19");
    }
    cxx.cpp(true).std("c++17").opt_level(2).warnings(true).file("cxx/exceptions.cc").compile("irvm_exceptions");
}
