#!/bin/sh
# Runs inside the NUMA lab VM (started by run.sh with numa_lab_guest and numastat in /test): the placement checks,
# then numastat with several policies, whose CSV report must agree with them:
#   local: every world's pages on its worker's node; remote: none; interleave: each node a fair share of the pages;
#   scatter: the workers cover every node. The CSV also goes to the host (second serial port -> guest-out-*.txt).
n=${NUMALAB_NODES:-0}
echo "guest: checks start at $(cut -d" " -f1 /proc/uptime) s"
numa_lab_guest
rc=$?
[ $rc -eq 77 ] && exit 77
fail=0
[ $rc -eq 0 ] || fail=1

echo "guest: numastat starts at $(cut -d" " -f1 /proc/uptime) s"
csv=/tmp/numastat.csv
if ! numastat --worlds $((2 * n)) --steps 5 --scene chain:8 --placement scatter --compare local,remote,interleave \
    --format csv --output $csv --no-progress; then
  echo "FAIL numastat exited with an error"
  exit 1
fi
cat $csv > /dev/ttyS1
awk -F, -v nodes="$n" '
function bad(msg) { print "FAIL numastat csv: " msg; failed = 1 }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["record"] == "world" {
  p = $col["policy"]; w = $col["world"]; local_pages = $col["local_pages"] + 0
  placed = local_pages + $col["remote_pages"]
  if (placed == 0) bad(p " world " w ": no pages")
  if (p == "local" && local_pages != placed) bad("local world " w ": " local_pages " of " placed " pages local")
  if (p == "local" && $col["local_fraction"] != 1) bad("local world " w ": local_fraction " $col["local_fraction"])
  if (p == "remote" && local_pages != 0) bad("remote world " w ": " local_pages " pages on its own node")
  if (p == "local" && !(($col["node"]) in seen)) { seen[$col["node"]] = 1; distinct++ }
  worlds[p]++
}
$col["record"] == "summary" {
  p = $col["policy"]; total = 0
  for (k = 0; k < nodes; k++) total += $col["pages_node" k]
  if (p == "local" && $col["local_fraction"] != 1) bad("local summary local_fraction " $col["local_fraction"])
  if (p == "remote" && $col["local_fraction"] != 0) bad("remote summary local_fraction " $col["local_fraction"])
  if (p == "interleave") for (k = 0; k < nodes; k++) {
    share = total ? $col["pages_node" k] / total : 0
    if (share < 0.5 / nodes || share > 1.5 / nodes) bad("interleave node " k " holds " share " of the pages")
  }
  summaries++
}
END {
  if (summaries != 3) bad(summaries " summary rows, expected 3")
  if (worlds["local"] != 2 * nodes || worlds["remote"] != 2 * nodes) bad("world rows missing")
  if (distinct != nodes) bad("scatter: workers on " distinct " of " nodes " nodes")
  if (!failed) print "numastat csv: PASS (local 100%, remote 0%, interleave fair, scatter on " distinct " nodes)"
  exit failed
}' $csv || fail=1

# The OpenMP backend places and binds the same way.
numastat --worlds $((2 * n)) --steps 2 --scene chain:8 --placement scatter --backend openmp --policy local --format csv \
    --no-progress | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["record"] == "world" && $c["local_fraction"] != 1 { print "FAIL openmp world " $c["world"] " local_fraction " $c["local_fraction"]; bad = 1 }
  $c["record"] == "world" { worlds++ }
  END { if (worlds != 2 * n) { print "FAIL openmp: " worlds " world rows"; bad = 1 } else if (!bad) print "numastat openmp csv: PASS"; exit bad }' n="$n" || fail=1

# The human-readable report, for the console log (2-node layout only: each numastat run costs seconds under TCG).
if [ "$n" -eq 2 ]; then
  numastat --worlds 4 --steps 2 --scene chain:8 --placement scatter --compare local,remote --no-progress || fail=1
fi
echo "guest: done at $(cut -d" " -f1 /proc/uptime) s"
exit $fail
