#!/usr/bin/env python3
"""app-tinyllama round-robin: the native build against warm `bareflow run --state` runs on several state
directories (and other executables), in the same rounds.

Each round runs, in turn, the native build and every configuration with the same arguments (greedy, -r 1 for
per-position timestamps). Per configuration it reports the median of the app's achieved tok/s, and two rates
that a preempted token disturbs less: the per-position rate (for each position the median over the rounds of
its time, averaged over the positions, inverted) and the per-position-min rate (the same with each
position's least time over the rounds); then each against native's (the achieved one as the median of the
per-round ratios). Every run must print the same greedy text. A run that fails or prints no rate or no
timestamps stops the script with one line naming it, exit status 1.

With --probe, each round also runs tools/stream-probe.c over the bytes of weights one token of the model
reads (tools/stream_limit.py): the rate that reading them allows is printed as a row of its own, every
configuration's rates against it, and the rates that the goals' multiples of native's would need (--goals,
default 1.5,1.4: the warm run's and the aot build's) against it too. A goal above 1 of the limit cannot be
met by any code that reads every weight once a token.

A configuration is LABEL=STATE_DIR (`bareflow run --tier auto --state STATE_DIR`), LABEL=STATE_DIR@BAREFLOW
(another bareflow binary) or LABEL=!EXECUTABLE (a program run like the native build, e.g. `bareflow aot`'s).

usage: tools/bench-warm-rr.py --rounds N --native build/tinyllama --bareflow target/x86_64-unknown-linux-gnu/release/bareflow
                              --bitcode build/tinyllama.bc --model app-tinyllama/model/model.bin
                              [--probe build/stream-probe [--goals 1.5,1.4]] CONFIG...
"""
import argparse
import re
import statistics
import subprocess
import sys

from stream_limit import ProbeError, probe, weight_bytes

PROMPT = "And God said"
STAMP = re.compile(r"pos \d+ at ([0-9.]+) s \(varies\)\n?")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=31)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--native", required=True)
    ap.add_argument("--bareflow", required=True)
    ap.add_argument("--bitcode", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--probe", help="tools/stream-probe.c's binary: the read-bandwidth limit in every round")
    ap.add_argument("--goals", default="1.5,1.4", help="multiples of native's rate to set against the limit")
    ap.add_argument("configs", nargs="+", metavar="CONFIG")
    args = ap.parse_args()
    try:
        nbytes = weight_bytes(args.model) if args.probe else 0
        goals = [float(g) for g in args.goals.split(",")]
    except ProbeError as e:
        sys.exit(f"bench-warm-rr: {e}")
    except ValueError:
        sys.exit(f"bench-warm-rr: --goals '{args.goals}': expected numbers separated by commas")
    limits = []
    app_args = [args.model, "-n", str(args.steps), "-t", "0", "-i", PROMPT, "-r", "1"]
    confs = [("native", [args.native] + app_args)]
    for c in args.configs:
        label, sep, what = c.partition("=")
        if not sep or not label or not what:
            sys.exit(f"bench-warm-rr: configuration '{c}': expected LABEL=STATE_DIR[@BAREFLOW] or LABEL=!EXECUTABLE")
        if what.startswith("!"):
            confs.append((label, [what[1:]] + app_args))
            continue
        state, _, binary = what.partition("@")
        cmd = [binary or args.bareflow, "run", "--tier", "auto", "--state", state, args.bitcode, "--"]
        confs.append((label, cmd + app_args))
    rates = {label: [] for label, _ in confs}
    times = {label: [] for label, _ in confs}
    texts = {}
    for r in range(args.rounds):
        for label, cmd in confs:
            p = subprocess.run(cmd, capture_output=True, text=True)
            rate = re.search(r"achieved tok/s: ([0-9.]+)", p.stdout + p.stderr)
            stamps = [float(x) for x in STAMP.findall(p.stdout + p.stderr)]
            if p.returncode != 0 or rate is None or len(stamps) < 2:
                sys.exit(f"bench-warm-rr: round {r + 1}, {label}: exit {p.returncode}, no rate or timestamps: "
                         f"{p.stderr.strip()[-300:]}")
            rates[label].append(float(rate.group(1)))
            times[label].append([b - a for a, b in zip(stamps, stamps[1:])])
            texts.setdefault(STAMP.sub("", p.stdout.split("achieved")[0]), []).append(f"{label} round {r + 1}")
        if args.probe:
            try:
                limits.append(probe(args.probe, nbytes)[0])
            except ProbeError as e:
                sys.exit(f"bench-warm-rr: round {r + 1}, {e}")
    if len(texts) != 1:
        sys.exit("bench-warm-rr: the runs printed different texts: " + "; ".join(v[0] for v in texts.values()))
    per_pos, per_min = {}, {}
    print(f"{'config':12s} {'achieved':>9s} {'per-pos':>9s} {'per-min':>9s}   (tok/s, {args.rounds} rounds)")
    for label, _ in confs:
        columns = list(zip(*times[label]))
        per_pos[label] = len(columns) / sum(statistics.median(c) for c in columns)
        per_min[label] = len(columns) / sum(min(c) for c in columns)
        print(f"{label:12s} {statistics.median(rates[label]):9.1f} {per_pos[label]:9.1f} {per_min[label]:9.1f}")
    if limits:
        limit = statistics.median(limits)
        print(f"{'limit':12s} {limit:9.1f}   read-bandwidth limit: {nbytes} bytes of weights a token, "
              f"{limit * nbytes / 1e9:.2f} GB/s (stream-probe, median of the rounds' {min(limits):.1f}-{max(limits):.1f})")
    for label, _ in confs[1:]:
        ratio = statistics.median(a / b for a, b in zip(rates[label], rates["native"]))
        print(f"{label}/native: achieved {ratio:.3f} (median of per-round ratios), per-position "
              f"{per_pos[label] / per_pos['native']:.3f}, per-position-min {per_min[label] / per_min['native']:.3f}")
    if limits:
        for label, _ in confs:
            ratio = statistics.median(a / b for a, b in zip(rates[label], limits))
            print(f"{label} of the limit: achieved {ratio:.3f} (median of per-round ratios), per-position "
                  f"{per_pos[label] / limit:.3f}")
        for goal in goals:
            need = goal * per_pos["native"] / limit
            print(f"{goal:g}x native's per-position rate would be {need:.3f} of the limit"
                  + (": more than reading each weight once a token allows" if need > 1 else ""))
    print("same greedy text in every run")


if __name__ == "__main__":
    main()
