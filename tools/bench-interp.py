#!/usr/bin/env python3
"""Interpreter benchmark runner (`make bench-interp`).

For each compute program in tests/bench/ it builds, from the same C source:

  bitcode      plain clang-19 -O2 -emit-llvm (vectorized, as clang emits it by default)
  scalar bc    clang-19 -O2 -fno-vectorize -fno-slp-vectorize -ffp-contract=off (the form that
               `lli-19 -force-interpreter` can run: lli's interpreter aborts on vector code,
               llvm.fmuladd and min/max intrinsics)
  wasm         clang-19 --target=wasm32-wasi -O2 with Debian's wasi-libc and libclang-rt-19-dev-wasm32

and times, round-robin in one run (so that load from other processes on this shared machine hits every
engine alike):

  native       the source compiled by plain clang-19 -O2 (the baseline of the main ratios)
  native-sc    the scalar bitcode compiled by clang-19 -O2 (the baseline of the scalar ratios)
  irvm         bareflow run --tier interp BENCH.bc -- ARGS         (vectorized bitcode)
  irvm-sc      the same on the scalar bitcode
  wasmi        wasmi BENCH.wasm ARGS (the register-based WebAssembly interpreter in Rust, crate wasmi_cli)
  lli          lli-19 -force-interpreter on the scalar bitcode (--lli-runs runs, default 1)

Each time is wall-clock time (--cpu: CPU time, user + system) of the whole process (start-up and loading
included), the median of --runs runs. Every engine's output must equal native's; a native, irvm or wasmi run that fails or prints
something else stops the script with one line naming the program and the problem, exit status 1 (lli's
failures are data: it cannot run some programs, and the table says so). Sizes are chosen so that native
takes about 0.1 s on a quiet machine. Ratios per program and geomeans: irvm/native, irvm-sc/native-sc, wasmi/irvm (irvm's
speed relative to wasmi's: above 1, irvm is faster) and lli/irvm-sc.
"""

import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "tests", "bench")

# name -> default arguments: native -O2 takes 0.05-0.1 s with these on this machine, so that lli (200-650x
# slower than native here) finishes each in well under a minute. Every program computes the same result
# with 64-bit `long` (x86-64) and 32-bit `long` (wasm32): sizes and sums stay within 32 bits or use
# fixed-width types.
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
    ("bytecode_vm", ["25000"]),
    ("fsm_list", ["1500000"]),
    ("spectral", ["1200"]),
    ("vec_loops", ["20000"]),
    ("bytes", ["1000000"]),
]

SCALAR_FLAGS = ["-O2", "-fno-vectorize", "-fno-slp-vectorize", "-ffp-contract=off"]
# Debian's wasi-libc installs its headers under /usr/include/wasm32-wasi and its libraries under
# /usr/lib/wasm32-wasi, which clang finds with the sysroot /usr; the builtins come from
# libclang-rt-19-dev-wasm32.
WASM_FLAGS = ["--target=wasm32-wasi", "--sysroot=/usr", "-O2"]


def die(msg):
    print(f"bench-interp: {msg}", file=sys.stderr)
    sys.exit(1)


# --cpu: time each run by the CPU time (user + system) of the process instead of wall-clock time (on a
# machine shared with other work, a loaded run's wall time also counts the time it waited for a CPU).
CPU_TIME = False


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cmd(cmd, timeout):
    """Run cmd; return (seconds, stdout, error-or-None)."""
    start = time.perf_counter()
    cpu_start = children_cpu()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, b"", f"timed out after {timeout:.0f} s"
    except OSError as e:
        return 0.0, b"", f"cannot run {cmd[0]}: {e}"
    secs = children_cpu() - cpu_start if CPU_TIME else time.perf_counter() - start
    if p.returncode != 0:
        lines = p.stderr.decode(errors="replace").strip().splitlines()
        # lli's aborts end in a stack dump: the first line says what went wrong
        why = lines[0] if lines else ""
        return secs, p.stdout, f"exit {p.returncode}: {why[:120]}"
    return secs, p.stdout, None


