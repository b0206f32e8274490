#!/usr/bin/env bash
# Fuzzes every loader with generated inputs (see docs/fuzzing.md): builds examples/fuzz.rs and
# runs it on 2 workers, in chunks of 100,000 inputs (one process each, so a run cut short still
# has whole chunks to show). Prints each chunk's summary line, every failure, then the total line
# (inputs, panics, hangs, unaccounted rows, line-end mismatches, time) and the time per generator
# family. Exits 1 when the property broke on any input. Usage:
#   benches/fuzz.sh                 # 1,000,000 inputs, seed 1, 2 jobs
#   benches/fuzz.sh 20000 7 2       # inputs, seed, jobs
# A failure is replayed alone, its files kept for a look:
#   "$CARGO_TARGET_DIR"/release/examples/fuzz --seed S --replay INDEX --dir /tmp/fuzz-replay
set -euo pipefail
cd "$(dirname "$0")/.."
inputs="${1:-1000000}"
seed="${2:-1}"
jobs="${3:-2}"
chunk="${FUZZ_CHUNK:-100000}"
cargo build --release --quiet --example fuzz
bin="${CARGO_TARGET_DIR:-target}/release/examples/fuzz"
# CSV files of 128 KB and more are read in slices of 64 KB, so long generated files take the
# sliced path; polars' pool gets one thread per worker.
export CRM_AUDIT_CSV_SLICE_KB="${CRM_AUDIT_CSV_SLICE_KB:-64}"
export POLARS_MAX_THREADS="${POLARS_MAX_THREADS:-$jobs}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
start=$(date +%s.%N)
for ((first = 0; first < inputs; first += chunk)); do
  n=$((inputs - first < chunk ? inputs - first : chunk))
  "$bin" --inputs "$n" --first "$first" --seed "$seed" --jobs "$jobs" >"$log.part" || status=1
  cat "$log.part" >>"$log"
  grep -E '^(fuzz:|FAIL)' "$log.part" | sed "s/^fuzz:/fuzz: inputs $first-$((first + n - 1)):/"
done
rm -f "$log.part"
end=$(date +%s.%N)
awk -v seed="$seed" -v jobs="$jobs" -v secs="$(echo "$end - $start" | bc)" '
  /^fuzz:/ {
    gsub(",", ""); i += $2; p += $4; h += $6; u += $8; l += $12
  }
  /^family/ { table = 1; next }
  table && NF == 6 && $1 !~ /^(fuzz:|rows|FAIL)/ {
    n[$1] += $2; ms[$1] += $2 * $3; if ($4 > mx[$1]) mx[$1] = $4; t[$1] += $5; r[$1] += $6
  }
  /^fuzz:/ { table = 0 }
  END {
    printf "fuzz total: %d inputs, %d panics, %d hangs, %d unaccounted rows, %d line-end mismatches, %.1f s (seed %s, %s jobs)\n", i, p, h, u, l, secs, seed, jobs
    printf "family                 inputs   mean ms    max ms    tables   rows read\n"
    for (k in n) printf "%-18s %10d %9.3f %9.1f %9d %11d\n", k, n[k], ms[k] / n[k], mx[k], t[k], r[k] | "sort"
  }' "$log"
exit $status
