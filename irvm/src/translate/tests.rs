//! What the translator makes of the loops clang -O2 emits: each test compiles a small C function
//! with clang-19, lowers it and checks that the folded forms are chosen (a change that stops
//! folding keeps programs correct, so only these tests see it). What the ops compute is checked
//! against native code by the conformance corpus (tests/conformance/vec_fused_access.c).

use crate::isa::Op;
use crate::vm::{Machine, Options};
use std::process::Command;

/// The ops of function `name` of C source `src`, compiled by clang-19 -O2.
fn lowered(test: &str, src: &str, name: &str) -> Vec<Op> {
    lowered_with(test, src, name, &[])
}

/// As [`lowered`], with more clang flags.
fn lowered_with(test: &str, src: &str, name: &str, flags: &[&str]) -> Vec<Op> {
    lowered_code(test, src, name, flags).ops.to_vec()
}

/// The lowered code of function `name` of C source `src`, compiled by clang-19 -O2 and `flags`.
fn lowered_code(test: &str, src: &str, name: &str, flags: &[&str]) -> super::Code {
    let dir = std::env::temp_dir().join(format!("irvm-lowering-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let (c, bc) = (dir.join("f.c"), dir.join("f.bc"));
    std::fs::write(&c, src).expect("write the C source");
    let out = Command::new("clang-19")
        .args(["-O2", "-c", "-emit-llvm", "-w"])
        .args(flags)
        .arg(&c)
        .arg("-o")
        .arg(&bc)
        .output()
        .expect("run clang-19");
    assert!(out.status.success(), "clang-19: {}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&bc).expect("read the bitcode");
    let _ = std::fs::remove_dir_all(&dir);
    let mut m = Machine::load(&bytes, "f.bc", Box::new(crate::host::DlsymResolver::new()), Options::default())
        .expect("load the bitcode");
    let f = m.function_named(name).expect("the function is in the module");
    super::translate(&mut m.prog, f).expect("lower the function")
}

fn count(ops: &[Op], pred: impl Fn(&Op) -> bool) -> usize {
    ops.iter().filter(|o| pred(o)).count()
}

const DOT: &str = "float dot(const float *a, const float *b, long n) {
                       float s = 0; for (long i = 0; i < n; i++) s += a[i] * b[i]; return s; }";

#[test]
fn fmuladd_of_two_loads_is_the_dot_product_step() {
    // clang -O2 unrolls the loop by four (the sum's order forbids vectorizing it): four steps in
    // a row are one op, the remainder loop's step is the single one.
    let ops = lowered("dot", DOT, "dot");
    assert!(count(&ops, |o| matches!(o, Op::FDot4X32 { .. })) >= 1, "{ops:#?}");
    assert!(count(&ops, |o| matches!(o, Op::FDotX32 { .. })) >= 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::FMulAdd { .. })), 0, "{ops:#?}");
}

#[test]
fn an_fadd_of_an_fmul_of_two_loads_is_the_dot_product_step_too() {
    // Without contraction clang emits `fadd (fmul …)`: the same step, never merged by four
    // (which follows `llvm.fmuladd` chains only).
    let ops = lowered_with("dot-nocontract", DOT, "dot", &["-ffp-contract=off"]);
    assert!(count(&ops, |o| matches!(o, Op::FDotX32 { .. })) >= 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::FDot4X32 { .. })), 0, "{ops:#?}");
}

