# Issue F ("Shrink") targets, included from the root Makefile.
#   make test-shrink          tests/shrink.rs: warm start from a run snapshot (same output, nothing
#                             compiled), corrupt / mismatched / foreign snapshots, jit_optimize_hot_functions()
#   make userspace-converge   app-tinyllama run repeatedly on one state directory until no function
#                             changes tier: per-run table + time to peak tok/s, cold vs warm
#                             (tools/converge.py; table in build/converge-userspace.txt)
SHRINK_TESTS := test-shrink
CONVERGE_STATE ?= $(BUILD)/state-userspace

.PHONY: test-shrink userspace-converge

test-shrink: app
	cargo test --release --test shrink

userspace-converge: app
	cargo build --release
	nice python3 tools/converge.py --bareflow target/release/bareflow --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --state $(CONVERGE_STATE) --fresh --steps 256 --max-runs 6 --pairs 5 \
	  --out $(BUILD)/converge-userspace.txt