def build(name, work, clang, wasm):
    """Builds the program's artifacts; returns a dict of their paths (no wasm when `wasm` is false)."""
    src = os.path.join(BENCH_DIR, name + ".c")
    out = {kind: os.path.join(work, name + suffix) for kind, suffix in
           (("bc", ".bc"), ("bc_sc", ".scalar.bc"), ("native", ".native"), ("native_sc", ".native-scalar"),
            ("wasm", ".wasm"))}
    steps = [
        [clang, "-O2", "-emit-llvm", "-c", src, "-o", out["bc"]],
        [clang, *SCALAR_FLAGS, "-emit-llvm", "-c", src, "-o", out["bc_sc"]],
        [clang, "-O2", src, "-o", out["native"], "-lm"],
        [clang, "-O2", "-fno-vectorize", "-fno-slp-vectorize", out["bc_sc"], "-o", out["native_sc"], "-lm"],
    ]
    if wasm:
        steps.append([clang, *WASM_FLAGS, src, "-o", out["wasm"], "-lm"])
    for cmd in steps:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            die(f"{' '.join(cmd)} failed:\n{p.stderr.decode(errors='replace')}")
    return out


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
    ap.add_argument("--bareflow", default=os.path.join(ROOT, "target", "x86_64-unknown-linux-gnu", "release", "bareflow"), help="bareflow binary")
    ap.add_argument("--tier", default=os.environ.get("BAREFLOW_TIER", "interp"), help="bareflow tier (default interp)")
    ap.add_argument("--wasmi", help="the wasmi binary of the wasmi_cli crate (make bench-interp installs a pinned one in build/)")
    ap.add_argument("--no-wasmi", action="store_true", help="skip wasmi")
    ap.add_argument("--runs", type=int, default=5, help="runs of native, irvm and wasmi (median reported)")
    ap.add_argument("--lli-runs", type=int, default=1, help="runs of lli (median reported)")
    ap.add_argument("--lli-timeout", type=float, default=600, help="seconds before an lli run is abandoned")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before an irvm or wasmi run is abandoned")
    ap.add_argument("--no-lli", action="store_true", help="skip lli")
    ap.add_argument("--only", default="", help="comma-separated benchmark names")
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench-interp"), help="build directory")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-interp.txt"), help="table output file")
    ap.add_argument("--baseline", help="another bareflow binary (e.g. before a change), run round-robin with the same "
                    "bitcode; its times and the ratio new/baseline per program are reported alongside")
    ap.add_argument("--cpu", action="store_true", help="time runs by their CPU time (user + system) instead of "
                    "wall-clock time: on a loaded machine wall time also counts waiting for a CPU")
    args = ap.parse_args()
    global CPU_TIME
    CPU_TIME = args.cpu

    clang = shutil.which("clang-19") or die("clang-19 not found (make deps)")
    lli = None if args.no_lli else (shutil.which("lli-19") or die("lli-19 not found: install llvm-19 (or pass --no-lli)"))
    if not os.access(args.bareflow, os.X_OK):
        die(f"{args.bareflow}: not an executable (build it with cargo build --release, or pass --bareflow)")
    if args.baseline and not os.access(args.baseline, os.X_OK):
        die(f"--baseline {args.baseline}: not an executable")
    wasmi = None
    if not args.no_wasmi:
        wasmi = args.wasmi or shutil.which("wasmi")
        if not wasmi or not os.access(wasmi, os.X_OK):
            die(f"wasmi {'not found' if not wasmi else wasmi + ': not an executable'} "
                "(make bench-interp installs it; or pass --wasmi PATH or --no-wasmi)")
    if args.runs < 1:
        die(f"--runs {args.runs}: must be at least 1")
    names = [n for n in args.only.split(",") if n]
    benches = [b for b in BENCHMARKS if not names or b[0] in names]
    unknown = set(names) - {b[0] for b in BENCHMARKS}
    if unknown:
        die(f"--only: unknown benchmark(s) {', '.join(sorted(unknown))}")
    os.makedirs(args.work, exist_ok=True)

    rows = []
    for name, bargs in benches:
        art = build(name, args.work, clang, wasmi is not None)
        _, expected, err = run_cmd([art["native"], *bargs], 120)
        if err:
            die(f"{name}: native run failed: {err}")
        engines = {
            "native": [art["native"], *bargs],
            "native_sc": [art["native_sc"], *bargs],
            "irvm": [args.bareflow, "run", "--tier", args.tier, art["bc"], "--", *bargs],
            "irvm_sc": [args.bareflow, "run", "--tier", args.tier, art["bc_sc"], "--", *bargs],
        }
        if wasmi:
            engines["wasmi"] = [wasmi, art["wasm"], *bargs]
        if args.baseline:
            engines["base"] = [args.baseline, "run", "--tier", args.tier, art["bc"], "--", *bargs]
        res = timed_interleaved(engines, args.runs, args.timeout, expected)
        for engine, (_, err) in res.items():
            if err:
                die(f"{name} {' '.join(bargs)}: {engine} run: no data: {err}")
        row = {engine: t for engine, (t, _) in res.items()}
        if lli is None:
            row["lli"], row["lli_err"] = None, "skipped"
        else:
            row["lli"], row["lli_err"] = timed_interleaved({"lli": [lli, "-force-interpreter", art["bc_sc"], *bargs]},
                                                           args.lli_runs, args.lli_timeout, expected)["lli"]
        row.update(name=name, args=" ".join(bargs))
        rows.append(row)
        print(f"  {name:<13} native {fmt_ms(row['native'])} ms, irvm {fmt_ms(row['irvm'])}, "
              f"irvm-sc {fmt_ms(row['irvm_sc'])}, wasmi {fmt_ms(row.get('wasmi'))}, "
              f"lli {fmt_ms(row['lli']) if row['lli'] else row['lli_err']}", file=sys.stderr, flush=True)

    def ratio(a, b):
        return a / b if a is not None and b is not None and b > 0 else None

    cols = [("native", "native"), ("native-sc", "native_sc"), ("irvm", "irvm"), ("irvm-sc", "irvm_sc"),
            ("wasmi", "wasmi"), ("lli", "lli")]
    ratios = [
        ("irvm/nat", lambda r: ratio(r["irvm"], r["native"])),
        ("irvm-sc/nat-sc", lambda r: ratio(r["irvm_sc"], r["native_sc"])),
        ("wasmi/irvm", lambda r: ratio(r.get("wasmi"), r["irvm"])),
        ("wasmi/nat", lambda r: ratio(r.get("wasmi"), r["native"])),
        ("lli/irvm-sc", lambda r: ratio(r["lli"], r["irvm_sc"])),
    ]
    header = (f"{'benchmark':<12} " + " ".join(f"{c:>9}" for c, _ in cols) + " " +
              " ".join(f"{c:>14}" for c, _ in ratios))
    lines = [
        f"bench-interp: {time.strftime('%Y-%m-%d %H:%M:%S')}, ms {'CPU time' if args.cpu else 'wall-clock'}, "
        f"medians of {args.runs} runs round-robin "
        f"(lli: {args.lli_runs}), tier {args.tier}",
        "irvm: plain clang-19 -O2 bitcode (vectorized); irvm-sc: clang-19 " + " ".join(SCALAR_FLAGS) +
        " (lli runs this one); native: clang-19 -O2; native-sc: the scalar bitcode by clang-19 -O2; "
        "wasmi: clang-19 " + " ".join(WASM_FLAGS) + (f" run by {wasmi}" if wasmi else " (skipped)"),
        "",
        header,
        "-" * len(header),
    ]
    notes = []
    for r in rows:
        cells = [fmt_ms(r.get(key)) if r.get(key) is not None else "n/a" for _, key in cols]
        lines.append(f"{r['name']:<12} " + " ".join(f"{c:>9}" for c in cells) + " " +
                     " ".join(f"{fmt_x(f(r)):>14}" for _, f in ratios))
        if r["lli_err"] and r["lli_err"] != "skipped":
            notes.append(f"  {r['name']}: lli cannot run it: {r['lli_err']}")
    lines.append("-" * len(header))
    geos = [geomean([f(r) for r in rows]) for _, f in ratios]
    lines.append(f"{'geomean':<12} " + " ".join(f"{'':>9}" for _ in cols) + " " +
                 " ".join(f"{fmt_x(g):>14}" for g in geos))
    worst = max(rows, key=lambda r: ratio(r["irvm"], r["native"]))
    lines.append("")
    lines.append(f"irvm vs native -O2: geomean {fmt_x(geos[0])}, worst {worst['name']} "
                 f"{fmt_x(ratio(worst['irvm'], worst['native']))} (goal: geomean <= 6x, none above 15x)")
    if wasmi:
        slowest = min(rows, key=lambda r: ratio(r["wasmi"], r["irvm"]))
        lines.append(f"irvm speed relative to wasmi (wasmi time / irvm time): geomean {fmt_x(geos[2])}, lowest "
                     f"{slowest['name']} {fmt_x(ratio(slowest['wasmi'], slowest['irvm']))} (goal: geomean >= 1x, none "
                     "below 0.5x)")
    lines.append(f"lli -force-interpreter vs irvm (scalar bitcode): geomean {fmt_x(geos[4])}")
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
