#!/usr/bin/env bash
# GPU check of the models module and the LoRA worker, for a machine with an NVIDIA GPU.
#
#   bench/lora/gpu-check.sh [OUT_DIR]          (default: target/gpu-check)
#
# 1. The Hugging Face fixture checks (FixtureModelsTest: 5 model families, base and 6 adapters,
#    last/all-position logits, greedy continuations, the mixed-adapter batch) on CUDA in float16,
#    with a stated tolerance of 0.05 on logits (float16 has 11 significant bits; the logits are
#    of magnitude ~2.5). bfloat16 cannot be used: DJL 0.35's PyTorch JNI aborts the process when
#    converting a tensor to bfloat16. Greedy tokens are still required to be identical; a
#    near-tie flipping in float16 shows as a failure in the report, not as a crash.
# 2. The throughput benchmark on a ~1B-parameter random Llama (vocab 32000, hidden 2048, 22
#    layers, 32/8 heads, MLP 5632) with 1,000 adapters (rank 8-16 on q_proj and v_proj, so that
#    1,000 of them fit on disk), 64 streams of 64 tokens, mixes of 1, 10, 100 and 1,000
#    adapters, one round each.
#
# Figures go to OUT_DIR/fixtures.txt and OUT_DIR/throughput.txt; a summary to OUT_DIR/summary.txt.
#
# Prerequisites (nothing is downloaded while it runs):
# - a built tree: ./mvnw -B -q -pl lora-serving -am install -DskipTests -o, and the models test
#   classes (./mvnw -B -q -pl models test-compile), done beforehand on a machine with network;
# - a CUDA build of libtorch 2.7.1 for DJL: either PYTORCH_LIBRARY_PATH pointing at its lib/
#   directory (with PYTORCH_VERSION=2.7.1 and PYTORCH_FLAVOR=cu128), or DJL's
#   ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64 jar on the class path
#   (EXTRA_CP=/path/to/pytorch-native-cu128-2.7.1-linux-x86_64.jar).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-target/gpu-check}"
mkdir -p "$OUT"
SECONDS=0

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "no nvidia-smi: this script needs a GPU" | tee "$OUT/summary.txt"
  exit 1
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
if [[ -z "${PYTORCH_LIBRARY_PATH:-}" && -z "${EXTRA_CP:-}" ]]; then
  echo "set PYTORCH_LIBRARY_PATH (CUDA libtorch 2.7.1) or EXTRA_CP (pytorch-native-cu128 jar)" \
    | tee -a "$OUT/summary.txt"
  exit 1
fi

# Class paths, resolved offline from the local Maven repository.
./mvnw -B -q -o -pl models dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$OUT/models.cp" >/dev/null
./mvnw -B -q -o -pl lora-serving dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$PWD/$OUT/lora.cp" >/dev/null
JAVA_OPTS=(-Xmx24g --add-opens=java.base/java.nio=ALL-UNNAMED -Dai.djl.offline=true)
EXTRA="${EXTRA_CP:+:$EXTRA_CP}"

# 1. Fixture checks on CUDA, float16 (JUnit console launcher from the test class path).
LAUNCHER=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' 2>/dev/null | head -1 || true)
if [[ -n "$LAUNCHER" ]]; then
  timeout 120 java "${JAVA_OPTS[@]}" -Dpayable.models.device=gpu -Dpayable.models.dtype=float16 \
    -Dpayable.models.tolerance=0.05 \
    -jar "$LAUNCHER" -cp "models/target/test-classes:models/target/classes:$(cat "$OUT/models.cp")$EXTRA" \
    --select-class io.payable.models.FixtureModelsTest --details=tree \
    > "$OUT/fixtures.txt" 2>&1 && FIX=passed || FIX=failed
else
  # Without the console launcher: Surefire, offline.
  timeout 180 ./mvnw -B -o -pl models surefire:test -Dtest=FixtureModelsTest \
    -Dpayable.test.jvm="-Xmx8g -Dai.djl.offline=true -Dpayable.models.device=gpu -Dpayable.models.dtype=float16 -Dpayable.models.tolerance=0.05" \
    > "$OUT/fixtures.txt" 2>&1 && FIX=passed || FIX=failed
fi
echo "fixture checks on CUDA float16 (logit tolerance 0.05, greedy identical): $FIX" | tee "$OUT/summary.txt"

# 2. Throughput on a ~1B random model with 1,000 adapters.
timeout 210 java "${JAVA_OPTS[@]}" -cp "lora-serving/target/classes:$(cat "$OUT/lora.cp")$EXTRA" \
  io.payable.lora.cli.LoraMain bench lora --work-dir "$OUT/work" \
  --vocab 32000 --hidden 2048 --layers 22 --heads 32 --kv-heads 8 --intermediate 5632 \
  --min-rank 8 --max-rank 16 --targets q_proj,v_proj --adapters 1000 --mix 1,10,100,1000 \
  --requests 1000 --prompt-tokens 16 --max-tokens 64 --max-running 64 --slots 128 \
  --cold-samples 10 --repeats 1 --dtype float16 \
  > "$OUT/throughput.txt" 2>&1 && THR=done || THR="stopped (see throughput.txt)"
echo "throughput benchmark, ~1B model, 1,000 adapters: $THR" | tee -a "$OUT/summary.txt"
grep '^|' "$OUT/throughput.txt" | tee -a "$OUT/summary.txt" || true
echo "elapsed: ${SECONDS}s" | tee -a "$OUT/summary.txt"
