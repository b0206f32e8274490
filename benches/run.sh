#!/usr/bin/env bash
# End-to-end benchmark: generates the standard data sets with `crm-audit sample`, runs the audit
# on each, and prints per-stage time, input MB/s and peak memory, beside the time polars alone
# takes to read the same CSV files. Usage:
#   benches/run.sh            # M, L and the 20-client portfolio
#   benches/run.sh M          # one set: M, L or P
# BENCH_DIR (default /tmp/crm-audit-bench) holds the generated data, reused between runs.
# BENCH_ROUNDS=N (default 1) measures each set N times, the audit and the reads it is compared
# with taking turns, and ends with the median of every figure and how many rounds met each
# target: this machine's speed drifts by a third from one minute to the next, so one round's
# ratio says little on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then sets=(M L P); else sets=("$@"); fi
dir="${BENCH_DIR:-/tmp/crm-audit-bench}"
mkdir -p "$dir"

cargo build --release --quiet --bin crm-audit --example polars_read
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/crm-audit"
polars_read="$target/release/examples/polars_read"

generate() { # name customers seed
  local out="$dir/data/$1"
  if [ ! -f "$out/audit.toml" ]; then
    local t0=$(date +%s%N)
    "$bin" sample --customers "$2" --seed "$3" --lang en --out "$out" --quiet
    local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    printf 'generated %-14s %8d customers in %d.%03d s\n' "$1" "$2" $((ms / 1000)) $((ms % 1000))
  fi
}

measure() { # label, then the command; prints wall seconds and peak RSS MB into $dir/last
  /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" || {
    echo "command failed: $*" >&2; cat "$dir/stderr.txt" >&2; return 1; }
  read -r wall rss < "$dir/time.txt"
  echo "$wall $((rss / 1024))"
}

report() { # label, folder of clients or client, output folder
  local label=$1 input=$2 out=$3
  local rounds="${BENCH_ROUNDS:-1}" figures="$dir/figures.txt"
  : > "$figures"
  for round in $(seq 1 "$rounds"); do
    measure_round "$input" "$out" >> "$figures"
    summarise "$label" "$out/manifest.json" $(tail -1 "$figures")
  done
  [ "$rounds" -gt 1 ] && summarise_rounds "$label" "$figures"
  return 0
}