#[test]
fn vectorized_axpy_steps_fold_their_loads_and_store() {
    // The i-k-j matrix product: two <4 x float> steps a trip, the second one's factor loaded
    // before the first one's store: one paired step (VAxpy2X) with that load folded in, no step
    // left alone; with `restrict` (each step folds whole, VAxpyX) and on doubles the same.
    let src = "void mm(int n, const float *a, const float *b, float *c) {
                   for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) {
                       float x = a[i * n + k];
                       for (int j = 0; j < n; j++) c[i * n + j] += x * b[k * n + j]; } }
               void axpy(long n, double a, const double *x, double *restrict y) {
                   for (long j = 0; j < n; j++) y[j] += a * x[j]; }";
    let mm = lowered("mm", src, "mm");
    // The loop is that step alone: it runs its latch too.
    assert_eq!(count(&mm, |o| matches!(o, Op::VAxpy2X { dbl: false, latch: true, .. })), 1, "{mm:#?}");
    let single = |o: &Op| matches!(o, Op::VAxpyX { .. } | Op::VAxpyR { .. } | Op::Load128X(_));
    assert_eq!(count(&mm, single), 0, "{mm:#?}");
    let axpy = lowered("axpy", src, "axpy");
    assert_eq!(count(&axpy, |o| matches!(o, Op::VAxpy2X { dbl: true, .. })), 1, "{axpy:#?}");
    assert_eq!(count(&axpy, single), 0, "{axpy:#?}");
}

#[test]
fn a_loop_interleaved_by_two_runs_its_halves_in_pairs() {
    // clang -O2 vectorizes by 4 floats and interleaves by two: each step is two loads, two
    // multiplies, two multiply-adds and two stores of the halves, each two a pair (the first op
    // marked, the second left as it was).
    let src = "void f(long n, float a, const float *x, float *y) {
                   for (long i = 0; i < n; i++) y[i] = a * x[i] + y[i] * 0.5f; }";
    let ops = lowered("pairs", src, "f");
    let firsts = |want: fn(&Op) -> bool, second: fn(&Op) -> bool| {
        ops.windows(2).filter(|w| want(&w[0]) && second(&w[1])).count()
    };
    assert!(firsts(|o| matches!(o, Op::Load128X2(_)), |o| matches!(o, Op::Load128X(_))) >= 1, "{ops:#?}");
    assert!(firsts(|o| matches!(o, Op::Store128X2(_)), |o| matches!(o, Op::Store128X(_))) >= 1, "{ops:#?}");
    fn vfloat(o: &Op, p: bool) -> bool {
        matches!(*o, Op::VFloat { op: crate::isa::FBin::Mul, pair, .. } if pair == p)
    }
    assert!(firsts(|o| vfloat(o, true), |o| vfloat(o, false)) >= 1, "{ops:#?}");
    fn vfma(o: &Op, p: bool) -> bool {
        matches!(*o, Op::VFma { pair, .. } if pair == p)
    }
    assert!(firsts(|o| vfma(o, true), |o| vfma(o, false)) >= 1, "{ops:#?}");
    // A pair's second op is never the first of another pair.
    let first = |o: &Op| match *o {
        Op::Load128X2(_) | Op::Store128X2(_) | Op::Load8X2(_) | Op::Load32X2(_) | Op::Load64X2(_) => true,
        Op::Store32X2(_) | Op::Store64X2(_) => true,
        Op::VInt { pair, .. } | Op::VFloat { pair, .. } | Op::VFma { pair, .. } => pair,
        Op::VIBin2 { pair, .. } | Op::VResize { pair, .. } => pair,
        _ => false,
    };
    assert_eq!(ops.windows(2).filter(|w| first(&w[0]) && first(&w[1])).count(), 0, "{ops:#?}");
}

#[test]
fn two_scalar_loads_or_stores_in_a_row_are_a_pair() {
    // A swap's two stores; the neighbours `row[j]` and `row[j - 1]` loaded one after the other.
    let src = "void swaps(int *a, long n) {
                   for (long i = 1; i < n; i++) if (a[i - 1] > a[i]) { int t = a[i - 1]; a[i - 1] = a[i]; a[i] = t; } }
               long sums(const long *row, long n) {
                   long s = 0; for (long j = n - 1; j >= 1; j--) s += (row[j] + row[j - 1]) % 1000003; return s; }";
    let swaps = lowered("swap-pair", src, "swaps");
    assert!(swaps.windows(2).any(|w| matches!(w, [Op::Store32X2(_), Op::Store32X(_)])), "{swaps:#?}");
    let sums = lowered("load-pair", src, "sums");
    assert!(sums.windows(2).any(|w| matches!(w, [Op::Load64X2(_), Op::Load64X(_)])), "{sums:#?}");
}

