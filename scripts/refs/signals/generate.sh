#!/usr/bin/env bash
# Regenerates crates/signals/tests/fixtures/ (needs Python 3 with numpy and scipy >= 1.12).
#   bash scripts/refs/signals/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
mkdir -p "$root/crates/signals/tests/fixtures"
python3 "$here/fusion_ensemble_ref.py" "$root/crates/signals/tests/fixtures/fusion_ensemble.json"
