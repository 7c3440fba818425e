#!/usr/bin/env bash
# An adapter written by ModelFactory, loaded by Hugging Face PEFT, gives our logits:
#   bench/model-factory/peft-check.sh BASE_DIR ADAPTER_DIR ["prompt"]
# e.g. BASE_DIR the --base of `payable models train`, ADAPTER_DIR model-runs/<run>/adapter.
# Our side: io.payable.models.AdapterLogits (the serving reader); theirs: peft_check.py.
# Needs: JDK 17; python3 with torch, transformers, peft, safetensors.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
base="$(cd "$1" && pwd)"
adapter="$(cd "$2" && pwd)"
prompt="${3:-The tenant shall keep the premises in good and tenantable repair.}"
work="$root/bench/model-factory/target"
mkdir -p "$work"
cd "$root"
./mvnw -B -q -pl models compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
cp="models/target/classes:$(cat models/target/cp.txt)"
java -cp "$cp" io.payable.models.AdapterLogits "$base" "$adapter" "$work/logits.safetensors" \
  "$prompt" 2>&1 | grep -v -E 'CudaUtils|^SLF4J'
python3 "$root/bench/model-factory/peft_check.py" "$base" "$adapter" "$work/logits.safetensors"