#[test]
fn a_shift_and_a_mask_are_one_bit_field_op() {
    // Lua's `GETARG_B(i)`: `(i >> 16) & 0xff` on an i32, and a 64-bit field; a shift used twice
    // stays.
    let src = "unsigned f(unsigned i) { return (i >> 16) & 0xff; }
               unsigned long g(unsigned long x) { return (x >> 40) & 0xfff; }
               unsigned h(unsigned i) { unsigned t = i >> 3; return (t & 7) + t; }";
    for name in ["f", "g"] {
        let ops = lowered("bit-field", src, name);
        assert_eq!(count(&ops, |o| matches!(o, Op::LShrAndI { .. })), 1, "{ops:#?}");
        assert_eq!(count(&ops, |o| matches!(o, Op::LShrI(_))), 0, "{ops:#?}");
    }
    let ops = lowered("bit-field-shared", src, "h");
    assert_eq!(count(&ops, |o| matches!(o, Op::LShrAndI { .. })), 0, "{ops:#?}");
}

#[test]
fn a_branch_on_a_lane_of_a_mask_reads_the_lane_in_place() {
    // clang's vectorized conditional store on SSE: per lane, `extractelement` of the compare's
    // `<16 x i1>` and a branch around that lane's store; the extract folds into the branch.
    let src = "void f(char *t, long n) { for (long i = 0; i < n; i++) if (t[i] >= 'A' && t[i] <= 'Z') t[i] += 32; }";
    let ops = lowered("br-lane", src, "f");
    assert!(count(&ops, |o| matches!(o, Op::BrLane { .. })) >= 16, "{ops:#?}");
    let extract_then_br = ops.windows(2).filter(|w| matches!(w, [Op::VExtract { .. }, Op::Br { .. }])).count();
    assert_eq!(extract_then_br, 0, "{ops:#?}");
}

#[test]
fn a_second_variable_stepped_before_the_latch_is_part_of_it() {
    // `j += 3` right before the latch `i++; i < n`: one `Inc2Br64`, no `Add64I` left in the loop.
    let src = "long f(const long *a, long n) {
                   long s = 0;
                   #pragma clang loop vectorize(disable) unroll(disable)
                   for (long i = 0, j = 0; i < n; i++, j += 3) s += a[j] ^ i;
                   return s; }";
    let ops = lowered("inc2", src, "f");
    assert_eq!(count(&ops, |o| matches!(o, Op::Inc2Br64 { imm: 1, imm2: 3, .. })), 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::Add64I(_))), 0, "{ops:#?}");
}

#[test]
fn an_accumulation_of_computed_factors_is_an_axpy_step() {
    // nbody's velocity update, SLP-vectorized: `v += (d * m) * mag` on a pair of doubles with
    // neither factor loaded; the addend's load, the multiply-add and the store are one VAxpyR.
    let src = "struct body { double x, y, z, vx, vy, vz, m; };
               void kick(struct body *b, const struct body *o, double mag) {
                   double dx = b->x - o->x, dy = b->y - o->y;
                   b->vx -= dx * o->m * mag; b->vy -= dy * o->m * mag; }";
    let ops = lowered("kick", src, "kick");
    assert!(count(&ops, |o| matches!(o, Op::VAxpyR { dbl: true, .. })) >= 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::VFma { .. })), 0, "{ops:#?}");
    // The same on one double (nbody's `vz`) and on a float: one FAxpyR each, no FMulAdd left.
    let src = "struct body { double x, vx, m; float y, vy; };
               void kick1(struct body *b, const struct body *o, double mag, float g) {
                   b->vx -= (b->x - o->x) * o->m * mag; b->vy += (b->y - o->y) * g; }";
    let ops = lowered("kick1", src, "kick1");
    assert_eq!(count(&ops, |o| matches!(o, Op::FAxpyR { dbl: true, .. })), 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::FAxpyR { dbl: false, .. })), 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::FMulAdd { .. })), 0, "{ops:#?}");
}

