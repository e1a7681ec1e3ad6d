"""Magnet (招商通): the investment-promotion CRM of a district."""

import os
from pathlib import Path
from typing import Any

from flask import Flask

from .config import Config, database_url_from_env
from .web.routing import register_routing

DEV_SECRET = "dev"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # inside the package: an installed wheel migrates too


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the app."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, test_config)
    register_extensions(app)
    register_security(app)
    register_routing(app)  # before the blueprints: their rules are compiled with it
    register_blueprints(app)
    register_templates(app)
    register_errors(app)
    register_cli(app)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Load defaults, then the environment (FLASK_*, DATABASE_URL), then test settings."""
    app.config.from_object(Config)
    app.config.from_prefixed_env()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        database_url_from_env() or app.config["SQLALCHEMY_DATABASE_URI"]
        or f"sqlite:///{Path(app.instance_path) / 'magnet.sqlite'}")
    if test_config:
        app.config.update(test_config)
    app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"] or os.path.join(app.instance_path, "uploads")
    if app.debug:
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or DEV_SECRET
    if not (app.debug or app.testing) and app.config["SECRET_KEY"] in (None, "", DEV_SECRET):
        raise RuntimeError("SECRET_KEY is missing or a default: set FLASK_SECRET_KEY to a long random value")


def register_extensions(app: Flask) -> None:
    from .core.audit import register_audit
    from .core.database import configure_engine
    from .extensions import babel, csrf, db, login_manager, migrate
    from .web.i18n import install_template_gettext, select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # check_access redirects; no extra flash
    with app.app_context():
        configure_engine(db.engine)
    register_audit()

    from .auth import user_loader  # noqa: F401  (the user loader)


def register_security(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from .access.declaring import register_tenancy
    from .access.rights import check_access
    from .auth.devices import remember_device
    from .auth.views import enforce_session_limits
    from .web.input_checks import refuse_nul
    from .web.security import add_security_headers

    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.before_request(check_access)
    register_tenancy(app)  # first: a request forgets any reach before anything reads
    app.before_request(enforce_session_limits)
    app.before_request(refuse_nul)
    app.after_request(add_security_headers)
    app.after_request(remember_device)  # a browser that signed in is known to the sign-in throttle


def register_blueprints(app: Flask) -> None:
    from .analysis.blueprint import bp as analysis_bp
    from .api.blueprint import bp as api_bp
    from .audit_trail.blueprint import bp as audit_trail_bp
    from .auth.blueprint import bp as auth_bp
    from .dashboard.blueprint import bp as dashboard_bp
    from .dispatch.blueprint import bp as dispatch_bp
    from .enterprises.blueprint import bp as enterprises_bp
    from .exports.blueprint import bp as exports_bp
    from .extensions import csrf
    from .imports.blueprint import bp as imports_bp
    from .leads.blueprint import bp as leads_bp
    from .offline.blueprint import bp as offline_bp
    from .path.blueprint import bp as path_bp
    from .projects.blueprint import bp as projects_bp
    from .projects.supervision.blueprint import bp as supervision_bp
    from .rankings.blueprint import bp as rankings_bp
    from .reminders.blueprint import bp as reminders_bp
    from .report_document.blueprint import bp as report_document_bp
    from .teams.blueprint import bp as teams_bp
    from .trips.blueprint import bp as trips_bp
    from .users.blueprint import bp as users_bp
    from .visits.blueprint import bp as visits_bp
    from .web.health import bp as health_bp

    for bp in (auth_bp, dashboard_bp, health_bp, teams_bp, users_bp, enterprises_bp, trips_bp, visits_bp, leads_bp,
               api_bp, offline_bp, projects_bp, rankings_bp, exports_bp, imports_bp, audit_trail_bp, supervision_bp):
        app.register_blueprint(bp)
    app.register_blueprint(path_bp)  # the project path after signing and its 红黄绿
    app.register_blueprint(dispatch_bp)  # 调度会
    app.register_blueprint(analysis_bp)  # 多维分析
    app.register_blueprint(reminders_bp)  # 提醒: the bell, a person's list and settings, the district's rules
    app.register_blueprint(report_document_bp)  # 月报/季报 as a Word document
    csrf.exempt(api_bp)  # JSON only, same origin: see crm/api/guard.py


def register_templates(app: Flask) -> None:
    from .web.templating import register_template_helpers

    register_template_helpers(app)


def register_errors(app: Flask) -> None:
    from .web.errors import register_error_pages

    register_error_pages(app)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
