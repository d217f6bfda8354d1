#!/usr/bin/env bash
# Start the CPU vLLM test server with the tiny local model (run setup.sh first).
# Usage: serve.sh PORT API_KEY    — runs in the foreground; the test fixture owns the process.
# The flags are the ones known to work on a CPU-only machine: bfloat16, eager mode (no graph
# capture), a 1 GiB KV cache, and the guidance backend for JSON-schema output (xgrammar 0.2.8
# lets raw control characters into strings that have maxLength).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VENV="${VLLM_VENV:-$ROOT/.local/vllm-venv}"
MODEL_DIR="${VLLM_TINY_MODEL:-$ROOT/.local/tiny-model}"
PORT="${1:?usage: serve.sh PORT API_KEY}"
API_KEY="${2:?usage: serve.sh PORT API_KEY}"

export VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}"
# Nothing may be fetched from a model hub: the model is on disk.
export HF_HUB_OFFLINE=1
export VLLM_CACHE_ROOT="${VLLM_CACHE_ROOT:-$ROOT/.local/vllm-cache}"
export VLLM_NO_USAGE_STATS=1
export DO_NOT_TRACK=1

exec "$VENV/bin/python" -m vllm.entrypoints.openai.api_server \
  --model "$MODEL_DIR" \
  --served-model-name tiny \
  --api-key "$API_KEY" \
  --host 127.0.0.1 --port "$PORT" \
  --dtype bfloat16 \
  --max-model-len 2048 \
  --enforce-eager \
  --structured-outputs-config '{"backend":"guidance","disable_any_whitespace":true}'
