#!/usr/bin/env python3
"""Where the kernel's .text goes: sum an lld link map (build/bareflow.map, written by every kernel
link) by component — Rust crate, LLVM library, C/C++ runtime — and by object file.

Usage: tools/text-size.py [--map build/bareflow.map] [--llvm-prefix DIR] [--objects N] [--section .text] [--tsv]
(`make text-size` runs it on the last kernel; --tsv: `total`, `group`, `padding`, `unexplained`
rows in bytes.)
LLVM objects are grouped by the libLLVM*.a that holds them (`ar t` on DIR/lib, default: the prefix
in $LLVM_SYS_191_PREFIX, which the Makefile exports); without one they count as "LLVM (?)".
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys

# An lld map line: VMA LMA Size Align, then the output section (no indent), an input section (8
# spaces) or a symbol (16 spaces). Only input sections are summed: they tile the output section.
LINE = re.compile(r'^\s*([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\d+) (.*)$')
# "/path/libfoo-0123abcd.rlib(member.o):(.text.name)" or "/path/file.o:(.text)"
INPUT = re.compile(r'^(?P<file>[^()]+?)(?:\((?P<member>[^()]*)\))?:\((?P<sec>[^)]*)\)$')


def fail(msg):
    print(f'text-size: {msg}', file=sys.stderr)
    sys.exit(1)


def llvm_members(prefix):
    """object name -> LLVM library name (without lib/.a), from `ar t` on every libLLVM*.a."""
    owner = {}
    for lib in sorted(glob.glob(os.path.join(prefix, 'lib', 'libLLVM*.a'))):
        name = os.path.basename(lib)[len('lib'):-len('.a')]
        try:
            out = subprocess.run(['ar', 't', lib], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            fail(f'{lib}: cannot list members with ar ({e})')
        for member in out.split():
            owner.setdefault(member, name)
    return owner


def component(path, member, llvm):
    """(group, detail) for one input file."""
    base = os.path.basename(path)
    m = re.match(r'^lib(.+?)-[0-9a-f]{16}\.rlib$', base)
    if m:
        crate = m.group(1)
        # llvm-sys bundles the LLVM archives into its rlib (C++ and C objects).
        if crate == 'llvm_sys' and member and (member in llvm or member.endswith(('.cpp.o', '.c.o', '.S.o'))):
            return 'LLVM', llvm.get(member, '?')
        if crate in ('std', 'core', 'alloc', 'panic_abort', 'compiler_builtins', 'std_detect',
                     'rustc_demangle', 'addr2line', 'gimli', 'miniz_oxide', 'object', 'memchr',
                     'hashbrown', 'adler2', 'unwind', 'libc', 'cfg_if'):
            return 'Rust std', crate
        return 'Rust crates', crate
    if base.endswith('.rcgu.o'):
        return 'Rust crates', base.split('-')[0]  # the binary's own code units
    if base.startswith('lib') and base.endswith('.a'):
        return 'C/C++ runtime', base
    return 'other', base


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--map', default='build/bareflow.map')
    ap.add_argument('--llvm-prefix', default=os.environ.get('LLVM_SYS_191_PREFIX', ''))
    ap.add_argument('--objects', type=int, default=15, help='how many of the largest objects to list')
    ap.add_argument('--section', default='.text')
    ap.add_argument('--tsv', action='store_true', help='machine-readable totals in bytes')
    args = ap.parse_args()

    try:
        lines = open(args.map, encoding='utf-8', errors='replace').read().splitlines()
    except OSError as e:
        fail(f'{args.map}: cannot read the link map ({e.strerror}); build the kernel first (make kernel)')
    if not lines or 'VMA' not in lines[0] or 'Symbol' not in lines[0]:
        fail(f'{args.map}: not an lld link map (first line: {lines[0][:60] if lines else "empty"!r})')
    llvm = llvm_members(args.llvm_prefix) if args.llvm_prefix else {}

    out_size = out_vma = None
    prev_end = None
    padding = unexplained = 0  # gaps between input sections: below their alignment, or not
    groups = collections.Counter()
    details = collections.defaultdict(collections.Counter)
    objects = collections.Counter()
    section = None
    for line in lines[1:]:
        m = LINE.match(line)
        if not m:
            continue
        rest, size = m.group(5), int(m.group(3), 16)
        if not rest.startswith(' '):
            section = rest.strip()
            if section == args.section:
                out_size, out_vma = size, int(m.group(1), 16)
                prev_end = out_vma
            continue
        if section != args.section or not rest.startswith(' ' * 8) or rest.startswith(' ' * 9):
            continue
        im = INPUT.match(rest.strip())
        if not im:
            continue
        vma, align = int(m.group(1), 16), int(m.group(4))
        gap = vma - prev_end
        if 0 <= gap < max(align, 1):
            padding += gap
        else:
            unexplained += gap
        prev_end = max(prev_end, vma + size)
        group, detail = component(im.group('file'), im.group('member'), llvm)
        groups[group] += size
        details[group][detail] += size
        objects[f"{detail}: {im.group('member') or os.path.basename(im.group('file'))}"] += size
    if out_size is None:
        fail(f'{args.map}: no output section {args.section}')

    unexplained += out_vma + out_size - prev_end  # after the last input section
    if args.tsv:
        print(f'total\t{out_size}')
        for group, size in groups.most_common():
            print(f'group\t{group}\t{size}')
        print(f'padding\t{padding}')
        print(f'unexplained\t{unexplained}')
        return
    mb = lambda n: f'{n / 1e6:8.2f} MB'
    print(f'{args.section} of {args.map}: {out_size:,} bytes ({out_size / 2**20:.2f} MiB)')
    for group, size in groups.most_common():
        print(f'{mb(size)}  {group}')
        for detail, dsize in details[group].most_common(40 if group == 'LLVM' else 12):
            print(f'    {mb(dsize)}  {detail}')
    if args.objects:
        print(f'largest {args.objects} objects:')
        for obj, size in objects.most_common(args.objects):
            print(f'{mb(size)}  {obj}')
    print(f'{mb(padding)}  (alignment padding between functions)')
    if unexplained:
        print(f'{mb(unexplained)}  (gaps not explained by alignment)')


if __name__ == '__main__':
    main()
