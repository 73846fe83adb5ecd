# BareFlow — the user's interface. Each target is a few lines calling cargo or a script.
# `make qemu` builds and boots the demo; `make test` runs every test. See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := qemu
BUILD := build

# Debian packages this project needs; `make deps` installs what is missing (apt-get update first).
APT_PACKAGES := clang-19 llvm-19 llvm-19-dev libpolly-19-dev lld-19 qemu-system-x86 grub-pc-bin xorriso mtools \
	gdb csmith libcsmith-dev libclang-rt-19-dev libzstd-dev zlib1g-dev libxml2-dev libffi-dev libz3-dev cmake ninja-build \
	python3-numpy
DEPS_STAMP := $(BUILD)/.deps-ok

$(DEPS_STAMP):
	@tools/install-deps.sh $(APT_PACKAGES)
	@mkdir -p $(BUILD) && touch $@

.PHONY: deps
deps: $(DEPS_STAMP)

# Component fragments: each owns its targets (documented in the fragment).
-include app-tinyllama/app.mk
-include tests/irvm.mk
-include llvm-build/llvm.mk
# Tiering (issue D): TIER_TESTS (corpus and csmith under --tier auto, tiering tests) are part of `make test`.
-include tests/tier.mk
-include tests/console.mk
# Snapshots, warm start, convergence (issue F): SHRINK_TESTS, make userspace-converge.
-include tests/shrink.mk
# Tiered execution and GDB on JIT code inside the unikernel: TIER_BOOT_TESTS are part of `make test`.
-include tests/tier_boot.mk

# ---- The kernel image -------------------------------------------------------------------
# The same `bareflow` program, linked against core-rt instead of glibc (see docs/architecture.md).
KERNEL := $(BUILD)/bareflow.elf
KERNEL_TARGET_DIR := target/kernel
KERNEL_RUSTFLAGS := -C relocation-model=static -C target-feature=+crt-static -C force-frame-pointers=yes
KERNEL_FEATURES ?= baremetal llvm
# Files the kernel sees under /boot (the symbol map is always added by tools/mkimage): the demo's
# text file and app-tinyllama (bitcode, model, tokenizer).
BOOT_MODULES ?= tests/boot/hello.txt $(BUILD)/tinyllama.bc $(TL_MODEL) $(TL_DIR)/model/tokenizer.bin
# Default command line of `make qemu` / the ISO: app-tinyllama's bitcode, interpreted and tiered up
# by the JIT, with the tier log (each line: function, old -> new tier, heat, compile time).
# The Rust std demo: `make qemu CMDLINE="demo --read /boot/hello.txt"`.
# With the state disk (`STATE_DISK`, /dev/state in the guest) each boot saves a run snapshot
# (profile, tiers, compiled code) and the next boot starts warm from it (docs/state.md).
CMDLINE ?= run --tier auto --verbose --state /dev/state /boot/tinyllama.bc -- /boot/model.bin -n 100 -t 0 -i \"And God said\"
# The raw state disk `make qemu` attaches, created (64 MiB, empty) on first use. Delete it to boot
# cold again; `make converge` starts it afresh.
STATE_DISK ?= $(BUILD)/state.img
QEMU_RUN := tools/qemu-run
QEMU_FLAGS ?=

.PHONY: kernel image qemu qemu-iso qemu-gdb gdb host userspace-check test test-host test-boot

kernel: $(DEPS_STAMP)
	LLVM_SYS_191_PREFIX=$(LLVM_PREFIX) RUSTFLAGS="$(KERNEL_RUSTFLAGS)" cargo build --release --target x86_64-unknown-linux-gnu \
	  --no-default-features --features "$(KERNEL_FEATURES)" --target-dir $(KERNEL_TARGET_DIR)
	@mkdir -p $(BUILD)
	cp $(KERNEL_TARGET_DIR)/x86_64-unknown-linux-gnu/release/bareflow $(KERNEL)
	cp $(KERNEL_TARGET_DIR)/x86_64-unknown-linux-gnu/release/bareflow.map $(BUILD)/bareflow.map
	@echo "kernel: $(KERNEL), .text $$(size -A $(KERNEL) | awk '$$1==".text"{printf "%d bytes (%.2f MB, %.2f MiB)", $$2, $$2/1e6, $$2/1048576}')"

image: kernel $(BOOT_MODULES)
	tools/mkimage $(KERNEL) $(BUILD) "$(CMDLINE)" $(BOOT_MODULES)

