#!/usr/bin/env python3
"""Tiered-execution benchmark (`make bench-jit`).

For each program of tests/bench/*.c:

  native   the source compiled by clang-19 -O3 -march=native (the baseline)
  auto     bareflow run --tier auto BENCH.bc (bitcode from clang-19 -O2 -emit-llvm; the JIT compiles
           for the CPU found at run time, with irvm's counts as PGO at O2/O3)
  nospec   the same with --no-specialize (no guarded value specialization), in the same
           round-robin: "spec on/off" is the steady-state ratio nospec/auto

Times are wall-clock times of the whole process, medians of --runs runs (round-robin). Outputs must
equal native's.

Steady state: the programs do one workload per process, so the steady-state time is measured by
difference: each program runs at a small and a large size, and steady = T(large) - T(small). Start-up,
bitcode loading, interpretation before tier-up and JIT compiles happen in both runs (tier-up is over
within the small run's first part), so they cancel; what is left is the extra work at the top tier. The
ratio native/auto of those differences is the steady-state speed (>= 1.0x means as fast as native -O3).
The large sizes are several times the small ones so that the difference dominates run-to-run noise.
The same difference is also computed on each process's CPU time (user + system, from the children's
rusage): on a machine shared with other jobs, wall time includes waiting for a core, CPU time does not
(cache and memory-bandwidth contention still show in both).

Compile latency per tier: every `compile_ms` of the tier log (`--profile-out` JSON) of the large runs,
median and max per target tier.

The steady state cancels a compile only if both sizes make it: a program whose every large run
installed code (a function's whole-function code or an OSR variant) that no small run did gets a note
naming it under the table (its sizes should be chosen so that both tier up alike).

A run that fails or produced no data (no profile, no tier change in a large run, no steady-state
difference) stops the script with one line naming the program and the problem, exit status 1.
"""

import argparse, json, math, os, resource, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "tests", "bench")

# name -> (small args, large args)
BENCHMARKS = [
    ("fib", ["34"], ["38"]),
    ("quicksort", ["500000"], ["4000000"]),
    # The steady state must outweigh the compile's variation: from 300 to 700 it was 25 ms natively,
    # and the tiered small run took 60-220 ms as its OSR compile went (a negative steady state in
    # one run, ratios from 1.1x to 6.1x in others). 700 and 1200 enter the same OSR variant.
    ("matmul", ["700"], ["1200"]),
    ("sieve", ["8000000"], ["64000000"]),
    ("nbody", ["400000"], ["4000000"]),
    ("llama_matmul", ["288", "24", "8"], ["288", "24", "64"]),
    ("crc32", ["1024", "8"], ["1024", "64"]),
    ("wordfreq", ["500000"], ["4000000"]),
    # The small size must tier up as the large one does: at 5000 the first loop (5000 iterations)
    # ends before its OSR variant is ready, and main enters a smaller variant at the subsequence
    # loop instead (half the compile time), which the difference then counted as steady time.
    ("dp_count", ["10000"], ["30000"]),
    # Hot code whose sizes only the run knows (command-line dimensions, record size).
    # At 4000 repetitions main's loop ends before its OSR request (4480 entries): only the large
    # size compiled main's variant, and that compile counted as steady time.
    ("spec_conv", ["32", "32", "3", "12000"], ["32", "32", "3", "48000"]),
    ("spec_matmul", ["8", "8", "8", "256", "200"], ["8", "8", "8", "256", "2000"]),
    ("spec_records", ["48", "4096", "1000"], ["48", "4096", "10000"]),
    # A memcpy whose size is a field of the copied message (no argument carries it).
    ("spec_msgcopy", ["24", "4096", "2000"], ["24", "4096", "20000"]),
    # Row sums bound by their adds' latency, rows of a command-line length (guarded unroll-and-jam).
    ("spec_rows", ["256", "64", "2000"], ["256", "64", "20000"]),
]


def die(msg):
    print(f"bench-jit: {msg}", file=sys.stderr)
    sys.exit(1)


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, timeout=300, cpu=None):
    """Run `cmd`; returns (wall seconds, stdout). With a list `cpu`, appends the child's CPU time
    (user + system: what it used, whatever else the machine runs)."""
    c0, t0 = cpu_children(), time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    secs = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(cpu_children() - c0)
    if p.returncode != 0:
        die(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.decode(errors='replace')[:200]}")
    return secs, p.stdout


