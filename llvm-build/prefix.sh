#!/usr/bin/env bash
# Print the cache prefix of the stripped LLVM for the current configuration (built or not).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=config.sh
source "$here/config.sh"
echo "$LLVM_STRIPPED_PREFIX"
