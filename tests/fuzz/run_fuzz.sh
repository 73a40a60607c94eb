#!/usr/bin/env bash
# run_fuzz.sh — one bounded libFuzzer run of one target (the ctest fuzz_<name> of the `fuzz` preset).
#   run_fuzz.sh FUZZER NAME WORKDIR DICT SEED_DIR...
# Fuzzes for WR_FUZZ_SECONDS (default 30) starting from WORKDIR/corpus (kept between runs, so the corpus grows run
# after run on one machine) plus the checked-in seed and regression folders (read only). Other knobs:
# WR_FUZZ_MAX_LEN (default 4096 bytes per input), WR_FUZZ_ARGS (extra libFuzzer flags, e.g. "-seed=1234").
# Prints one summary line "[fuzz] NAME: ..." with executions, corpus size and coverage as libFuzzer reports them.
# A crash, leak, timeout or broken promise fails the test and names the saved input: add it to
# tests/fuzz/regressions/NAME/ (it is then replayed by ctest in every preset) and fix the bug.
set -uo pipefail

fuzzer="$1" name="$2" work="$3" dict="$4"
shift 4
seconds="${WR_FUZZ_SECONDS:-30}"
max_len="${WR_FUZZ_MAX_LEN:-4096}"
read -r -a extra <<< "${WR_FUZZ_ARGS:-}"

mkdir -p "$work/corpus" "$work/artifacts"
seeds=()
for d in "$@"; do
  [ -d "$d" ] && seeds+=("$d")
done
dict_arg=()
[ -n "$dict" ] && dict_arg=("-dict=$dict")
log="$work/last-run.log"

# -timeout: one input that runs 20 s is a hang; -rss_limit_mb: a runaway allocation is a bug, not a slow input.
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 -max_len="$max_len" \
  -artifact_prefix="$work/artifacts/" "${dict_arg[@]}" "${extra[@]}" "$work/corpus" "${seeds[@]}" > "$log" 2>&1
rc=$?

# The final "#N DONE cov: C ft: F corp: K/S" line and the final stats.
done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)"
execs="$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -n 1)"
speed="$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -n 1)"
new_units="$(sed -n 's/^stat::new_units_added:[[:space:]]*//p' "$log" | tail -n 1)"
cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$done_line")"
ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$done_line")"
corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<< "$done_line")"
seed="$(sed -n 's/^INFO: Seed: \([0-9]*\).*/\1/p' "$log" | head -n 1)"

if [ "$rc" -ne 0 ]; then
  tail -n 60 "$log"
  artifact="$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/Test unit written to //')"
  echo "[fuzz] ${name}: FAILED (exit ${rc}) after ${execs:-?} executions, libFuzzer seed ${seed:-?}"
  if [ -n "$artifact" ]; then
    echo "[fuzz] ${name}: the input is ${artifact}; reproduce with: ${fuzzer} ${artifact}"
    echo "[fuzz] ${name}: keep it as a regression: cp ${artifact} tests/fuzz/regressions/${name}/"
  fi
  exit 1
fi
echo "[fuzz] ${name}: ${execs:-?} executions in ${seconds} s (${speed:-?}/s), corpus ${corp:-?} (inputs/bytes," \
  "${new_units:-?} new this run), coverage ${cov:-?} edges, ${ft:-?} features, no crash; libFuzzer seed ${seed:-?}"
