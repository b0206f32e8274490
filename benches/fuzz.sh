#!/usr/bin/env bash
# Fuzzes every loader with generated inputs (see docs/fuzzing.md): builds examples/fuzz.rs and
# runs it on 2 workers. Prints a progress line every minute and, at the end, the summary line
# (inputs, panics, hangs, unaccounted rows, time), the time per generator family and any failure.
# Exits 1 when the property broke on any input. Usage:
#   benches/fuzz.sh                 # 1,000,000 inputs, seed 1, 2 jobs
#   benches/fuzz.sh 20000 7 2       # inputs, seed, jobs
# A failure is replayed alone, its files kept for a look:
#   target/release/examples/fuzz --seed S --replay INDEX --dir /tmp/fuzz-replay
set -euo pipefail
cd "$(dirname "$0")/.."
inputs="${1:-1000000}"
seed="${2:-1}"
jobs="${3:-2}"
cargo build --release --quiet --example fuzz
target="${CARGO_TARGET_DIR:-target}"
# CSV files of 128 KB and more are read in slices of 64 KB, so long generated files take the
# sliced path; polars' pool gets one thread per worker.
export CRM_AUDIT_CSV_SLICE_KB="${CRM_AUDIT_CSV_SLICE_KB:-64}"
export POLARS_MAX_THREADS="${POLARS_MAX_THREADS:-$jobs}"
exec "$target/release/examples/fuzz" --inputs "$inputs" --seed "$seed" --jobs "$jobs" --progress 60
