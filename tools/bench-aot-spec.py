#!/usr/bin/env python3
"""Ahead-of-time code with and without guarded specializations, against native clang-19 -O3
-march=native, on the bench-jit programs whose hot code depends on run-time sizes.

For each program: `bareflow run --tier auto --state S` RUNS times on the small arguments (one
state store with specialization, one with --no-specialize), `bareflow aot` on each store, the
object linked with glibc (as `make bench-aot` does); then native, aot and aot-unspecialized run
round-robin on the large arguments, PAIRS rounds, each timed by its user CPU time. Prints the
medians and the same-run ratios; stops with an error when a run fails or when an aot build's
output differs from clang-19 -O2's (the -march=native build may round differently: FMA).
usage: tools/bench-aot-spec.py --bareflow BIN [--out DIR] [--runs N] [--pairs N] [--only NAME...]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys

PROGRAMS = [
    ("spec_conv", ["32", "32", "3", "4000"], ["32", "32", "3", "40000"]),
    ("spec_matmul", ["8", "8", "8", "256", "200"], ["8", "8", "8", "256", "2000"]),
    ("spec_records", ["48", "4096", "1000"], ["48", "4096", "10000"]),
    ("spec_msgcopy", ["24", "4096", "2000"], ["24", "4096", "20000"]),
]


def sh(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"bench-aot-spec: {' '.join(cmd)} failed:\n{r.stderr}")
    return r


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    out = sh(cmd).stdout
    return out, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bareflow", required=True)
    ap.add_argument("--out", default="build/bench-aot-spec")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--only", nargs="*", help="only these programs")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    print(f"{'program':<14} {'native s':>9} {'aot s':>9} {'aot-nospec s':>12} {'native/aot':>10} {'nospec/aot':>10}")
    for name, small, large in PROGRAMS:
        if a.only and name not in a.only:
            continue
        src = f"tests/bench/{name}.c"
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        native, bc = os.path.join(d, "native"), os.path.join(d, f"{name}.bc")
        sh(["clang-19", "-O3", "-march=native", src, "-o", native, "-lm"])
        sh(["clang-19", "-O2", "-emit-llvm", "-c", src, "-o", bc])
        # The output oracle: -O2 for the generic CPU (no fused multiply-adds, as the JIT and
        # `bareflow aot` keep them unfused; -march=native fuses and may round differently).
        oracle = os.path.join(d, "oracle")
        sh(["clang-19", "-O2", src, "-o", oracle, "-lm"])
        exes = {}
        for variant, flags in [("aot", []), ("aot-nospec", ["--no-specialize"])]:
            state = os.path.join(d, f"state-{variant}")
            sh(["rm", "-rf", state])
            os.makedirs(state)
            for _ in range(a.runs):
                sh([a.bareflow, "run", "--tier", "auto", *flags, "--state", state, bc, "--", *small])
            obj, stubs, exe = (os.path.join(d, f"{variant}.{x}") for x in ("o", "s", "exe"))
            r = sh([a.bareflow, "aot", "--state", state, bc, "-o", obj, "--stubs", stubs])
            kept = [l for l in r.stdout.splitlines() if "guarded specialization" in l]
            print(f"# {name} {variant}: " + ("; ".join(kept) if kept else "no specialization kept"))
            sh(["clang-19", obj, stubs, "-lm", "-o", exe])
            exes[variant] = exe
        want = sh([oracle, *large]).stdout
        times = {k: [] for k in ("native", "aot", "aot-nospec")}
        for _ in range(a.pairs):
            for k, exe in [("native", native), ("aot", exes["aot"]), ("aot-nospec", exes["aot-nospec"])]:
                out, t = timed([exe, *large])
                if out != want and k != "native":
                    sys.exit(f"bench-aot-spec: {name}: {k} printed {out!r}, native {want!r}")
                times[k].append(t)
        if any(min(v) <= 0 for v in times.values()):
            sys.exit(f"bench-aot-spec: {name}: a run took no measurable CPU time: {times}")
        m = {k: statistics.median(v) for k, v in times.items()}
        print(
            f"{name:<14} {m['native']:>9.3f} {m['aot']:>9.3f} {m['aot-nospec']:>12.3f} "
            f"{m['native'] / m['aot']:>9.2f}x {m['aot-nospec'] / m['aot']:>9.2f}x"
        )


if __name__ == "__main__":
    main()