def compiled_code(changes):
    """The code a run's tier log installed, as a set of (function, kind): kind is "OSR" for an OSR
    variant, else the whole function. The steady state (large minus small) cancels a compile only
    if both sizes make it: one that only the large size makes counts as steady time."""
    return {(c["function"], "OSR" if c["reason"].startswith("OSR") else "whole function") for c in changes}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bareflow", required=True)
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--out")
    ap.add_argument("--baseline", help="another bareflow binary (e.g. before a change) run round-robin with the same inputs; its steady-state ratios are reported alongside")
    ap.add_argument("--baseline-flags", default="", help="extra `bareflow run` flags of the baseline runs (e.g. the same binary with --no-size-versions)")
    ap.add_argument("--fp-contract", action="store_true",
                    help="run bareflow with --fp-contract (fused multiply-adds, as -march=native) and check its output against the -march=native build's")
    a = ap.parse_args()
    extra = ["--fp-contract"] if a.fp_contract else []
    for flag, path in (("--bareflow", a.bareflow), ("--baseline", a.baseline)):
        if path is not None and not (os.path.isfile(path) and os.access(path, os.X_OK)):
            die(f"{flag} {path}: not an executable file")
    # The builds, outputs and profiles of the runs: gone when the script ends, failed or not.
    with tempfile.TemporaryDirectory(prefix="bench-jit-") as work:
        measure(a, extra, work)


