#!/usr/bin/env bash
# The main job: trains a seed tutorial model end to end (see README) in the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
if [ -z "${TKERAS_DATASETS:-}" ] && [ -d ../shared/data ]; then
    export TKERAS_DATASETS="$(cd ../shared/data && pwd)"
fi
exec .venv/bin/python examples/main_job.py "$@"
