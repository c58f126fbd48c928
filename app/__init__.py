"""The Flask application factory.

`create_app` only builds and wires: it runs no migration, starts no scheduler and
opens no connection. Boundaries (views, CLI commands, jobs) commit; operations flush.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from app.config import load_settings
from app.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    instance_path = Path(os.environ.get("LANTOA_INSTANCE_PATH") or ROOT / "instance").resolve()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_settings(instance_path))
    if overrides:
        app.config.update(overrides)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from app import auth, cli, web

    auth.init_app(app)
    web.init_app(app)
    _register_blueprints(app)
    from app.invitations.redact import install as keep_tokens_out_of_logs

    keep_tokens_out_of_logs()
    cli.register(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin_bp
    from app.areas.change_routes import bp as maps_bp
    from app.areas.routes import bp as areas_bp
    from app.auth.routes import bp as auth_bp
    from app.certificates.routes import bp as certificates_bp
    from app.dashboard.routes import bp as dashboard_bp
    from app.gaps.routes import bp as gaps_bp
    from app.jobs.routes import bp as jobs_bp
    from app.network.routes import bp as network_bp
    from app.people.routes import bp as people_bp
    from app.plan.routes import bp as plan_bp
    from app.rankings.routes import bp as rankings_bp
    from app.targets.routes import bp as targets_bp
    from app.trainers.routes import bp as trainers_bp
    from app.training.routes import bp as training_bp
    from app.units.routes import bp as units_bp

    for bp in (auth_bp, dashboard_bp, areas_bp, units_bp, people_bp, trainers_bp, training_bp, network_bp,
               admin_bp, maps_bp):
        app.register_blueprint(bp)
    from app.assignments.routes import bp as assignments_bp

    for bp in (certificates_bp, rankings_bp, assignments_bp):
        app.register_blueprint(bp)
    for bp in (plan_bp, gaps_bp, jobs_bp, targets_bp):
        app.register_blueprint(bp)
    from app.exports.routes import bp as exports_bp
    from app.invitations.routes import bp as invitations_bp
    from app.reports.routes import bp as reports_bp

    for bp in (reports_bp, exports_bp, invitations_bp):
        app.register_blueprint(bp)
    from app.api import register as register_api

    register_api(app)
