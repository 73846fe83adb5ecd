# app-tinyllama: the demo app (Llama-2 inference in C), included by the root Makefile.
#   make app          build/tinyllama (native, -O3 -march=native) and build/tinyllama.bc (whole-program bitcode)
#   make test-app     NumPy-reference, tokenizer, sampler, libc-surface and bad-input tests (< 1 minute)
#   make bench-llama  tok/s on the shipped model: native, then `bareflow run --tier interp|auto` when available
#   make bench-threads  -j 1 against -j 2 (threads), natively
#   make bench-threads-warm  the same under warm `bareflow run --tier auto --state` (stories15M shape)
#   make train        re-train app-tinyllama/model/ (Python venv in build/train-venv; ~20 min on 2 cores)
# See docs/tinyllama.md.

TL_DIR    := app-tinyllama
TL_SRC    := $(sort $(wildcard $(TL_DIR)/src/*.c))
TL_HDR    := $(wildcard $(TL_DIR)/src/*.h)
TL_CC     ?= clang-19
TL_LINK   ?= llvm-link-19
TL_DIS    ?= llvm-dis-19
TL_AS     ?= llvm-as-19
# Shared by both builds: strict C11, and no FMA contraction so native, interpreted and JIT-compiled code
# compute the same floats.
TL_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Werror -ffp-contract=off
# Native: the fastest this host can do (clang-19 warns about an AVX10 feature combination on some CPUs).
TL_NATIVE_FLAGS := -O3 -march=native -Wno-invalid-feature-combination
# Bitcode: optimized but CPU-neutral and scalar (the JIT picks the CPU and vector width at run time, irvm
# interprets scalar IR), no stack protector or unwind tables (no TLS canary / .eh_frame in the unikernel).
TL_BC_FLAGS := -O2 -fno-vectorize -fno-slp-vectorize -fno-stack-protector -fno-unwind-tables \
	-fno-asynchronous-unwind-tables
TL_BC_OBJS := $(patsubst $(TL_DIR)/src/%.c,$(BUILD)/tinyllama-bc/%.bc,$(TL_SRC))
TL_MODEL  := $(TL_DIR)/model/model.bin
TL_PY     ?= /usr/bin/python3
TL_VENV   := $(BUILD)/train-venv

.PHONY: app test-app bench-llama bench-threads bench-threads-warm train

app: $(BUILD)/tinyllama $(BUILD)/tinyllama.bc

$(BUILD)/tinyllama: $(TL_SRC) $(TL_HDR) $(TL_DIR)/app.mk | $(DEPS_STAMP)
	$(TL_CC) $(TL_CFLAGS) $(TL_NATIVE_FLAGS) $(TL_SRC) -pthread -lm -o $@

$(BUILD)/tinyllama-bc/%.bc: $(TL_DIR)/src/%.c $(TL_HDR) $(TL_DIR)/app.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TL_CC) $(TL_CFLAGS) $(TL_BC_FLAGS) -emit-llvm -c $< -o $@

# One module for the whole program; the per-function "target-cpu"/"target-features"/"tune-cpu" attributes
# (clang always writes x86-64 baseline ones) are removed so the JIT's host target machine decides.
$(BUILD)/tinyllama.bc: $(TL_BC_OBJS)
	$(TL_LINK) $(TL_BC_OBJS) -o $@.linked
	$(TL_DIS) $@.linked -o - | sed -E 's/ "(target-cpu|target-features|tune-cpu)"="[^"]*"//g' | $(TL_AS) -o $@
	@rm -f $@.linked

# Part of `make test`: nothing may be skipped there (bareflow, lli-19, llvm-nm-19 are built/installed).
APP_TESTS := test-app

test-app: app host
	TINYLLAMA_NO_SKIP=1 BAREFLOW=$(BAREFLOW_HOST) $(TEST_LOG) test-app $(TL_PY) tests/tinyllama/test_tinyllama.py

# ---- stories15M shape: dim 288, hidden 768, 6 layers, 6 heads, vocab 32000, seq_len 256 ----------------
STORIES_DIR := $(BUILD)/stories15m
STORIES_SEED ?= 15
STORIES_TOKENIZER ?= /work/shared/reference/tokenizer.bin

$(STORIES_DIR)/model.bin: $(TL_DIR)/scripts/random-checkpoint.py
	@mkdir -p $(@D)
	$(TL_PY) $< $@ --seed $(STORIES_SEED)

$(STORIES_DIR)/tokenizer.bin: $(STORIES_TOKENIZER)
	@mkdir -p $(@D)
	install -m 644 $< $@

# make bench-threads: -j 1 against -j 2 natively, round-robin medians and their ratio, on the shipped model
# (build/bench-threads.txt) and on the stories15M-shaped checkpoint of make bench-stories
# (build/bench-threads-stories.txt: 64 tokens, each reads 61 MB of weights; with the read-bandwidth limit of
# those bytes for one and two threads in the same rounds, tools/stream-probe.c).
bench-threads: app $(STORIES_DIR)/model.bin $(STORIES_DIR)/tokenizer.bin $(BUILD)/stream-probe
	python3 tools/bench-threads.py --tinyllama $(BUILD)/tinyllama --model $(TL_MODEL) --threads 2 --rounds 7 \
	  --out $(BUILD)/bench-threads.txt
	python3 tools/bench-threads.py --tinyllama $(BUILD)/tinyllama --model $(STORIES_DIR)/model.bin --steps 64 \
	  --threads 2 --rounds 7 --probe $(BUILD)/stream-probe --out $(BUILD)/bench-threads-stories.txt

# make bench-threads-warm: the same on the stories15M-shaped checkpoint under `bareflow run --tier auto --state`:
# a fresh store converged by -j 2 runs, then ROUNDS=N rounds (default 7) of warm -j 1 and -j 2 runs, each printing
# the native build's text; tok/s, the program thread's CPU time and the read-bandwidth limit of one and two
# threads in the same rounds (build/bench-threads-warm.txt). WAIT_IDLE=1:
# each round starts in a moment the CPUs are idle (a shared host).
WARM_STATE := $(BUILD)/bench-threads-warm-state

bench-threads-warm: app host $(STORIES_DIR)/model.bin $(STORIES_DIR)/tokenizer.bin $(BUILD)/stream-probe
	rm -rf $(WARM_STATE)
	python3 tools/bench-threads.py --tinyllama $(BUILD)/tinyllama --model $(STORIES_DIR)/model.bin --steps 64 \
	  --threads 2 --rounds $(or $(ROUNDS),7) --bareflow $(BAREFLOW_HOST) --bitcode $(BUILD)/tinyllama.bc \
	  --state $(WARM_STATE) --probe $(BUILD)/stream-probe $(if $(WAIT_IDLE),--wait-idle) --out $(BUILD)/bench-threads-warm.txt

bench-llama: app
	BAREFLOW=$(BAREFLOW_HOST) $(TL_DIR)/scripts/bench.sh $(BUILD)/tinyllama $(BUILD)/tinyllama.bc $(TL_MODEL)

# The corpus packages are needed only here, so they are installed here rather than by `make deps`.
TL_CORPUS_PACKAGES := fortunes fortunes-min bible-kjv bible-kjv-text

train: | $(DEPS_STAMP)
	@tools/install-deps.sh $(TL_CORPUS_PACKAGES)
	@test -x $(TL_VENV)/bin/python || python3 -m venv $(TL_VENV)
	$(TL_VENV)/bin/pip install -q -r tools/train/requirements.txt
	nice -n 10 $(TL_VENV)/bin/python tools/train/train.py --out-dir $(TL_DIR)/model --work-dir $(BUILD)/train
