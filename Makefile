# BareFlow — the user's interface. Each target is a few lines calling cargo or a script.
# `make qemu` builds and boots the demo; `make test` runs every test. See README.md.

SHELL := /bin/bash
# Every recipe line runs with -e, -u and pipefail: a command that fails anywhere in a pipeline (QEMU
# piped into tr, grep or tee) fails its target.
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := qemu
BUILD := build

# Debian packages this project needs; `make deps` installs what is missing (apt-get update first).
APT_PACKAGES := clang-19 llvm-19 llvm-19-dev libpolly-19-dev lld-19 qemu-system-x86 grub-pc-bin xorriso mtools \
	gdb csmith libcsmith-dev libclang-rt-19-dev libzstd-dev zlib1g-dev libxml2-dev libffi-dev libz3-dev cmake ninja-build \
	python3-numpy wasi-libc libclang-rt-19-dev-wasm32
# The stamp's name holds a hash of the list: a package added to it is installed on an existing checkout.
DEPS_STAMP := $(BUILD)/.deps-ok-$(shell printf '%s\n' $(APT_PACKAGES) | md5sum | cut -c1-12)

$(DEPS_STAMP):
	@tools/install-deps.sh $(APT_PACKAGES)
	@mkdir -p $(BUILD) && rm -f $(BUILD)/.deps-ok* && touch $@

.PHONY: deps
deps: $(DEPS_STAMP)

# The Linux build of `bareflow` (`make host`): benchmarks, convergence, `bareflow aot` and the
# userspace comparisons run this binary.
BAREFLOW_HOST := $(or $(CARGO_TARGET_DIR),target)/x86_64-unknown-linux-gnu/release/bareflow
# The one QEMU launcher, of these targets and of every test (tests/support/mod.rs).
QEMU_RUN := tools/qemu-run
# Guest CPUs of every QEMU boot (`make qemu SMP=2`, `make test-boot SMP=2`): exported, the launcher
# reads it. 1 by default, which keeps `make test` fast under TCG; the SMP tests ask for 2 themselves.
SMP ?= 1
export SMP
# Every test command of `make test` runs as `$(TEST_LOG) NAME COMMAND...`: its output is shown and kept
# in $(TEST_LOGS)/NAME.log, which the last step of `make test` (tools/test-summary) sums into one line.
TEST_LOGS := $(BUILD)/test-logs
TEST_LOG := TEST_LOGS=$(TEST_LOGS) tools/test-log

# Fragments: each owns its targets (documented in the fragment); a missing one is an error.
# Products: the stripped LLVM, the demo app, the pure-native appliance (and the convergence that feeds it).
include llvm-build/llvm.mk
include app-tinyllama/app.mk
include appliance/appliance.mk
# The user's path: APP= sets the image variables below to the app's (build/apps/NAME/).
include apps/apps.mk
# Tests; each fragment's list (IRVM_TESTS, TIER_TESTS...) is part of `make test`.
include tests/irvm.mk
include tests/tier.mk
include tests/shrink.mk
include tests/tier_boot.mk
include tests/appliance.mk
include tests/apps.mk

# ---- The kernel image -------------------------------------------------------------------
# The same `bareflow` program, linked against core-rt instead of glibc (see docs/architecture.md).
KERNEL := $(BUILD)/bareflow.elf
KERNEL_TARGET_DIR := target/kernel
# Where cargo leaves the kernel build (the Linux target triple: core-rt replaces glibc at link time).
KERNEL_OUT := $(KERNEL_TARGET_DIR)/x86_64-unknown-linux-gnu/release
KERNEL_RUSTFLAGS := -C relocation-model=static -C target-feature=+crt-static -C force-frame-pointers=yes
KERNEL_FEATURES ?= baremetal llvm cxx-exceptions
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
# Where `make image` writes the boot-file archive, the symbol map and the ISO.
IMAGE_DIR ?= $(BUILD)
QEMU_FLAGS ?=

.PHONY: kernel image qemu qemu-iso qemu-gdb gdb host userspace-check test test-host test-boot

kernel: $(DEPS_STAMP)
	LLVM_SYS_191_PREFIX=$(LLVM_PREFIX) RUSTFLAGS="$(KERNEL_RUSTFLAGS)" cargo build --release --target x86_64-unknown-linux-gnu \
	  --no-default-features --features "$(KERNEL_FEATURES)" --target-dir $(KERNEL_TARGET_DIR)
	@mkdir -p $(BUILD)
	@# Copied only when changed: an unchanged kernel keeps its time stamp, so the boot files `make image`
	@# made from it (kernel.sym) stay newer than it when a later target runs `make kernel` again.
	cmp -s $(KERNEL_OUT)/bareflow $(KERNEL) || cp $(KERNEL_OUT)/bareflow $(KERNEL)
	cmp -s $(KERNEL_OUT)/bareflow.map $(BUILD)/bareflow.map || cp $(KERNEL_OUT)/bareflow.map $(BUILD)/bareflow.map
	@echo "kernel: $(KERNEL), .text $$(size -A $(KERNEL) | awk '$$1==".text"{printf "%d bytes (%.2f MB, %.2f MiB)", $$2, $$2/1e6, $$2/1048576}')"