def measure(a, extra, work):
    """Build and run every benchmark in directory `work`, print the table (and write --out)."""
    rows, compiles, base, notes = [], {}, [], []
    for name, small, large in BENCHMARKS:
        if a.only and name not in a.only:
            continue
        src = os.path.join(BENCH_DIR, name + ".c")
        exe, bc, ref = os.path.join(work, name), os.path.join(work, name + ".bc"), os.path.join(work, name + ".ref")
        # The reference output comes from the bitcode compiled natively: -march=native lets clang fuse
        # multiply-adds, which changes floating-point results (matmul, nbody) but is still timed.
        for cmd in ([a.clang, "-O3", "-march=native", src, "-o", exe, "-lm"], [a.clang, "-O2", "-emit-llvm", "-c", src, "-o", bc],
                    [a.clang, "-O2", bc, "-o", ref, "-lm"]):
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0:
                die(f"{' '.join(cmd)} failed: {p.stderr.decode(errors='replace')[:300]}")
        prof = os.path.join(work, name + ".json")
        paths = {"s": [], "l": []}
        t = {k: [] for k in ("ns", "nl", "as", "al", "bs", "bl", "ss", "sl")}
        cpu = {k: [] for k in t}
        for _ in range(a.runs):
            for size, args in (("s", small), ("l", large)):
                secs, xout = run([exe, *args], cpu=cpu["n" + size])
                t["n" + size].append(secs)
                _, nout = run([ref, *args])
                if a.fp_contract:
                    nout = xout
                if os.path.exists(prof):
                    os.remove(prof)
                secs, aout = run([a.bareflow, "run", "--tier", "auto", *extra, "--profile-out", prof, bc, "--", *args], cpu=cpu["a" + size])
                t["a" + size].append(secs)
                if aout != nout:
                    die(f"{name} {' '.join(args)}: bareflow output differs from native")
                secs, sout = run([a.bareflow, "run", "--tier", "auto", "--no-specialize", *extra, bc, "--", *args], cpu=cpu["s" + size])
                t["s" + size].append(secs)
                if sout != nout:
                    die(f"{name} {' '.join(args)}: bareflow --no-specialize output differs from native")
                if a.baseline:
                    secs, bout = run([a.baseline, "run", "--tier", "auto", *a.baseline_flags.split(), *extra, bc, "--", *args], cpu=cpu["b" + size])
                    t["b" + size].append(secs)
                    if bout != nout:
                        die(f"{name} {' '.join(args)}: baseline output differs from native")
                if not os.path.exists(prof):
                    die(f"{name} {' '.join(args)}: no data: bareflow wrote no profile to {prof}")
                changes = json.load(open(prof)).get("tiering", {}).get("changes", [])
                paths[size].append(compiled_code(changes))
                if size == "l":
                    if not changes:
                        die(f"{name} {' '.join(args)}: no data: no tier change in the profile of the large run ({prof})")
                    for c in changes:
                        compiles.setdefault(c["to"], []).append(c["compile_ms"])
        m = {k: statistics.median(v) for k, v in t.items() if v}
        mc = {k: statistics.median(v) for k, v in cpu.items() if v}
        if a.baseline:
            steady = lambda d, e: d[e + "l"] - d[e + "s"]
            sr = lambda d: steady(d, "n") / steady(d, "b") if steady(d, "b") > 0 else float("nan")
            base.append((name, sr(m), sr(mc)))
        steady_n, steady_a = m["nl"] - m["ns"], m["al"] - m["as"]
        if steady_n <= 0 or steady_a <= 0:
            die(f"{name}: no data: the large size ran no longer than the small one (native {steady_n * 1e3:.1f} ms, "
                f"auto {steady_a * 1e3:.1f} ms): no steady-state figure")
        ratio = steady_n / steady_a if steady_a > 0 and steady_n > 0 else None
        cpu_n, cpu_a = mc["nl"] - mc["ns"], mc["al"] - mc["as"]
        cpu_ratio = cpu_n / cpu_a if cpu_a > 0 and cpu_n > 0 else None
        steady_s = m["sl"] - m["ss"]
        spec = steady_s / steady_a if steady_s > 0 else None
        rows.append((name, " ".join(large), m["nl"], m["al"], steady_n, steady_a, ratio, cpu_n, cpu_a, cpu_ratio, spec))
        only_large = set.intersection(*paths["l"]) - set.union(*paths["s"])
        if only_large:
            what = ", ".join(f"{f} ({k})" for f, k in sorted(only_large))
            notes.append(f"{name}: every large run compiled {what} and no small run did: its compile counts as steady time "
                         f"(choose sizes that tier up alike)")
        print(f"{name}: native {m['nl']*1e3:.1f} ms, auto {m['al']*1e3:.1f} ms, steady native {steady_n*1e3:.1f} / auto {steady_a*1e3:.1f} ms (CPU {cpu_n*1e3:.1f} / {cpu_a*1e3:.1f} ms)", file=sys.stderr)
    if not rows:
        die(f"no data: no benchmark ran (--only {' '.join(a.only or [])})")
    lines = [f"| program | args (large) | native -O3 ms | auto whole ms | whole native/auto | steady native ms | steady auto ms | steady native/auto | steady CPU native/auto | spec on/off |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    fmt = lambda r: "-" if r is None else f"{r:.2f}x"
    for name, args, nl, al, sn, sa, r, cn, ca, cr, sp in rows:
        lines.append(f"| {name} | {args} | {nl*1e3:.1f} | {al*1e3:.1f} | {nl/al:.2f}x | {sn*1e3:.1f} | {sa*1e3:.1f} | {fmt(r)} | {fmt(cr)} | {fmt(sp)} |")
    rs = [r[6] for r in rows if r[6]]
    cs = [r[9] for r in rows if r[9]]
    ws = [r[2] / r[3] for r in rows]
    gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")
    mode = " (bareflow --fp-contract)" if a.fp_contract else ""
    lines.append(f"\ngeomean native/auto{mode}: whole process {gm(ws):.3f}x, steady state {gm(rs):.3f}x (goal >= 1.0x); "
                 f"steady state by CPU time (user + system of each process, less sensitive to other jobs) {gm(cs):.3f}x; "
                 f"specialization on/off (steady, wall) {gm([r[10] for r in rows if r[10]]):.3f}x")
    if base:
        lines.append(f"\nbaseline {a.baseline} {a.baseline_flags} (same runs, round-robin): steady native/baseline wall " +
                     ", ".join(f"{n} {w:.2f}x" for n, w, _ in base) + f"; geomean {gm([w for _, w, _ in base if w > 0]):.3f}x")
        lines.append("baseline steady native/baseline CPU " + ", ".join(f"{n} {c:.2f}x" for n, _, c in base) +
                     f"; geomean {gm([c for _, _, c in base if c > 0]):.3f}x")
    for n in notes:
        lines.append(f"\nnote: {n}")
    lines.append("\ncompile latency per tier (large runs, every tier change):\n\n| tier | compiles | median ms | max ms |\n|---|---:|---:|---:|")
    for tier in sorted(compiles):
        v = compiles[tier]
        lines.append(f"| {tier} | {len(v)} | {statistics.median(v):.1f} | {max(v):.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        open(a.out, "w").write(text)


if __name__ == "__main__":
    main()
