# Tests of the user's path (APP=, apps/apps.mk), included by the root Makefile.
#   make test-user-app   tests/apps/user-app.sh: a three-file C program (tests/apps/wordstat) through
#                        `make userspace-check APP=...` (native = interp = auto = jit = QEMU, exit status
#                        included) and `make qemu APP=...`, and the one-line errors for a missing path, a
#                        source that does not compile, no main, a missing boot file (about 2 min under TCG)
#   make test-real-apps  tests/apps/real-apps.sh: zlib, SQLite and Lua (pinned crates.io source crates, apps/crates.txt)
#                        around programs of our own (apps/), and a C++ program of ours (apps/cpp-demo), short
#                        inputs, through `make userspace-check APP=...`
#   make test-apps       both with larger inputs, then `make converge APP=... && make qemu-appliance APP=...`
#                        for each program (several boots each under TCG)
# See docs/apps.md.

APP_TESTS += test-user-app test-real-apps
# The third-party programs of test-real-apps and test-apps. SQLite's short case (native, interp, auto, jit,
# QEMU) takes about 2 minutes of CPU (1 min 34 s, 3 min 50 s wall at load 5-9): its `--tier jit` run compiles all
# 1486 functions, at a cost that follows each function since orc-bridge cuts out only what it keeps
# (docs/apps.md, "SQLite and --tier jit"). Lua's errors are longjmps (irvm's setjmp/longjmp). cpp
# (apps/cpp-demo) runs everywhere, exceptions included, on bare metal too (docs/apps.md "C++").
REAL_APPS ?= zlib sqlite lua cpp

.PHONY: test-user-app test-real-apps test-apps

# The script runs make itself (as a user would); the kernel and the Linux build are made first.
test-user-app: kernel host
	$(TEST_LOG) test-user-app tests/apps/user-app.sh

test-real-apps: kernel host
	$(TEST_LOG) test-real-apps tests/apps/real-apps.sh $(REAL_APPS)

test-apps: kernel host
	$(TEST_LOG) test-apps tests/apps/user-app.sh --converge
	$(TEST_LOG) test-apps tests/apps/real-apps.sh --full $(REAL_APPS)
