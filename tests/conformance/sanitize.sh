#!/usr/bin/env bash
# Check the conformance corpus for undefined behaviour: build every program natively with
# -fsanitize=undefined,address (clang-19; needs Debian's libclang-rt-19-dev) and with plain -O0 and -O2,
# run all three, and require identical stdout and exit status. Usage: sanitize.sh [WORK_DIR]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-/tmp/conformance-sanitize}"
mkdir -p "$work"
clang="${CLANG:-clang-19}"
fail=0; count=0
for prog in "$here"/*.c "$here"/*/; do
    if [ -d "$prog" ]; then srcs=("$prog"*.c); main="$prog/main.c"; name=$(basename "$prog"); else srcs=("$prog"); main="$prog"; name=$(basename "$prog" .c); fi
    [ -e "${srcs[0]}" ] || continue
    args=()
    argline=$(grep -m1 '^// ARGS:' "$main" | sed 's|^// ARGS:||')
    [ -n "$argline" ] && eval "args=($argline)"
    count=$((count + 1))
    for mode in O0 O2 san; do
        case $mode in
            san) flags=(-O1 -g -fsanitize=undefined,address -fno-sanitize-recover=all) ;;
            *) flags=(-$mode) ;;
        esac
        if ! "$clang" "${flags[@]}" -w -I"$here" "${srcs[@]}" -o "$work/$name.$mode" -lm 2> "$work/$name.$mode.cc"; then
            echo "FAIL $name: $mode compile: $(head -3 "$work/$name.$mode.cc")"; fail=$((fail + 1)); continue 2
        fi
        timeout 60 "$work/$name.$mode" "${args[@]}" > "$work/$name.$mode.out" 2> "$work/$name.$mode.err"
        echo $? > "$work/$name.$mode.rc"
    done
    if cmp -s "$work/$name.O0.out" "$work/$name.O2.out" && cmp -s "$work/$name.O0.out" "$work/$name.san.out" &&
       cmp -s "$work/$name.O0.rc" "$work/$name.O2.rc" && cmp -s "$work/$name.O0.rc" "$work/$name.san.rc"; then
        echo "ok   $name"
    else
        echo "FAIL $name: outputs or exit codes differ (O0/O2/sanitized); sanitizer says:"; head -5 "$work/$name.san.err"
        fail=$((fail + 1))
    fi
done
echo "conformance-sanitize: $((count - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
