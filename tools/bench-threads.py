#!/usr/bin/env python3
"""app-tinyllama -j 1 against -j N (threads splitting matmul rows and attention heads), natively: R rounds,
each one run of -j 1 then one of -j N (round-robin, so both see the same machine load); prints every run's
achieved tok/s, the median of each and the ratio N/1 of the medians. Every run must print the same text as
the first; a run that fails or prints no `achieved tok/s` line stops the script with one line, status 1.

With --qemu APPLIANCE --initrd INITRD the runs are boots of an appliance (app-tinyllama linked with core-rt,
the model and tokenizer as /boot/model.bin and /boot/tokenizer.bin) under tools/qemu-run with N guest CPUs
(--accel as qemu-run's, default tcg), and each must print the text of the native build given by --tinyllama.
Each boot's QEMU threads are sampled every 0.2 s from /proc: the CPU time of the busiest one (the vCPU of the
boot CPU, which runs the main thread: busy or spinning for the whole run) is the run's length on a host with
a free CPU per vCPU, which wall time is not on a shared host; its median ratio is printed too.

With --bareflow BIN --bitcode TINYLLAMA.bc --state DIR the runs are warm `bareflow run --tier auto --state DIR`
runs of the bitcode: first `-j N` runs on the (fresh: DIR must not exist or be empty) store until one reports the
converged module (at most --converge of them), then the rounds; each must print the native build's text. The
program thread's CPU time (`--verbose`'s `[tier] CPU time` line) is printed too, and, from one more run of 2 tokens
per round and -j, the part the generation took (the run's minus the 2-token run's: model load and tokenizer left
out): the main thread computes or waits for its partners for the whole generation, so on a busy host, where wall
time says little, it estimates the generation's length with a free CPU per thread (as the QEMU figure does).

With --probe STREAM_PROBE (natively or warm) each round also runs tools/stream-probe.c over the bytes of weights
one token of --model reads, with one thread and with N: how fast those bytes can be read at all, in the same
moments as the app's runs. A -j N whose time goes to streaming its weights (the stories15M shape's 61 MB a token)
cannot gain more over -j 1 than N threads' read bandwidth over one thread's, and on a host that shares its
memory bus that ratio moves from round to round; the medians of the per-round figures are printed.

With --wait-idle each round (its -j 1 and -j N runs) starts only once the host's CPUs were at least 90 % idle over
the last second (/proc/stat; it waits at most 10 minutes per round): on a host shared with other work, the rounds
then run in its quiet moments.

usage: tools/bench-threads.py --tinyllama BIN --model model.bin [--threads N] [--rounds R] [--steps S] [--out FILE]
                              [--wait-idle] [--probe STREAM_PROBE]
                              [--qemu APPLIANCE --initrd INITRD [--accel MODE]]
                              [--bareflow BIN --bitcode BC --state DIR [--converge K]]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from stream_limit import ProbeError, probe, weight_bytes

QEMU_RUN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools", "qemu-run")
PROMPT = "And God said"


def launch(cmd, what):
    """Run one app-tinyllama process to its end: (stdout, stderr, achieved tok/s); a failed run or one
    without the tok/s line stops the script."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        tail = " | ".join(p.stderr.strip().splitlines()[-3:])
        sys.exit(f"bench-threads: {what}: {' '.join(cmd)} exited with status {p.returncode}: {tail}")
    m = re.search(r"achieved tok/s: ([0-9.]+)", p.stderr)
    if not m:
        sys.exit(f"bench-threads: {what}: no 'achieved tok/s' line in the stderr of {' '.join(cmd)}")
    return p.stdout, p.stderr, float(m.group(1))


def run(args, threads, what):
    cmd = [args.tinyllama, args.model, "-n", str(args.steps), "-t", "0", "-i", PROMPT, "-j", str(threads)]
    out, _, rate = launch(cmd, what)
    return out, rate


