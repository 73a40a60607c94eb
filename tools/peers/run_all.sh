#!/usr/bin/env bash
# run_all.sh — worldrunner against MuJoCo, DART and ODE (and the allocators against glibc, jemalloc, mimalloc and
# tcmalloc via tools/bench_alloc), in one command. Builds what is missing, runs every engine on every scene with the
# engines interleaved run by run (so machine noise hits all alike), counts heap calls with an LD_PRELOAD shim,
# checks that the engines simulate the same problem, and writes a Markdown table and a PNG chart.
#
# usage: tools/peers/run_all.sh [--runs N] [--seconds S] [--threads N] [--quick] [--profile]
#   --runs N      timed runs per engine and scene (median taken; default 3)
#   --seconds S   seconds of single-world timing per run (default 0.5); the 1- and N-thread runs take about as long
#   --threads N   worlds and threads for the parallel figure (default: all cores)
#   --quick       1 run of 0.1 s (smoke test)
#   --profile     also profile one worldrunner world per scene with perf (cpu-clock) into results/profile.txt
# environment: BUILD_DIR (default <repo>/build-bench, Release), OUT_DIR (default tools/peers/results),
#   WR_SKIP_DEPS=1 (do not apt-get install the peers, allocators and python3 when missing)
# exit status: 0 ok, 1 the sanity check failed (engines disagree beyond the stated tolerance), 2 build/run failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
OUT=${OUT_DIR:-$ROOT/tools/peers/results}
RUNS=3
SECS=0.5
THREADS=$(nproc)
PROFILE=0
SCENES=(chain:16 boxes:64 humanoid)
# MuJoCo's own sample models, the same file loaded by MuJoCo and by worldrunner (libmujoco-samples)
[ -f /usr/share/mujoco/model/humanoid/humanoid.xml ] && SCENES+=(mjcf:humanoid mjcf:humanoid100)
reads_mjcf() { [ "$1" = worldrunner ] || [ "$1" = mujoco ]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --quick) RUNS=1; SECS=0.1; shift ;;
    --profile) PROFILE=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run_all.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { printf '[run_all %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- dependencies: the library's packages plus the peers, the allocators and python3 (report.py) -----------------
if [ "${WR_SKIP_DEPS:-0}" != 1 ]; then
  # shellcheck source=tools/deps.sh
  source "$ROOT/tools/deps.sh"
  wr_install_deps libmujoco-dev libmujoco-samples libdart-dev libode-dev libjemalloc-dev libmimalloc-dev libtcmalloc-minimal4 \
    python3 || { echo "run_all.sh: could not install the dependencies" >&2; exit 2; }
fi

# ---- build -----------------------------------------------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  say "configuring $BUILD (Release)"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DWR_BUILD_TESTS=OFF >/dev/null || exit 2
fi
cmake "$BUILD" >/dev/null || exit 2   # pick up engines or worldrunner pieces that appeared since
TARGETS=$(cmake --build "$BUILD" --target help | awk '{print $2}' | grep -E '^(peer_[a-z]+|malloc_shim|bench_alloc)$' |
          grep -v '^peer_harness$' || true)
[ -n "$TARGETS" ] || { echo "run_all.sh: no benchmark targets (is any engine installed?)" >&2; exit 2; }
say "building: $(tr '\n' ' ' <<< "$TARGETS")"
# shellcheck disable=SC2086
cmake --build "$BUILD" -j"$(nproc)" --target $TARGETS >/dev/null || exit 2

BIN=$BUILD/tools/peers
SHIM=$BIN/malloc_shim.so
ENGINES=()
for e in worldrunner mujoco dart ode; do
  [ -x "$BIN/peer_$e" ] && ENGINES+=("$e")
done
say "engines: ${ENGINES[*]}; scenes: ${SCENES[*]}; $RUNS run(s) of ${SECS}s; $THREADS threads"

mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"            # MuJoCo writes MUJOCO_LOG.TXT into the working directory
RAW=$WORK/raw.txt
: > "$RAW"
FAILED=0

# run ENGINE SCENE ARGS... : one measurement, its key=value line appended to RAW ("dart-fcl" = DART with FCL).
run() {
  local engine=$1 scene=$2; shift 2
  local program=$engine env=()
  if [ "$engine" = dart-fcl ]; then program=dart; env=(PEER_DART_COLLISION=fcl); fi
  local line
  if line=$(env "${env[@]}" "$BIN/peer_$program" --scene "$scene" "$@" 2>>"$WORK/stderr.txt" | grep '^engine='); then
    echo "$line" >> "$RAW"
  else
    say "FAILED: $engine $scene $*"; FAILED=1
    echo "engine=$engine scene=$scene mode=failed args=$*" >> "$RAW"
  fi
}

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "kernel=$(uname -sr)"
  echo "compiler=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt" | xargs -r -I{} sh -c '{} --version | head -1')"
  echo "build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")"
  echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src include 2>/dev/null || echo '+local changes')"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "runs=$RUNS seconds=$SECS threads=$THREADS"
} > "$WORK/machine.txt"
for e in "${ENGINES[@]}"; do "$BIN/peer_$e" --mode info >> "$WORK/machine.txt" 2>/dev/null || true; done

