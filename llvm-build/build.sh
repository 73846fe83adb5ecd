#!/usr/bin/env bash
# Build the stripped, static, X86-only LLVM once into $BAREFLOW_CACHE and reuse it afterwards.
# Usage: llvm-build/build.sh [--jobs N]      (env: BAREFLOW_CACHE, LLVM_NICE=19)
# Steps: 1. fetch Debian's source package  2. unpack llvm/ cmake/ third-party/ only, apply LLVM_PATCHES
#        3. cmake configure  4. ninja (libraries + llvm-config)  5. install into the cache prefix
#        6. check llvm-config and print the libraries' total size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=config.sh
source "$here/config.sh"

jobs=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --jobs) jobs=$2; shift 2 ;;
    *) echo "llvm-build: unknown argument '$1' (usage: build.sh [--jobs N])" >&2; exit 2 ;;
  esac
done

prefix=$LLVM_STRIPPED_PREFIX
if [[ -f $prefix/.complete ]]; then
  echo "llvm-build: reusing $prefix"
  "$here/size.sh" "$prefix"
  exit 0
fi

say() { echo "llvm-build: [$(date +%T)] $*"; }
start=$(date +%s)
srcroot=$BAREFLOW_CACHE/src
builddir=$BAREFLOW_CACHE/build/$(basename "$prefix")
mkdir -p "$srcroot" "$builddir"

# 1. Fetch. deb-src entries for Debian's own archive are added when the machine has none.
orig=$(ls "$srcroot"/${LLVM_SRC_PACKAGE}_"$LLVM_VERSION".orig.tar.* 2>/dev/null | head -n1 || true)
if [[ -z $orig ]]; then
  if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding deb-src for deb.debian.org bookworm main (/etc/apt/sources.list.d/bareflow-src.sources)"
    printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" \
      "Suites: bookworm bookworm-updates" "Components: main" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
      > /etc/apt/sources.list.d/bareflow-src.sources
    apt-get update -qq
  fi
  say "downloading source package $LLVM_SRC_PACKAGE (about 165 MB)"
  (cd "$srcroot" && apt-get source --download-only -qq "$LLVM_SRC_PACKAGE")
  orig=$(ls "$srcroot"/${LLVM_SRC_PACKAGE}_"$LLVM_VERSION".orig.tar.* 2>/dev/null | head -n1 || true)
  [[ -n $orig ]] || { echo "llvm-build: no ${LLVM_SRC_PACKAGE}_$LLVM_VERSION.orig.tar.* after apt-get source (is the package version different?)" >&2; exit 1; }
fi

# 2. Unpack only what an LLVM-only build reads. The orig tarball is upstream's llvm-project;
#    Debian's patches (debian/patches) concern packaging paths and other projects and are not applied.
#    Our own patches (LLVM_PATCHES) are, in a source tree of this configuration's own (so that
#    other cache entries keep building from unpatched or differently patched sources).
src=$srcroot/llvm-project-$LLVM_VERSION
[[ ${#LLVM_PATCHES[@]} -eq 0 ]] || src=$srcroot/$(basename "$prefix")
if [[ ! -f $src/.unpacked ]]; then
  say "unpacking llvm/ cmake/ third-party/ from $(basename "$orig") into $src"
  rm -rf "$src" && mkdir -p "$src"
  # (|| true: head closes the pipe early, and tar's SIGPIPE would trip pipefail)
  top=$( (tar -tf "$orig" || true) | head -n1 | cut -d/ -f1)
  tar -xf "$orig" -C "$src" --strip-components=1 "$top/llvm" "$top/cmake" "$top/third-party"
  for p in "${LLVM_PATCHES[@]}"; do
    say "applying $p"
    patch -d "$src" -p1 --forward --quiet < "$here/$p" ||
      { echo "llvm-build: $p does not apply to LLVM $LLVM_VERSION (see $here/$p)" >&2; exit 1; }
  done
  touch "$src/.unpacked"
fi

# 3. Configure.
if [[ ! -f $builddir/build.ninja ]]; then
  say "configuring in $builddir"
  cmake -S "$src/llvm" -B "$builddir" "${LLVM_CMAKE_ARGS[@]}" -DCMAKE_INSTALL_PREFIX="$prefix" \
    > "$builddir/cmake.log" 2>&1 || { tail -n 30 "$builddir/cmake.log" >&2; echo "llvm-build: cmake failed, see $builddir/cmake.log" >&2; exit 1; }
fi

# 4. Build (niced: this machine is shared). ninja's own [n/N] lines are the progress report.
say "building ${LLVM_NINJA_TARGETS[*]} with $jobs jobs (about an hour on 2 cores)"
nice -n "${LLVM_NICE:-19}" ninja -C "$builddir" -j "$jobs" "${LLVM_NINJA_TARGETS[@]}"

# 5. Install: the headers through their CMake component; llvm-config (a tool without install rules
#    when LLVM_BUILD_TOOLS=OFF) and the static libraries by copy (the `install` target would first
#    build everything, tools included). llvm-config finds include/ and lib/ relative to itself.
say "installing into $prefix"
rm -rf "$prefix" && mkdir -p "$prefix/lib" "$prefix/bin"
cmake --install "$builddir" --component llvm-headers > /dev/null
cp "$builddir/bin/llvm-config" "$prefix/bin/"
cp "$builddir"/lib/libLLVM*.a "$prefix/lib/"

# 6. Check that llvm-config finds every library it reports (this is what llvm-sys runs).
"$prefix/bin/llvm-config" --libnames --link-static > /dev/null
"$prefix/bin/llvm-config" --version
end=$(date +%s)
echo "build_seconds=$((end - start)) jobs=$jobs" > "$prefix/.complete"
say "done in $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s"
"$here/size.sh" "$prefix"
