"""Points and honours: the ledger, leaderboards by trainer and by area, the quarterly honours list."""
