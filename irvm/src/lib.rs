//! irvm: an LLVM-IR interpreter with exact per-function profiling (issue C). Not built yet.