#[test]
fn lanes_of_double_pairs_are_read_in_place_and_splats_are_one_op() {
    // SLP-vectorized pairs of doubles: `dx * m` and `dy * m` as one <2 x double> multiply by a
    // splat of `m`, the lanes of `d` read back one by one.
    let ops = lowered(
        "pairs",
        "struct v2 { double x, y; };
         double f(struct v2 *p, struct v2 *q, double dt) {
             double dx = p->x - q->x, dy = p->y - q->y;
             double m = dt / (dx * dx + dy * dy + 0.01);
             p->x -= dx * m; p->y -= dy * m; q->x += dx * m; q->y += dy * m;
             return dx * dy; }",
        "f",
    );
    assert!(count(&ops, |o| matches!(o, Op::MovPair(_))) >= 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::Mov { .. })), 0, "no lane is moved out of its vector: {ops:#?}");
}

#[test]
fn vector_accumulators_update_in_place() {
    let ops = lowered(
        "minmax",
        "long f(const int *a, long n, int *lo) {
             long s = 0; int m = a[0];
             for (long i = 0; i < n; i++) { s += a[i]; m = a[i] < m ? a[i] : m; }
             *lo = m; return s; }",
        "f",
    );
    let in_place = |o: &Op| match *o {
        Op::VInt { d, a, b, .. } | Op::VIBin2 { d, a, b, .. } => d == a || d == b,
        _ => false,
    };
    assert!(count(&ops, in_place) >= 2, "the sum and the minimum accumulate in place: {ops:#?}");
}

#[test]
fn dense_switch_two_phi_moves_and_an_add_on_a_jump() {
    // A small stack machine's dispatch: the cases span 0..5, each case's edge back to the loop
    // moves both `pc` and `sp`, and the loop's latch counts the steps.
    let ops = lowered(
        "vm",
        "long run(const unsigned char *code, long *st) {
             long sp = 0, steps = 0;
             for (long pc = 0;; steps++) {
                 unsigned char op = code[pc++];
                 switch (op) {
                 case 0: st[sp++] = code[pc++]; break;
                 case 1: sp--; st[sp - 1] += st[sp]; break;
                 case 2: sp--; st[sp - 1] *= st[sp]; break;
                 case 3: st[sp] = st[sp - 1]; sp++; break;
                 case 4: pc = code[pc]; break;
                 default: return st[sp - 1] + steps;
                 } } }",
        "run",
    );
    assert!(count(&ops, |o| matches!(o, Op::SwitchDense { .. })) == 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::Switch { .. })), 0, "{ops:#?}");
    assert!(count(&ops, |o| matches!(o, Op::MovMovJmp { .. })) >= 1, "{ops:#?}");
    assert!(count(&ops, |o| matches!(o, Op::AddIJmp { .. })) >= 1, "`steps++` rides in the jump back: {ops:#?}");
}

#[test]
fn few_cases_far_apart_take_the_dense_switch() {
    // Three cases 16 apart (Lua's `switch` on the type tags of callable values): a 33-entry table,
    // not a search of the sorted cases.
    let ops = lowered(
        "tags",
        "int g(int); int h(int); int k(int);
         int call(unsigned char tag, int x) {
             switch (tag) {
             case 6: return g(x);
             case 22: return h(x);
             case 38: return k(x);
             default: return -1;
             } }",
        "call",
    );
    assert_eq!(count(&ops, |o| matches!(o, Op::SwitchDense { n: 33, .. })), 1, "{ops:#?}");
    assert_eq!(count(&ops, |o| matches!(o, Op::Switch { .. })), 0, "{ops:#?}");
}

