"""The trainer network in the database: lineage kept exact on every change, counters, roll-ups and pages.

`operations.py` changes the network (register, promote, move; `recompute_all` for the job), `recompute.py` is the
whole-network pass written back, `counters.py` keeps the per-trainer counters exact between passes,
`queries.py` the scoped reads, `tree.py` the lazy subtree, `picture.py` the cascade as SVG, `imports.py` the
Excel/CSV import, `routes.py` the pages of the `network` blueprint.
"""
