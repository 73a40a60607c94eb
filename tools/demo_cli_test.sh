#!/bin/sh
# End-to-end checks of the demo's command line (ctest demo_cli): --help on stdout with exit 0, a bad option or value
# named on stderr with exit 2 and nothing on stdout, and a tiny run that works.
# usage: demo_cli_test.sh PATH/TO/demo
set -u
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/demo-cli.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
check() { if "$@"; then :; else echo "FAIL: $*" >&2; fail=1; fi; }

"$bin" --help >"$dir/out" 2>"$dir/err"; rc=$?
check test "$rc" -eq 0
check grep -q "^usage:" "$dir/out"
check grep -q -- "--worlds N" "$dir/out"
check test ! -s "$dir/err"

# bad_value ARGS... EXPECTED-MESSAGE: exit 2, the message and the usage on stderr, nothing on stdout
bad() {
  expected=$1
  shift
  "$bin" "$@" >"$dir/out" 2>"$dir/err"; rc=$?
  check test "$rc" -eq 2
  check grep -q -F -- "$expected" "$dir/err"
  check grep -q "^usage:" "$dir/err"
  check test ! -s "$dir/out"
}
bad "demo: --worlds: 'abc' is not a positive integer" --worlds abc
bad "demo: --worlds: '0' is not a positive integer" --worlds 0
bad "demo: --steps: '3x' is not a positive integer" --steps 3x
bad "demo: --workers: '-1' is not a non-negative integer" --workers -1
bad "demo: --seconds: 'soon' is not a positive number of seconds" --seconds soon
bad "demo: --backend: 'tbb' is not one of pthreads, openmp" --backend tbb
bad "demo: --policy: 'near' is not one of local, interleave, first-touch, remote, default" --policy near
bad "demo: unknown option '--frobnicate'" --frobnicate
bad "demo: --ticks needs a value" --ticks

"$bin" --worlds 8 --ticks 3 --workers 1 --placement none >"$dir/out" 2>"$dir/err"; rc=$?
check test "$rc" -eq 0
check grep -q "^combined state hash after 4 steps per world" "$dir/out"
[ $fail -eq 0 ] && echo "demo_cli: PASS"
exit $fail
