# Run snapshots and warm start (docs/state.md), included by the root Makefile.
#   make test-shrink   tests/shrink.rs: warm start from a run snapshot (same output, nothing compiled),
#                      corrupt / mismatched / foreign snapshots, jit_optimize_hot_functions()
# Convergence and the appliance built from the converged snapshot are product targets: appliance/appliance.mk.
SHRINK_TESTS := test-shrink

.PHONY: test-shrink

test-shrink: app
	$(TEST_LOG) test-shrink cargo test --release --test shrink --test aot
