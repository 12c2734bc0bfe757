#!/usr/bin/env python3
"""Exports the real data sets the stats fixtures are computed on, from the data bundled with
the `arch` package (arch.data), to CSV files in crates/stats/tests/fixtures/data/.

- sp500.csv:    S&P 500 index daily, 1999-01-04 .. 2018-12-31 (arch.data.sp500), Adj Close.
- nasdaq.csv:   NASDAQ Composite daily, same dates (arch.data.nasdaq), Adj Close.
- default.csv:  Moody's AAA and BAA corporate bond yields, monthly 1919-2018 (arch.data.default).
- core_cpi.csv: US core CPI (CPILFESL), monthly 1957-2018 (arch.data.core_cpi).

    python3 scripts/refs/stats/data.py
"""
import os

import arch
import arch.data.core_cpi
import arch.data.default
import arch.data.nasdaq
import arch.data.sp500

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "..", "crates", "stats", "tests", "fixtures", "data")
os.makedirs(out, exist_ok=True)

sp = arch.data.sp500.load()[["Adj Close"]].rename(columns={"Adj Close": "adj_close"})
sp.index.name = "date"
sp.to_csv(os.path.join(out, "sp500.csv"))

nq = arch.data.nasdaq.load()[["Adj Close"]].rename(columns={"Adj Close": "adj_close"})
nq.index.name = "date"
nq.to_csv(os.path.join(out, "nasdaq.csv"))

d = arch.data.default.load()
d.index.name = "date"
d.to_csv(os.path.join(out, "default.csv"))

c = arch.data.core_cpi.load().rename(columns={"CPILFESL": "cpi"})
c.index.name = "date"
c.to_csv(os.path.join(out, "core_cpi.csv"))

with open(os.path.join(out, "README.md"), "w") as f:
    f.write(f"""# Real data for the stats fixtures

Exported by `scripts/refs/stats/data.py` from the data sets bundled with the Python package
`arch` {arch.__version__} (`arch.data`), which ships them for its own examples:

| file | content | source module |
|------|---------|---------------|
| sp500.csv | S&P 500 daily adjusted close, 1999-01-04 .. 2018-12-31 (5031 rows) | arch.data.sp500 |
| nasdaq.csv | NASDAQ Composite daily adjusted close, same dates (5031 rows) | arch.data.nasdaq |
| default.csv | Moody's AAA and BAA corporate bond yields, monthly 1919-2018 (1200 rows) | arch.data.default |
| core_cpi.csv | US core CPI (FRED CPILFESL), monthly 1957-2018 (743 rows) | arch.data.core_cpi |

Values are written in shortest round-trip form (Python repr), so they parse back exactly.
""")
