# irvm (the interpreter) test and benchmark targets, included by the root Makefile.
#   make test-conformance   C conformance corpus (tests/conformance/, -O0 and -O2) vs native
#   make test-semantics     tests/semantics.rs: setjmp/longjmp, weak symbols, inline asm... in every tier vs native
#   make test-csmith        csmith differential test, 20 fixed seeds (tests/csmith/seeds.txt)
#   make fuzz-diff [N=200] [SEED=S]   csmith with N random seeds; failures saved in build/fuzz-diff/
#   make bench-interp       native -O2 vs irvm (vectorized and unvectorized bitcode) vs wasmi vs
#                           lli-19 -force-interpreter (build/bench-interp.txt)
#   make conformance-sanitize   build+run the corpus natively with ASan+UBSan (needs libclang-rt-19-dev): no
#                               program of the corpus may have undefined behaviour (part of `make test`)
# Engine knobs (read by the tests): BAREFLOW_TIER (default interp), BAREFLOW_FLAGS, BAREFLOW_BIN.
# Tool packages: clang-19 llvm-19 (llvm-link-19, lli-19), csmith, libcsmith-dev, libclang-rt-19-dev,
# wasi-libc and libclang-rt-19-dev-wasm32 (the wasm32-wasi builds that wasmi runs).

IRVM_TESTS := test-conformance test-semantics test-csmith conformance-sanitize
N ?= 200
SEED ?=

.PHONY: test-conformance test-semantics test-csmith fuzz-diff bench-interp conformance-sanitize $(IRVM_TESTS)

test-conformance:
	$(TEST_LOG) test-conformance cargo test --release --test conformance -- --nocapture

test-semantics:
	$(TEST_LOG) test-semantics cargo test --release --test semantics

test-csmith:
	CSMITH_MODE=$${CSMITH_MODE:-fixed} $(TEST_LOG) test-csmith cargo test --release --test csmith -- --nocapture

fuzz-diff:
	CSMITH_MODE=random CSMITH_COUNT=$(N) CSMITH_SEED=$(SEED) cargo test --release --test csmith -- --nocapture

# wasmi, the register-based WebAssembly interpreter in Rust, is the column irvm is measured against:
# its command-line runner from crates.io at a pinned version, built once into build/ (cargo install
# runs from / so that this repository's cargo configuration does not change how it is compiled).
WASMI_VERSION := 2.0.0
WASMI_ROOT := $(abspath $(BUILD))/wasmi-$(WASMI_VERSION)
WASMI_CLI := $(WASMI_ROOT)/bin/wasmi

$(WASMI_CLI):
	cd / && cargo install --locked --quiet --version $(WASMI_VERSION) wasmi_cli --root $(WASMI_ROOT)

# BENCH_INTERP_FLAGS: more options of tools/bench-interp.py, e.g. --baseline OLD_BAREFLOW (a same-run
# before/after), --only fib,matmul, --no-lli.
BENCH_INTERP_FLAGS ?=
bench-interp: host $(WASMI_CLI) $(DEPS_STAMP)
	python3 tools/bench-interp.py --bareflow $(BAREFLOW_HOST) --wasmi $(WASMI_CLI) --out $(BUILD)/bench-interp.txt \
		$(BENCH_INTERP_FLAGS)

conformance-sanitize: $(DEPS_STAMP)
	$(TEST_LOG) conformance-sanitize tests/conformance/sanitize.sh $(BUILD)/conformance-sanitize
