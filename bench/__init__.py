"""`make bench`: performance budgets measured outside the test suite (DESIGN.md §5)."""
