#!/usr/bin/env python3
"""Why is a function in the kernel? Print the shortest reference chain from a root (the boot entry,
a static constructor in .init_array) to each symbol matching a pattern, in a kernel linked with
relocations kept (`-Wl,--emit-relocs`; see docs/performance.md "Kernel image sizes").

Usage: tools/why-live.py ELF PATTERN...     (PATTERN: Python regex on demangled symbol names)
Each chain line is one symbol that references the next; `[root]` marks where it starts.
Use it to find the one reference that keeps a large piece of LLVM alive, then cut that reference.
Needs llvm-nm-19 and llvm-readelf-19 (Debian's llvm-19).
"""
import bisect
import collections
import re
import subprocess
import sys

PCREL = ('PC32', 'PLT32', 'GOTPCREL', 'GOTPCRELX', 'REX_GOTPCRELX', 'PC64')


def fail(msg):
    print(f'why-live: {msg}', file=sys.stderr)
    sys.exit(1)


def run(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        fail(f'{" ".join(args[:2])}: {e}')


def symbols(elf):
    """Sorted (address, size, demangled name); symbols without a size (assembler code) extend to
    the next symbol."""
    syms = {}
    for line in run(['llvm-nm-19', '-n', '-S', '-C', '--defined-only', elf]).splitlines():
        p = line.split(' ', 3)
        if len(p) == 4 and p[2] not in 'aA':
            try:
                syms.setdefault(int(p[0], 16), (int(p[1], 16), p[3]))
            except ValueError:
                pass
    for line in run(['llvm-nm-19', '-n', '-C', '--defined-only', elf]).splitlines():
        p = line.split(' ', 2)
        if len(p) == 3 and p[1] in 'tT':
            syms.setdefault(int(p[0], 16), (0, p[2]))
    out = sorted((a, s, n) for a, (s, n) in syms.items())
    fixed = []
    for k, (a, s, n) in enumerate(out):
        if s == 0:
            nxt = out[k + 1][0] if k + 1 < len(out) else a + 16
            s = max(1, min(nxt - a, 1 << 20))
        fixed.append((a, s, n))
    return fixed


def main():
    if len(sys.argv) < 3:
        fail('usage: tools/why-live.py ELF PATTERN...')
    elf, pats = sys.argv[1], sys.argv[2:]
    syms = symbols(elf)
    addrs = [s[0] for s in syms]

    def owner(a):
        i = bisect.bisect_right(addrs, a) - 1
        return i if i >= 0 and syms[i][0] <= a < syms[i][0] + syms[i][1] else None

    relocs, sec = [], None
    text = run(['llvm-readelf-19', '-r', '--wide', elf])
    for line in text.splitlines():
        if line.startswith('Relocation section'):
            sec = line.split("'")[1]
            continue
        p = line.split()
        if len(p) < 5 or not re.match(r'^[0-9a-f]{16}$', p[0]) or '.debug' in sec:
            continue
        try:
            value = int(p[3], 16)
        except ValueError:
            continue
        m = re.search(r'([+-]) ([0-9a-f]+)$', line.strip())
        addend = int(m.group(2), 16) * (1 if m.group(1) == '+' else -1) if m else 0
        target = value + addend + (4 if p[2].endswith(PCREL) else 0)
        relocs.append((int(p[0], 16), target, sec))
    if not relocs:
        fail(f'{elf}: no relocations; link the kernel with -Wl,--emit-relocs')

    # Unsymbolized data (jump tables, literal pools) becomes a node keyed by the referenced address;
    # a relocation inside it belongs to the nearest referenced address below.
    blobs = sorted({t for _, t, _ in relocs if owner(t) is None})

    def blob(a):
        i = bisect.bisect_right(blobs, a) - 1
        return ('data', blobs[i]) if i >= 0 and a - blobs[i] < 65536 else None

    def name(n):
        return f'<data at {n[1]:#x}>' if isinstance(n, tuple) else syms[n][2]

    edges, roots = collections.defaultdict(set), set()
    for off, tgt, sec in relocs:
        t = owner(tgt)
        if t is None:
            t = blob(tgt)
        if t is None:
            continue
        # The boot section, notes and .init_array are kept by the linker script: roots.
        if any(k in sec for k in ('.boot', 'note', 'init_array')):
            roots.add(t)
            continue
        s = owner(off)
        if s is None:
            s = blob(off)
        if s is None:
            roots.add(t)
        elif s != t:
            edges[s].add(t)
    entry = int(re.search(r'Entry point address:\s+0x([0-9a-f]+)', run(['llvm-readelf-19', '-h', elf])).group(1), 16)
    if owner(entry) is not None:
        roots.add(owner(entry))

    parent = {r: None for r in roots}
    queue = collections.deque(roots)
    while queue:
        n = queue.popleft()
        for m in edges.get(n, ()):
            if m not in parent:
                parent[m] = n
                queue.append(m)
    for pat in pats:
        rx = re.compile(pat)
        hits = sorted((i for i, s in enumerate(syms) if rx.search(s[2])), key=lambda i: -syms[i][1])
        if not hits:
            print(f'== {pat}: no symbol matches')
            continue
        reached = [i for i in hits if i in parent]
        if not reached:
            print(f'== {pat}: {len(hits)} symbols, none reached from a root (kept by something this tool does not see)')
            continue
        i = reached[0]
        print(f'== {pat}: {syms[i][2][:150]} ({syms[i][1]} bytes; {len(reached)} matching symbols reached)')
        chain, n = [], i
        while n is not None:
            chain.append(n)
            n = parent[n]
        for n in reversed(chain):
            print(f'   {name(n)[:160]}{" [root]" if n in roots else ""}')


if __name__ == '__main__':
    main()
