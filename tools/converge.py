#!/usr/bin/env python3
"""Userspace convergence of `bareflow run --state` (run snapshots, docs/state.md): run app-tinyllama repeatedly on one
state directory until a run changes no function's tier (neither while running nor in the
end-of-run promotion), and print one table row per run.

Per run (all times from the process launch, CLOCK_MONOTONIC, which the app's `-r 1` timestamps
use too):
  first token  time until the app printed position 1 (bitcode load, JIT set-up, snapshot load,
               model load, first forward pass);
  peak         time to peak tok/s: at every position, the rate of a moving median of the last W
               per-token times (a median, so isolated stalls — preemption on a shared machine —
               do not count); the final rate is the median per-token rate of the last quarter of
               the run; time to peak is the end of the first window from which the next W
               windows stay at or above 95% of the final rate, no later W windows in a row
               fall under 80% of it and no later token takes longer than W tokens at the final
               rate (and 20 ms) (per-token cost grows with the position, so early windows of a
               warm run are above the final rate);
  tok/s        that final rate;
  tiers        functions per tier at the end (from the snapshot line), tier changes in the run;
  dead         app functions never executed in any run so far.

In QEMU (--qemu KERNEL --initrd INITRD, --state = the state disk image): the same runs as boots
of the kernel (`run --state /dev/state /boot/tinyllama.bc ...`); times are the guest's
CLOCK_MONOTONIC, i.e. from the virtual CPU's reset.

A run that fails, or that produced no data (no per-token timestamps; for bareflow, no saved snapshot
or dead-code line), stops the script with one line naming the run and the problem, exit status 1.

--jit-threads N passes `--jit-threads N` to every bareflow run (0: synchronous compiles; default:
bareflow's own). --cold-ab A,B --cold-runs K instead measures only cold first runs (a fresh state
store each): K rounds, each one run with --jit-threads A then one with B (round-robin, so both see
the same machine load), and prints the median time to peak of each and B's as a share of A's; the
runs must print the same text. As each run's peak is its own final rate, a setting whose runs end
slower would reach its peak sooner: the same share is printed against one rate for all runs (the
higher of the two settings' median final rates), a run that never holds it counting its end. Each run's line also gives the load average and, where bareflow
measures it (userspace, `[tier] CPU time` line), the CPU time of the program's thread and of the
compile threads: on a loaded machine these show what the threads needed, whatever they got.

usage: tools/converge.py --bareflow BIN --bitcode tinyllama.bc --model model.bin --state DIR
                         [--steps N] [--max-runs N] [--window W] [--pairs N] [--native BIN] [--qemu KERNEL --initrd INITRD] [--out FILE] [--fresh]
                         [--jit-threads N] [--cold-ab A,B --cold-runs K]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

PROMPT = "And God said"
QEMU_RUN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools", "qemu-run")


# The shortest stop of one token that counts against the peak (see time_to_rate), whatever
# the final rate: a host's preemption on a shared machine lasts a few milliseconds.
STALL = 0.02


def rates_of(stamps, window):
    """(per-token durations, [(end time, rate of the moving median over `window` tokens)])."""
    d = [stamps[k] - stamps[k - 1] for k in range(1, len(stamps))]
    rates = []
    for k in range(window, len(d) + 1):
        m = statistics.median(d[k - window:k])
        rates.append((stamps[k], 1.0 / m if m > 0 else float("inf")))
    return d, rates


def time_to_rate(stamps, t0, window, target):
    """Seconds from t0 until the run is at `target` tok/s for good, or None if it never is.

    At it: the first window from which the rate holds >= 95% of the target for the next `window`
    windows as well (sustained, so a lucky window does not count), and after which it never
    again stays under 80% of it for `window` windows in a row, nor stops for longer than
    `window` tokens take at the target rate (and at least STALL seconds) in one token. A shorter
    dip or stop is the host's (a preemption on a shared machine; TCG's timing is noisy) and does
    not move the peak; a longer one is the run's own. app-tinyllama's tokens with
    `model_forward` still interpreted are fast at the first positions (the attention is short)
    and fall to a quarter of the final rate by position 160, so a run whose first 16 windows
    were fast is not at its peak before `model_forward` is compiled; and a synchronous compile
    stops the run for one token (0.3-3 s under QEMU/TCG), which the windows' medians do not see."""
    return rate_reached(*rates_of(stamps, window), t0, window, target)