qemu: image $(STATE_DISK)
	$(QEMU_RUN) $(QEMU_FLAGS) --disk $(STATE_DISK) --initrd $(BUILD)/initrd.tar $(KERNEL) -- $(CMDLINE)

$(STATE_DISK):
	@mkdir -p $(@D)
	truncate -s 64M $@
	@echo "state: created $@ (64 MiB, empty: the first boot is cold; delete the file to start over)"

qemu-iso: image
	$(QEMU_RUN) $(QEMU_FLAGS) --iso $(BUILD)/bareflow.iso

# QEMU paused with its gdb stub on tcp port 1234; attach with `make gdb` from another terminal.
qemu-gdb: image $(STATE_DISK)
	$(QEMU_RUN) --accel tcg --timeout 3600 --gdb 1234 --disk $(STATE_DISK) --initrd $(BUILD)/initrd.tar $(KERNEL) -- $(CMDLINE)

gdb:
	gdb $(KERNEL) -ex "set backtrace past-main on" -ex "target remote localhost:1234"

# The Linux build of the same program.
host: $(DEPS_STAMP)
	cargo build --release

userspace-check: image host
	tools/userspace-check $(KERNEL) $(BUILD)/initrd.tar

# A C program on core-rt alone: app-tinyllama compiled ahead of time (CPU-neutral -O2), linked into
# an appliance kernel, booted; its greedy output must equal the native build's. (The real appliance,
# from the converged snapshot, is `make appliance`: issue F.)
APPCHECK := $(BUILD)/appcheck
.PHONY: appliance-check
appliance-check: app
	@mkdir -p $(APPCHECK)
	cd $(APPCHECK) && $(TL_CC) $(TL_CFLAGS) -O2 -fno-stack-protector -fno-pic -c $(addprefix $(CURDIR)/,$(TL_SRC))
	tools/mkappliance $(APPCHECK)/appliance.elf $(APPCHECK)/*.o
	tools/mkimage $(APPCHECK)/appliance.elf $(APPCHECK) "" $(TL_MODEL) $(TL_DIR)/model/tokenizer.bin >/dev/null
	tools/qemu-run --initrd $(APPCHECK)/initrd.tar $(APPCHECK)/appliance.elf -- /boot/model.bin -n 48 -t 0 -i "'And God said'" \
	  | tr -d '\r' | grep -v -e '^core-rt: ' -e '^achieved tok/s' > $(APPCHECK)/qemu.txt
	$(BUILD)/tinyllama $(TL_MODEL) -n 48 -t 0 -i "And God said" 2>/dev/null > $(APPCHECK)/native.txt
	diff $(APPCHECK)/native.txt $(APPCHECK)/qemu.txt && echo "appliance-check: identical greedy output ($$(wc -c < $(APPCHECK)/native.txt) bytes)"

# Boot-to-main under KVM (when usable) and TCG: the JIT image, and an appliance (core-rt + the
# app's AOT code: appliance-check's; `make appliance` gives the snapshot-built one, same runtime).
.PHONY: bench-boot
bench-boot: image appliance-check
	tools/bench-boot $(KERNEL) $(BUILD)/initrd.tar 7 "JIT image"
	tools/bench-boot $(APPCHECK)/appliance.elf $(APPCHECK)/initrd.tar 7 "appliance"

# Unit tests of every crate and the integration tests of the library crates; the root
# package's integration tests (boot, conformance, csmith...) run from their own targets.
test-host: $(DEPS_STAMP)
	cargo test --workspace --release --exclude bareflow --exclude bareflow-appliance
	cargo test --release -p bareflow --bins

test-boot: image
	cargo test --release --test boot --test libc_abi --test runtime_api --test crash

# The tree's habits: formatted (rustfmt.toml) and clippy-clean with the workspace lints. The appliance
# crate is checked apart: its build script needs the app's objects to link, which a check never does.
.PHONY: lint
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --exclude bareflow-appliance -- -D warnings
	BAREFLOW_APP_OBJECTS=/dev/null cargo clippy -p bareflow-appliance -- -D warnings

# Everything `make test` runs; fragments add theirs (IRVM_TESTS, APP_TESTS...).
test: lint test-host test-boot appliance-check test-interactive test-gdb-jit $(IRVM_TESTS) $(APP_TESTS) $(TIER_TESTS) $(SHRINK_TESTS) $(TIER_BOOT_TESTS)
	@echo "make test: all passed"


.PHONY: clean
clean:
	cargo clean
	rm -rf $(BUILD)
