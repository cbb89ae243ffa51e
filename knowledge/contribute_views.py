"""Contributors' pages: submit a product with its file, edit it, and list the organisation's own."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from knowledge import catalogue, permissions, products, uploads
from knowledge.creators import parse_creators
from knowledge.forms import ProductForm
from knowledge.models import KnowledgeProduct, ProductRevision
from knowledge.repository_settings import default_licence
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
        try:
            created = create_from(form)
        except InputError as error:
            show_refusal(form, error)
        else:
            flash_saved(created, None)
            return redirect(url_for("knowledge.product", product_id=created.id))
    return render_template("knowledge/submit.html", form=form, product=None, review_needed=False)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@require(permissions.can_contribute_knowledge)
def edit(product_id: int) -> Any:
    item = load_product(product_id)
    if not permissions.can_edit_product(user(), item):
        abort(403)
    form = product_form(item)
    if request.method == "GET":
        form.load(edited_values(item))
    elif form.validate_with_files(has_files=bool(item.public_files)):
        try:
            revision = update_from(form, item)
        except InputError as error:
            show_refusal(form, error)
        else:
            flash_saved(item, revision)
            return redirect(url_for("knowledge.product", product_id=item.id))
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
    if item is None and request.method == "GET":
        form.licence.data = default_licence(db_session())
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
        creators=parse_creators(form.creators.data or ""),
        doi=form.doi.data or None,
    )


def create_from(form: ProductForm) -> KnowledgeProduct:
    """The create-product action with what the form says (a draft when saved as one)."""
    return products.create_product(
        db_session(),
        user(),
        form_input(form),
        organisation_id=chosen_organisation(form),
        status="draft" if request.form.get("action") == "draft" else "submitted",
        file=incoming_file(form),
    )


def update_from(form: ProductForm, item: KnowledgeProduct) -> ProductRevision | None:
    """The edit action with what the form says; staff change a published product directly."""
    return products.update_product(
        db_session(),
        user(),
        item,
        form_input(form),
        direct=is_staff(user()),
        organisation_id=chosen_organisation(form),
        file=incoming_file(form),
    )


def chosen_organisation(form: ProductForm) -> int | None:
    """The organisation staff credit the product to; contributors' forms have no such field."""
    chosen: int | None = form.organisation.data if "organisation" in form else None
    return chosen or None


def incoming_file(form: ProductForm) -> uploads.IncomingFile | None:
    upload = form.file.data
    if not upload:
        return None
    store = uploads.FileStore.of(current_app.config)
    return uploads.IncomingFile(
        store,
        upload.filename or "",
        upload.stream,
        edition=form.file_edition.data,
        language=form.file_language.data,
    )


def edited_values(item: KnowledgeProduct) -> dict[str, Any]:
    """A contributor edits her pending revision if there is one; staff edit the product."""
    pending = item.pending_revision if not is_staff(user()) else None
    return pending.changes if pending else products.ProductInput.of(item).to_json()


def show_refusal(form: ProductForm, error: InputError) -> None:
    """The action's refusal next to the field it names (the title when it names none)."""
    form.errors_from(getattr(error, "field", "title"), error.translated())


def flash_saved(item: KnowledgeProduct, revision: ProductRevision | None) -> None:
    if revision is not None:
        flash(_("Your changes wait for review; the published version stays online until then."))
    elif item.status == "draft":
        flash(_("The draft was saved. Submit it for review when it is ready."), "success")
    elif item.status == "submitted":
        flash(_("Thank you. The product waits for review by UNV staff."), "success")
    else:
        flash(_("The changes were saved."), "success")