#[test]
fn a_computed_goto_over_blocks_far_apart_takes_a_dense_table() {
    // A threaded dispatch (`goto *t[op]`, as Lua's VM is built): each handler's calls put its
    // blocks far from the next handler's, so the targets' block indices span more than a
    // switch's dense table allows; the jump is still a table lookup, not a search of the sorted
    // tokens.
    let handler = |k: usize| {
        format!(
            "l{k}: if (a[{k}] > 3) g(1); if (a[2] < acc) g(2); if (acc & {k}) g(3); if (acc > 9) g(4);
             if (a[6] > acc) g(5); if (a[7] != acc) g(6); acc += a[{k}]; goto *t[*pc++ & 7];"
        )
    };
    let src = format!(
        "void g(int);
         long run(const unsigned char *pc, long *a) {{
             static void *t[8] = {{&&l0, &&l1, &&l2, &&l3, &&l4, &&l5, &&l6, &&l7}};
             long acc = 0;
             goto *t[*pc++ & 7];
             {}
             l7: return acc; }}",
        (0..7).map(handler).collect::<String>()
    );
    let code = lowered_code("goto", &src, "run", &[]);
    let tag = crate::consts::BLOCK_ADDRESS_TAG;
    let gotos: Vec<_> = code.switches.iter().filter(|s| s.values.first().is_some_and(|&v| v & tag == tag)).collect();
    assert!(!gotos.is_empty(), "no computed goto in {:#?}", code.ops);
    for sw in gotos {
        let span = sw.values.last().unwrap() - sw.values.first().unwrap();
        let near = (4 * sw.values.len() as u64 + 16).max(64);
        assert!(span >= near, "the targets span {span}: the test needs them farther apart than {near}");
        assert!(
            sw.dense.is_some(),
            "computed goto over {} targets spanning {span} blocks: no dense table",
            sw.values.len()
        );
    }
}

#[test]
fn loaded_second_operand_and_strided_latch_fold() {
    // `x == s[i]` compares a loaded second operand (`x` is loaded before the loop, so clang keeps
    // it first); `j += step` is the latch's in-place add.
    let src = "long count(const char *s, long n, const char *px, long *out) {
                   char x = *px;
                   long k = 0; for (long i = 0; i < n; i++) if (x == s[i]) out[k++] = i; return k; }
               void mark(char *s, long n, long step) {
                   for (long j = step; j <= n; j += step) s[j] = 0; }";
    let count_ops = lowered("count", src, "count");
    assert!(
        count(&count_ops, |o| matches!(o, Op::LoadBr8X(_))) >= 1,
        "the load folds into its compare: {count_ops:#?}"
    );
    let mark = lowered("mark", src, "mark");
    assert!(count(&mark, |o| matches!(o, Op::IncRBr64 { .. })) >= 1, "{mark:#?}");
}

#[test]
fn an_accumulator_starts_in_its_own_constant_slot() {
    // fib's shape at -O2: one recursion is a loop that starts the function, its sum's `0` comes
    // from the entry block; the frame's constant copy sets it, no move does.
    let ops = lowered("fib", "long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }", "fib");
    let moves_a_constant = |o: &Op| matches!(*o, Op::Mov { s, .. } | Op::MovJmp { s, .. } if s.0 < 0);
    assert_eq!(count(&ops, moves_a_constant), 0, "{ops:#?}");
    assert!(count(&ops, |o| matches!(o, Op::Call { .. })) >= 1, "{ops:#?}");
}

/// Whether `op` is a chained form, one of its operands read from the result register (the
/// operand prints as `RESULT`).
fn reads_result(op: &Op) -> bool {
    format!("{op:?}").contains("RESULT")
}

