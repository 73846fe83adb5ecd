# shellcheck shell=bash
# The stripped LLVM's configuration, in one place: version, CMake options, ninja targets.
# Sourced by build.sh and prefix.sh; the cache key is a hash of everything below, so changing
# any option builds a new cache entry instead of silently reusing a different LLVM.

LLVM_VERSION=19.1.7
LLVM_SRC_PACKAGE=llvm-toolchain-19
# Patches (in llvm-build/) applied to the unpacked source, in order; part of the cache key.
LLVM_PATCHES=(bareflow-llvm.patch)
LLVM_BUILD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Where built LLVMs (and the downloaded source) live; outside the repo, shared by worktrees.
BAREFLOW_CACHE=${BAREFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bareflow}

LLVM_CMAKE_ARGS=(
  -G Ninja
  -DCMAKE_BUILD_TYPE=MinSizeRel
  # -Oz rather than MinSizeRel's -Os: ~15 % less code (minsize: less inlining, no unrolling).
  "-DCMAKE_C_FLAGS_MINSIZEREL=-Oz -DNDEBUG"
  "-DCMAKE_CXX_FLAGS_MINSIZEREL=-Oz -DNDEBUG"
  -DCMAKE_C_COMPILER=clang-19
  -DCMAKE_CXX_COMPILER=clang++-19
  "-DCMAKE_C_FLAGS=-ffunction-sections -fdata-sections"
  "-DCMAKE_CXX_FLAGS=-ffunction-sections -fdata-sections"
  -DLLVM_TARGETS_TO_BUILD=X86
  -DLLVM_ENABLE_PROJECTS=
  -DLLVM_ENABLE_RUNTIMES=
  -DLLVM_ENABLE_THREADS=OFF
  -DLLVM_ENABLE_ZLIB=OFF
  -DLLVM_ENABLE_ZSTD=OFF
  -DLLVM_ENABLE_LIBXML2=OFF
  -DLLVM_ENABLE_TERMINFO=OFF
  -DLLVM_ENABLE_LIBEDIT=OFF
  -DLLVM_ENABLE_FFI=OFF
  -DLLVM_ENABLE_LIBPFM=OFF
  -DLLVM_ENABLE_ASSERTIONS=OFF
  -DLLVM_ENABLE_RTTI=OFF
  -DLLVM_ENABLE_EH=OFF
  -DLLVM_ENABLE_BINDINGS=OFF
  -DLLVM_INCLUDE_TESTS=OFF
  -DLLVM_INCLUDE_BENCHMARKS=OFF
  -DLLVM_INCLUDE_EXAMPLES=OFF
  -DLLVM_INCLUDE_DOCS=OFF
  -DLLVM_BUILD_TOOLS=OFF
  -DLLVM_BUILD_UTILS=OFF
  -DLLVM_BUILD_LLVM_DYLIB=OFF
  -DLLVM_LINK_LLVM_DYLIB=OFF
  -DBUILD_SHARED_LIBS=OFF
)

# `llvm-libraries` = every LLVM library for the X86 target. More than ORC strictly needs, but
# llvm-sys runs `llvm-config --libnames` with no component list (= all components), and
# llvm-config fails when any library of a requested component is missing. The final link
# (--gc-sections) keeps only what is reached, so the extra libraries cost build time, not size.
LLVM_NINJA_TARGETS=(llvm-libraries llvm-config llvm-headers)

llvm_config_hash() {
  {
    echo "$LLVM_VERSION"
    printf '%s\n' "${LLVM_CMAKE_ARGS[@]}" "${LLVM_NINJA_TARGETS[@]}"
    for p in "${LLVM_PATCHES[@]}"; do cat "$LLVM_BUILD_DIR/$p"; done
  } | sha256sum | cut -c1-12
}

LLVM_STRIPPED_PREFIX="$BAREFLOW_CACHE/llvm-$LLVM_VERSION-$(llvm_config_hash)"
