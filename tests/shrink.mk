# Issue F ("Shrink") targets, included from the root Makefile.
#   make test-shrink          tests/shrink.rs: warm start from a run snapshot (same output, nothing
#                             compiled), corrupt / mismatched / foreign snapshots, jit_optimize_hot_functions()
#   make userspace-converge   app-tinyllama run repeatedly on one state directory until no function
#                             changes tier: per-run table + time to peak tok/s, cold vs warm
#                             (tools/converge.py; table in build/converge-userspace.txt, plot in build/converge-userspace.svg)
SHRINK_TESTS := test-shrink
CONVERGE_STATE ?= $(BUILD)/state-userspace

.PHONY: test-shrink userspace-converge

test-shrink: app
	cargo test --release --test shrink

userspace-converge: app
	cargo build --release
	nice python3 tools/converge.py --bareflow target/release/bareflow --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --state $(CONVERGE_STATE) --fresh --steps 256 --max-runs 6 --pairs 5 --native $(BUILD)/tinyllama \
	  --out $(BUILD)/converge-userspace.txt --plot $(BUILD)/converge-userspace.svg

# ---- QEMU: convergence on one state disk, then the appliance from the converged snapshot ----------
#   make converge          boots the JIT image (bitcode + model as boot files) on $(CONVERGE_DISK) until a
#                          boot changes no tier (per-boot table in build/converge-qemu.txt), then `make appliance`
#   make appliance         `bareflow aot` on the converged snapshot (live functions only, whole-program O3 with
#                          the aggregated profile, for the snapshot's CPU) + trap stubs for dead functions →
#                          tools/mkappliance → build/appliance.elf (+ build/appliance/initrd.tar, ISO)
#   make qemu-appliance    boots it on the same workload; its greedy text must equal the native build's
CONVERGE_DISK ?= $(STATE_DISK)
SHRINK_MODULES := $(BUILD)/tinyllama.bc $(TL_MODEL) $(TL_DIR)/model/tokenizer.bin
APPLIANCE_DIR := $(BUILD)/appliance
APPLIANCE_ARGS := /boot/model.bin -n 256 -t 0 -i "'And God said'"
APPLIANCE_CMDLINE := /boot/model.bin -n 256 -t 0 -i 'And God said'

.PHONY: converge appliance qemu-appliance

converge: app
	$(MAKE) image BOOT_MODULES="$(SHRINK_MODULES)"
	cargo build --release
	nice python3 tools/converge.py --bareflow target/release/bareflow --bitcode $(BUILD)/tinyllama.bc \
	  --model $(TL_MODEL) --qemu $(KERNEL) --initrd $(BUILD)/initrd.tar --state $(CONVERGE_DISK) --fresh \
	  --steps 256 --max-runs 5 --pairs 4 --out $(BUILD)/converge-qemu.txt --plot $(BUILD)/converge-qemu.svg
	$(MAKE) appliance

appliance: app
	@test -f $(CONVERGE_DISK) || { echo "appliance: no converged snapshot in $(CONVERGE_DISK): run 'make converge' first" >&2; exit 1; }
	cargo build --release
	@mkdir -p $(APPLIANCE_DIR)
	target/release/bareflow aot --state $(CONVERGE_DISK) $(BUILD)/tinyllama.bc -o $(APPLIANCE_DIR)/app.o --stubs $(APPLIANCE_DIR)/dead.s
	$(TL_CC) -c $(APPLIANCE_DIR)/dead.s -o $(APPLIANCE_DIR)/dead.o
	tools/mkappliance $(BUILD)/appliance.elf $(APPLIANCE_DIR)/app.o $(APPLIANCE_DIR)/dead.o
	tools/mkimage $(BUILD)/appliance.elf $(APPLIANCE_DIR) "$(APPLIANCE_CMDLINE)" $(TL_MODEL) $(TL_DIR)/model/tokenizer.bin >/dev/null
	@echo "appliance: $(BUILD)/appliance.elf, .text $$(size -A $(BUILD)/appliance.elf | awk '$$1==".text"{print $$2}') bytes; ISO $(APPLIANCE_DIR)/bareflow.iso"

qemu-appliance: appliance
	tools/qemu-run --initrd $(APPLIANCE_DIR)/initrd.tar $(BUILD)/appliance.elf -- $(APPLIANCE_ARGS) \
	  | tr -d '\r' | tee $(APPLIANCE_DIR)/qemu.raw | grep -v -e '^core-rt: ' -e '^achieved tok/s' -e '^qemu-run: ' > $(APPLIANCE_DIR)/qemu.txt
	$(BUILD)/tinyllama $(TL_MODEL) -n 256 -t 0 -i "And God said" 2>/dev/null > $(APPLIANCE_DIR)/native.txt
	diff $(APPLIANCE_DIR)/native.txt $(APPLIANCE_DIR)/qemu.txt && echo "qemu-appliance: same greedy output as the native build ($$(wc -c < $(APPLIANCE_DIR)/native.txt) bytes); $$(grep '^achieved tok/s' $(APPLIANCE_DIR)/qemu.raw)"

# make bench-aot: the appliance's code path on this host — `bareflow aot` on the userspace converged
# snapshot (host CPU), linked with glibc — against the native build (clang-19 -O3 -march=native):
# same greedy text, achieved tok/s median of 7 runs each.
AOT_HOST := $(BUILD)/aot-host
.PHONY: bench-aot
bench-aot: app
	@test -f $(CONVERGE_STATE)/state.img || { echo "bench-aot: run 'make userspace-converge' first" >&2; exit 1; }
	@mkdir -p $(AOT_HOST)
	target/release/bareflow aot --state $(CONVERGE_STATE) $(BUILD)/tinyllama.bc -o $(AOT_HOST)/app.o --stubs $(AOT_HOST)/dead.s
	$(TL_CC) $(AOT_HOST)/app.o $(AOT_HOST)/dead.s -lm -o $(AOT_HOST)/tinyllama-aot
	@for b in $(BUILD)/tinyllama $(AOT_HOST)/tinyllama-aot; do \
	  $$b $(TL_MODEL) -n 256 -t 0 -i "And God said" 2>/dev/null > $$b.txt; \
	  for i in 1 2 3 4 5 6 7; do $$b $(TL_MODEL) -n 256 -t 0 -i "And God said" 2>&1 >/dev/null | awk '/achieved/{print $$3}'; done \
	    | sort -n | awk -v b=$$b '{a[NR]=$$1} END {printf "bench-aot: %s: %.0f tok/s (median of %d)\n", b, a[int((NR+1)/2)], NR}'; \
	done
	cmp $(BUILD)/tinyllama.txt $(AOT_HOST)/tinyllama-aot.txt && echo "bench-aot: same greedy text"
