#!/usr/bin/env bash
# Attribution-index benchmarks, rerunnable by anyone from the repository root:
#   bench/index/run.sh                          # everything
#   LIBSAIS_SRC=~/src/libsais bench/index/run.sh  # also libsais, built from its source tree
#   ROUNDS=7 JMH=0 bench/index/run.sh           # more alternations, skip JMH
#   SA=0 JMH_ARGS="-p symbols=100000000 QueryBenchmark" bench/index/run.sh  # one JMH class
#   SA=0 JMH=0 SCALE_TOKENS=1000000000 bench/index/run.sh  # the index at scale (ScaleIndex)
# Needs: JDK 17, gcc, Debian libdivsufsort-dev, npm (for the corpora), python3 (statistics).
# libsais (github.com/IlyaGrebnov/libsais) is optional and never part of this repository (it is not
# on npm or in Debian, and we know of no Maven artifact with its source): point LIBSAIS_SRC at a
# checkout (its include/ and src/ directories) and the script compiles bench/index/lsais.c
# against it with -O3 and OpenMP.
# Every round times ours on one and on two threads, libdivsufsort, and libsais on one and two
# threads when built. Writes to bench/index/target.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/index"
work="$here/target"
mkdir -p "$work"
cd "$root"

ROUNDS="${ROUNDS:-5}"
# OpenMP threads that spin while waiting starve everything else on shared cores.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# Builds per process: the JIT compiles the build's loops during the first two or three, so the
# best of five is the warmed-up build; the first (a fresh JVM's) is reported beside it.
REPEATS="${REPEATS:-5}"
JMH="${JMH:-1}"
JMH_ARGS="${JMH_ARGS:-SaBuildBenchmark QueryBenchmark}"
SA="${SA:-1}"
# Arrow (docs.arrow) needs java.nio opened on Java 17.
opens="--add-opens=java.base/java.nio=ALL-UNNAMED"

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
lscpu | grep -E '^(Model name|CPU\(s\)|L3 cache)' || true
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -version 2>&1 | head -1
gcc --version | head -1

echo "== build"
./mvnw -B -q -pl attribution-index test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
cp="attribution-index/target/classes:attribution-index/target/test-classes:$(cat attribution-index/target/cp.txt)"
gcc -O2 -o "$work/dss" "$here/dss.c" -ldivsufsort
lsais=""
if [ -n "${LIBSAIS_SRC:-}" ]; then
  gcc -O3 -fopenmp -DLIBSAIS_OPENMP -I"$LIBSAIS_SRC/include" -o "$work/lsais" \
    "$here/lsais.c" "$LIBSAIS_SRC/src/libsais.c"
  echo "libsais $(cat "$LIBSAIS_SRC/VERSION" 2>/dev/null || echo '?') from $LIBSAIS_SRC"
fi
[ -x "$work/lsais" ] && lsais="$work/lsais"
[ -z "$lsais" ] && echo "libsais: not built (set LIBSAIS_SRC to compare with it)"

[ -f "$work/corpora/sotu.txt" ] || "$here/fetch-corpora.sh"
# The real-text input: every State of the Union address, Moby Dick and the Brown corpus, as one
# text (18.1 MB), and its o200k_base tokens as u32 symbols (token id + 1).
real="$work/real-18mb.txt"
[ -f "$real" ] || cat "$work/corpora/sotu.txt" "$work/corpora/moby-dick.txt" \
  "$work/corpora/brown.txt" > "$real"
tokens="$work/real-18mb.o200k.u32"
[ -f "$tokens" ] || java -cp "$cp" io.payable.index.bench.WriteTokens "$real" "$tokens"
alphabet=200020 # o200k_base vocabulary + 1

# "WALL CPU FIRST": wall and CPU time of the best of REPEATS builds in one process, and the wall
# time of its first build.
best() {
  sed -n 's/.*times_ms=\([0-9.]*\)[0-9.,]* best_cpu_ms=\([0-9.]*\) best_ms=\([0-9.]*\).*/\3 \2 \1/p'
}