def rate_reached(d, rates, t0, window, target):
    """time_to_rate on the run's per-token durations and moving-median rates (rates_of)."""
    slow_from = 0  # the first window after the last long dip or stop
    run = 0
    for i, (_, r) in enumerate(rates):
        run = run + 1 if r < 0.8 * target else 0
        if run >= window:
            slow_from = i + 1
    stop = max(window / target, STALL)
    for j, x in enumerate(d):
        if x > stop:
            slow_from = max(slow_from, j + 1)  # windows from j + 1 start after that token
    for i in range(slow_from, len(rates)):
        if all(r >= 0.95 * target for _, r in rates[i:i + window + 1]):
            return rates[i][0] - t0  # the end of the first qualifying window
    return None


def time_to_peak(stamps, t0, window):
    """(final rate, seconds from t0 to peak) from per-position timestamps: the final rate is the
    median per-token rate of the last quarter of the run, the peak the time the run is at it
    for good (time_to_rate; the end of the last window if it never holds)."""
    d, rates = rates_of(stamps, window)
    if not rates:
        return None, None
    final = statistics.median(1.0 / x for x in d[len(d) * 3 // 4:] if x > 0)
    at = rate_reached(d, rates, t0, window, final)
    return final, at if at is not None else rates[-1][0] - t0


def qemu_text(out):
    """The app's text from a QEMU serial log (stdout and stderr interleaved): without the
    timestamps, tier/state/irvm/core-rt lines and the tok/s line."""
    out = out.replace("\r", "")
    out = re.sub(r"pos \d+ at [0-9.]+ s \(varies\)\n", "", out)
    out = re.sub(r"(\[(tier|state|irvm)\]|core-rt: boot mark:)[^\n]*\n", "", out)
    return "\n".join(l for l in out.split("\n") if not re.match(r"(core-rt|qemu-run|state|achieved tok/s|coverage):", l))


def jit_threads(args):
    """The `--jit-threads` option of a bareflow run, if one was asked for."""
    return [] if args.jit_threads is None else ["--jit-threads", str(args.jit_threads)]


def fresh_store(args, path):
    """An empty state store at `path` (a directory, or with --qemu a blank disk image)."""
    shutil.rmtree(path, ignore_errors=True)
    if args.qemu:
        with open(path, "wb") as f:
            f.truncate(64 << 20)


def drop_store(args, path):
    if args.qemu:
        os.remove(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


def cold_ab(args):
    """Cold first runs with --jit-threads A and B, round-robin (see the module doc)."""
    try:
        settings = [int(x) for x in args.cold_ab.split(",")]
    except ValueError:
        sys.exit(f"converge: --cold-ab '{args.cold_ab}': expected two thread counts A,B")
    if len(settings) != 2 or args.cold_runs < 1:
        sys.exit(f"converge: --cold-ab '{args.cold_ab}' --cold-runs {args.cold_runs}: expected A,B and at least one run")
    runs = {n: [] for n in settings}
    text = None
    for k in range(args.cold_runs):
        for n in settings:
            a = argparse.Namespace(**vars(args))
            a.jit_threads, a.state = n, f"{args.state}.cold{n}"
            fresh_store(a, a.state)
            r = run_once(a, 1, what=f"round {k + 1} cold run with --jit-threads {n}")
            drop_store(a, a.state)
            if text is None:
                text = r["stdout"]
            elif r["stdout"] != text:
                sys.exit(f"converge: round {k + 1} cold run with --jit-threads {n} printed a different text")
            runs[n].append(r)
            print(f"round {k + 1} --jit-threads {n}: peak {r['peak'] * 1e3:.1f} ms, first token {r['first'] * 1e3:.1f} ms, "
                  f"{r['rate']:.0f} tok/s, wall {r['wall']:.2f} s{cpu_words(r)}, load {os.getloadavg()[0]:.1f}", flush=True)
    keys = ["peak", "first", "rate", "wall"] + (["cpu_program", "cpu_compile"] if all(r["cpu_program"] is not None for n in settings for r in runs[n]) else [])
    med = {n: {key: statistics.median(r[key] for r in runs[n]) for key in keys} for n in settings}
    (a, b) = settings
    out = [f"cold first runs, median of {args.cold_runs} (round-robin), {args.steps} tokens:"]
    for n in settings:
        out.append(f"  --jit-threads {n}: time to peak {med[n]['peak'] * 1e3:.1f} ms, first token {med[n]['first'] * 1e3:.1f} ms, "
                   f"{med[n]['rate']:.0f} tok/s, wall {med[n]['wall']:.2f} s{cpu_words(med[n])}")
    out.append(f"  time to peak with --jit-threads {b}: {100 * med[b]['peak'] / med[a]['peak']:.1f}% of --jit-threads {a} "
               f"({100 * (1 - med[b]['peak'] / med[a]['peak']):.1f}% shorter); same text in every run")
    # Each run's peak is measured against its own final rate, so a setting whose runs end slower
    # would reach its (lower) peak sooner. The same question against one rate for all: the
    # higher of the two settings' median final rates.
    target = max(med[n]["rate"] for n in settings)
    words, common = [], {}
    for n in settings:
        at = [time_to_rate(r["stamps"], r["t0"], args.window, target) for r in runs[n]]
        # A run that never holds the target counts as reaching it at its end (after the last token).
        common[n] = statistics.median(t if t is not None else r["stamps"][-1] - r["t0"] for t, r in zip(at, runs[n]))
        reached = sum(t is not None for t in at)
        words.append(f"--jit-threads {n} {common[n] * 1e3:.1f} ms ({reached} of {len(at)} runs reach it)")
    out.append(f"  time to {target:.0f} tok/s (the higher median final rate) for every run alike: " + ", ".join(words)
               + f": {100 * common[b] / common[a]:.1f}% of --jit-threads {a}")
    print("\n".join(out))
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(out) + "\n")


def cpu_words(r):
    """The run's CPU times per thread, if measured."""
    if r.get("cpu_program") is None:
        return ""
    return f", CPU: program thread {r['cpu_program'] * 1e3:.0f} ms, compile threads {r['cpu_compile'] * 1e3:.0f} ms"


def fail(what, problem, output=""):
    """Stop with one line: which run, what went wrong, and the end of its output."""
    tail = " | ".join(l.strip() for l in output.strip().splitlines()[-3:])
    sys.exit(f"converge: {what}: {problem}" + (f" (last output: {tail})" if tail else ""))


def run_once(args, run, native=None, what=None):
    """One run of the app: `what` names it in errors (default: run N)."""
    what = what or (f"native run {run}" if native else f"run {run}")
    app_args = [args.model, "-n", str(args.steps), "-t", "0", "-i", PROMPT, "-r", "1"]
    if args.qemu and not native:
        # The guest's command line is split at spaces: quote the prompt for core-rt's parser.
        app_args = ["/boot/" + os.path.basename(args.model), "-n", str(args.steps), "-t", "0", "-i", f"'{PROMPT}'", "-r", "1"]
        cmd = [QEMU_RUN, "--timeout", "1800", "--disk", args.state, "--initrd", args.initrd, args.qemu, "--",
               "run", "--verbose"] + jit_threads(args) + ["--state", "/dev/state", "/boot/" + os.path.basename(args.bitcode), "--"] + app_args
    elif native:
        cmd = [native] + app_args
    else:
        cmd = [args.bareflow, "run", "--verbose"] + jit_threads(args) + ["--state", args.state, args.bitcode, "--"] + app_args
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        fail(what, f"{cmd[0]} exited with status {p.returncode}", p.stderr or p.stdout)
    err = p.stderr
    if args.qemu and not native:
        # One serial stream. The guest's CLOCK_MONOTONIC counts from kernel entry; the boot
        # breakdown line says how long firmware and loader took before it, so that the times
        # below count from the virtual CPU's reset.
        err = p.stdout.replace("\r", "")
        fw = re.search(r"firmware\+loader (\d+)", err)
        t0 = -int(fw.group(1)) / 1e6 if fw else 0.0
        p = argparse.Namespace(stdout=qemu_text(p.stdout))
    stamps = [float(m.group(2)) for m in re.finditer(r"pos (\d+) at ([0-9.]+) s \(varies\)", err)]
    final, peak = time_to_peak(stamps, t0, args.window)
    saved = re.search(r"state: saved snapshot gen (\d+) .*functions: interp (\d+), O1 (\d+), O2 (\d+), O3 (\d+); (\d+) objects", err)
    dead = re.search(r"state: dead code: (\d+) of (\d+)", err)
    loaded = re.search(r"state: loaded snapshot gen (\d+)", err)
    changes = re.findall(r"\[tier\] (\S+): (\S+) -> (\S+) \((.*)\)$", err, re.M)
    cpu = re.search(r"\[tier\] CPU time: program thread ([0-9.]+) ms(?:; compile threads ([0-9.]+) ms)?", err)
    missing = [] if final is not None else [f"per-token rate ({len(stamps)} timestamps 'pos N at T s (varies)', at least {args.window + 1} needed)"]
    if not native:
        missing += [] if saved else ["'state: saved snapshot' line"]
        missing += [] if dead else ["'state: dead code' line"]
    if missing:
        fail(what, "no data: no " + ", no ".join(missing) + " in its output", err)
    return {
        "run": run,
        "stdout": p.stdout,
        "stamps": stamps,
        "t0": t0,
        "wall": wall,
        "first": stamps[0] - t0 if stamps else None,
        "peak": peak,
        "rate": final,
        "gen": int(saved.group(1)) if saved else None,
        "tiers": tuple(int(saved.group(i)) for i in range(2, 6)) if saved else None,
        "objects": int(saved.group(6)) if saved else None,
        "dead": int(dead.group(1)) if dead else None,
        "functions": int(dead.group(2)) if dead else None,
        "loaded": int(loaded.group(1)) if loaded else None,
        "changes": changes,
        "promoted": sum(1 for c in changes if "for the next run" in c[3]),
        # CPU time of the program's thread and of the compile threads (where the platform
        # measures it per thread; not in the unikernel).
        "cpu_program": float(cpu.group(1)) / 1e3 if cpu else None,
        "cpu_compile": float(cpu.group(2)) / 1e3 if cpu and cpu.group(2) else 0.0 if cpu else None,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bareflow", required=True)
    ap.add_argument("--bitcode", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--max-runs", type=int, default=6)
    ap.add_argument("--window", type=int, default=16)
    ap.add_argument("--pairs", type=int, default=0, help="also measure N fresh cold+warm pairs (medians)")
    ap.add_argument("--qemu", metavar="KERNEL", help="boot KERNEL in QEMU (tools/qemu-run) instead; --state is then a disk image")
    ap.add_argument("--initrd", help="with --qemu: the initrd holding the bitcode and the model")
    ap.add_argument("--native", help="also measure this native build of the app (same metrics)")
    ap.add_argument("--out")
    ap.add_argument("--plot", metavar="SVG", help="write a plot of tok/s and native code size per run")
    ap.add_argument("--fresh", action="store_true", help="start from an empty state directory")
    ap.add_argument("--jit-threads", type=int, help="pass --jit-threads N to every bareflow run")
    ap.add_argument("--cold-ab", metavar="A,B", help="only cold first runs, --jit-threads A vs B (round-robin)")
    ap.add_argument("--cold-runs", type=int, default=5, help="rounds of --cold-ab")
    args = ap.parse_args()
    if args.cold_ab:
        cold_ab(args)
        return
    if args.fresh and args.qemu:
        with open(args.state, "wb") as f:
            f.truncate(64 << 20)
    elif args.fresh and os.path.isdir(args.state):
        shutil.rmtree(args.state)
    rows, out = [], []
    head = (f"{'run':>3} {'snapshot':>9} {'first token ms':>14} {'peak ms':>8} {'tok/s':>8} {'interp/O1/O2/O3':>16} {'changes':>7} "
            f"{'promoted':>8} {'dead':>5} {'native KiB':>10}")
    out.append(head)
    print(head, flush=True)
    for run in range(1, args.max_runs + 1):
        r = run_once(args, run)
        r["code"] = snapshot_code_bytes(args, f"run {run}")
        if rows and r["stdout"] != rows[0]["stdout"]:
            sys.exit(f"converge: run {run} printed a different text than run 1")
        rows.append(r)
        snap = f"gen {r['loaded']}" if r["loaded"] else "cold"
        tiers = "/".join(map(str, r["tiers"])) if r["tiers"] else "-"
        fmt = lambda v, k=1e3: f"{v * k:.1f}" if v is not None else "-"
        line = (f"{run:>3} {snap:>9} {fmt(r['first']):>14} {fmt(r['peak']):>8} {fmt(r['rate'], 1):>8} {tiers:>16} "
                f"{len(r['changes']):>7} {r['promoted']:>8} {r['dead'] if r['dead'] is not None else '-':>5} {fmt(r['code'], 1 / 1024):>10}")
        out.append(line)
        print(line, flush=True)
        if run > 1 and not r["changes"] and r["dead"] == rows[-2]["dead"]:
            out.append(f"converged after run {run}: no tier change, dead set stable ({r['dead']} of {r['functions']} functions)")
            break
    else:
        out.append(f"not converged within {args.max_runs} runs")
    for l in out[len(rows) + 1:]:
        print(l)
    # Time to peak, first (cold) vs second (warm) run: medians over --pairs fresh state stores (the
    # machine is shared, single runs are noisy).
    pairs = []
    for k in range(args.pairs):
        pair_args = argparse.Namespace(**vars(args))
        pair_args.state = f"{args.state}.pair{k}"
        shutil.rmtree(pair_args.state, ignore_errors=True)
        if args.qemu:
            with open(pair_args.state, "wb") as f:
                f.truncate(64 << 20)
        a, b = run_once(pair_args, 1, what=f"pair {k + 1} run 1 (cold)"), run_once(pair_args, 2, what=f"pair {k + 1} run 2 (warm)")
        if args.qemu:
            os.remove(pair_args.state)
        else:
            shutil.rmtree(pair_args.state, ignore_errors=True)
        pairs.append((a, b))
    natives = [run_once(args, i + 1, native=args.native) for i in range(args.pairs)] if args.native else []
    if natives:
        med = lambda key: statistics.median(r[key] for r in natives)
        line = f"native ({args.native}, median of {len(natives)}): {med('rate'):.0f} tok/s, first token {med('first') * 1e3:.1f} ms, peak {med('peak') * 1e3:.1f} ms"
        out.append(line)
        print(line)
    if pairs:
        med = lambda key, i: statistics.median(p[i][key] for p in pairs)
        c_peak, w_peak = med("peak", 0), med("peak", 1)
        line = (f"time to peak tok/s over {len(pairs)} fresh stores (median): run 1 (cold) {c_peak * 1e3:.1f} ms "
                f"[{med('rate', 0):.0f} tok/s, first token {med('first', 0) * 1e3:.1f} ms], run 2 (warm) {w_peak * 1e3:.1f} ms "
                f"[{med('rate', 1):.0f} tok/s, first token {med('first', 1) * 1e3:.1f} ms]: {100 * w_peak / c_peak:.1f}% of run 1 (goal <= 10%)")
        out.append(line)
        print(line)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(out) + "\n")
    if args.plot:
        write_plot(args.plot, rows, "QEMU boots" if args.qemu else "userspace runs")
        print(f"plot: {args.plot}")


def snapshot_code_bytes(args, what):
    """Bytes of native code the snapshot holds (its ORC object cache), from `bareflow snapshot show`."""
    p = subprocess.run([args.bareflow, "snapshot", "show", args.state], capture_output=True, text=True)
    m = re.search(r"object cache: \d+ object\(s\), (\d+) bytes", p.stdout)
    if not m:
        fail(what, f"no object cache in `{args.bareflow} snapshot show {args.state}` (exit {p.returncode})", p.stderr or p.stdout)
    return int(m.group(1))


def write_plot(path, rows, what):
    """An SVG line chart: tok/s (left axis) and snapshot native code KiB (right axis) per run."""
    W, H, L, R, T, B = 640, 360, 70, 70, 40, 50
    runs = [r["run"] for r in rows]
    series = [("tok/s", [r["rate"] or 0 for r in rows], "#1f77b4", L - 8, "end"),
              ("native code KiB", [(r["code"] or 0) / 1024 for r in rows], "#d62728", W - R + 8, "start")]
    x = lambda i: L + (W - L - R) * (i / max(1, len(runs) - 1))
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">app-tinyllama convergence ({what})</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>']
    for i, n in enumerate(runs):
        svg.append(f'<text x="{x(i):.1f}" y="{H - B + 18}" text-anchor="middle">{n}</text>')
    svg.append(f'<text x="{W / 2}" y="{H - 12}" text-anchor="middle">run</text>')
    for name, ys, color, lx, anchor in series:
        top = max(ys) * 1.1 or 1
        y = lambda v: H - B - (H - T - B) * v / top
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(ys))
        svg.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(ys):
            svg.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}"/>')
        for k in range(5):
            v = top * k / 4
            svg.append(f'<text x="{lx}" y="{y(v) + 4:.1f}" text-anchor="{anchor}" fill="{color}">{v:.0f}</text>')
        svg.append(f'<text x="{lx}" y="{T - 8}" text-anchor="{anchor}" fill="{color}">{name}</text>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
