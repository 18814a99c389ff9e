#!/bin/sh
# Figures of the fuzz runs of TARGET recorded in fuzz/work/TARGET/log.
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-loader}
work="$here/work/$target"
awk -v t="$target" '
    /stat::number_of_executed_units/ { execs += $2; runs++ }
    /cov: [0-9]+/ { for (i = 1; i <= NF; i++) { if ($i == "cov:") cov = $(i+1); if ($i == "ft:") ft = $(i+1) } }
    /=== restart/ { crashes++ }
    END { printf "%s: %d runs, %d executions, coverage cov: %s ft: %s, %d crash restarts\n", t, runs, execs, cov, ft, crashes }
' "$work/log"
ls "$work"/crash-* 2>/dev/null | wc -l | sed 's/^/crash files: /'
ls "$work/corpus" | wc -l | sed 's/^/corpus units: /'
