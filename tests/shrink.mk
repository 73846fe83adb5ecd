# Issue F ("Shrink") targets, included from the root Makefile.
#   make test-shrink          tests/shrink.rs: warm start from a run snapshot (same output, nothing
#                             compiled), corrupt / mismatched / foreign snapshots, jit_optimize_hot_functions()
#   make userspace-converge   app-tinyllama run repeatedly on one state directory until no function
#                             changes tier: per-run table + time to peak tok/s, cold vs warm
#                             (tools/converge.py; table in build/converge-userspace.txt)
SHRINK_TESTS := test-shrink
# The Linux build links Debian's LLVM: the stripped one (LLVM=auto picks it once built) is X86-only,
# and the host build of inkwell references every target's initializers.
SHRINK_HOST_ENV := LLVM_SYS_191_PREFIX=$(or $(LLVM_SYSTEM_PREFIX),/usr/lib/llvm-19)
CONVERGE_STATE ?= $(BUILD)/state-userspace

.PHONY: test-shrink userspace-converge

test-shrink: app
	$(SHRINK_HOST_ENV) cargo test --release --test shrink

userspace-converge: app
	$(SHRINK_HOST_ENV) cargo build --release
	nice python3 tools/converge.py --bareflow target/release/bareflow --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --state $(CONVERGE_STATE) --fresh --steps 256 --max-runs 6 --pairs 5 --native $(BUILD)/tinyllama \
	  --out $(BUILD)/converge-userspace.txt
