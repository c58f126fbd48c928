"""Alembic environment for Flask-Migrate: the app's engine and metadata, batch mode on SQLite."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))


# Tables that live in the database but belong to a library, not to our models: APScheduler's job store
# (created by `lantoa scheduler`) must never show up as a table to drop.
EXTERNAL_TABLES = {"apscheduler_jobs"}


def _include_name(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name in EXTERNAL_TABLES)


def _options() -> dict:
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("render_as_batch", engine.dialect.name == "sqlite")
    conf_args.setdefault("include_name", _include_name)
    return conf_args


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = _options()
    options.setdefault("process_revision_directives", process_revision_directives)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table (copy, DROP, rename); with foreign keys enforced, dropping a table
            # other rows point at fails. SQLite's own procedure (https://sqlite.org/lang_altertable.html#otheralter):
            # foreign keys off outside the transaction, migrate, check every key, then on again.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