# ---- timed runs, engines interleaved (the order rotates every run) -----------------------------------------------
TIMED=("${ENGINES[@]}")
for e in "${ENGINES[@]}"; do [ "$e" = dart ] && TIMED+=(dart-fcl); done
for ((r = 0; r < RUNS; r++)); do
  say "run $((r + 1))/$RUNS"
  for scene in "${SCENES[@]}"; do
    n=${#TIMED[@]}
    for ((k = 0; k < n; k++)); do
      e=${TIMED[$(((k + r) % n))]}
      [ "$e" = dart-fcl ] && [ "$scene" != boxes:64 ] && continue   # FCL only where DART's own detector applies
      [[ "$scene" == mjcf:* ]] && ! reads_mjcf "$e" && continue
      run "$e" "$scene" --mode time --seconds "$SECS" --threads "$THREADS"
    done
  done
done

# ---- heap calls per step and memory per world (deterministic: once each) ----------------------------------------
say "counting heap calls (LD_PRELOAD malloc_shim.so)"
for scene in "${SCENES[@]}"; do
  for e in "${TIMED[@]}"; do
    [ "$e" = dart-fcl ] && [ "$scene" != boxes:64 ] && continue
    [[ "$scene" == mjcf:* ]] && ! reads_mjcf "$e" && continue
    LD_PRELOAD=$SHIM run "$e" "$scene" --mode count
  done
  # worldrunner's runner path too: heap calls per wr_world_runner_step_all tick (absent in builds without the runner)
  if [ -x "$BIN/peer_worldrunner" ]; then
    LD_PRELOAD=$SHIM "$BIN/peer_worldrunner" --scene "$scene" --mode count-runner 2>>"$WORK/stderr.txt" |
      grep '^engine=' >> "$RAW" || true
  fi
done

# ---- sanity check: the same problem in every engine ---------------------------------------------------------------
say "sanity check"
for scene in "${SCENES[@]}"; do
  for e in "${ENGINES[@]}"; do
    [[ "$scene" == mjcf:* ]] && ! reads_mjcf "$e" && continue
    run "$e" "$scene" --mode check
  done
done

# ---- allocators (tools/bench_alloc, written by the memory module) --------------------------------------------------
if [ -x "$BUILD/tools/bench_alloc" ]; then
  say "allocators: tools/bench_alloc"
  timeout 300 "$BUILD/tools/bench_alloc" > "$WORK/alloc.txt" 2>>"$WORK/stderr.txt" || { say "bench_alloc failed"; FAILED=1; }
fi
# ---- where worldrunner's time goes (optional) ----------------------------------------------------------------------
rm -f "$OUT/profile.txt"
if [ "$PROFILE" = 1 ] && [ -x "$BIN/peer_worldrunner" ] && command -v perf >/dev/null; then
  say "profiling worldrunner (perf record -e cpu-clock)"
  for scene in "${SCENES[@]}"; do
    if perf record -q -e cpu-clock -F 2000 -o "$WORK/perf.data" "$BIN/peer_worldrunner" --scene "$scene" \
         --mode time --seconds 2 --threads 1 >/dev/null 2>>"$WORK/stderr.txt"; then
      { echo "== $scene: one world, perf report --no-children (symbols >= 1%)"
        perf report -i "$WORK/perf.data" --no-children --stdio --percent-limit 1 2>/dev/null |
          grep -E '^ +[0-9.]+%' | awk '{printf "  %7s  %s\n", $1, $NF}'
      } >> "$OUT/profile.txt"
    fi
  done
fi
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/machine.txt"

# ---- report -------------------------------------------------------------------------------------------------------
cp "$RAW" "$OUT/raw.txt"
cp "$WORK/machine.txt" "$OUT/machine.txt"
if [ -f "$WORK/alloc.txt" ]; then cp "$WORK/alloc.txt" "$OUT/alloc.txt"; else rm -f "$OUT/alloc.txt"; fi
set +e
python3 "$ROOT/tools/peers/report.py" "$OUT"
status=$?
set -e
say "wrote $OUT/benchmarks.md and $OUT/steps_per_second.png"
if [ $FAILED -ne 0 ]; then
  say "some runs failed (see above)"; exit 2
fi
exit $status