#[test]
fn an_operand_computed_by_the_op_before_is_read_from_the_result_register() {
    // spectral's matrix element: `i + j`, `+ 1`, the product, the shift, `+ i + 1`, the division
    // by the converted sum: a chain in which every op but the first reads the one before.
    let src = "double a(long i, long j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }
               long g(const long *p, long n) { long s = 0; for (long i = 0; i < n; i++) s = s * 3 + p[p[i]]; return s; }";
    let ops = lowered("chain", src, "a");
    assert!(count(&ops, reads_result) >= 4, "{ops:#?}");
    // The second load of `p[p[i]]` reads its index from the first: the two are a pair, whose
    // dispatch runs the second op as it is, its index read from the slot.
    let ops = lowered("chain-pair", src, "g");
    let pair = ops.windows(2).any(|w| matches!(w, [Op::Load64X2(x), Op::Load64X(y)] if y.i == x.v));
    assert!(pair, "{ops:#?}");
    // Only ever right after an op that leaves its result, never in a block's first op (the
    // function's first op is one).
    for ops in [lowered("chain", src, "a"), ops] {
        assert!(!reads_result(&ops[0]), "{ops:#?}");
        for w in ops.windows(2) {
            assert!(!reads_result(&w[1]) || crate::exec::result::result(&w[0]).is_some(), "{w:#?}");
        }
    }
}

#[test]
fn every_jump_of_an_op_is_fixed_up() {
    // The jump fix-up (`control::for_each_target`) lists the ops that jump; one it misses keeps a
    // block number as its distance. Every `Rel` an op prints must be one the fix-up visits:
    // compare-and-branches of both widths and every predicate, on slots, on immediates and on the
    // result of the op before (mirrored too), a branch on a compare's result, latches, switches.
    let src = "void h(long);
               void f(const long *p, const int *q, long n, long k) {
                   for (long i = 0; i < n; i++) {
                       long v = p[i] * 3, w = q[i] + 1;
                       if (v < k) h(1); if (v <= k) h(2); if (v > k) h(3); if (v >= k) h(4);
                       if ((unsigned long)v < (unsigned long)k) h(5); if ((unsigned long)v >= (unsigned long)k) h(6);
                       if (k < v + 1) h(7); if (k == (v ^ 3)) h(8); if (k != (v | 1)) h(9);
                       if ((int)w < 7) h(10); if ((unsigned)w > 9u) h(11); if ((int)w == (int)k) h(12);
                       if (v > 100 && w < 50) h(13); if (v * 5 > 12) h(14); if ((v & 12) == 4) h(15);
                       switch (v & 7) { case 0: h(16); break; case 1: h(17); break; case 3: h(18); break; case 6: h(19); break; }
                   } }";
    let ops = lowered("jumps", src, "f");
    let mut branches = 0;
    for op in &ops {
        let mut visited = 0;
        crate::translate::control::for_each_target(&mut op.clone(), |_| visited += 1);
        let printed = format!("{op:?}").matches("Rel(").count();
        assert_eq!(visited, printed, "{op:?}: the fix-up visits {visited} of its {printed} jumps");
        branches += usize::from(visited > 0);
    }
    assert!(branches >= 15, "only {branches} jumping ops: {ops:#?}");
}

#[test]
fn lowering_a_function_again_gives_the_same_ops() {
    // Values carried round a loop from constants get constant slots of their own, numbered in
    // the order the function names them (not a hash map's): two lowerings, or two runs' dumps,
    // are the same.
    let src = "long f(long n) { long a = 1, b = 2, c = 3, d = 5, e = 7;
                   do { a = a * 3 + b; b ^= c; c += d; d *= e; e += a; } while (--n > 0);
                   return a + b + c + d + e; }";
    let first = format!("{:?}", lowered("again", src, "f"));
    for _ in 0..4 {
        assert_eq!(format!("{:?}", lowered("again", src, "f")), first);
    }
}

