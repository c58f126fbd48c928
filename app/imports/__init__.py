"""One pipeline for every uploaded table: `read` (safe reading of .xlsx/.csv), `cells` (one cell to a clean
value), `spec` (an import's declared columns), `table` (header finding, every row checked, every error listed).
Each import declares a `Spec` and keeps its own loader (matching and writing, all or nothing)."""
