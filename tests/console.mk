# Console (issue G): the interactive tinyllama appliance, driven through QEMU's keyboard.
#   make test-interactive   boots the AOT-compiled tinyllama appliance in `-m chat` mode, types two prompts
#                           with the monitor's `sendkey`, checks the answers on serial equal the native
#                           build's, and writes the VGA screendump to build/interactive/screen.png (< 1 min TCG)
#   make test-gdb-jit       `bareflow run --tier jit --opt 2` under `gdb -batch`: a pending breakpoint by name stops
#                           in JIT-compiled code of a -g app, with a backtrace (userspace half of issue G item 4)
# The build recipe is appliance-check's (root Makefile) into build/interactive/. See docs/tinyllama.md.

INTERACTIVE := $(BUILD)/interactive

.PHONY: interactive-appliance test-interactive test-gdb-jit

interactive-appliance: app
	@mkdir -p $(INTERACTIVE)
	cd $(INTERACTIVE) && $(TL_CC) $(TL_CFLAGS) -O2 -fno-stack-protector -fno-pic -c $(addprefix $(CURDIR)/,$(TL_SRC))
	tools/mkappliance $(INTERACTIVE)/appliance.elf $(INTERACTIVE)/*.o
	tools/mkimage $(INTERACTIVE)/appliance.elf $(INTERACTIVE) "" $(TL_MODEL) $(TL_DIR)/model/tokenizer.bin >/dev/null

test-interactive: interactive-appliance
	cargo test --release --test interactive

test-gdb-jit: $(DEPS_STAMP)
	cargo test --release --test gdb_jit
