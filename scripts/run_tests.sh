#!/usr/bin/env bash
# The test command: refreshes .venv, points the dataset loaders at ../shared/data when it exists,
# and runs the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
if [ -z "${TKERAS_DATASETS:-}" ] && [ -d ../shared/data ]; then
    export TKERAS_DATASETS="$(cd ../shared/data && pwd)"
fi
exec .venv/bin/python -m pytest "$@"
