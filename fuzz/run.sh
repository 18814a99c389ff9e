#!/bin/sh
# Coverage-guided fuzzing of kubelint (atheris).  Not part of CI.
#
#   pip install atheris
#   nice -n 19 fuzz/run.sh loader   [SECONDS] [extra libFuzzer flags...]
#   nice -n 19 fuzz/run.sh pipeline [SECONDS] [extra libFuzzer flags...]
#   nice -n 19 fuzz/run.sh regex_cel [SECONDS]  (CRD patterns, Go regexps, CEL rules)
#   nice -n 19 fuzz/run.sh onepass  [SECONDS]  (the C one-pass loader against the Python one)
#
# Seeds: fuzz/seeds/, every example of the rule catalogue (rules/*.yaml) and
# up to 400 small manifests of ../shared/corpus (when present).  The growing corpus is kept in fuzz/work/TARGET/corpus,
# crashes in fuzz/work/TARGET/crash-*, the libFuzzer log (executions
# "stat::number_of_executed_units", coverage "cov:", features "ft:") in
# fuzz/work/TARGET/log.  libFuzzer stops at the first crash; this script
# restarts it (with the corpus grown so far) until SECONDS have passed, so
# one run can collect several distinct crashes.  fuzz/summary.sh TARGET
# adds up the figures.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${1:-loader}
seconds=${2:-900}
[ $# -ge 2 ] && shift 2 || shift $#
work="$here/work/$target"
mkdir -p "$work/corpus" "$work/seeds"
dict="$here/yaml.dict"
if [ -d "$here/seeds-$target" ]; then
    # a target with its own seeds and dictionary (regex_cel: patterns and CEL rules, not YAML)
    cp "$here/seeds-$target"/* "$work/seeds/" 2>/dev/null || true
    [ -f "$here/$target.dict" ] && dict="$here/$target.dict"
    touch "$work/seeds/.catalogue"
else
cp "$here"/seeds/* "$work/seeds/" 2>/dev/null || true
corpus_dir="${KUBELINT_CORPUS:-$root/../shared/corpus}"
[ -d "$corpus_dir" ] || corpus_dir=/work/shared/corpus
if [ -d "$corpus_dir" ] && [ "$(ls "$work/seeds" | wc -l)" -lt 50 ]; then
    find "$corpus_dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -4k \
        | sort | awk 'NR % 5 == 0' | head -400 | while read -r f; do
            cp "$f" "$work/seeds/$(echo "$f" | cksum | cut -d' ' -f1).yaml"
        done
fi
fi
# Every bad/good example of the rule catalogue (rules/*.yaml): a seed per rule.
if [ ! -e "$work/seeds/.catalogue" ]; then
    PYTHONPATH="$root" python3 - "$work/seeds" <<'PY' && touch "$work/seeds/.catalogue"
import os, sys
from kubelint.engine import catalogue
out = sys.argv[1]
for e in catalogue().values():
    for i, ex in enumerate(e.examples):
        for label in ("bad", "good"):
            if isinstance(ex.get(label), str):
                with open(os.path.join(out, f"rule-{e.id}-{i}-{label}.yaml"), "w", encoding="utf-8") as fh:
                    fh.write(ex[label])
PY
fi
cd "$root"
start=$(date +%s)
: > "$work/log"
while :; do
    left=$((seconds - ($(date +%s) - start)))
    [ "$left" -gt 5 ] || break
    PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" python3 "$here/fuzz_$target.py" \
        -max_total_time="$left" -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
        -dict="$dict" -artifact_prefix="$work/" -print_final_stats=1 \
        "$@" "$work/corpus" "$work/seeds" >> "$work/log" 2>&1 && break
    echo "=== restart after a crash at $(date -u +%H:%M:%S)" >> "$work/log"
done
"$here/summary.sh" "$target"
