//! Guarded unroll-and-jam in the unikernel (docs/tiering.md, "Unroll-and-jam"; `make
//! test-tier-boot`): tests/tiering/unrolljam.c booted twice in QEMU (TCG) on one state disk. The
//! cold boot specializes `rows` and jams its nest (the tier pipeline's pass runs in the kernel's
//! LLVM), the warm boot links the jammed object from the disk, and the appliance that `bareflow
//! aot` builds from that disk keeps the jammed nest and counts its guard: every call with
//! separate buffers jammed, every call whose output overlaps the matrix as written, with the
//! native build's output throughout.

mod support;

use std::process::Command;
use support::{Qemu, guards, root};

#[test]
fn the_unikernel_jams_keeps_and_exports_the_nest() {
    let dir = support::scratch("tier-boot/unrolljam");
    let bc = dir.join("unrolljam.bc");
    let src = root().join("tests/tiering/unrolljam.c");
    support::bitcode(
        &src,
        &bc,
        &["-O2", "-fno-stack-protector", "-fno-unwind-tables", "-fno-asynchronous-unwind-tables"],
    );
    let exe = dir.join("unrolljam-native");
    support::compile("unrolljam.c natively", support::clang_command().arg("-O2").arg(&src).arg("-o").arg(&exe));
    let args = ["256", "64", "3000", "100"];
    let native = Command::new(&exe).args(args).output().expect("native unrolljam");
    let native_out = support::text(&native.stdout);
    assert!(native.status.success() && native_out.starts_with("separate: "), "native build: {native_out}");
    let tar = support::initrd(&dir, &[&root().join("build/kernel.sym.gz"), &bc]);
    let disk = dir.join("state.img");
    std::fs::write(&disk, []).unwrap();
    std::fs::File::options().write(true).open(&disk).unwrap().set_len(16 << 20).unwrap();
    let mut logs = Vec::new();
    for boot in 1..=2 {
        let flags = ["run", "--tier", "auto", "--jit-threads", "0", "--no-osr", "--verbose", "--state", "/dev/state"];
        let q = Qemu::kernel(&support::kernel())
            .accel("tcg")
            .timeout(180)
            .initrd(&tar)
            .disk(&disk)
            .args(&flags)
            .args(&["/boot/unrolljam.bc"])
            .args(&args)
            .run();
        assert_eq!(q.code, 0, "boot {boot} failed:\n{}", q.all());
        let lines: Vec<&str> = native_out.lines().collect();
        assert!(lines.iter().all(|n| q.serial.lines().any(|l| l == *n)), "boot {boot}: output differs:\n{}", q.serial);
        logs.push(q.serial);
    }
    assert!(
        logs[0]
            .lines()
            .any(|l| l.starts_with("[tier] rows: unroll-and-jam: x4: 1 of 1 loop nests jammed behind a guard")),
        "the cold boot did not jam rows' nest:\n{}",
        logs[0]
    );
    assert!(
        logs[1].lines().any(|l| l.starts_with("[state] rows: O")
            && l.contains(" from the object cache (")
            && l.ends_with(", loop nests unroll-and-jammed x4 behind a guard")),
        "the warm boot did not link rows' jammed object:\n{}",
        logs[1]
    );

    // The appliance from that disk counts the guard with no LLVM.
    let (obj, stubs) = (dir.join("app.o"), dir.join("dead.s"));
    let aot = support::aot(&disk, &bc, &obj, &stubs).output().expect("bareflow aot");
    let said = support::text(&aot.stdout);
    assert!(aot.status.success(), "bareflow aot: {}", support::text(&aot.stderr));
    assert!(guards::aot_key(&said, "rows").contains("/uj=4,"), "{said}");
    let elf = guards::appliance(&dir, &obj, &stubs, &["rows"]);
    let q = Qemu::kernel(&elf).accel("tcg").timeout(120).args(&args).run();
    assert_eq!(q.code, 0, "appliance failed:\n{}", q.all());
    assert!(native_out.lines().all(|n| q.serial.lines().any(|l| l == n)), "appliance output differs:\n{}", q.serial);
    assert_eq!(guards::printed_loop(&q.serial, "rows"), (3000, 750), "rows' jam guard in the appliance");
}
