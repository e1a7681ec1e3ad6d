"""Error pages in the user's language."""

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from .health import unreachable
from .i18n import lazy_gettext as _l

MESSAGES = {
    400: (_l("请求有误"), _l("提交的内容无法处理，请返回重试。")),
    401: (_l("需要登录"), _l("登录已过期，请重新登录。")),
    403: (_l("没有权限"), _l("您没有访问此页面的权限。")),
    404: (_l("页面不存在"), _l("您要找的页面不存在或已被移除。")),
    405: (_l("请求方式不允许"), _l("此页面不接受这种请求。")),
    409: (_l("内容已被修改"), _l("其他人已修改了这条记录，请刷新后重试。")),
    413: (_l("文件过大"), _l("上传的文件超过了允许的大小。")),
    429: (_l("请求过于频繁"), _l("请稍后再试。")),
    500: (_l("系统出错"), _l("服务器遇到了问题，我们已记录，请稍后再试。")),
    503: (_l("服务暂不可用"), _l("数据库暂时无法连接，请稍后再试。")),
}


CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "invalid", 429: "too_many_requests", 500: "server_error",
         503: "unavailable"}


def render_error(status: int, detail: str | None = None):
    """Render the error page for a status."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": CODES.get(status, "error"), "message": detail or str(message)}, status
    return render_template("errors/error.html", status=status, title=title,
                           message=detail or message), status


def register_error_pages(app: Flask) -> None:
    """Answer every HTTP error, CSRF failure and lost database with a page of our own."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500, getattr(error, "reason", None))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(_l("页面已过期或表单无效，请刷新页面后重新提交。")))

    @app.errorhandler(OperationalError)
    def database_down(error: OperationalError):
        db.session.rollback()
        app.logger.warning("database unavailable: %s", error.orig)
        # Who is signed in is read from the database too: the page (its language, its menu) is rendered for an
        # anonymous visitor rather than asking the lost database again, which would raise a second time.
        g._login_user = login_manager.anonymous_user()
        if request.blueprint == "health":
            return unreachable()
        return render_error(503)

    @app.errorhandler(500)
    def server_error(error: Exception):
        return render_error(500)
