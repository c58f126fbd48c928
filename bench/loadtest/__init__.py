"""`make loadtest`: the main pages under gunicorn with concurrent signed-in clients, against a hello-world floor.

Modules: `stats` (percentiles, summaries, the table), `client` (the load generator), `servers` (gunicorn
processes and the hello-world floor app), `database` (the cached demo database), `pages` (what is requested, as
whom), `__main__` (a run).
"""
