# Tiering (issue D) targets, included from the root Makefile.
#   make test-tier-conformance   conformance corpus under `--tier auto --thresholds min` and defaults
#   make test-tier-csmith        csmith seeds under the same two settings
TIER_BIN ?= $(CURDIR)/target/release/bareflow
TIER_TESTS := test-tier-conformance test-tier-csmith

.PHONY: $(TIER_TESTS)

test-tier-conformance:
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--thresholds min" cargo test --release --test conformance -- --nocapture
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="" cargo test --release --test conformance -- --nocapture

test-tier-csmith:
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="--thresholds min" cargo test --release --test csmith -- --nocapture
	BAREFLOW_TIER=auto BAREFLOW_FLAGS="" cargo test --release --test csmith -- --nocapture
