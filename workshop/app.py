"""The app factory: settings, database, routers, static files and error handling."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

import workshop.text  # noqa: F401 - installs the NUL guard on every session's flush
from workshop.bodyguard import BodyGuardMiddleware
from workshop.bundle import keys
from workshop.bundle.service import shutdown_import_pool
from workshop.config import STATIC_DIR, Settings, get_settings
from workshop.db import Database
from workshop.errors import Busy, DomainError, NotAuthenticated
from workshop.i18n import t
from workshop.live.broker import BROKER, PgListener
from workshop.locale_middleware import LocaleMiddleware
from workshop.mapping.offline import use_local_assets
from workshop.migrate import upgrade
from workshop.negotiation import wants_json
from workshop.security import CrossSiteMiddleware, CsrfMiddleware, SecurityHeadersMiddleware
from workshop.templating import go_to, is_htmx, render

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the app; the database is upgraded to the newest schema on start."""
    settings = settings or get_settings()
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade(url)
    use_local_assets()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        BROKER.attach(asyncio.get_running_loop())
        listener = None
        if not url.startswith("sqlite"):
            # Several workers: live events from other processes arrive by LISTEN/NOTIFY.
            listener = app.state.live_listener = PgListener(BROKER, url)
            listener.start()
        yield
        if listener is not None:
            await listener.stop()
        shutdown_import_pool()
        app.state.db.dispose()

    # No Swagger UI or ReDoc: both load scripts from a CDN, and meeting rooms are offline.
    # The schema itself stays at /openapi.json (the security fuzz tests read it).
    app = FastAPI(title="workshop", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.db = Database(
        url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.db_pool_size,
        max_waiting=settings.write_queue_max,
        wait_s=settings.write_wait_s,
    )
    app.state.secret_key = settings.resolved_secret_key()
    # Innermost: bodies too deep to parse, or holding NUL, are refused before any route.
    app.add_middleware(BodyGuardMiddleware)
    # Ed25519 key pair, made at first start (workshop.bundle.keys): signs bundles, records.
    app.state.instance_key = keys.activate(settings.data_dir)
    # Planner sessions are server-side (workshop.accounts.sessions): no session middleware.
    # Added in reverse: the headers wrap every answer (refusals too), then the cross-site
    # check, then the token check, all before any route work.
    app.add_middleware(
        CsrfMiddleware, secret_key=app.state.secret_key, cookie_secure=settings.cookie_secure
    )
    app.add_middleware(CrossSiteMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, cookie_secure=settings.cookie_secure)
    # Outermost: the language is chosen before anything can answer (refusals included).
    app.add_middleware(LocaleMiddleware, cookie_secure=settings.cookie_secure)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _include_routers(app)
    _include_map_routers(app)
    _install_error_handlers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    from workshop.accounts.pool_routes import router as pool
    from workshop.accounts.routes import router as accounts
    from workshop.assessments.routes import router as assessments
    from workshop.assets.import_routes import router as asset_import
    from workshop.assets.routes import router as assets
    from workshop.ballots.routes import router as ballots
    from workshop.bundle.routes import pages as bundle_pages
    from workshop.city.routes import router as city
    from workshop.communities.routes import router as communities
    from workshop.exports.routes import router as gis_exports
    from workshop.followup.routes import router as followup
    from workshop.inventory.routes import router as inventory
    from workshop.live.routes import router as live
    from workshop.proposals.routes import router as proposals
    from workshop.proposals.routes import votes
    from workshop.reports.routes import bundles
    from workshop.reports.routes import router as reports
    from workshop.service_log.routes import router as service_log
    from workshop.workshops.routes import console, tablet

    app.include_router(votes)  # first: the hot path is matched before anything else
    for router in (accounts, console, tablet, assets, proposals, assessments, service_log, live):
        app.include_router(router)
    app.include_router(pool)
    app.include_router(city)
    app.include_router(communities)  # before followup: /console/communities/new is not an id
    app.include_router(followup)
    app.include_router(reports)
    app.include_router(gis_exports)
    app.include_router(asset_import)
    app.include_router(inventory)
    app.include_router(bundles)
    app.include_router(bundle_pages)
    app.include_router(ballots)


def _include_map_routers(app: FastAPI) -> None:
    """Spatial analysis pages and the tile server (workshop.analysis, workshop.basemaps)."""
    from workshop.analysis.routes import router as analysis
    from workshop.basemaps.routes import router as basemaps

    for router in (analysis, basemaps):
        app.include_router(router)


def _wants_json(request: Request) -> bool:
    return wants_json(request.url.path, request.headers)


def error_response(request: Request, status: int, message: str, code: str) -> Response:
    """Answer an error as JSON, as an htmx partial, or as a full page."""
    if _wants_json(request):
        return JSONResponse({"detail": message, "code": code}, status_code=status)
    template = "errors/_error.html" if is_htmx(request) else "errors/error.html"
    return render(request, template, {"message": message, "status": status}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, NotAuthenticated) and not _wants_json(request):
            if exc.key == "login.required":
                target = "/login?next=" + quote(request.url.path)
            else:
                code = request.path_params.get("code")
                target = f"/j/{code}" if code else "/join"
            if exc.key != "login.failed":
                return go_to(request, target)
        answer = error_response(request, exc.status_code, t(exc.key, **exc.params), exc.key)
        if isinstance(exc, Busy):
            # Busy is always answered at once: the client (the tablet's resend queue)
            # comes back after this many seconds, with jitter.
            answer.headers["Retry-After"] = str(exc.params.get("retry_after", 1))
        return answer

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")}))
        message = t("error.request_invalid", fields=fields)
        return error_response(request, 422, message, "request.invalid")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(request, 404, t("error.not_found"), "not_found")
        return error_response(request, exc.status_code, str(exc.detail), "http")

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        # A number the database cannot hold (an id or a year far out of range) is bad
        # input, not a server fault; the request's transaction has been rolled back.
        # PostgreSQL also answers a DataError for a NUL in text: say that, not "number".
        if "NUL" in str(exc) or "0x00" in str(exc):
            return error_response(request, 422, t("text.nul"), "text.nul")
        message = t("error.request_invalid", fields=t("error.number_out_of_range"))
        return error_response(request, 422, message, "request.out_of_range")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, 500, t("error.server"), "server")
