#!/bin/sh
# End-to-end checks of the numastat program (ctest numastat_cli): exit statuses, usage on the right stream, the
# --output file in each format, and --plot / --plot-from producing a PNG (when gnuplot is installed).
# usage: cli_test.sh PATH/TO/numastat
set -u
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/numastat-cli.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0
check() { if "$@"; then :; else echo "FAIL: $*" >&2; fail=1; fi; }

"$bin" --bogus >"$dir/out" 2>"$dir/err"; rc=$?
check test "$rc" -eq 2
check grep -q "unknown option '--bogus'" "$dir/err"
check grep -q "^usage:" "$dir/err"
check test ! -s "$dir/out"

"$bin" --worlds 0 >/dev/null 2>"$dir/err"; rc=$?
check test "$rc" -eq 2

"$bin" --help >"$dir/out" 2>"$dir/err"; rc=$?
check test "$rc" -eq 0
check grep -q -- "--compare" "$dir/out"

run="--worlds 3 --workers 1 --placement none --steps 2 --scene chain:4 --compare local,default --no-progress"
# shellcheck disable=SC2086
"$bin" $run --format csv --output "$dir/r.csv"; rc=$?
check test "$rc" -eq 0
# every row has as many fields as the header; 3 world + 1 node (at least) + 1 summary rows per policy
check awk -F, 'NR == 1 { n = NF } NF != n { exit 1 } END { exit NR < 1 + 2 * 5 }' "$dir/r.csv"
check test "$(grep -c '^summary,' "$dir/r.csv")" -eq 2
# shellcheck disable=SC2086
"$bin" $run --format json --output "$dir/r.json"; rc=$?
check test "$rc" -eq 0
check grep -q '"slowdown_vs_local"' "$dir/r.json"
# shellcheck disable=SC2086
"$bin" $run >"$dir/table"; rc=$?
check test "$rc" -eq 0
check grep -q "^== summary" "$dir/table"

"$bin" --output "$dir/no/such/dir/x.csv" --worlds 1 --steps 1 --workers 1 --placement none 2>"$dir/err"; rc=$?
check test "$rc" -eq 1
check grep -q "cannot open" "$dir/err"
"$bin" --plot-from "$dir/missing.csv" --plot "$dir/x.png" 2>/dev/null; rc=$?
check test "$rc" -eq 1

if command -v gnuplot >/dev/null 2>&1; then
  "$bin" --plot-from "$dir/r.csv" --plot "$dir/p.png"; rc=$?
  check test "$rc" -eq 0
  check test "$(head -c 4 "$dir/p.png" | od -An -c | tr -d ' ')" = '211PNG'
  # shellcheck disable=SC2086
  "$bin" $run --format csv --output "$dir/r2.csv" --plot "$dir/q.png"; rc=$?
  check test "$rc" -eq 0
  check test -s "$dir/q.png"
else
  echo "numastat_cli: gnuplot not installed, --plot not checked"
fi
[ $fail -eq 0 ] && echo "numastat_cli: PASS"
exit $fail
