#!/usr/bin/env python3
"""app-tinyllama -j 1 against -j N (threads splitting matmul rows and attention heads), natively: R rounds,
each one run of -j 1 then one of -j N (round-robin, so both see the same machine load); prints every run's
achieved tok/s, the median of each and the ratio N/1 of the medians. Every run must print the same text as
the first; a run that fails or prints no `achieved tok/s` line stops the script with one line, status 1.

usage: tools/bench-threads.py --tinyllama BIN --model model.bin [--threads N] [--rounds R] [--steps S] [--out FILE]
"""
import argparse
import re
import statistics
import subprocess
import sys


def run(args, threads, what):
    cmd = [args.tinyllama, args.model, "-n", str(args.steps), "-t", "0", "-i", "And God said", "-j", str(threads)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench-threads: {what}: {' '.join(cmd)} exited with status {p.returncode}: {p.stderr.strip()}")
    m = re.search(r"achieved tok/s: ([0-9.]+)", p.stderr)
    if not m:
        sys.exit(f"bench-threads: {what}: no 'achieved tok/s' line in its stderr")
    return p.stdout, float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tinyllama", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.threads < 2 or args.rounds < 1:
        sys.exit(f"bench-threads: --threads {args.threads} --rounds {args.rounds}: need at least 2 threads and 1 round")
    rates = {1: [], args.threads: []}
    text = None
    for r in range(args.rounds):
        for j in rates:
            out, rate = run(args, j, f"round {r + 1}, -j {j}")
            if text is None:
                text = out
            elif out != text:
                sys.exit(f"bench-threads: round {r + 1}, -j {j}: the text differs from the first run's")
            rates[j].append(rate)
            print(f"round {r + 1} -j {j}: {rate:.0f} tok/s", flush=True)
    med = {j: statistics.median(v) for j, v in rates.items()}
    lines = [f"app-tinyllama natively, {args.model}, {args.steps} tokens greedy, median of {args.rounds} rounds (round-robin):"]
    lines += [f"  -j {j}: {med[j]:.0f} tok/s" for j in rates]
    lines.append(f"  -j {args.threads} / -j 1: {med[args.threads] / med[1]:.2f}x; same text in every run")
    print("\n".join(lines))
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
