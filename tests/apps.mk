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
# The third-party programs of test-real-apps and test-apps. SQLite is run by hand (`make test-real-apps
# REAL_APPS=sqlite`): natively, `--tier interp` and `--tier auto` agree in seconds, but `--tier jit` compiles
# function by function at 575 ms each (997 compiles in 15 minutes, unfinished, on a shared 2-core host), most
# of it spent cloning the whole 1486-function module per compile (docs/apps.md, "SQLite and --tier jit"), and a QEMU
# boot with a state disk ends with ~468 start-up compiles at O1 for the next run, 5.2 s each under TCG
# (about 40 minutes after the program's output; docs/apps.md, "SQLite in QEMU with a state disk"). Lua's longjmp-based errors need
# irvm's setjmp (merged from irvmsem). cpp (apps/cpp-demo) runs everywhere, exceptions included (docs/apps.md "C++").
REAL_APPS ?= zlib lua cpp

.PHONY: test-user-app test-real-apps test-apps

# The script runs make itself (as a user would); the kernel and the Linux build are made first.
test-user-app: kernel host
	$(TEST_LOG) test-user-app tests/apps/user-app.sh

test-real-apps: kernel host
	$(TEST_LOG) test-real-apps tests/apps/real-apps.sh $(REAL_APPS)

test-apps: kernel host
	$(TEST_LOG) test-apps tests/apps/user-app.sh --converge
	$(TEST_LOG) test-apps tests/apps/real-apps.sh --full $(REAL_APPS)
