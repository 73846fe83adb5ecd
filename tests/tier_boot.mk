# Tiered execution inside the unikernel and GDB on JIT-compiled code, included from the root Makefile.
#   make test-tier-boot   tests/tier_boot.rs under TCG: tests/tier_boot/prog.c under `bareflow run --tier auto
#                         --verbose` in QEMU and as a Linux process (both print what the native build prints,
#                         same tier decisions), and gdb
#                         attached to QEMU's stub stopping in JIT-compiled code by name, core-rt's dlsym,
#                         bareflow.h's answers in every tier as in userspace, a warm boot
#                         linking specialized objects from the state disk, rounding libcalls of JIT code
#                         (floor, fma... for a CPU without SSE4.1 or FMA) resolved in the kernel; and
#                         tests/unrolljam_boot.rs: a jammed loop nest made, linked warm and exported
#   make test-gdb-jit     the same gdb session on the Linux process: `bareflow run --tier jit --opt 2` under
#                         `gdb -batch`, a pending breakpoint by name stops in JIT-compiled code of a -g app
#   make qemu-gdb-jit     by hand, terminal 1: QEMU paused with its gdb stub on port 1234, about to run
#                         tests/gdb_jit/prog.c (-g) with `bareflow run --tier jit --opt 2`
#   make gdb-jit          terminal 2: gdb with the kernel's symbols, a pending breakpoint on collatz_steps
#                         (JIT code registers through the GDB JIT interface); then `continue`, `bt`
# See docs/tiering.md ("Bare metal").

TIER_BOOT_TESTS := test-tier-boot test-gdb-jit
GDB_JIT_DIR := $(BUILD)/gdb-jit
GDB_JIT_CMDLINE := run --tier jit --opt 2 --verbose /boot/prog.bc

.PHONY: $(TIER_BOOT_TESTS) qemu-gdb-jit gdb-jit

test-tier-boot: image
	$(TEST_LOG) test-tier-boot cargo test --release --test tier_boot -- --nocapture
	$(TEST_LOG) test-tier-boot cargo test --release --test unrolljam_boot -- --nocapture

test-gdb-jit: $(DEPS_STAMP)
	$(TEST_LOG) test-gdb-jit cargo test --release --test gdb_jit

$(GDB_JIT_DIR)/prog.bc: tests/gdb_jit/prog.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	clang-19 -g -O1 -fno-unwind-tables -emit-llvm -c $< -o $@

qemu-gdb-jit: kernel $(GDB_JIT_DIR)/prog.bc
	tools/mkimage $(KERNEL) $(GDB_JIT_DIR) "$(GDB_JIT_CMDLINE)" $(GDB_JIT_DIR)/prog.bc
	$(QEMU_RUN) --accel tcg --timeout 3600 --gdb 1234 --initrd $(GDB_JIT_DIR)/initrd.tar $(KERNEL) -- $(GDB_JIT_CMDLINE)

gdb-jit:
	gdb $(KERNEL) -ex "set backtrace past-main on" -ex "set breakpoint pending on" \
	  -ex "target remote localhost:1234" -ex "break collatz_steps"