# One input, ROUNDS alternations of ours / libdivsufsort / libsais (each the best of REPEATS
# builds in its own process), then the ratio ours/peer per round, min and median, for wall-clock
# time and for CPU time (the steadier measure when other work shares the cores).
compare() {
  local label="$1" input="$2" kind="$3"
  local jargs=() dargs=() largs=(1)
  if [ "$kind" = u32 ]; then jargs=(--u32 "$alphabet"); dargs=(u32); largs=(1 u32 "$alphabet"); fi
  local rows="$work/compare-$label.txt"
  : > "$rows"
  for r in $(seq 1 "$ROUNDS"); do
    j=$(java -Xms4g -Xmx4g -XX:+UseParallelGC -cp "$cp" io.payable.index.bench.SaBuildComparison \
      "$input" "$REPEATS" "${jargs[@]}" | best)
    d=$("$work/dss" "$input" - "$REPEATS" "${dargs[@]}" | best)
    l="- - -"; l2="- - -"
    if [ -n "$lsais" ]; then
      l=$("$lsais" "$input" - "$REPEATS" "${largs[@]}" | best)
      l2=$("$lsais" "$input" - "$REPEATS" 2 "${largs[@]:1}" | best)
    fi
    j2=$(java -Xms4g -Xmx4g -XX:+UseParallelGC -cp "$cp" io.payable.index.bench.SaBuildComparison \
      "$input" "$REPEATS" "${jargs[@]}" --threads 2 | best)
    echo "$j $d $l $l2 $j2" >> "$rows"
    set -- $j $d $l $l2 $j2
    printf '%-6s round %d, wall (cpu) ms: ours %s (%s)  libdivsufsort %s (%s)  libsais %s (%s)  libsais-2t %s  ours-2t %s\n' \
      "$label" "$r" "$1" "$2" "$4" "$5" "$7" "$8" "${10}" "${13}"
  done
  python3 - "$label" "$rows" <<'PY'
import statistics, sys
label, path = sys.argv[1], sys.argv[2]
rows = [line.split() for line in open(path) if line.strip()]
def col(i): return [float(r[i]) for r in rows if r[i] != '-']
def show(name, metric, ours, peer):
    if not peer: return
    ratios = [o / p for o, p in zip(ours, peer)]
    print(f"{label:6s} ours/{name} ({metric}): min {min(ratios):.2f}  median {statistics.median(ratios):.2f}"
          f"  (ours min {min(ours):.0f} median {statistics.median(ours):.0f} ms;"
          f" {name} min {min(peer):.0f} median {statistics.median(peer):.0f} ms)")
show("libdivsufsort", "wall", col(0), col(3))
show("libdivsufsort", "cpu", col(1), col(4))
show("libdivsufsort", "first build, wall", col(2), col(5))
show("libsais", "wall", col(0), col(6))
show("libsais", "cpu", col(1), col(7))
show("libsais-2t", "wall", col(0), col(9))
# Two threads: ours-2t over ours (1 thread), and over libsais with 2 threads.
def show2(name, metric, ours2, peer):
    if not peer: return
    ratios = [o / p for o, p in zip(ours2, peer)]
    print(f"{label:6s} ours-2t/{name} ({metric}): min {min(ratios):.2f}  median {statistics.median(ratios):.2f}"
          f"  (ours-2t min {min(ours2):.0f} median {statistics.median(ours2):.0f} ms)")
show2("ours", "wall", col(12), col(0))
show2("libsais-2t", "wall", col(12), col(9))
PY
}

