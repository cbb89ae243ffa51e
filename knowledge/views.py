"""Public knowledge pages: browse, product page, download, sitemap and the product API."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from knowledge import catalogue, citations, permissions, product_record, products, usage
from knowledge.citations import Work
from knowledge.file_storage import resolve_stored
from knowledge.models import KnowledgeProduct
from knowledge.sdgs import sdg_choices
from knowledge.search.current import search_index
from knowledge.search.engine import SearchUnavailable
from knowledge.search.requests import SearchRequest, search_products
from knowledge.search.similar import Related, related_to
from knowledge.search.views import facet_choices
from portal.auth.enforce import public
from portal.auth.permissions import is_staff
from portal.collation import sorted_by_name
from portal.countries import country_choices
from portal.db import db_session, utcnow
from portal.i18n import current_language
from portal.mail import absolute_url

log = logging.getLogger(__name__)

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")
seo_bp = Blueprint("knowledge_seo", __name__)
api_bp = Blueprint("knowledge_api", __name__, url_prefix="/api/v1/knowledge")


def user() -> Any:
    return current_user._get_current_object()


def deny() -> NoReturn:
    """Anonymous visitors are asked to sign in (it may be their own product); others get 403."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    abort(403)


def load_product(product_id: int) -> KnowledgeProduct:
    product = catalogue.get_product(db_session(), product_id)
    if product is None:
        abort(404)
    return product


@bp.get("/")
@public
def browse() -> ResponseReturnValue:
    """Search and browse published products; "temporarily unavailable" (503) without an index."""
    wanted = SearchRequest.from_args(request.args)
    try:
        found = search_products(search_index(), db_session(), wanted)
    except SearchUnavailable:
        log.warning("search page answered 503: the search index is unavailable", exc_info=True)
        return render_template("knowledge/browse.html", wanted=wanted, found=None), 503
    return render_template(
        "knowledge/browse.html",
        wanted=wanted,
        found=found,
        facets=facet_choices(found, current_language()),
    )


@bp.get("/<int:product_id>")
@public
def product(product_id: int) -> str:
    item = load_product(product_id)
    if not permissions.can_view_product(user(), item):
        deny()
    related, work = Related(), product_record.work_of(item)
    if item.status == "published":
        count_usage(item, "view")
        related = related_to(search_index(), db_session(), item)
    return render_template(
        "knowledge/product.html",
        product=item,
        related=related,
        schema_org=product_record.schema_org(item, work),
        citations=citation_texts(item, work),
        citation_formats=citations.FORMAT_NAMES,
        permalink=work.permalink,
        actions=product_actions(item),
    )


def citation_texts(item: KnowledgeProduct, work: Work) -> list[tuple[str, Markup]]:
    """(style name, citation) in APA and Chicago for the product's page, in the reader's
    language (only published products are cited)."""
    if item.status != "published":
        return []
    return [
        (name, citations.formatted(work, style, current_language()))
        for style, name in citations.STYLE_NAMES.items()
    ]


def product_actions(item: KnowledgeProduct) -> dict[str, Any]:
    """What the reader may do with the product, for the buttons on its page."""
    reader = user()
    return {
        "edit": permissions.can_edit_product(reader, item),
        "submit": item.status == "draft" and permissions.can_submit_draft(reader, item),
        "withdraw": item.status in ("submitted", "published")
        and permissions.can_withdraw(reader, item),
        "review": item.status == "submitted" and permissions.can_review_queue(reader),
        "revision": item.pending_revision if can_see_unpublished(item) else None,
        "staff": is_staff(reader),
        "usage": item.status in ("published", "withdrawn")
        and permissions.can_see_usage(reader, item),
    }


@bp.get("/<int:product_id>/files/<int:file_id>")
@public
def download(product_id: int, file_id: int) -> Response:
    item = load_product(product_id)
    if not permissions.can_download(user(), item):
        deny()
    stored = catalogue.product_file(db_session(), item.id, file_id)
    # A file proposed in a revision is not public before the revision is approved.
    if stored is None or (stored.revision_id and not can_see_unpublished(item)):
        abort(404)
    path = resolve_stored(Path(current_app.config["PORTAL_DATA_DIR"]), stored.storage_key)
    if not path.is_file():
        log.error("stored file %s of product %s is missing", stored.id, item.id)
        abort(404)
    if item.status == "published":
        count_usage(item, "download")
    response = send_file(
        path, mimetype=stored.mime, as_attachment=True, download_name=stored.original_name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def count_usage(item: KnowledgeProduct, kind: str) -> None:
    """Count a reader's view or download (robots and double clicks are not counted)."""
    usage.record(
        db_session(),
        item.id,
        kind,
        now=utcnow(),
        address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        secret=current_app.config["SECRET_KEY"],
    )


def can_see_unpublished(item: KnowledgeProduct) -> bool:
    return is_staff(user()) or permissions.is_own_organisation(user(), item)


def choice_lists(locale: str) -> dict[str, list[tuple[str, str]]]:
    languages = sorted_by_name(
        ((code, products.language_name(code, locale)) for code in products.product_languages()),
        lambda pair: pair[1],
    )
    return {
        "language_choices": languages,
        "country_choices": country_choices(locale),
        "sdg_choices": sdg_choices(locale),
    }


@seo_bp.get("/sitemap.xml")
@public
def sitemap() -> Response:
    entries = [
        (absolute_url("knowledge.product", product_id=product_id), changed)
        for product_id, changed in catalogue.sitemap_entries(db_session())
    ]
    body = render_template(
        "knowledge/sitemap.xml", entries=entries, browse_url=absolute_url("knowledge.browse")
    )
    return Response(body, mimetype="application/xml")


@seo_bp.get("/k/<int:product_id>")
@public
def permalink(product_id: int) -> Response:
    """The permanent link of a product: it leads to the product's page, wherever that moves."""
    return redirect(url_for("knowledge.product", product_id=product_id), 301)


@api_bp.get("/products/<int:product_id>")
@public
def product_api(product_id: int) -> Response:
    item = catalogue.get_product(db_session(), product_id)
    if item is None or item.status != "published":
        abort(404)
    return jsonify(
        {**catalogue.product_metadata(item), "permalink": product_record.permalink(item.id)}
    )
