"""Security headers, the Content-Security-Policy, trusted hosts and session cookie settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def init_app(app: Flask) -> None:
    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_HOURS"]),
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=(app.config["PORTAL_MAX_UPLOAD_MB"] + 1) * 1024 * 1024,
        # A volunteer may take long over a page; expiry is handled by re-rendering, not by loss.
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind a load balancer the client's address (rate limits), scheme (Secure cookies, HSTS)
        # and host come from the forwarded headers the trusted hops set; nobody else's count.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    if app.config["TRUSTED_HOSTS"]:
        app.config["TRUSTED_HOSTS"] = list(app.config["TRUSTED_HOSTS"])
    else:
        app.config["TRUSTED_HOSTS"] = None

    @app.after_request
    def _headers(response: Any) -> Any:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Flask-WTF checks a same-origin Referer over HTTPS: no-referrer would break every POST.
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if secure and request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store" if _is_private() else "no-cache"
        return response


def _is_private() -> bool:
    from flask_login import current_user

    return bool(getattr(current_user, "is_authenticated", False)) or request.path.startswith("/s/")
