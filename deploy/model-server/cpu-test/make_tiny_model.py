"""Generate a tiny, random, Qwen2-shaped chat model for the vLLM integration tests.

No model hub is reachable from CI, so the test model is made here: a byte-level BPE tokenizer
trained on local text and a two-layer transformer with random weights. Its output is noise, but
vLLM's constrained decoding still forces it into schema-valid JSON, which is exactly what the
integration tests need to prove: the request format, the schema and the parsing path.

Deterministic: a fixed seed and a sorted corpus give the same files on every machine.
Run with the vLLM virtualenv's Python (it has torch, transformers and tokenizers).
"""

import argparse
import json
import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

VOCAB_SIZE = 4096
# Room for the extraction prompt (about 1,500 tokens of fixed instructions) and the worst-case
# answer of a few findings (triage.llm_client.budget: about 700 tokens each).
CONTEXT_TOKENS = 4096
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
# The ChatML template Qwen2 models use; vLLM applies it to /v1/chat/completions requests.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def corpus_lines(roots: list[Path]) -> list[str]:
    """Every line of every .md/.txt file under the roots, in a stable order."""
    lines: list[str] = []
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.is_file() and path.suffix in {".md", ".txt"}:
                lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
    return [line for line in lines if line.strip()]


def train_tokenizer(lines: list[str]) -> PreTrainedTokenizerFast:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        # All 256 byte symbols, so any text (and any JSON the grammar allows) can be encoded.
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token=None,
        chat_template=CHAT_TEMPLATE,
        model_max_length=CONTEXT_TOKENS,
    )


def build_model(tokenizer: PreTrainedTokenizerFast) -> Qwen2ForCausalLM:
    torch.manual_seed(20261121)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        head_dim=64,
        max_position_embeddings=CONTEXT_TOKENS,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
    )
    return Qwen2ForCausalLM(config)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, action="append", required=True)
    args = parser.parse_args()

    lines = corpus_lines(args.corpus)
    if len(lines) < 50:
        print(f"too little training text under {args.corpus}: {len(lines)} lines", file=sys.stderr)
        return 1
    tokenizer = train_tokenizer(lines)
    model = build_model(tokenizer)
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(args.out)
    model.save_pretrained(args.out, safe_serialization=True)
    model.generation_config.save_pretrained(args.out)
    summary = {
        "vocab": len(tokenizer),
        "parameters": sum(p.numel() for p in model.parameters()),
        "corpus_lines": len(lines),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
