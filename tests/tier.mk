# Tiered execution (docs/tiering.md), included from the root Makefile.
#   make test-tier-conformance   conformance corpus under `--tier auto --thresholds min` (default compile
#                                threads: one on a machine with more than one CPU), default thresholds with
#                                synchronous compiles (`--jit-threads 0`), and with one compile thread (`--jit-threads 1`)
#   make test-tier-csmith        csmith seeds under the same three settings
#   make test-tiering            tests/tiering.rs (native-call tier-up, bareflow report, bareflow.h in every tier)
#                                tests/memsize.rs (size-versioned memory calls), tests/unrolljam.rs (guarded
#                                unroll-and-jam), tests/prefetch.rs (prefetch of streamed rows) and tests/peeling.rs
#                                (no profile-based peeling of loops that call out)
#   make bench-jit               native -O3 vs --tier auto (tools/bench-jit.py)
TIER_TESTS := test-tier-conformance test-tier-csmith test-tiering

.PHONY: $(TIER_TESTS)

test-tier-conformance:
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--thresholds min" $(TEST_LOG) test-tier-conformance cargo test --release --test conformance -- --nocapture
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--jit-threads 0" $(TEST_LOG) test-tier-conformance cargo test --release --test conformance -- --nocapture
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--jit-threads 1" $(TEST_LOG) test-tier-conformance cargo test --release --test conformance -- --nocapture

test-tiering:
	$(TEST_LOG) test-tiering cargo test --release --test tiering
	$(TEST_LOG) test-tiering cargo test --release --test memsize
	$(TEST_LOG) test-tiering cargo test --release --test unrolljam
	$(TEST_LOG) test-tiering cargo test --release --test prefetch
	$(TEST_LOG) test-tiering cargo test --release --test peeling

test-tier-csmith:
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--thresholds min" $(TEST_LOG) test-tier-csmith cargo test --release --test csmith -- --nocapture
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--jit-threads 0" $(TEST_LOG) test-tier-csmith cargo test --release --test csmith -- --nocapture
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--jit-threads 1" $(TEST_LOG) test-tier-csmith cargo test --release --test csmith -- --nocapture

# make bench-jit: native clang-19 -O3 -march=native vs `bareflow run --tier auto` (whole process,
# steady state by size difference, compile latency per tier); tables in build/bench-jit.txt
# (default: a*b+c rounded twice, as the interpreter) and build/bench-jit-fp-contract.txt
# (`--fp-contract`: fused multiply-adds, the choice clang -march=native makes).
.PHONY: bench-jit
bench-jit: host
	nice python3 tools/bench-jit.py --bareflow $(BAREFLOW_HOST) --runs 5 --out $(BUILD)/bench-jit.txt
	nice python3 tools/bench-jit.py --bareflow $(BAREFLOW_HOST) --runs 5 --fp-contract --out $(BUILD)/bench-jit-fp-contract.txt
