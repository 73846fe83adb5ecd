#!/usr/bin/env python3
"""Interpreter benchmark runner (`make bench-interp`).

For each compute program in tests/bench/ it builds ONE bitcode file
(clang-19 -O2 -fno-vectorize -fno-slp-vectorize -ffp-contract=off, so that
`lli-19 -force-interpreter` can run it: lli's interpreter aborts on vector
code, llvm.fmuladd and min/max intrinsics) and times:

  native     that same bitcode compiled to an executable by clang-19 -O2 (the baseline of the ratios)
  native-vec the source compiled by plain clang-19 -O2 (vectorized; shown for reference)
  irvm       bareflow run --tier interp BENCH.bc -- ARGS
  lli        lli-19 -force-interpreter BENCH.bc ARGS

Each time is wall-clock time of the whole process (start-up and bitcode loading included), the median of
--runs runs for native and irvm (run round-robin, so load from other processes hits all alike), and of --lli-runs runs (default 1, under --lli-timeout) for lli, which is
two orders of magnitude slower. Every engine's output must equal native's; a wrong answer is reported
instead of a time. Sizes are chosen so that native takes about 0.1 s (at least 0.05 s). Ratios:
irvm/native (goal <= 12x geomean) and lli/irvm (goal >= 15x geomean).

A native or irvm run that fails or prints something else than native stops the script with one line
naming the program and the problem, exit status 1 (lli's failures are data: it cannot run some
programs, and the table says so).
"""

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "tests", "bench")

# name -> default arguments: native -O2 of the scalar bitcode takes 0.05-0.1 s with these on this machine, so
# that lli (200-650x slower than native here) finishes each in well under a minute
BENCHMARKS = [
    ("fib", ["36"]),
    ("quicksort", ["500000"]),
    ("matmul", ["450"]),
    ("sieve", ["8000000"]),
    ("nbody", ["800000"]),
    ("llama_matmul", ["288", "24", "32"]),
    ("crc32", ["1024", "8"]),
    ("wordfreq", ["1000000"]),
    ("dp_count", ["10000"]),
]

BC_FLAGS = ["-O2", "-fno-vectorize", "-fno-slp-vectorize", "-ffp-contract=off"]


def die(msg):
    print(f"bench-interp: {msg}", file=sys.stderr)
    sys.exit(1)


