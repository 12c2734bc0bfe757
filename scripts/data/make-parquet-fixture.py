#!/usr/bin/env python3
"""Writes ts/test/fixtures/data/bars-small.parquet from bars-small.csv with pyarrow (an
independent Parquet writer), so the reader is tested on a file it did not produce.
Prices as float64 (as most tools write them), timestamps as int64 ms, symbol as string.
Usage: python3 scripts/data/make-parquet-fixture.py (pyarrow 26.0.1)"""
import csv
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

src = "ts/test/fixtures/data/bars-small.csv"
rows = list(csv.DictReader(open(src)))
ts = [int(datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000) for r in rows]
table = pa.table(
    {
        "open_time": pa.array(ts, pa.int64()),
        "open": pa.array([float(r["open"]) for r in rows], pa.float64()),
        "high": pa.array([float(r["high"]) for r in rows], pa.float64()),
        "low": pa.array([float(r["low"]) for r in rows], pa.float64()),
        "close": pa.array([float(r["close"]) for r in rows], pa.float64()),
        "volume": pa.array([float(r["volume"]) for r in rows], pa.float64()),
        "symbol": pa.array([r["symbol"] for r in rows], pa.string()),
    }
)
pq.write_table(table, "ts/test/fixtures/data/bars-small.parquet", compression="snappy")
print(f"wrote {table.num_rows} rows with pyarrow {pa.__version__}")
