"""Targets (chỉ tiêu): `measures.py` (each indicator's numerator and denominator for one area, used by reports),
`indicators.py` (the same indicators per area of a map, for snapshots, rankings and gap rows), stored targets,
snapshots, the dashboard, denominators import and the forecast."""