def run_cmd(cmd, timeout):
    """Run cmd; return (seconds, stdout, error-or-None)."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, b"", f"timed out after {timeout:.0f} s"
    except OSError as e:
        return 0.0, b"", f"cannot run {cmd[0]}: {e}"
    secs = time.perf_counter() - start
    if p.returncode != 0:
        lines = p.stderr.decode(errors="replace").strip().splitlines()
        # lli's aborts end in a stack dump: the first line says what went wrong
        why = lines[0] if lines else ""
        return secs, p.stdout, f"exit {p.returncode}: {why[:120]}"
    return secs, p.stdout, None


def build(name, work, clang):
    src = os.path.join(BENCH_DIR, name + ".c")
    bc = os.path.join(work, name + ".bc")
    native = os.path.join(work, name + ".native")
    native_vec = os.path.join(work, name + ".native-vec")
    steps = [
        [clang, *BC_FLAGS, "-emit-llvm", "-c", src, "-o", bc],
        [clang, "-O2", "-fno-vectorize", "-fno-slp-vectorize", bc, "-o", native, "-lm"],
        [clang, "-O2", src, "-o", native_vec, "-lm"],
    ]
    for cmd in steps:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            die(f"{' '.join(cmd)} failed:\n{p.stderr.decode(errors='replace')}")
    return bc, native, native_vec


def timed_interleaved(cmds, runs, timeout, expected):
    """Run each command of `cmds` (name -> argv) `runs` times, round-robin so that load from other
    processes on this shared machine hits every engine alike. Returns name -> (median s or None, error)."""
    times = {name: [] for name in cmds}
    errors = {}
    for _ in range(runs):
        for name, cmd in cmds.items():
            if name in errors:
                continue
            secs, out, err = run_cmd(cmd, timeout)
            if not err and expected is not None and out != expected:
                got = out.decode(errors="replace").strip().splitlines()
                err = "wrong output: " + (got[0][:100] if got else "(nothing)")
            if err:
                errors[name] = err
            else:
                times[name].append(secs)
    return {name: (None, errors[name]) if name in errors else (statistics.median(times[name]), None) for name in cmds}


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_ms(t):
    return "-" if t is None else f"{t * 1e3:.1f}"


def fmt_x(r):
    return "-" if r is None else f"{r:.1f}x"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bareflow", default=os.path.join(ROOT, "target", "release", "bareflow"), help="bareflow binary")
    ap.add_argument("--tier", default=os.environ.get("BAREFLOW_TIER", "interp"), help="bareflow tier (default interp)")
    ap.add_argument("--runs", type=int, default=5, help="runs of native and irvm (median reported)")
    ap.add_argument("--lli-runs", type=int, default=1, help="runs of lli (median reported)")
    ap.add_argument("--lli-timeout", type=float, default=600, help="seconds before an lli run is abandoned")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before an irvm run is abandoned")
    ap.add_argument("--no-lli", action="store_true", help="skip lli")
    ap.add_argument("--only", default="", help="comma-separated benchmark names")
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench-interp"), help="build directory")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-interp.txt"), help="table output file")
    ap.add_argument("--baseline", help="another bareflow binary (e.g. before a change), run round-robin with the same "
                    "bitcode; its times and the ratio new/baseline per program are reported alongside")
    args = ap.parse_args()

    clang = shutil.which("clang-19") or die("clang-19 not found (make deps)")
    lli = None if args.no_lli else (shutil.which("lli-19") or die("lli-19 not found: install llvm-19 (or pass --no-lli)"))
    if not os.access(args.bareflow, os.X_OK):
        die(f"{args.bareflow}: not an executable (build it with cargo build --release, or pass --bareflow)")
    if args.baseline and not os.access(args.baseline, os.X_OK):
        die(f"--baseline {args.baseline}: not an executable")
    names = [n for n in args.only.split(",") if n]
    benches = [b for b in BENCHMARKS if not names or b[0] in names]
    unknown = set(names) - {b[0] for b in BENCHMARKS}
    if unknown:
        die(f"--only: unknown benchmark(s) {', '.join(sorted(unknown))}")
    os.makedirs(args.work, exist_ok=True)

    rows = []
    for name, bargs in benches:
        bc, native, native_vec = build(name, args.work, clang)
        _, expected, err = run_cmd([native, *bargs], 120)
        if err:
            die(f"{name}: native run failed: {err}")
        engines = {
            "native": [native, *bargs],
            "vec": [native_vec, *bargs],
            "irvm": [args.bareflow, "run", "--tier", args.tier, bc, "--", *bargs],
        }
        if args.baseline:
            engines["base"] = [args.baseline, "run", "--tier", args.tier, bc, "--", *bargs]
        res = timed_interleaved(engines, args.runs, args.timeout, expected)
        (t_native, native_err), (t_vec, vec_err), (t_irvm, irvm_err) = res["native"], res["vec"], res["irvm"]
        t_base, base_err = res.get("base", (None, None))
        for what, err in (("native", native_err), ("native-vec", vec_err), ("irvm", irvm_err), ("baseline", base_err)):
            if err:
                die(f"{name} {' '.join(bargs)}: {what} run: no data: {err}")
        if lli is None:
            t_lli, lli_err = None, "skipped"
        else:
            t_lli, lli_err = timed_interleaved({"lli": [lli, "-force-interpreter", bc, *bargs]}, args.lli_runs,
                                               args.lli_timeout, expected)["lli"]
        row = dict(name=name, args=" ".join(bargs), native=t_native, vec=t_vec, irvm=t_irvm, base=t_base, lli=t_lli,
                   lli_err=lli_err)
        rows.append(row)
        print(f"  {name:<13} native {fmt_ms(t_native)} ms, irvm {fmt_ms(t_irvm)}, "
              f"lli {fmt_ms(t_lli) if t_lli else lli_err}", file=sys.stderr, flush=True)

    def ratio(a, b):
        return a / b if a is not None and b is not None and b > 0 else None

    header = f"{'benchmark':<13} {'args':<16} {'native ms':>10} {'native-vec':>10} {'irvm ms':>10} {'lli ms':>10} {'irvm/native':>11} {'lli/irvm':>9} {'lli/native':>10}"
    lines = [
        f"bench-interp: {time.strftime('%Y-%m-%d %H:%M:%S')}, medians of {args.runs} runs (lli: {args.lli_runs}), tier {args.tier}",
        "bitcode: clang-19 " + " ".join(BC_FLAGS) + "; native = that bitcode via clang-19 -O2; native-vec = source via clang-19 -O2",
        "",
        header,
        "-" * len(header),
    ]
    notes = []
    for r in rows:
        lli_cell = fmt_ms(r["lli"]) if r["lli"] is not None else "n/a"
        lines.append(f"{r['name']:<13} {r['args']:<16} {fmt_ms(r['native']):>10} {fmt_ms(r['vec']):>10} {fmt_ms(r['irvm']):>10} {lli_cell:>10} "
                     f"{fmt_x(ratio(r['irvm'], r['native'])):>11} {fmt_x(ratio(r['lli'], r['irvm'])):>9} {fmt_x(ratio(r['lli'], r['native'])):>10}")
        if r["lli_err"] and r["lli_err"] != "skipped":
            notes.append(f"  {r['name']}: lli cannot run it: {r['lli_err']}")
    lines.append("-" * len(header))
    g_irvm = geomean([ratio(r["irvm"], r["native"]) for r in rows])
    g_lli_irvm = geomean([ratio(r["lli"], r["irvm"]) for r in rows])
    g_lli = geomean([ratio(r["lli"], r["native"]) for r in rows])
    g_vec = geomean([ratio(r["irvm"], r["vec"]) for r in rows])
    lines.append(f"{'geomean':<13} {'':<16} {'':>10} {'':>10} {'':>10} {'':>10} {fmt_x(g_irvm):>11} {fmt_x(g_lli_irvm):>9} {fmt_x(g_lli):>10}")
    n_irvm = sum(1 for r in rows if r["irvm"] is not None)
    lines.append("")
    lines.append(f"irvm vs native -O2 (same bitcode): geomean {fmt_x(g_irvm)} over {n_irvm}/{len(rows)} programs (goal <= 12x); "
                 f"vs vectorized native -O2: {fmt_x(g_vec)}")
    lines.append(f"lli -force-interpreter vs irvm: geomean {fmt_x(g_lli_irvm)} (goal >= 15x); lli vs native: {fmt_x(g_lli)}")
    if args.baseline:
        lines.append("")
        lines.append(f"against the baseline {args.baseline} (same runs, round-robin): irvm ms / baseline ms")
        for r in rows:
            lines.append(f"  {r['name']:<13} {fmt_ms(r['irvm']):>10} / {fmt_ms(r['base']):>10} = "
                         f"{ratio(r['irvm'], r['base']):.3f}")
        lines.append(f"  geomean new/baseline: {geomean([ratio(r['irvm'], r['base']) for r in rows]):.3f} "
                     "(below 1: the new binary is faster)")
    if notes:
        lines.append("notes:")
        lines.extend(notes)
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"(written to {args.out})")


if __name__ == "__main__":
    main()
