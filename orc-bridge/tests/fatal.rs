//! LLVM fatal errors cannot be unwound (EH is off, panic=abort), but they must not kill the
//! process silently: the handler names what was being compiled. The fatal path runs in a child
//! process (this test binary re-run with ORC_FATAL_CHILD=1).

use std::process::Command;

use inkwell::context::Context;
use orc_bridge::{Jit, JitConfig, NoHostLinks, OptLevel, TargetConfig};

/// A function calling an AVX-512 intrinsic, JIT-compiled for a CPU without AVX-512: instruction
/// selection hits "Cannot select", a report_fatal_error inside LLVM.
fn compile_unselectable() {
    let ctx = Context::create();
    let module = ctx.create_module("avx512");
    let v16f = ctx.f32_type().vec_type(16);
    let i16t = ctx.i16_type();
    let rcp_ty = v16f.fn_type(&[v16f.into(), v16f.into(), i16t.into()], false);
    let rcp = module.add_function("llvm.x86.avx512.rcp14.ps.512", rcp_ty, None);
    let f = module.add_function("uses_avx512", v16f.fn_type(&[v16f.into()], false), None);
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(f, "entry"));
    let x = f.get_nth_param(0).unwrap();
    let r = b.build_call(rcp, &[x.into(), x.into(), i16t.const_all_ones().into()], "r").unwrap();
    b.build_return(Some(&r.try_as_basic_value().basic().unwrap())).unwrap();
    let bc = module.write_bitcode_to_memory();

    let cfg = JitConfig {
        target: TargetConfig { cpu: Some("x86-64".into()), features: Some(String::new()), triple: None },
        ..Default::default()
    };
    let mut jit = Jit::new(&cfg).unwrap();
    let m = jit.load_bitcode("avx512.bc", bc.as_slice()).unwrap();
    let r = jit.compile_function(m, "uses_avx512", OptLevel::O2, &NoHostLinks, None);
    // Only reached if LLVM did not treat it as fatal.
    match r {
        Ok(c) => println!("child: compiled {}", c.symbol),
        Err(e) => println!("child: compile error: {e}"),
    }
}

#[test]
fn fatal_llvm_error_names_the_function() {
    if std::env::var_os("ORC_FATAL_CHILD").is_some() {
        compile_unselectable();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args(["--exact", "fatal_llvm_error_names_the_function", "--nocapture", "--test-threads=1"])
        .env("ORC_FATAL_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("child: compiled "), "an AVX-512 intrinsic compiled for x86-64: {stdout}");
    // A clean error is even better than a fatal one; either must name the function.
    if let Some(line) = stdout.lines().find(|l| l.starts_with("child: compile error: ")) {
        assert!(line.contains("'uses_avx512'"), "the compile error does not name the function: {line}");
        return;
    }
    assert!(!out.status.success(), "the child should have stopped: {stdout}{stderr}");
    assert!(
        stderr
            .contains("orc-bridge: fatal LLVM error while compiling function 'uses_avx512' (module 'avx512.bc') at O2"),
        "stderr: {stderr}"
    );
}
