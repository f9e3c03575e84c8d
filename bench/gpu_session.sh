#!/usr/bin/env bash
# What one lease of the GPU machine runs (see bench/README.md): the GPU-relevant tests, then the
# training benches against plain PyTorch and, when its wheels were carried in .whl/, Keras 3 on torch.
# Output goes to $OUT (the device tool brings it back).
set -u
OUT="${OUT:-/tmp/out}"; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 BENCH_SYNTHETIC=1
if ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl \
        && export PYTHONPATH="/tmp/site:${PYTHONPATH:-}"
fi
export PYTHONPATH="$PWD:${PYTHONPATH:-}"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
python3 -c "import torch, sys; print('torch', torch.__version__, 'python', sys.version.split()[0])" | tee -a "$OUT/gpu.txt"
timeout "${TEST_SECONDS:-150}" python3 -m pytest -q -p no:cacheprovider --timeout 60 tests/layers/rnn tests/layers/test_conv.py \
    tests/training tests/mixed_precision tests/models/test_sequential.py 2>&1 | tail -25 | tee "$OUT/tests.txt"
timeout "${BENCH_SECONDS:-300}" python3 bench/bench_core.py --rounds 2 --only mnist_mlp 2>&1 | tee "$OUT/bench.txt"
timeout 100 python3 bench/bench_core.py --rounds 2 --only imdb_dense 2>&1 | tee -a "$OUT/bench.txt"
for w in reuters_lstm imdb_cnn_bilstm simple_rnn; do
    timeout 120 python3 bench/bench_rnn.py --rounds 2 --only $w 2>&1 | tee -a "$OUT/bench.txt"
done
