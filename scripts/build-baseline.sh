#!/usr/bin/env bash
# Builds the release `peerdex` of an earlier commit beside this checkout, for the benchmarks that
# compare against it (`make bench BASELINE=<rev>`). The commit is checked out as a git worktree
# under .build-baseline/<rev> (ignored by git) and built there once; later runs reuse it.
# Prints the path of the binary.
set -euo pipefail
rev=${1:?usage: build-baseline.sh <git revision>}
cd "$(dirname "$0")/.."
commit=$(git rev-parse --verify "$rev^{commit}")
tree=".build-baseline/${commit:0:12}"
if [ ! -d "$tree" ]; then
    mkdir -p .build-baseline
    git worktree add --detach "$tree" "$commit" >&2
fi
(cd "$tree" && swift build -c release --product peerdex >&2)
echo "$PWD/$tree/.build/release/peerdex"