#[test]
fn a_second_operand_computed_by_the_op_before_is_taken_by_a_form_of_its_own() {
    // `a / (b + c)`: the divisor is the sum, computed right before the division, which takes it
    // as its second operand (`FDiv64Rb`); `k - (x >> 3)`: the subtraction likewise (`Sub64Rb`).
    let src = "double f(double a, double b, double c) { return a / (b + c); }
               long g(long k, long x) { return k - (x >> 3); }";
    let ops = lowered("second", src, "f");
    assert!(ops.windows(2).any(|w| matches!(w, [Op::FAdd64(_), Op::FDiv64Rb(x)] if x.a.0 >= 0)), "{ops:#?}");
    let ops = lowered("second", src, "g");
    assert!(ops.windows(2).any(|w| matches!(w, [Op::AShr64I(_), Op::Sub64Rb(x)] if x.a.0 >= 0)), "{ops:#?}");
}

#[test]
fn a_run_of_results_is_ordered_for_the_result_register() {
    // The table step of a CRC: `c = t[(c ^ p[i]) & 0xff] ^ (c >> 8)`. In clang's order the shift
    // comes between the table load and the last xor; placed before the chain, every link of
    // `c` → and → xor → load → xor reads the op before it.
    let src = "unsigned long f(const unsigned char *p, long n, const unsigned *t) {
                   unsigned long c = ~0ul;
                   #pragma clang loop unroll(disable)
                   for (long i = 0; i < n; i++) c = t[(c ^ p[i]) & 0xff] ^ (c >> 8);
                   return c; }";
    let ops = lowered("crc-order", src, "f");
    let last_xor = ops.windows(2).any(|w| matches!(w, [Op::Load32XR(_), Op::Xor64R(_)]));
    assert!(last_xor, "{ops:#?}");
    let load = ops.windows(2).any(|w| matches!(w, [Op::Xor64(_) | Op::Xor64R(_), Op::Load32XR(_)]));
    assert!(load, "{ops:#?}");
}

/// The slots named in op `op`'s printed form, with their field names (`a: Reg(3)` → ("a", 3)).
fn printed_slots(op: &Op) -> Vec<(String, i32)> {
    let s = format!("{op:?}");
    let mut out = Vec::new();
    for (at, _) in s.match_indices(": Reg(") {
        let field: String = s[..at].chars().rev().take_while(|c| c.is_alphanumeric()).collect();
        let rest = &s[at + 6..];
        let n = rest[..rest.find(')').expect("a closing parenthesis")].parse().expect("a slot number");
        out.push((field.chars().rev().collect(), n));
    }
    out
}

#[test]
fn the_reordering_knows_every_slot_a_result_op_reads() {
    // Runs of result ops are reordered on what `exec::result` says each op reads and writes: every
    // slot an op names is its result or one of its reads.
    let src = "double a(long i, long j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }
               long b(const int *p, long n, long q) { long s = 0; for (long i = 0; i < n; i++) {
                   int v = p[i] * 7 - 3; long w = (long)v * v; s ^= w > 900 ? w : -w; s += v % 5 + (unsigned)v / q;
                   s += (float)v < 2.5f ? v >> 1 : (long)(v * 3u); s += __builtin_sqrt((double)w) > 3 ? 1 : 0; }
                   return s; }
               double c(const double *x, const double *y, long n) { double s = 0;
                   for (long i = 0; i < n; i++) s += x[i] * y[i] + (x[i] < y[i] ? x[i] : -y[i]); return s; }";
    let mut checked = 0;
    for name in ["a", "b", "c"] {
        for op in lowered("reads", src, name) {
            let Some(d) = crate::exec::result::result(&op) else { continue };
            // The chained forms are made after the reordering, which sees only ordinary ones.
            if reads_result(&op) {
                continue;
            }
            let mut reads = Vec::new();
            crate::exec::result::for_each_read(&op, |r| reads.push(r.0));
            for (field, n) in printed_slots(&op) {
                if n == d.0 && (field == "d" || field == "v") {
                    continue;
                }
                assert!(reads.contains(&n), "{op:?}: slot {n} ({field}) is not among its reads {reads:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} result ops");
}
