#!/usr/bin/env bash
# check_scenes.sh BIN_DIR [SCENE...] — the benchmark sanity check on its own (also registered with ctest): every
# peer_* program in BIN_DIR simulates the scene and its probe must agree with the reference engine (worldrunner when
# built, else MuJoCo): chain:16 tip height after 0.5 s within 5 mm; boxes:64 mean height after 2 s = 0.1 m +- 2 mm.
# Default scene: chain:16 (fast). Exit 1 on disagreement, 2 if a program fails.
set -euo pipefail
BIN=$1; shift
SCENES=("${@:-chain:16}")
status=0
for scene in "${SCENES[@]}"; do
  ref=""
  for e in worldrunner mujoco dart ode; do
    [ -x "$BIN/peer_$e" ] || continue
    line=$("$BIN/peer_$e" --scene "$scene" --mode check 2>/dev/null | grep '^engine=') || { echo "$e $scene: failed"; exit 2; }
    probe=$(sed -n 's/.* probe=\([^ ]*\).*/\1/p' <<< "$line")
    case "$scene" in
      chain:*) [ -n "$ref" ] || ref=$probe; tolerance=0.005 ;;
      boxes:*) ref=0.1; tolerance=0.002 ;;
      *) echo "$e $scene: probe $probe (not checked)"; continue ;;
    esac
    if awk -v p="$probe" -v r="$ref" -v t="$tolerance" 'BEGIN { d = p - r; exit !(d <= t && d >= -t) }'; then
      echo "$e $scene: probe $probe ok (reference $ref, tolerance $tolerance m)"
    else
      echo "$e $scene: probe $probe DISAGREES with $ref (tolerance $tolerance m)"; status=1
    fi
  done
done
exit $status
