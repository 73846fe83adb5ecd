# irvm (the interpreter) test and benchmark targets, included by the root Makefile.
#   make test-conformance   C conformance corpus (tests/conformance/, -O0 and -O2) vs native
#   make test-semantics     tests/semantics.rs: setjmp/longjmp, weak symbols, inline asm... in every tier vs native
#   make test-csmith        csmith differential test, 20 fixed seeds (tests/csmith/seeds.txt)
#   make fuzz-diff [N=200] [SEED=S]   csmith with N random seeds; failures saved in build/fuzz-diff/
#   make bench-interp       native -O2 vs irvm vs lli-19 -force-interpreter (build/bench-interp.txt)
#   make conformance-sanitize   build+run the corpus natively with ASan+UBSan (needs libclang-rt-19-dev): no
#                               program of the corpus may have undefined behaviour (part of `make test`)
# Engine knobs (read by the tests): BAREFLOW_TIER (default interp), BAREFLOW_FLAGS, BAREFLOW_BIN.
# Tool packages: clang-19 llvm-19 (llvm-link-19, lli-19), csmith, libcsmith-dev, libclang-rt-19-dev.

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

bench-interp: host
	python3 tools/bench-interp.py --bareflow $(BAREFLOW_HOST) --out $(BUILD)/bench-interp.txt

conformance-sanitize: $(DEPS_STAMP)
	$(TEST_LOG) conformance-sanitize tests/conformance/sanitize.sh $(BUILD)/conformance-sanitize
