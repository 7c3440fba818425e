#!/usr/bin/env bash
# Attribution-index benchmarks, rerunnable by anyone from the repository root:
#   bench/index/run.sh            # everything
#   SYNTH_MB=20 JMH=0 bench/index/run.sh   # smaller synthetic input, skip JMH
#   SA=0 JMH_ARGS="-p symbols=100000000 QueryBenchmark" bench/index/run.sh  # one JMH class
# Needs: JDK 17, gcc, Debian libdivsufsort-dev, npm (for the corpora). Writes to bench/index/target.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/index"
work="$here/target"
mkdir -p "$work"
cd "$root"

SYNTH_MB="${SYNTH_MB:-100}"
REPEATS="${REPEATS:-3}"
JMH="${JMH:-1}"
JMH_ARGS="${JMH_ARGS:-SaBuildBenchmark QueryBenchmark}"
SA="${SA:-1}"
# Arrow (docs.arrow) needs java.nio opened on Java 17.
opens="--add-opens=java.base/java.nio=ALL-UNNAMED"

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
lscpu | grep -E '^(Model name|CPU\(s\))' || true
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -version 2>&1 | head -1

echo "== build"
./mvnw -B -q -pl attribution-index test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
cp="attribution-index/target/classes:attribution-index/target/test-classes:$(cat attribution-index/target/cp.txt)"
gcc -O2 -o "$work/dss" "$here/dss.c" -ldivsufsort

[ -f "$work/corpora/sotu.txt" ] || "$here/fetch-corpora.sh"
if [ "$SYNTH_MB" -gt 0 ] && [ ! -f "$work/synthetic-${SYNTH_MB}mb.txt" ]; then
  java -cp "$cp" io.payable.index.bench.WriteSynthetic $((SYNTH_MB * 1000000)) "$work/synthetic-${SYNTH_MB}mb.txt"
fi

if [ "$SA" = 1 ]; then
echo "== suffix array build, single thread, same bytes (best of $REPEATS), ours vs libdivsufsort"
inputs=("$work/corpora/moby-dick.txt" "$work/corpora/brown.txt" "$work/corpora/sotu.txt")
[ "$SYNTH_MB" -gt 0 ] && inputs+=("$work/synthetic-${SYNTH_MB}mb.txt")
printf '%-22s %12s %12s %12s %8s\n' input bytes java_ms dss_ms ratio
for f in "${inputs[@]}"; do
  j=$(java -Xms8g -Xmx8g -XX:+UseParallelGC -cp "$cp" io.payable.index.bench.SaBuildComparison "$f" "$REPEATS" \
      | sed -n 's/.*best_ms=//p')
  d=$("$work/dss" "$f" - "$REPEATS" | sed -n 's/.*best_ms=//p')
  printf '%-22s %12d %12s %12s %8.2f\n' "$(basename "$f")" "$(stat -c %s "$f")" "$j" "$d" \
    "$(echo "$j / $d" | bc -l)"
done
fi

echo "== bytes shard sa (minus the separator entry) == libdivsufsort SA"
for f in "$work/corpora/moby-dick.txt" "$work/corpora/brown.txt" "$work/corpora/sotu.txt"; do
  name="$(basename "$f" .txt)"
  rm -rf "$work/$name-shard"
  java -Xmx4g $opens -cp "$cp" io.payable.index.bench.SaBuildComparison "$f" 1 "$work/$name-shard" > /dev/null
  "$work/dss" "$f" "$work/$name.dss.sa" 1 > /dev/null
  if tail -c +5 "$work/$name-shard/sa" | cmp -s - "$work/$name.dss.sa"; then
    echo "identical: $name ($(stat -c %s "$f") bytes)"
  else
    echo "DIFFERENT: $name"; exit 1
  fi
done

if [ "$JMH" = 1 ]; then
  echo "== JMH"
  java $opens -cp "$cp" org.openjdk.jmh.Main -jvmArgsAppend "$opens" -rf text -rff "$work/jmh.txt" $JMH_ARGS
fi