image: kernel $(BOOT_MODULES)
	tools/mkimage $(KERNEL) $(IMAGE_DIR) "$(CMDLINE)" $(BOOT_MODULES)

qemu: image $(STATE_DISK)
	$(QEMU_RUN) $(QEMU_FLAGS) --disk $(STATE_DISK) --initrd $(IMAGE_DIR)/initrd.tar $(KERNEL) -- $(CMDLINE)

$(STATE_DISK):
	@mkdir -p $(@D)
	truncate -s 64M $@
	@echo "state: created $@ (64 MiB, empty: the first boot is cold; delete the file to start over)"

qemu-iso: image
	$(QEMU_RUN) $(QEMU_FLAGS) --iso $(IMAGE_DIR)/bareflow.iso

# QEMU paused with its gdb stub on tcp port 1234; attach with `make gdb` from another terminal.
qemu-gdb: image $(STATE_DISK)
	$(QEMU_RUN) $(QEMU_FLAGS) --accel tcg --timeout 3600 --gdb 1234 --disk $(STATE_DISK) --initrd $(IMAGE_DIR)/initrd.tar $(KERNEL) -- $(CMDLINE)

gdb:
	gdb $(KERNEL) -ex "set backtrace past-main on" -ex "target remote localhost:1234"

# The Linux build of the same program.
host: $(DEPS_STAMP)
	cargo build --release

# With APP=, the app's check (apps/apps.mk).
ifeq ($(strip $(APP)),)
userspace-check: image host
	tools/userspace-check $(BAREFLOW_HOST) $(KERNEL) $(BUILD)/initrd.tar
endif

# Boot-to-main under KVM (when usable) and TCG: the JIT image, and an appliance (core-rt + the
# app's AOT code: `make aot-appliance`; `make appliance` gives the snapshot-built one, same runtime).
.PHONY: bench-boot
bench-boot: image aot-appliance
	tools/bench-boot $(KERNEL) $(BUILD)/initrd.tar 7 "JIT image"
	tools/bench-boot $(APPCHECK)/appliance.elf $(APPCHECK)/initrd.tar 7 "appliance"

# Unit tests of every crate and the integration tests of the library crates; the root
# package's integration tests (boot, conformance, csmith...) run from their own targets.
test-host: $(DEPS_STAMP)
	$(TEST_LOG) test-host cargo test --workspace --release --exclude bareflow --exclude bareflow-appliance
	$(TEST_LOG) test-host cargo test --release -p bareflow --bins

# The GRUB ISO boot is compared with app-tinyllama's native build ($(BUILD)/tinyllama).
test-boot: image $(BUILD)/tinyllama
	$(TEST_LOG) test-boot cargo test --release --test boot --test libc_abi --test runtime_api --test crash --test pthread

# The scripts of tools/ against stand-ins: no data or a failed run stops converge.py, QEMU's own
# failures are not a guest's exit(0) for qemu-run, a skip fails test-summary, app-converge compares the
# program's lines only and names the first differing one (tests/tools.rs).
.PHONY: test-tools
test-tools: $(DEPS_STAMP)
	$(TEST_LOG) test-tools cargo test --release --test tools

# The tree's habits: formatted (rustfmt.toml) and clippy-clean with the workspace lints. The appliance
# crate is checked apart: its build script needs the app's objects to link, which a check never does.
# clippy builds llvm-sys, which needs the Debian packages: on a fresh machine `make test` starts here.
.PHONY: lint
lint: $(DEPS_STAMP)
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --exclude bareflow-appliance -- -D warnings
	BAREFLOW_APP_OBJECTS=/dev/null cargo clippy -p bareflow-appliance -- -D warnings

# Everything `make test` runs; fragments add theirs (APPLIANCE_TESTS, IRVM_TESTS, APP_TESTS...). The logs
# of an earlier run are removed first; the last line sums this run's (tests run, failed, skipped by name)
# and fails when a test was skipped.
test: test-logs-reset lint test-host test-tools test-boot $(APPLIANCE_TESTS) $(IRVM_TESTS) $(APP_TESTS) $(TIER_TESTS) \
	$(SHRINK_TESTS) $(TIER_BOOT_TESTS)
	@tools/test-summary $(TEST_LOGS) --targets tests

# `make test` runs the full set: the variables that narrow a test run by hand are emptied for it and
# its prerequisites, from the environment or the command line (a target-specific override; the tests
# read an empty one as unset).
TEST_NARROWING := CONFORMANCE_FILTER CONFORMANCE_OPT CONFORMANCE_STRICT CSMITH_SEEDS CSMITH_SEED CSMITH_COUNT CSMITH_MODE \
	CSMITH_ARGS BAREFLOW_TIER BAREFLOW_FLAGS BAREFLOW_BIN
$(foreach v,$(TEST_NARROWING),$(eval test: override export $(v) :=))

.PHONY: test-logs-reset
test-logs-reset:
	rm -rf $(TEST_LOGS)


.PHONY: clean
clean:
	cargo clean
	rm -rf $(BUILD)
