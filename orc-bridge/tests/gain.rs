//! `Jit::parameter_gains`: which parameters a constant improves, on clang -O2 bitcode (as the
//! apps' bitcode is built).

mod common;

use orc_bridge::{Gain, Jit, JitConfig};

const REST: &str = "#include <string.h>
    extern void note(int);
    int last;
    /* n: loop bound; tag: only stored and passed to an external function; d: divisor;
       s: shift; sel: branch; len: memcpy length; stride: scaled index in a loop. */
    long kernel(char *dst, const char *src, int n, int tag, int d, int s, int sel, unsigned long len, int stride) {
        long t = 0;
        last = tag;
        note(tag);
        for (int i = 0; i < n; i++) t += src[(long)i * stride];
        if (sel) note(1);
        memcpy(dst, src, len);
        return t / d + (t << s);
    }
    /* n reaches a loop only inside scan (common::SCAN_SOURCE, too big for clang's O2 to inline
       here), which the specialization pastes. */
    float total(const float *a, int n, int id) {
        last = id;
        return scan(a, n) * 2.0f;
    }";

#[test]
fn only_parameters_a_constant_improves_have_a_gain() {
    let bc = common::c_to_optimized_bitcode("gain", &format!("{}{REST}", common::SCAN_SOURCE));
    let mut jit = Jit::new(&JitConfig::default()).expect("jit");
    let m = jit.load_bitcode("gain.bc", &bc).unwrap();
    let g = jit.parameter_gains(m, "kernel").unwrap();
    assert_eq!(
        g,
        vec![
            None,
            None,
            Some(Gain::LoopBound),
            None,
            Some(Gain::Divisor),
            Some(Gain::Shift),
            Some(Gain::Branch),
            Some(Gain::Size),
            Some(Gain::LoopStride),
        ],
        "kernel's parameters"
    );
    assert_eq!(jit.parameter_gains(m, "total").unwrap(), vec![None, Some(Gain::LoopBound), None], "total's");
    assert!(jit.parameter_gains(m, "missing").is_err());
}
