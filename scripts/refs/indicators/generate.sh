#!/usr/bin/env bash
# Regenerates crates/indicators/tests/fixtures/ from the reference implementations.
# Needs R with TTR (Debian r-cran-ttr) and Python 3 with TA-Lib, ta, pandas, numpy, arch.
#   bash scripts/refs/indicators/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
fx="$root/crates/indicators/tests/fixtures"
mkdir -p "$fx"
Rscript "$here/export_ttrc.R" "$fx/bars_ttrc.csv"
python3 "$here/talib_ref.py" "$fx"
for set in ttrc sp500; do
  Rscript "$here/ttr_ref.R" "$fx/bars_$set.csv" "$fx/ttr_$set.csv"
done
Rscript -e 'cat(sprintf("{\n  \"R\": \"%s\",\n  \"TTR\": \"%s\"\n}\n", getRversion(), packageVersion("TTR")))' > "$fx/meta_r.json"
echo "fixtures written to $fx"
