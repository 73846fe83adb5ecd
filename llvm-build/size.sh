#!/usr/bin/env bash
# Print the number and total size of the static libraries under an LLVM prefix.
# Usage: llvm-build/size.sh PREFIX
set -euo pipefail
prefix=${1:?usage: size.sh PREFIX}
shopt -s nullglob
libs=("$prefix"/lib/libLLVM*.a)
[[ ${#libs[@]} -gt 0 ]] || { echo "llvm-build: no libLLVM*.a under $prefix/lib" >&2; exit 1; }
bytes=$(du -cb "${libs[@]}" | tail -n1 | cut -f1)
echo "llvm-build: $prefix: ${#libs[@]} static libraries, $((bytes / 1000000)) MB ($bytes bytes)"