measure_round() { # folder of clients or client, output folder; prints one line of figures
  local input=$1 out=$2
  rm -rf "$out"
  local flag=--config; [ -d "$input" ] && [ ! -f "$input/audit.toml" ] && flag=--portfolio
  [ "$flag" = --config ] && input="$input/audit.toml"
  local root=$(dirname "$input"); [ "$flag" = --portfolio ] && root=$input
  local csvs=$(find "$root" -name '*.csv' | sort)
  # This machine's page cache does not keep files long: both runs start from warm files (read
  # just before), so the comparison is of parsing, not of whichever ran first paying the disk.
  warm() { find "$root" -type f -exec cat {} + >/dev/null; }
  warm
  read -r wall rss < <(measure "$bin" run $flag "$input" --period 2026-Q3 --out "$out" --quiet)
  warm
  read -r pwall prss < <(measure "$polars_read" $csvs)
  # The issue's own yardstick, python polars' read_csv, when python has polars (pip install
  # polars): each file read in turn, every column as text, as a notebook would.
  local pywall=0 pyrss=0
  if [ -n "$python_polars" ]; then
    warm
    read -r pywall pyrss < <(measure "$python_polars" -c '
import sys, polars as pl
frames = [pl.read_csv(f, infer_schema=False) for f in sys.argv[1:]]' $csvs)
  fi
  # Ingest of the same files alone: `crm-audit validate` (ingest and the data-quality ledger,
  # one client after another) on copies of the configurations without their spreadsheet
  # sources, which polars cannot read; process wall time, like polars' read above.
  local csvonly="$out-csv-only"
  rm -rf "$csvonly"; mkdir -p "$csvonly"
  python3 - "$root" "$csvonly" <<'PY'
import pathlib, re, sys
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for toml in sorted(root.rglob("audit.toml")):
    head, *blocks = toml.read_text().split("[[source]]")
    keep = []
    for b in blocks:
        f = re.search(r'^file\s*=\s*"([^"]+)"', b, re.M)
        if f and f.group(1).lower().endswith((".csv", ".tsv", ".txt")):
            keep.append(b.replace(f.group(0), f'file = "{(toml.parent / f.group(1)).resolve()}"'))
    target = out / toml.parent.relative_to(root) / "audit.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("[[source]]".join([head] + keep))
PY
  local vflag=(--portfolio "$csvonly"); [ "$flag" = --config ] && vflag=(--config "$csvonly/audit.toml")
  warm
  read -r vwall vrss < <(measure "$bin" validate "${vflag[@]}" --out "$out-validate")
  # The stage figures of this round's audit, from its manifest.
  local stages=$(python3 - "$out/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
keys = ("ingest", "prepare", "indicators", "models", "render", "write")
ms = [sum(c.get("stages_ms", {}).get(k, 0) for c in m["clients"]) for k in keys]
peak = [max([c.get("stages_peak_mb", {}).get(k) or 0 for c in m["clients"]] + [0]) for k in keys]
print(" ".join(str(v) for v in ms + peak))
PY
)
  echo "$wall $rss $pwall $prss $vwall $vrss $pywall $pyrss $stages"
}

summarise() { # label, manifest, then one line of figures (see measure_round)
  python3 - "$@" <<'PY'
import json, sys
label, manifest, wall, rss, pwall, prss, vwall, vrss, pywall, pyrss = sys.argv[1:11]
m = json.load(open(manifest))
st = {k: 0 for k in ("ingest", "prepare", "indicators", "models", "render", "write")}
peak = {k: 0 for k in st}
mb = 0.0
for c in m["clients"]:
    for k in st: st[k] += c.get("stages_ms", {}).get(k, 0)
    for k in st: peak[k] = max(peak[k], c.get("stages_peak_mb", {}).get(k) or 0)
    mb += sum(i["bytes"] for i in c["inputs"]) / 1e6
failed = [c["client"] for c in m["clients"] if c["status"] != "ok"]
wall, pwall = float(wall), float(pwall)
print(f"\n== {label}: {len(m['clients'])} client(s), {mb:,.0f} MB of exports" + (f", FAILED: {failed}" if failed else ""))
# The run resets the kernel's high-water mark between stages (for the per-stage figures), which
# also lowers what /usr/bin/time reports: the run's peak is the largest of all of them.
rss = max([int(rss)] + list(peak.values()))
print(f"  end to end      {wall:7.2f} s   peak memory {rss:,} MB")
if len(m["clients"]) > 1:
    print("  (stage times summed over clients, which run in parallel; stage peaks are the largest seen)")
for k, v in st.items():
    extra = f"   {mb / (v / 1000):7.0f} MB/s" if k == "ingest" and v else ""
    print(f"  {k:<15} {v / 1000:7.2f} s   peak {peak[k]:6,} MB{extra}")
print(f"  polars CSV read {pwall:7.2f} s   peak memory {int(prss):,} MB   (same CSV files, polars alone)")
vwall = float(vwall)
print(f"  ingest, CSV only{vwall:7.2f} s   peak memory {int(vrss):,} MB   (same CSV files, crm-audit validate)")
if pwall > 0:
    print(f"  ingest / polars {vwall / pwall:7.2f}x   (same CSV files, both whole processes)")
    # Issue 22's end-to-end target: the whole audit against polars merely reading its CSV files.
    print(f"  run / polars    {wall / pwall:7.2f}x   (end to end against polars' read, same run; target 2.5x)")
pywall = float(pywall)
if pywall > 0:
    print(f"  python polars   {pywall:7.2f} s   peak memory {int(pyrss):,} MB   (same CSV files, read_csv, every column as text)")
    print(f"  run / python    {wall / pywall:7.2f}x   (end to end against python polars' read_csv, same run)")
PY
}

summarise_rounds() { # label, file of figures (a line per round, see measure_round)
  python3 - "$@" <<'PY'
import statistics, sys
label, path = sys.argv[1:]
keys = ("ingest", "prepare", "indicators", "models", "render", "write")
rounds = []
for line in open(path):
    v = [float(x) for x in line.split()]
    r = dict(zip(("wall", "rss", "pwall", "prss", "vwall", "vrss", "pywall", "pyrss"), v[:8]))
    r.update({k: v[8 + i] / 1000 for i, k in enumerate(keys)})
    r["peak"] = max([r["rss"]] + v[14:20])
    r["ingest/polars"] = r["vwall"] / r["pwall"]
    r["run/polars"] = r["wall"] / r["pwall"]
    if r["pywall"] > 0:
        r["run/python"] = r["wall"] / r["pywall"]
    rounds.append(r)
n = len(rounds)
med = lambda k: statistics.median(r[k] for r in rounds)
print(f"\n== {label}: median of {n} rounds (each figure on its own), and the rounds within issue 22's targets (set for L)")
print(f"  end to end      {med('wall'):7.2f} s   peak memory {med('peak'):,.0f} MB")
for k in keys:
    print(f"  {k:<15} {med(k):7.2f} s")
print(f"  polars CSV read {med('pwall'):7.2f} s")
print(f"  ingest, CSV only{med('vwall'):7.2f} s")
targets = [
    ("ingest / polars", "ingest/polars", 1.3, "x"),
    ("run / polars", "run/polars", 2.5, "x"),
    ("indicators", "indicators", 3.0, " s"),
    ("prepare", "prepare", 1.0, " s"),
    ("peak memory", "peak", 3.5 * 1024, " MB"),
]
for name, k, limit, unit in targets:
    met = sum(r[k] <= limit for r in rounds)
    each = ", ".join(f"{r[k]:.2f}" if unit != " MB" else f"{r[k]:,.0f}" for r in rounds)
    shown = f"{med(k):.2f}{unit}" if unit != " MB" else f"{med(k):,.0f} MB"
    bound = f"{limit:g}{unit}" if unit != " MB" else f"{limit:,.0f} MB"
    print(f"  {name:<16}median {shown:>10}   target ≤ {bound}: met in {met} of {n} ({each})")
if all("run/python" in r for r in rounds):
    print(f"  run / python    median {med('run/python'):.2f}x")
PY
}

# A python with polars, when there is one: PYTHON_POLARS names it, else python3 if it imports polars.
python_polars="${PYTHON_POLARS:-python3}"
"$python_polars" -c 'import polars' 2>/dev/null || python_polars=""

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
for s in "${sets[@]}"; do
  case $s in
    M) generate M 100000 1; report "M (100k customers)" "$dir/data/M" "$dir/out-M" ;;
    L) generate L 1000000 2; report "L (1M customers)" "$dir/data/L" "$dir/out-L" ;;
    P) for i in $(seq -w 1 20); do generate "P/client-$i" 50000 "$((100 + 10#$i))"; done
       report "P (20 clients x 50k)" "$dir/data/P" "$dir/out-P" ;;
    *) echo "unknown set $s (M, L or P)" >&2; exit 2 ;;
  esac
done
