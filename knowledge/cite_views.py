"""Citation downloads of a product (BibTeX, RIS, CSL-JSON) for reference managers."""

from __future__ import annotations

import json

from flask import Response, abort

from knowledge import citations, permissions, product_record
from knowledge.views import bp, deny, load_product, user
from portal.auth.enforce import public

# Format -> (media type, file extension, writer).
FORMATS = {
    "bib": ("application/x-bibtex", "bib", citations.bibtex),
    "ris": ("application/x-research-info-systems", "ris", citations.ris),
    "csl": (
        "application/vnd.citationstyles.csl+json",
        "json",
        lambda work: json.dumps([citations.csl_json(work)], ensure_ascii=False, indent=2),
    ),
}


@bp.get("/<int:product_id>/cite.<fmt>")
@public
def cite(product_id: int, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    item = load_product(product_id)
    if not permissions.can_view_product(user(), item):
        deny()
    mimetype, extension, write = FORMATS[fmt]
    body = write(product_record.work_of(item))
    disposition = f'attachment; filename="unv-k{item.id}.{extension}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