if [ "$SA" = 1 ]; then
  echo "== suffix array build side by side, single thread unless marked 2t ($ROUNDS rounds, best of $REPEATS per process)"
  echo "(ours-2t: SuffixArrays.build on two threads; it reads the text ahead of the final inducing passes for bytes only)"
  compare bytes "$real" bytes
  echo "(o200k: libdivsufsort sorts bytes only, so it gets each symbol as 3 big-endian bytes and keeps the suffixes at multiples of 3; libsais uses libsais_int)"
  compare o200k "$tokens" u32

  echo "== the suffix arrays are identical"
  java -Xmx4g -cp "$cp" io.payable.index.bench.SaBuildComparison "$real" 1 --sa "$work/ours.sa" > /dev/null
  "$work/dss" "$real" "$work/dss.sa" 1 > /dev/null
  cmp -s "$work/ours.sa" "$work/dss.sa" && echo "bytes: ours == libdivsufsort" || { echo "bytes: DIFFERENT"; exit 1; }
  java -Xmx4g -cp "$cp" io.payable.index.bench.SaBuildComparison "$real" 1 --threads 2 --sa "$work/ours2.sa" > /dev/null
  cmp -s "$work/ours2.sa" "$work/dss.sa" && echo "bytes: ours-2t == libdivsufsort" || { echo "bytes: ours-2t DIFFERENT"; exit 1; }
  java -Xmx4g -cp "$cp" io.payable.index.bench.SaBuildComparison "$tokens" 1 --u32 "$alphabet" --sa "$work/ours-t.sa" > /dev/null
  "$work/dss" "$tokens" "$work/dss-t.sa" 1 u32 > /dev/null
  cmp -s "$work/ours-t.sa" "$work/dss-t.sa" && echo "o200k: ours == libdivsufsort" || { echo "o200k: DIFFERENT"; exit 1; }
  if [ -n "$lsais" ]; then
    "$lsais" "$real" "$work/ls.sa" 1 1 > /dev/null
    cmp -s "$work/ours.sa" "$work/ls.sa" && echo "bytes: ours == libsais" || { echo "bytes: libsais DIFFERENT"; exit 1; }
    "$lsais" "$tokens" "$work/ls-t.sa" 1 1 u32 "$alphabet" > /dev/null
    cmp -s "$work/ours-t.sa" "$work/ls-t.sa" && echo "o200k: ours == libsais" || { echo "o200k: libsais DIFFERENT"; exit 1; }
  fi
  rm -f "$work"/*.sa

  echo "== bytes shard sa (minus the separator entry) == libdivsufsort SA"
  for f in "$work/corpora/moby-dick.txt" "$work/corpora/brown.txt" "$work/corpora/sotu.txt"; do
    name="$(basename "$f" .txt)"
    rm -rf "$work/$name-shard"
    java -Xmx4g $opens -cp "$cp" io.payable.index.bench.SaBuildComparison "$f" 1 --shard "$work/$name-shard" > /dev/null
    "$work/dss" "$f" "$work/$name.dss.sa" 1 > /dev/null
    if tail -c +5 "$work/$name-shard/sa" | cmp -s - "$work/$name.dss.sa"; then
      echo "identical: $name ($(stat -c %s "$f") bytes)"
    else
      echo "DIFFERENT: $name"; exit 1
    fi
    rm -rf "$work/$name-shard" "$work/$name.dss.sa"
  done
fi

if [ -n "${SCALE_TOKENS:-}" ]; then
  # SCALE_MEMORY_MB: the build's memory budget; the heap gets 1 GiB more.
  mem="${SCALE_MEMORY_MB:-7168}"
  dir="${SCALE_DIR:-$work/scale-index}"
  echo "== index at scale: $SCALE_TOKENS tokens into $dir, budget $mem MiB"
  rm -rf "$dir"
  heap="-Xmx$((mem + 1024))m -XX:+UseParallelGC"
  /usr/bin/time -f "build: %e s wall, max RSS %M KiB" java $heap $opens -cp "$cp" \
    io.payable.index.bench.ScaleIndex build "$real" "$dir" "$SCALE_TOKENS" "$mem" "$(nproc)"
  java -Xmx2g $opens -cp "$cp" io.payable.index.bench.ScaleIndex query "$real" "$dir" 20
fi

if [ "$JMH" = 1 ]; then
  echo "== JMH"
  java $opens -cp "$cp" org.openjdk.jmh.Main -jvmArgsAppend "$opens" -rf text -rff "$work/jmh.txt" $JMH_ARGS
fi
