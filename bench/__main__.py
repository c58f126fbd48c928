"""Run every bench module's `run()`; minimal entry (the bench owner may replace it)."""

from bench import roster_import

if __name__ == "__main__":
    roster_import.run()
