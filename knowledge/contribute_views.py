"""Contributors' pages: submit a product with its file, edit it, and list the organisation's own."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledge import catalogue, permissions, products, uploads
from knowledge.files import UploadRejected
from knowledge.forms import ProductForm
from knowledge.models import KnowledgeProduct, ProductRevision
from knowledge.views import bp, choice_lists, load_product, user
from portal.auth.enforce import require
from portal.auth.permissions import is_staff
from portal.db import db_session
from portal.errors import InputError
from portal.i18n import current_language


@bp.route("/submit", methods=["GET", "POST"])
@require(permissions.can_contribute_knowledge)
def submit() -> Any:
    form = product_form()
    if request.method == "POST" and form.validate_with_files(has_files=False):
        created = save_product(form, None)
        if created is not None:
            return redirect(url_for("knowledge.product", product_id=created.id))
    return render_template("knowledge/submit.html", form=form, product=None, review_needed=False)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@require(permissions.can_contribute_knowledge)
def edit(product_id: int) -> Any:
    item = load_product(product_id)
    if not permissions.can_edit_product(user(), item):
        abort(403)
    form = product_form(item)
    if request.method == "POST":
        if form.validate_with_files(has_files=bool(item.public_files)):
            if save_product(form, item) is not None:
                return redirect(url_for("knowledge.product", product_id=item.id))
    else:
        pending = item.pending_revision if not is_staff(user()) else None
        form.load(pending.changes if pending else products.ProductInput.of(item).to_json())
    review_needed = item.status == "published" and not is_staff(user())
    return render_template(
        "knowledge/submit.html", form=form, product=item, review_needed=review_needed
    )


@bp.get("/mine")
@require(permissions.can_contribute_knowledge)
def mine() -> str:
    organisation_id = user().organisation_id
    items = (
        catalogue.organisation_products(db_session(), organisation_id) if organisation_id else []
    )
    return render_template("knowledge/mine.html", products=items)


def product_form(item: KnowledgeProduct | None = None) -> ProductForm:
    form = ProductForm()
    lists = choice_lists(current_language())
    staff = is_staff(user())
    form.fill_choices(
        languages=lists["language_choices"],
        countries=lists["country_choices"],
        sdgs=lists["sdg_choices"],
        organisations=catalogue.organisation_choices(db_session()) if staff else None,
    )
    if staff and request.method == "GET":
        form.organisation.data = item.organisation_id if item else user().organisation_id
    return form


def form_input(form: ProductForm) -> products.ProductInput:
    return products.ProductInput(
        title=form.title.data or "",
        abstract=form.abstract.data or "",
        product_type=form.product_type.data or "",
        language=form.language.data or "",
        publication_date=form.publication_date.data,
        countries=tuple(form.countries.data or ()),
        sdgs=tuple(form.sdgs.data or ()),
        themes=products.split_themes(form.themes.data or ""),
        url=form.url.data or None,
        licence=form.licence.data or None,
        volunteering_integrated=form.volunteering_flag(),
    )


def save_product(form: ProductForm, item: KnowledgeProduct | None) -> KnowledgeProduct | None:
    """Create or edit from a valid form; None (with the errors on the form) when refused."""
    actor, session = user(), db_session()
    chosen = form.organisation.data if "organisation" in form else None
    organisation_id = chosen or actor.organisation_id
    if item is None and organisation_id is None:
        form.errors_from("title", _("Your account belongs to no organisation; ask UNV staff."))
        return None
    try:
        data = products.validate_input(form_input(form))
    except products.FieldError as error:
        form.errors_from(error.field, error.translated())
        return None
    try:
        accepted = accept_file(form)
    except UploadRejected as rejected:
        form.file.errors = [_(rejected.message, **rejected.params)]
        return None
    data_dir = Path(current_app.config["PORTAL_DATA_DIR"])
    try:
        if item is None:
            status = "draft" if request.form.get("action") == "draft" else "submitted"
            item = products.create_product(
                session, actor, data, organisation_id=organisation_id, status=status
            )
            revision: ProductRevision | None = None
        else:
            if chosen:
                item.organisation_id = chosen
            revision = products.update_product(session, actor, item, data, direct=is_staff(actor))
        if accepted is not None:
            uploads.add_file(session, actor, item, accepted, revision=revision)
    except BaseException as error:
        if accepted is not None:
            uploads.discard_upload(data_dir, accepted)
        if isinstance(error, InputError):
            form.errors_from("title", error.translated())
            return None
        raise
    flash_saved(item, revision)
    return item


def accept_file(form: ProductForm) -> uploads.AcceptedFile | None:
    """The checked and stored upload, or None without one; raises UploadRejected when refused."""
    upload = form.file.data
    if not upload:
        return None
    data_dir = Path(current_app.config["PORTAL_DATA_DIR"])
    temporary_dir = data_dir / "tmp"
    temporary_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=temporary_dir, prefix="upload-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            upload.save(handle)
        return uploads.accept_upload(
            data_dir,
            temporary,
            upload.filename or "",
            max_bytes=current_app.config["PORTAL_MAX_UPLOAD_MB"] * 1024 * 1024,
        )
    finally:
        temporary.unlink(missing_ok=True)


def flash_saved(item: KnowledgeProduct, revision: ProductRevision | None) -> None:
    if revision is not None:
        flash(_("Your changes wait for review; the published version stays online until then."))
    elif item.status == "draft":
        flash(_("The draft was saved. Submit it for review when it is ready."), "success")
    elif item.status == "submitted":
        flash(_("Thank you. The product waits for review by UNV staff."), "success")
    else:
        flash(_("The changes were saved."), "success")
