"""Targets (chỉ tiêu): `indicators.py` (the plan's indicators measured per area of a map, as of a day: the one
implementation used by the dashboard, the gap scan, snapshots and the quarterly report), `measures.py` (where a
report measures and the working-age figures), stored targets, snapshots, the dashboard, denominators import and
the forecast."""
