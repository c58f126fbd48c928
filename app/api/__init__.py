"""The API for the programme's other systems (`/api/v1`) and its admin pages (`/admin/api-clients`).

`register(app)` wires the API blueprint (its read, indicator, ingest and documentation routes), the admin
blueprint and the review of held learning records (`/learning-records/`), and declares the scope rules of the API's models.
"""

from __future__ import annotations

from flask import Flask

from app.api import access  # noqa: F401  (registers the scope rules)


def register(app: Flask) -> None:
    from app.api import doc_routes, indicator_routes, ingest  # noqa: F401  (routes on the API blueprint)
    from app.api.admin_routes import bp as admin_bp
    from app.api.review import bp as review_bp
    from app.api.routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(review_bp)
