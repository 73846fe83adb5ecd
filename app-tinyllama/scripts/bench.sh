#!/usr/bin/env bash
# bench.sh NATIVE_BIN BITCODE MODEL — tok/s of tinyllama on MODEL (tokenizer.bin beside it): the native
# build, then the bitcode under `bareflow run --tier interp` and `--tier auto` when that command works.
# Each figure is the median "achieved tok/s" of RUNS runs (default 5) with a fixed seed, prompt and length.
# Environment: RUNS, STEPS (default 256), INTERP_STEPS (default 64: the interpreter is slow),
# BAREFLOW (path of the bareflow binary; default target/x86_64-unknown-linux-gnu/release/bareflow, then the debug build).
set -euo pipefail
native=$1 bitcode=$2 model=$3
runs=${RUNS:-5} steps=${STEPS:-256} interp_steps=${INTERP_STEPS:-64}
# Greedy: deterministic, and on the shipped model it runs all positions (sampling may end early at BOS).
args=(-t 0 -s 42 -i "In the beginning")

# median_toks LABEL STEPS CMD...: run CMD RUNS times, print the median tok/s.
median_toks() {
    local label=$1 n=$2; shift 2
    local vals=() err
    for _ in $(seq "$runs"); do
        err=$("$@" -n "$n" 2>&1 >/dev/null) || { echo "$label: failed: $(echo "$err" | tail -1)"; return 1; }
        local v
        v=$(echo "$err" | sed -n 's/^achieved tok\/s: //p')
        [ -n "$v" ] || { echo "$label: no data: the run printed no 'achieved tok/s' line: $(echo "$err" | tail -1)" >&2; return 1; }
        vals+=("$v")
    done
    printf '%s\n' "${vals[@]}" | sort -g | awk -v label="$label" -v n="$n" -v runs="$runs" \
        '{v[NR]=$1} END {printf "%-28s %10.1f tok/s  (median of %d runs, %d positions)\n", label, v[int((NR+1)/2)], runs, n}'
}

echo "tinyllama bench: $model, greedy (-t 0), prompt 'In the beginning'"
median_toks "native (-O3 -march=native)" "$steps" "$native" "$model" "${args[@]}"

bareflow=${BAREFLOW:-}
if [ -z "$bareflow" ]; then
    for cand in target/x86_64-unknown-linux-gnu/release/bareflow target/x86_64-unknown-linux-gnu/debug/bareflow; do
        if [ -x "$cand" ]; then bareflow=$cand; break; fi
    done
fi
if [ -z "$bareflow" ] || [ ! -x "$bareflow" ]; then
    echo "bareflow run --tier interp|auto: not available yet (no bareflow binary; build it or set BAREFLOW)"
    exit 0
fi
for tier in interp auto; do
    n=$steps
    [ "$tier" = interp ] && n=$interp_steps
    probe=$("$bareflow" run --tier "$tier" "$bitcode" -- "$model" "${args[@]}" -n 2 2>&1 >/dev/null) || {
        case "$probe" in
            *"not implemented"*|*"not available"*)
                echo "bareflow run --tier $tier: not available yet ($(echo "$probe" | tail -1))"; continue ;;
            *) echo "bareflow run --tier $tier: failed: $(echo "$probe" | tail -1)"; exit 1 ;;
        esac
    }
    median_toks "bareflow run --tier $tier" "$n" "$bareflow" run --tier "$tier" "$bitcode" -- "$model" "${args[@]}"
done
