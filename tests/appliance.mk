# Tests of the pure-native appliance (appliance/appliance.mk builds it), included by the root Makefile.
#   make appliance-check    boots the CPU-neutral AOT appliance (`make aot-appliance`) on app-tinyllama's workload:
#                           its greedy output must equal the native build's
#   make test-interactive   boots the same build (`make interactive-appliance`) in `-m chat` mode, types two
#                           prompts with the monitor's `sendkey`, checks the answers on serial equal the native
#                           build's and the VGA text buffer (read through the monitor) shows the serial console's
#                           last rows; writes the VGA screendump to build/interactive/screen.png (< 1 min TCG)
# See docs/tinyllama.md.

APPLIANCE_TESTS := appliance-check test-interactive

.PHONY: $(APPLIANCE_TESTS)

# The guest's exit status and every command of the pipe count (.SHELLFLAGS has pipefail).
appliance-check: aot-appliance
	$(QEMU_RUN) --initrd $(APPCHECK)/initrd.tar $(APPCHECK)/appliance.elf -- /boot/model.bin -n 48 -t 0 -i "'And God said'" \
	  | tr -d '\r' | grep -v -e '^core-rt: ' -e '^achieved tok/s' > $(APPCHECK)/qemu.txt
	$(BUILD)/tinyllama $(TL_MODEL) -n 48 -t 0 -i "And God said" 2>/dev/null > $(APPCHECK)/native.txt
	diff $(APPCHECK)/native.txt $(APPCHECK)/qemu.txt && echo "appliance-check: identical greedy output ($$(wc -c < $(APPCHECK)/native.txt) bytes)"

test-interactive: interactive-appliance
	$(TEST_LOG) test-interactive cargo test --release --test interactive
