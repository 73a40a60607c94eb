#!/usr/bin/env bash
# tools/run_tests.sh — on a fresh Debian 12: install what is missing, then for every preset (default, asan, tsan,
# fuzz) configure, build and run every ctest test; print a summary; exit non-zero if anything failed.
#   bash tools/run_tests.sh              every preset
#   bash tools/run_tests.sh default      only the named presets
# Environment: WR_TEST_JOBS (parallel ctest jobs, default 2), WR_CTEST_ARGS (extra ctest arguments, e.g. "-L unit"),
# WR_FUZZ_SECONDS (time per fuzz target in the fuzz preset, default 30), WR_SOAK_SECONDS (the runner soak test's
# duration of runner ticks: default 60 s under tsan, 15 s in the other presets; the replay adds about as much again).
# The fuzz targets and the soak test print one "[fuzz] ..." / "[soak] ..." line each with what they covered; the
# summary repeats them.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2
# shellcheck source=tools/deps.sh
source tools/deps.sh
wr_install_deps || { echo "run_tests: could not install the dependencies" >&2; exit 2; }

presets=("$@")
[ "${#presets[@]}" -eq 0 ] && presets=(default asan tsan fuzz)
jobs="${WR_TEST_JOBS:-2}"
read -r -a extra_ctest_args <<< "${WR_CTEST_ARGS:-}"
mkdir -p build/logs

declare -A result summary figures
total_passed=0
total_failed=0
total_skipped=0
status=0
start_all=$SECONDS

for preset in "${presets[@]}"; do
  echo "=== preset ${preset}: configure ==="
  start=$SECONDS
  log="build/logs/${preset}"
  if ! cmake --preset "$preset" > "${log}-configure.log" 2>&1; then
    tail -n 40 "${log}-configure.log"
    result[$preset]="configure FAILED (${log}-configure.log)"
    summary[$preset]=""
    status=1
    continue
  fi
  echo "=== preset ${preset}: build ==="
  build_ok=1
  # -k: build everything that can be built, so one broken file does not hide the other tests' results.
  if ! cmake --build --preset "$preset" -- -k > "${log}-build.log" 2>&1; then
    build_ok=0
    status=1
    grep -E -B2 -A6 'error|Error' "${log}-build.log" | tail -n 80
  fi
  echo "=== preset ${preset}: test ==="
  ctest --preset "$preset" -j "$jobs" "${extra_ctest_args[@]}" 2>&1 | tee "${log}-ctest.log"
  ctest_rc=${PIPESTATUS[0]}
  line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "${log}-ctest.log" | tail -n 1)"
  summary[$preset]="$line"
  # ctest counts a skipped test (SKIP_RETURN_CODE, e.g. the NUMA lab without qemu) as passed; count it apart.
  skipped=$(grep -cE '^\s+[0-9]+ - .*\(Skipped\)$' "${log}-ctest.log")
  if [[ "$line" =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=${BASH_REMATCH[1]}
    total_failed=$((total_failed + failed))
    total_passed=$((total_passed + BASH_REMATCH[2] - failed - skipped))
    total_skipped=$((total_skipped + skipped))
  fi
  failed_list="$(sed -n '/The following tests FAILED:/,/^Errors while running CTest/p' "${log}-ctest.log" \
    | grep -E '^\s+[0-9]+ - ' | sed -E 's/^\s+[0-9]+ - //' | paste -sd ',' - | sed 's/,/, /g')"
  text="build $([ $build_ok -eq 1 ] && echo ok || echo FAILED), $((SECONDS - start)) s"
  [ -n "$failed_list" ] && text+=", failed: ${failed_list}"
  [ "$skipped" -gt 0 ] && text+=", ${skipped} skipped"
  [ "$ctest_rc" -ne 0 ] && status=1
  [ -z "$line" ] && { status=1; text+=", ctest ran no test"; }
  result[$preset]="$text"
  # what the fuzzers and the soak test covered (ctest keeps every test's output in LastTest.log)
  figures[$preset]="$(grep -hE '^\[(fuzz|soak)\] ' "build/${preset}/Testing/Temporary/LastTest.log" 2>/dev/null)"
  [ -n "${figures[$preset]}" ] && printf '%s\n' "${figures[$preset]}"
done

echo
echo "=== summary ($((SECONDS - start_all)) s; logs in build/logs/) ==="
for preset in "${presets[@]}"; do
  echo "preset ${preset}: ${result[$preset]}"
  [ -n "${summary[$preset]}" ] && echo "${summary[$preset]}"
  [ -n "${figures[$preset]}" ] && printf '  %s\n' "${figures[$preset]//$'\n'/$'\n  '}"
done
echo "total: ${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
exit $status
