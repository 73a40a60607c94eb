#!/usr/bin/env bash
# tools/run_demo.sh — on a fresh Debian 12: install what is missing, build the default preset (gcc, optimised) and
# run the main job: the parallel-worlds demo (build/default/tools/demo), or the allocator benchmark until the demo
# exists. Arguments are passed to the program.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=tools/deps.sh
source tools/deps.sh
wr_install_deps

mkdir -p build/logs
echo "=== configure and build (preset default; log in build/logs/default-build.log) ==="
cmake --preset default > build/logs/default-configure.log 2>&1 || { tail -n 40 build/logs/default-configure.log; exit 1; }
cmake --build --preset default > build/logs/default-build.log 2>&1 || { grep -E -B2 -A6 'error' build/logs/default-build.log | tail -n 60; exit 1; }

for program in demo bench_alloc; do
  if [ -x "build/default/tools/${program}" ]; then
    echo "=== build/default/tools/${program} $* ==="
    exec "build/default/tools/${program}" "$@"
  fi
done
echo "run_demo: neither build/default/tools/demo nor build/default/tools/bench_alloc was built" >&2
exit 1
