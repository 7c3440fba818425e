#!/usr/bin/env python3
"""Loads an adapter written by ModelFactory with Hugging Face PEFT and compares its logits with
ours (the serving reader, the path `payable serve` takes), position by position.

    bench/model-factory/peft-check.sh BASE_DIR ADAPTER_DIR ["prompt"]

runs our side (io.payable.models.AdapterLogits, writing logits.safetensors) and then this script:

    python3 bench/model-factory/peft_check.py BASE_DIR ADAPTER_DIR logits.safetensors

Needs: python3 with torch, transformers, peft and safetensors (pip install torch transformers peft
safetensors). Prints the largest absolute logit difference, with and without the adapter, and
exits 1 when either exceeds the tolerance (1e-4, the f32 agreement the models/ fixtures hold the
serving path to) or the adapter changes nothing.
"""
import sys

import torch
from peft import PeftModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

TOL = 1e-4


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    base_dir, adapter_dir, ours_file = sys.argv[1:]
    ours = load_file(ours_file)
    ids = ours["input_ids"].to(torch.long).unsqueeze(0)
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32)
    base.eval()
    with torch.no_grad():
        base_logits = base(input_ids=ids).logits[0].float()
    model = PeftModel.from_pretrained(base, adapter_dir)  # reads adapter_config.json
    model.eval()
    with torch.no_grad():
        peft_logits = model(input_ids=ids).logits[0].float()

    d_adapter = (peft_logits - ours["logits"]).abs().max().item()
    d_base = (base_logits - ours["base.logits"]).abs().max().item()
    moved = (peft_logits - base_logits).abs().max().item()
    agree = bool((peft_logits.argmax(-1) == ours["logits"].argmax(-1)).all())
    print(f"positions {ids.shape[1]}, vocab {peft_logits.shape[-1]}")
    print(f"max |peft - ours| with the adapter: {d_adapter:.3e}")
    print(f"max |transformers - ours| base:     {d_base:.3e}")
    print(f"max |adapter - base| (peft):        {moved:.3e}")
    print(f"greedy tokens agree at every position: {agree}")
    ok = d_adapter <= TOL and d_base <= TOL and moved > 100 * TOL and agree
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
