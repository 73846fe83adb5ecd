#!/usr/bin/env bash
# Real programs through the APP= path (docs/apps.md): zlib, SQLite and Lua, fetched as pinned
# crates.io source crates (apps/crates.txt, tools/fetch-crate) into build/crates/, each around a program
# of our own (apps/zlib-check, apps/sql-runner, apps/lua-runner), and a C++ program of our own
# (apps/cpp-demo: containers, virtual calls, templates, exceptions), with inputs in tests/apps/.
#   short (default, in `make test`): `make userspace-check APP=...` on a small input: the native build,
#     `bareflow run --tier interp|auto|jit` and QEMU (auto) print the same and exit with the same status;
#   --full (`make test-apps`): larger inputs, then `make converge APP=...` and `make qemu-appliance APP=...`.
# Each ok or FAILED line ends with the time its make steps took; a converged app is followed by
# app-converge's per-boot table. Prints `real-apps: P passed, F failed`
# (tools/test-summary counts it); exit status 1 when one failed.
# usage: tests/apps/real-apps.sh [--full] [zlib|sqlite|lua|cpp...]   (from the repository root)
set -uo pipefail
full=0; [ "${1:-}" = --full ] && { full=1; shift; }
apps=("$@"); [ ${#apps[@]} -gt 0 ] || apps=(zlib sqlite lua cpp)
crates=build/crates
grep -v '^#' apps/crates.txt | while read -r name version sum; do
  tools/fetch-crate "$name" "$version" "$sum" "$crates" || exit 1
done || { echo "real-apps: 0 passed, 1 failed (the crates could not be fetched)"; exit 1; }
crate_dir() { echo "$crates/$(awk -v n="$1" '$1 == n { print $1 "-" $2 }' apps/crates.txt)"; }

# The make arguments of each app, short or full.
args_zlib() {
  local z; z=$(crate_dir libz-sys)/src/zlib
  echo APP="apps/zlib-check/zcheck.c $(printf "$z/%s.c " adler32 crc32 deflate inflate inffast inftrees trees zutil)"
  echo "APP_CFLAGS=-DZ_PREFIX -I$z"
  if [ $full = 1 ]; then
    echo "FILES=tests/boot/hello.txt docs/architecture.md docs/libc-abi.md app-tinyllama/model/tokenizer.bin"
    echo "ARGS=boot/hello.txt boot/architecture.md boot/libc-abi.md boot/tokenizer.bin"
  else
    echo "FILES=tests/boot/hello.txt docs/apps.md"; echo "ARGS=boot/hello.txt boot/apps.md"
  fi
}
args_sqlite() {
  echo "APP=apps/sql-runner/sqlrun.c $(crate_dir libsqlite3-sys)/sqlite3/sqlite3.c"
  echo "APP_CFLAGS=-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_MEMSTATUS=0"
  if [ $full = 1 ]; then
    echo "FILES=tests/apps/sql/short.sql tests/apps/sql/full.sql"; echo "ARGS=boot/short.sql boot/full.sql"
  else
    echo "FILES=tests/apps/sql/short.sql"; echo "ARGS=boot/short.sql"
  fi
}
args_lua() {
  local l; l=$(crate_dir lua-src)/lua-5.4.8
  echo "APP=apps/lua-runner/luarun.c $(find "$l" -maxdepth 1 -name '*.c' | sort | tr '\n' ' ')"
  echo "APP_CFLAGS=-DLUA_USE_POSIX -I$l"
  if [ $full = 1 ]; then
    echo "FILES=$(ls tests/apps/lua/*.lua | tr '\n' ' ')"
    echo "ARGS=$(cd tests/apps/lua && ls *.lua | sed 's|^|boot/|' | tr '\n' ' ')"
  else
    echo "FILES=tests/apps/lua/short.lua"; echo "ARGS=boot/short.lua"
  fi
}

args_cpp() {
  echo APP=apps/cpp-demo
  if [ $full = 1 ]; then
    echo "FILES=tests/apps/cpp/parts.txt tests/apps/cpp/more.txt"; echo "ARGS=boot/parts.txt boot/more.txt"
  else
    echo "FILES=tests/apps/cpp/parts.txt"; echo "ARGS=boot/parts.txt"
  fi
}
# A QEMU boot of Lua under --tier auto (interpreted, then ~130 compiles under TCG) took more than app-check's
# default 300 s on the shared 2-core host (load 16): the time-out guards against a hang, not a slow host.
make=(make --no-print-directory LLVM=system APP_TIMEOUT=900)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for app in "${apps[@]}"; do
  mapfile -t margs < <("args_$app")
  log=$work/$app.log
  t0=$SECONDS
  "${make[@]}" userspace-check "${margs[@]}" > "$log" 2>&1; rc=$?
  took="userspace-check $((SECONDS - t0)) s"
  runs=$(grep -c -E '^app-check: [^:]+: (bareflow run|QEMU).*: same output, exit [0-9]+$' "$log")
  if [ $rc -eq 0 ] && [ "$runs" -eq 4 ]; then
    echo "real-apps: ok: $app: $(grep -m1 '^app-check: .*native: ' "$log" | sed 's/^app-check: //'); interp, auto, jit, QEMU the same ($took)"
    passed=$((passed + 1))
  else
    echo "real-apps: FAILED: $app: userspace-check (status $rc, $runs of 4 runs matched; $took)"; tail -20 "$log"
    failed=$((failed + 1)); continue
  fi
  [ $full = 1 ] || continue
  t0=$SECONDS
  "${make[@]}" converge "${margs[@]}" > "$log" 2>&1; rc=$?
  took="converge $((SECONDS - t0)) s" t0=$SECONDS
  if [ $rc -eq 0 ]; then
    "${make[@]}" qemu-appliance "${margs[@]}" >> "$log" 2>&1; rc=$?
    took="$took, qemu-appliance $((SECONDS - t0)) s"
  fi
  if [ $rc -eq 0 ] && grep -q -E '^app-check: [^:]+: QEMU, converged appliance: same output' "$log"; then
    echo "real-apps: ok: $app: converged ($(grep '^app-converge: ' "$log" | sed 's/^app-converge: [^:]*: //')), appliance the same ($took)"
    grep -E '^ *(boot|[0-9]+) ' "$log" | sed "s/^/real-apps:   $app: /" # app-converge's per-boot table
    passed=$((passed + 1))
  else
    echo "real-apps: FAILED: $app: converge + qemu-appliance (status $rc; $took)"; tail -20 "$log"
    failed=$((failed + 1))
  fi
done
echo "real-apps: $passed passed, $failed failed"
[ $failed -eq 0 ]
