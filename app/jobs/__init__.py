"""Periodic jobs: the registry (what and when), the runner (one recorded run), the leader lock and the
scheduler process (`lantoa scheduler`), and the admin page. Nothing here starts inside a web worker."""