def qemu_threads(root):
    """CPU seconds of every thread of every qemu-system process below process `root`, by thread id."""
    tick = os.sysconf("SC_CLK_TCK")
    found, todo = {}, [str(root)]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo += f.read().split()
            with open(f"/proc/{pid}/comm") as f:
                if not f.read().startswith("qemu-system"):
                    continue
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                found[tid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        except OSError:
            pass  # the process or thread ended between two reads
    return found


def run_qemu(args, threads, what):
    """One boot: (text, tok/s, CPU seconds of QEMU's busiest thread)."""
    app = ["/boot/model.bin", "-n", str(args.steps), "-t", "0", "-i", f"'{PROMPT}'", "-j", str(threads)]
    cmd = [QEMU_RUN, "--smp", str(args.threads), "--accel", args.accel, "--timeout", "1800", "--initrd", args.initrd,
           args.qemu, "--"] + app
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cpu = {}
    while p.poll() is None:  # the serial output is small: the pipe does not fill before the end
        cpu.update(qemu_threads(p.pid))
        time.sleep(0.2)
    out = p.stdout.read().replace("\r", "")
    if p.returncode != 0:
        tail = " | ".join(out.strip().splitlines()[-3:])
        sys.exit(f"bench-threads: {what}: {' '.join(cmd)} exited with status {p.returncode} (last output: {tail})")
    m = re.search(r"achieved tok/s: ([0-9.]+)", out)
    if not m:
        sys.exit(f"bench-threads: {what}: no 'achieved tok/s' line in its serial output")
    if not cpu:
        sys.exit(f"bench-threads: {what}: no QEMU thread found below process {p.pid} (no /proc?)")
    lines = out.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    text = "".join(l + "\n" for l in lines if not re.match(r"(core-rt|qemu-run|achieved tok/s):", l))
    return text, float(m.group(1)), max(cpu.values())


def cpu_times():
    """(idle, total) jiffies of all CPUs so far (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    return fields[3] + fields[4], sum(fields)


def wait_idle(what):
    """Wait until the CPUs were at least 90 % idle over one second."""
    deadline = time.time() + 600
    while time.time() < deadline:
        i1, t1 = cpu_times()
        time.sleep(1)
        i2, t2 = cpu_times()
        if t2 > t1 and (i2 - i1) / (t2 - t1) >= 0.9:
            return
    sys.exit(f"bench-threads: {what}: the CPUs were never 90 % idle for a second in 10 minutes")


def run_warm(args, threads, what, steps=None):
    """One `bareflow run --tier auto --state` run: (text, tok/s, program thread CPU ms, stderr)."""
    cmd = [args.bareflow, "run", "--tier", "auto", "--verbose", "--state", args.state, args.bitcode, "--",
           args.model, "-n", str(steps or args.steps), "-t", "0", "-i", PROMPT, "-j", str(threads)]
    out, err, rate = launch(cmd, what)
    cpu = re.search(r"\[tier\] CPU time: program thread ([0-9.]+) ms", err)
    if not cpu:
        sys.exit(f"bench-threads: {what}: no '[tier] CPU time' line in the stderr of {' '.join(cmd)}")
    return out, rate, float(cpu.group(1)), err


def converge(args, text):
    """Warm runs with the most threads on a fresh store until one builds the converged module."""
    if os.path.isdir(args.state) and os.listdir(args.state):
        sys.exit(f"bench-threads: --state {args.state}: not empty; give a fresh store (a missing or empty directory)")
    for k in range(args.converge):
        out, rate, _, err = run_warm(args, args.threads, f"converging run {k + 1}")
        if out != text:
            sys.exit(f"bench-threads: converging run {k + 1}: the text differs from the native run's")
        print(f"converging run {k + 1} -j {args.threads}: {rate:.0f} tok/s", flush=True)
        if "state: converged module:" in err:
            return k + 1
    sys.exit(f"bench-threads: --state {args.state}: no converged module after {args.converge} runs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tinyllama", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--out")
    ap.add_argument("--qemu", metavar="APPLIANCE", help="boot this appliance in QEMU instead (with --initrd)")
    ap.add_argument("--initrd", help="with --qemu: its boot files (model.bin, tokenizer.bin)")
    ap.add_argument("--accel", default="tcg", help="with --qemu: tools/qemu-run's --accel (default tcg)")
    ap.add_argument("--bareflow", help="warm `bareflow run --tier auto --state` runs of --bitcode with this binary")
    ap.add_argument("--bitcode", help="with --bareflow: app-tinyllama's whole-program bitcode")
    ap.add_argument("--state", help="with --bareflow: the snapshot store (a fresh directory)")
    ap.add_argument("--converge", type=int, default=5, help="with --bareflow: at most this many runs to converge")
    ap.add_argument("--wait-idle", action="store_true", help="start each round in a moment the CPUs are idle")
    ap.add_argument("--probe", help="tools/stream-probe.c's binary: the read-bandwidth limit in every round")
    args = ap.parse_args()
    if args.threads < 2 or args.rounds < 1:
        sys.exit(f"bench-threads: --threads {args.threads} --rounds {args.rounds}: need at least 2 threads and 1 round")
    if bool(args.qemu) != bool(args.initrd):
        sys.exit("bench-threads: --qemu and --initrd go together")
    if not (bool(args.bareflow) == bool(args.bitcode) == bool(args.state)):
        sys.exit("bench-threads: --bareflow, --bitcode and --state go together")
    if args.qemu and args.bareflow:
        sys.exit("bench-threads: --qemu and --bareflow are two different benchmarks; give one")
    if args.qemu and args.probe:
        sys.exit("bench-threads: --probe measures the host's memory, not the guest's; give it without --qemu")
    nbytes = 0
    if args.probe:
        try:
            nbytes = weight_bytes(args.model)
        except ProbeError as e:
            sys.exit(f"bench-threads: {e}")
    limits = {1: [], args.threads: []}
    rates = {1: [], args.threads: []}
    cpu_time = {1: [], args.threads: []}
    generation_cpu = {1: [], args.threads: []}
    text = None
    if args.qemu or args.bareflow:
        text, _ = run(args, 1, "the native run")  # what every boot or warm run must print
    text_given = text is not None
    converged = converge(args, text) if args.bareflow else 0
    for r in range(args.rounds):
        if args.wait_idle:
            wait_idle(f"round {r + 1}")
        for j in rates:
            what = f"round {r + 1}, -j {j}"
            if args.qemu:
                out, rate, cpu = run_qemu(args, j, what)
                cpu_time[j].append(cpu)
            elif args.bareflow:
                out, rate, cpu, _ = run_warm(args, j, what)
                cpu_time[j].append(cpu)
                _, _, fixed, _ = run_warm(args, j, what + " (2 tokens)", steps=2)
                generation_cpu[j].append(cpu - fixed)
            else:
                out, rate = run(args, j, what)
            if text is None:
                text = out
            elif out != text:
                sys.exit(f"bench-threads: {what}: the text differs from the {'native' if text_given else 'first'} run's")
            rates[j].append(rate)
            cpu_words = f", busiest QEMU thread {cpu_time[j][-1]:.2f} s CPU" if args.qemu else ""
            if args.bareflow:
                cpu_words = f", program thread {cpu_time[j][-1]:.0f} ms CPU ({generation_cpu[j][-1]:.0f} ms generating)"
            load = os.getloadavg()[0]
            print(f"round {r + 1} -j {j}: {rate:.{2 if args.qemu else 0}f} tok/s{cpu_words} (load {load:.1f})", flush=True)
        if args.probe:
            for j in limits:
                try:
                    limit, line = probe(args.probe, nbytes, threads=j)
                except ProbeError as e:
                    sys.exit(f"bench-threads: round {r + 1}: {e}")
                limits[j].append(limit)
                print(f"round {r + 1} read-bandwidth limit, {line}", flush=True)
    med = {j: statistics.median(v) for j, v in rates.items()}
    where = f"in QEMU ({args.accel}, {args.threads} CPUs), {args.qemu}" if args.qemu else "natively"
    if args.bareflow:
        where = f"under warm `bareflow run --tier auto --state` (converged at run {converged}), {args.bitcode}"
    digits = 2 if args.qemu else 0
    idle = ", each started when the CPUs were idle" if args.wait_idle else ""
    lines = [f"app-tinyllama {where}, {args.model}, {args.steps} tokens greedy, median of {args.rounds} rounds "
             f"(round-robin{idle}):"]
    lines += [f"  -j {j}: {med[j]:.{digits}f} tok/s" for j in rates]
    lines.append(f"  -j {args.threads} / -j 1: {med[args.threads] / med[1]:.2f}x; same text in every run"
                 + (" as the native build" if text_given else ""))
    if args.probe:
        n = args.threads
        per_round = lambda a, b: statistics.median(x / y for x, y in zip(a, b))
        lim = {j: statistics.median(v) for j, v in limits.items()}
        lines.append(f"  read-bandwidth limit of the same {nbytes} bytes (stream-probe, same rounds): 1 thread "
                     f"{lim[1]:.{digits}f} tok/s ({lim[1] * nbytes / 1e9:.2f} GB/s), {n} threads {lim[n]:.{digits}f} tok/s "
                     f"({lim[n] * nbytes / 1e9:.2f} GB/s)")
        lines.append(f"  {n} threads / 1 thread read bandwidth: {per_round(limits[n], limits[1]):.2f}x (median of the "
                     f"rounds; from {min(x / y for x, y in zip(limits[n], limits[1])):.2f}x to "
                     f"{max(x / y for x, y in zip(limits[n], limits[1])):.2f}x); -j 1 ran at "
                     f"{per_round(rates[1], limits[1]):.2f} of the 1-thread limit, -j {n} at "
                     f"{per_round(rates[n], limits[n]):.2f} of the {n}-thread one")
    if args.bareflow:
        cpu = {j: statistics.median(v) for j, v in cpu_time.items()}
        gen = {j: statistics.median(v) for j, v in generation_cpu.items()}
        lines.append(f"  CPU time of the program thread (whole run): -j 1 {cpu[1]:.0f} ms, -j {args.threads} "
                     f"{cpu[args.threads]:.0f} ms: {cpu[1] / cpu[args.threads]:.2f}x")
        lines.append(f"  the same for the generation (run minus a 2-token run): -j 1 {gen[1]:.0f} ms, -j {args.threads} "
                     f"{gen[args.threads]:.0f} ms: {gen[1] / max(gen[args.threads], 1e-9):.2f}x (estimates the speed-up "
                     "with a free CPU per thread)")
    if args.qemu:
        cpu = {j: statistics.median(v) for j, v in cpu_time.items()}
        lines.append(f"  CPU time of the busiest QEMU thread: -j 1 {cpu[1]:.2f} s, -j {args.threads} {cpu[args.threads]:.2f} s: "
                     f"{cpu[1] / cpu[args.threads]:.2f}x (estimates the speed-up on a host with a free CPU per vCPU)")
    print("\n".join(lines))
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
