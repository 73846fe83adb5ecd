#!/usr/bin/env python3
"""app-tinyllama on a stories15M-shaped checkpoint against the memory-read limit (`make bench-stories`).

Given a checkpoint (seeded random weights, app-tinyllama/scripts/random-checkpoint.py) with the Llama-2
tokenizer beside it:

  1. converge: tools/converge.py runs `bareflow run --state STATE` on it until no function changes tier
     (a run that does not converge within --max-runs is an error);
  2. aot: `bareflow aot --state STATE` (the appliance's code path), linked with glibc like `make bench-aot`;
  3. round-robin, --rounds times: the native build (clang-19 -O3 -march=native), the warm converged tiered
     run (`bareflow run --state STATE`), the aot build, and the streaming probe (tools/stream-probe.c: one
     core reading a buffer of as many bytes as one token reads of weights, front to back; its median time
     per pass is the time one token cannot beat, its inverse the read-bandwidth limit in tok/s).

Each run is greedy (-t 0) over --steps positions; its "achieved tok/s" is the rate. All three must print
the same text (the same greedy tokens). Reported: medians of every figure, and the medians of the
per-round ratios (tiered / limit, native / limit, aot / limit, tiered / native), each round's figures
measured back to back so they see the same machine load. A run that fails or prints no rate stops the
script with one line naming it, exit status 1.

usage: tools/bench-stories.py --bareflow BIN --bitcode tinyllama.bc --native BIN --model model.bin
                              --state DIR --probe BIN --cc CC --work DIR [--steps N] [--rounds R] [--out FILE]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

from stream_limit import ProbeError, probe, weight_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = "And God said"


def die(msg):
    print(f"bench-stories: {msg}", file=sys.stderr)
    sys.exit(1)


def run(what, cmd):
    """(stdout, tok/s) of one app run."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"{what}: `{' '.join(cmd)}` exited with status {p.returncode}: {(p.stderr or p.stdout).strip()[-400:]}")
    m = re.search(r"^achieved tok/s: ([0-9.]+)", p.stderr, re.M)
    if not m:
        die(f"{what}: no data: no 'achieved tok/s' line in its output: {p.stderr.strip()[-400:]}")
    return p.stdout, float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    for a in ("--bareflow", "--bitcode", "--native", "--model", "--state", "--probe", "--cc", "--work"):
        ap.add_argument(a, required=True)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--max-runs", type=int, default=6)
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.rounds < 1 or args.steps < 2:
        die(f"--rounds {args.rounds} --steps {args.steps}: expected at least one round and two positions")
    try:
        nbytes = weight_bytes(args.model)
    except ProbeError as e:
        die(str(e))
    os.makedirs(args.work, exist_ok=True)
    out = []

    def say(line):
        print(line, flush=True)
        out.append(line)

    # 1. Convergence on a fresh state directory.
    conv = os.path.join(args.work, "converge.txt")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "converge.py"), "--bareflow", args.bareflow,
                    "--bitcode", args.bitcode, "--model", args.model, "--state", args.state, "--fresh",
                    "--steps", str(args.steps), "--max-runs", str(args.max_runs), "--out", conv], check=True)
    with open(conv) as f:
        conv_text = f.read()
    if "converged after run" not in conv_text:
        die(f"{args.state}: not converged within {args.max_runs} runs (table in {conv})")
    say(next(l for l in conv_text.splitlines() if l.startswith("converged after run")))

    # 2. The appliance's code, linked with glibc.
    obj, stubs, aot = (os.path.join(args.work, n) for n in ("app.o", "dead.s", "tinyllama-aot"))
    subprocess.run([args.bareflow, "aot", "--state", args.state, args.bitcode, "-o", obj, "--stubs", stubs], check=True)
    subprocess.run([args.cc, obj, stubs, "-lm", "-o", aot], check=True)

    # 3. Round-robin.
    app = [args.model, "-n", str(args.steps), "-t", "0", "-i", PROMPT]
    builds = [("native", [args.native] + app),
              ("tiered", [args.bareflow, "run", "--state", args.state, args.bitcode, "--"] + app),
              ("aot", [aot] + app)]
    rates = {name: [] for name, _ in builds}
    limits, texts = [], {}
    for k in range(args.rounds):
        for name, cmd in builds:
            text, rate = run(f"round {k + 1} {name}", cmd)
            texts.setdefault(name, text)
            if text != texts["native"]:
                die(f"round {k + 1} {name}: its greedy text differs from the native build's")
            rates[name].append(rate)
        try:
            limit, line = probe(args.probe, nbytes)
        except ProbeError as e:
            die(str(e))
        limits.append(limit)
        print(f"round {k + 1}: " + ", ".join(f"{n} {rates[n][-1]:.1f}" for n, _ in builds) + f" tok/s; {line}", flush=True)
    med = statistics.median
    ratio = lambda a, b: med(x / y for x, y in zip(a, b))
    say(f"{args.model}: {nbytes} bytes of weights per token, {args.steps} positions, greedy, "
        f"median of {args.rounds} round-robin rounds; same greedy text ({len(texts['native'])} bytes) in all three")
    say(f"read-bandwidth limit (stream-probe): {med(limits):.1f} tok/s ({med(limits) * nbytes / 1e9:.2f} GB/s)")
    for name, _ in builds:
        say(f"{name:>7}: {med(rates[name]):7.1f} tok/s = {ratio(rates[name], limits):.3f} of the limit")
    say(f"tiered / native: {ratio(rates['tiered'], rates['native']):.3f}x, aot / native: "
        f"{ratio(rates['aot'], rates['native']):.3f}x; goal: tiered >= 0.95 of the limit")
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
