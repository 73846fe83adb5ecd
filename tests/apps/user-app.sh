#!/usr/bin/env bash
# The APP= path on a user's program of three C files (tests/apps/wordstat: reads a boot file, its
# arguments and stdin, exits with a chosen status), through the Makefile as a user types it:
#   1. `make userspace-check APP=...`: native, `bareflow run --tier interp|auto|jit` and QEMU print the
#      same and exit 7;
#   2. `make qemu APP=...`: QEMU's exit status (qemu-run's, the recipe's) is the program's, 7;
#   3. bad input: a missing path, a source that does not compile, a program without main: each one line
#      naming the file, non-zero exit;
#   4. with --converge: `make converge APP=...` then `make qemu-appliance APP=...` match the native build.
# Prints `user-app: P passed, F failed` (tools/test-summary counts it); exit status 1 when one failed.
# usage: tests/apps/user-app.sh [--converge]   (from the repository root; MAKE_ARGS: extra make arguments)
set -uo pipefail
converge=0; [ "${1:-}" = --converge ] && converge=1
make=(make --no-print-directory LLVM=system ${MAKE_ARGS:-})
app=(APP=tests/apps/wordstat "ARGS=boot/hello.txt 4 7" FILES=tests/boot/hello.txt STDIN=tests/apps/wordstat/stdin.txt)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "user-app: ok: $1"; passed=$((passed + 1)); }
bad() { echo "user-app: FAILED: $1"; [ -z "${2:-}" ] || tail -15 "$2"; failed=$((failed + 1)); }

# 1. Every way of running it agrees with the native build, exit status 7 included.
"${make[@]}" userspace-check "${app[@]}" > "$work/check.log" 2>&1; rc=$?
same=$(grep -c -E '^app-check: wordstat: .*: same output, exit 7$' "$work/check.log")
if [ $rc -eq 0 ] && [ "$same" -eq 4 ] && grep -q '^app-check: wordstat: native: exit 7' "$work/check.log"; then
  ok "userspace-check: native, interp, auto, jit and QEMU: same output, exit 7"
else
  bad "userspace-check (status $rc, $same of 4 runs matched)" "$work/check.log"
fi

# 2. `make qemu` ends with the program's status (make reports its recipe's status as "Error N").
"${make[@]}" qemu "${app[@]}" > "$work/qemu.log" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q '^wordstat: exit 7' "$work/qemu.log" && grep -q -E '\[.*qemu\] Error 7$' "$work/qemu.log"; then
  ok "make qemu APP=...: the program ran, QEMU's exit status is 7"
else
  bad "make qemu APP=... (make status $rc; want the program's output and 'Error 7')" "$work/qemu.log"
fi

# 3. Bad input: one line naming the input, non-zero exit.
printf 'int main(void) { return undefined_name; }\n' > "$work/broken.c"
expect_error() { # what, expected text, make arguments...
  local what=$1 text=$2; shift 2
  "${make[@]}" "$@" > "$work/err.log" 2>&1; local rc=$?
  local lines; lines=$(grep -c -F "$text" "$work/err.log")
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ]; then
    ok "$what: $(grep -F "$text" "$work/err.log")"
  else
    bad "$what (status $rc; want one line with '$text')" "$work/err.log"
  fi
}
expect_error "a missing path" "APP: 'tests/apps/no-such-app' does not exist" qemu APP=tests/apps/no-such-app
expect_error "a source that does not compile" "'$work/broken.c' does not compile ($work/broken.c:1:" \
  userspace-check APP="$work/broken.c"
expect_error "no main" "'tests/apps/wordstat/count.c' defines no main()" userspace-check APP=tests/apps/wordstat/count.c
expect_error "a missing boot file" "FILES: boot file 'no-such-file.txt' does not exist" qemu "${app[@]:0:2}" FILES=no-such-file.txt

# 4. Converged appliance (slow under TCG: part of `make test-apps`).
if [ $converge = 1 ]; then
  "${make[@]}" converge "${app[@]}" > "$work/converge.log" 2>&1 && "${make[@]}" qemu-appliance "${app[@]}" >> "$work/converge.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && grep -q '^app-converge: wordstat: no tier change' "$work/converge.log" \
    && grep -q '^app-check: wordstat: QEMU, converged appliance: same output, exit 7$' "$work/converge.log"; then
    ok "make converge && make qemu-appliance: $(grep '^app-converge: ' "$work/converge.log")"
  else
    bad "converge + qemu-appliance (status $rc)" "$work/converge.log"
  fi
fi
echo "user-app: $passed passed, $failed failed"
[ $failed -eq 0 ]
