//! Loader robustness (a deterministic mutation fuzzer, runnable in `cargo test`; cargo-fuzz would
//! need a nightly toolchain). Real bitcode is truncated, bit-flipped, byte-overwritten and spliced
//! thousands of times; every case must end in Ok or in a one-line error naming the input, never in
//! a crash of this process. LLVM's own reader can crash on malformed bitcode, so inputs go through
//! `host::precheck_isolated` (a forked child) first, exactly as `bareflow run` does; what passes is
//! then loaded in-process.

mod common;

use irvm::host::{Precheck, precheck_isolated};
use irvm::{Machine, Options};
use std::path::Path;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8], case: usize) -> Vec<u8> {
    let mut d = seed.to_vec();
    match case % 5 {
        0 => d.truncate(rng.below(d.len())),
        1 => {
            for _ in 0..=rng.below(4) {
                let p = rng.below(d.len());
                d[p] ^= 1 << rng.below(8);
            }
        }
        2 => {
            let p = rng.below(d.len());
            d[p] = rng.next() as u8;
        }
        3 => {
            // Splice the tail of another module in.
            let (p, q) = (rng.below(d.len()), rng.below(other.len()));
            d.truncate(p);
            d.extend_from_slice(&other[q..]);
        }
        _ => {
            // A run of random bytes somewhere after the header.
            let p = 4 + rng.below(d.len() - 4);
            for b in d.iter_mut().skip(p).take(1 + rng.below(32)) {
                *b = rng.next() as u8;
            }
        }
    }
    d
}

fn check_one(bytes: &[u8]) -> bool {
    match precheck_isolated(bytes, "fuzz.bc") {
        Precheck::Bad(e) => {
            assert!(e.starts_with("fuzz.bc: "), "error does not name the input: {e}");
            assert!(!e.trim().contains('\n'), "error is not one line: {e}");
            false
        }
        Precheck::Ok => {
            // Passed LLVM's reader and verifier in the child: loading in-process must not crash.
            if let Err(e) = Machine::load(
                bytes,
                "fuzz.bc",
                Box::new(irvm::host::DlsymResolver::new()),
                Options { reg_slots: 4096, alloca_bytes: 1 << 16, lazy_bodies: false },
            ) {
                assert!(e.to_string().starts_with("fuzz.bc"), "error does not name the input: {e}");
            }
            true
        }
        Precheck::NotIsolated => panic!("fork is available on Linux"),
    }
}

#[test]
fn mutated_bitcode_is_an_error_not_a_crash() {
    let dir = common::scratch("fuzz");
    let c = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c");
    let a = common::bitcode(&c.join("calls.c"), "O2", &dir);
    let b = common::bitcode(&c.join("memory.c"), "O0", &dir);
    let _ = std::fs::remove_dir_all(dir);
    assert!(check_one(&a) && check_one(&b), "unmutated bitcode must load");
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut bad = 0;
    let cases = 3000;
    for case in 0..cases {
        let (seed, other) = if case % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let m = mutate(&mut rng, seed, other, case);
        if !check_one(&m) {
            bad += 1
        }
    }
    assert!(bad > cases / 2, "most mutations should be rejected ({bad} of {cases})");
    // Plain garbage and empty input.
    for n in [0usize, 1, 3, 4, 100, 5000] {
        let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        assert!(!check_one(&junk));
        assert!(
            Machine::load(&junk, "junk.bc", Box::new(irvm::host::DlsymResolver::new()), Options::default()).is_err()
        );
    }
}
