"""Hugging Face PEFT side by side with `payable bench lora`: the same checkpoint and adapters.

Usage (after `payable bench lora --work-dir WORK ...` has written WORK/base and WORK/adapters):

    pip install torch==2.7.1 transformers peft
    python bench/lora/peft_bench.py WORK --adapters 100 --streams 64 --prompt-tokens 16 \
        --max-tokens 64 --requests 256 [--device cuda --dtype float16]

Loads the base with transformers and the first N adapters with PEFT, then generates greedily in
batches of `streams` rows, each row with its own adapter (`adapter_names`, PEFT's mixed-adapter
batch), with the KV cache, and prints tokens/s: directly comparable with the worker's row for N
distinct adapters (same model, same prompts drawn from the same byte range, same token counts;
end-of-sequence is ignored in both).
"""
import argparse, os, random, time
import torch
from transformers import AutoModelForCausalLM
from peft import PeftModel

ap = argparse.ArgumentParser()
ap.add_argument("work")
ap.add_argument("--adapters", type=int, default=100)
ap.add_argument("--streams", type=int, default=64)
ap.add_argument("--prompt-tokens", type=int, default=16)
ap.add_argument("--max-tokens", type=int, default=64)
ap.add_argument("--requests", type=int, default=256)
ap.add_argument("--device", default="cpu")
ap.add_argument("--dtype", default="float32")
ap.add_argument("--threads", type=int, default=1)
a = ap.parse_args()
torch.set_num_threads(a.threads)
dtype = getattr(torch, a.dtype)

base = AutoModelForCausalLM.from_pretrained(os.path.join(a.work, "base"), dtype=dtype).to(a.device).eval()
names = [f"a{i}" for i in range(a.adapters)]
model = PeftModel.from_pretrained(base, os.path.join(a.work, "adapters", names[0]), adapter_name=names[0])
for n in names[1:]:
    model.load_adapter(os.path.join(a.work, "adapters", n), adapter_name=n)
model.eval()


def prompt(i):
    rnd = random.Random(i)
    return [rnd.randrange(256) for _ in range(a.prompt_tokens)]


@torch.no_grad()
def run(batch):
    ids = torch.tensor([prompt(i) for i in batch], device=a.device)
    rows = [names[(i * 7919) % a.adapters] for i in batch]
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), adapter_names=rows,
                         max_new_tokens=a.max_tokens, min_new_tokens=a.max_tokens, do_sample=False,
                         eos_token_id=None, pad_token_id=0)
    return (out.shape[1] - ids.shape[1]) * len(batch)


run(list(range(min(a.streams, a.requests))))  # warm-up
t0 = time.perf_counter()
tokens = 0
for s in range(0, a.requests, a.streams):
    tokens += run(list(range(s, min(s + a.streams, a.requests))))
dt = time.perf_counter() - t0
print(f"PEFT {a.adapters} adapters: {tokens} tokens in {dt:.1f} s = {tokens / dt:.1f} tokens/s "
      f"({a.device}, {a.dtype}, {a.threads} threads)")
