//! The pthread test program (tests/pthread/pthread_test.c: create/join, contended and recursive and
//! error-checking mutexes, condition-variable ping-pong, per-thread TLS and key destructors, a
//! barrier, an rwlock, once, a spin lock, nanosleep) built natively against glibc and as an
//! appliance on core-rt + core-libc (tools/mkappliance), booted with 1 and 2 CPUs (TCG, one host
//! thread per guest CPU): the three outputs must be the same. Run by `make test-boot`.

mod support;

use std::process::Command;
use support::{Qemu, clang_command, compile, root, scratch, text};

const SOURCE: &str = "tests/pthread/pthread_test.c";

#[test]
fn pthread_program_matches_linux_on_one_and_two_cpus() {
    let dir = scratch("pthread");
    let src = root().join(SOURCE);
    let native = dir.join("native");
    compile("native pthread test", clang_command().args(["-O2", "-pthread"]).arg(&src).arg("-o").arg(&native));
    let obj = dir.join("pthread_test.o");
    compile(
        "pthread test object",
        clang_command().args(["-O2", "-fno-stack-protector", "-fno-pic", "-c"]).arg(&src).arg("-o").arg(&obj),
    );
    let elf = dir.join("appliance.elf");
    let st = Command::new(root().join("tools/mkappliance"))
        .current_dir(root())
        .arg(&elf)
        .arg(&obj)
        .status()
        .expect("run tools/mkappliance");
    assert!(st.success(), "tools/mkappliance failed");

    let out = Command::new(&native).output().expect("run the native pthread test");
    let expected = text(&out.stdout);
    assert!(out.status.success(), "native run failed:\n{expected}");
    assert!(expected.contains("pthread test: ok"), "native output:\n{expected}");
    for n in [1, 2] {
        let r = Qemu::kernel(&elf).accel("tcg").smp(n).timeout(90).run();
        let program: String =
            r.serial.lines().filter(|l| !l.starts_with("core-rt: ")).map(|l| format!("{l}\n")).collect();
        assert_eq!(r.code, 0, "exit code with {n} CPUs; output:\n{}", r.all());
        assert!(r.serial.contains(&format!("| {n} CPU")), "boot line with {n} CPUs:\n{}", r.all());
        assert_eq!(program, expected, "output with {n} CPUs differs from Linux; whole output:\n{}", r.all());
    }
}
