"""The OAI-PMH endpoint (`/oai`, GET and POST) and the Dublin Core of a product."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import Blueprint, current_app, request
from flask_babel import force_locale
from itsdangerous import URLSafeSerializer
from werkzeug.wrappers import Response

from knowledge import oai, oai_xml
from knowledge.forms import LICENCE_LABELS, PRODUCT_TYPE_LABELS
from knowledge.identifiers import licence_url
from knowledge.models import PRODUCT_TYPES, KnowledgeProduct
from knowledge.product_record import doi_url, permalink
from knowledge.sdgs import sdg_choices
from portal import csrf
from portal.auth.enforce import public
from portal.countries import countries
from portal.db import db_session, utcnow
from portal.mail import absolute_url

bp = Blueprint("oai", __name__)
csrf.exempt(bp)  # harvesters POST the same read-only requests as GET (OAI-PMH 3.1.1.2)
REPOSITORY_NAME = "UNV Results Portal: knowledge products on volunteering"


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def identifier(product: KnowledgeProduct) -> str:
    """The product's OAI identifier, `oai:<host>:<id>` (the oai-identifier scheme)."""
    return f"oai:{_host()}:{product.id}"


def dublin_core(product: KnowledgeProduct) -> list[tuple[str, str, str | None]]:
    """The product as unqualified Dublin Core: (element, value, language)."""
    with force_locale("en"):
        kind = str(PRODUCT_TYPE_LABELS[product.product_type])
        sdgs = dict(sdg_choices("en"))
        licence = str(LICENCE_LABELS.get(product.licence or "", "")) if product.licence else ""
    found = countries()
    fields: list[tuple[str, str, str | None]] = [("title", product.title, product.language)]
    # Persons as "Family, Given" (the form harvesters and the DC guidelines expect).
    fields += [("creator", creator.sort_name, None) for creator in product.creators]
    fields.append(("publisher" if product.creators else "creator", product.organisation.name, None))
    fields += [("subject", str(sdgs.get(str(n), f"SDG {n}")), "en") for n in product.sdgs]
    fields += [("subject", theme, None) for theme in product.themes or ()]
    if product.abstract:
        fields.append(("description", product.abstract, product.language))
    fields += [("date", product.publication_date.isoformat(), None), ("type", kind, "en")]
    fields.append(("type", "Text", None))  # the DCMI type of every product
    mimes = sorted({f.mime for f in product.files if f.revision_id is None})
    fields += [("format", mime, None) for mime in mimes]
    fields.append(("identifier", permalink(product.id), None))
    if product.doi:
        fields.append(("identifier", doi_url(product.doi) or "", None))
    if product.url:
        fields.append(("relation", product.url, None))
    fields.append(("language", product.language, None))
    for code in product.countries:
        country = found.get(code)
        fields.append(("coverage", country.name("en") if country else code, "en"))
    if licence:
        fields.append(("rights", licence, "en"))
        link = licence_url(product.licence or "")
        fields += [("rights", link, None)] if link else []
    return fields


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="oai-pmh-resumption")


def _answer(verb: str, arguments: dict[str, str], root: ET.Element) -> None:
    session = db_session()
    prefix = f"oai:{_host()}"
    if verb == "Identify":
        email = parseaddr(current_app.config["MAIL_FROM"])[1] or "no-reply@unv.org"
        earliest = oai.earliest_datestamp(session)
        oai_xml.identify(root, REPOSITORY_NAME, _base_url(), email, earliest)
    elif verb == "ListMetadataFormats":
        if "identifier" in arguments:
            oai.find_record(session, arguments["identifier"], prefix)
        oai_xml.metadata_formats(root)
    elif verb == "ListSets":
        if "resumptionToken" in arguments:
            raise oai.OaiError("badResumptionToken", "The list of sets comes whole.")
        with force_locale("en"):
            named = [(oai.set_spec(t), str(PRODUCT_TYPE_LABELS[t])) for t in PRODUCT_TYPES]
        oai_xml.sets(root, named)
    elif verb == "GetRecord":
        oai.check_prefix(arguments["metadataPrefix"])
        product = oai.find_record(session, arguments["identifier"], prefix)
        parent = oai_xml.child(root, "GetRecord")
        oai_xml.record(parent, identifier(product), product, _spec(product), dublin_core)
    else:
        _list(verb, arguments, root)


def _spec(product: KnowledgeProduct) -> str:
    return oai.set_spec(product.product_type)


def _list(verb: str, arguments: dict[str, str], root: ET.Element) -> None:
    query = oai.list_query(verb, arguments, _serializer())
    page, size, more = oai.list_page(db_session(), query)
    parent = oai_xml.child(root, verb)
    for product in page:
        if verb == "ListRecords":
            oai_xml.record(parent, identifier(product), product, _spec(product), dublin_core)
        else:
            oai_xml.header(parent, identifier(product), product, _spec(product))
    if more or query.after is not None:
        token = oai.make_token(query, page[-1], _serializer()) if more and page else None
        oai_xml.resumption(parent, token, size, query.cursor)


def _base_url() -> str:
    return absolute_url("oai.endpoint")


@bp.route("/oai", methods=["GET", "POST"])
@public
def endpoint() -> Response:
    """Every verb; a protocol error is an OAI-PMH answer (HTTP 200), as harvesters expect."""
    args = request.values.to_dict(flat=False)
    root = oai_xml.envelope(_base_url(), {}, utcnow())
    try:
        verb, arguments = oai.parse_request(args)
    except oai.OaiError as problem:
        oai_xml.error(root, problem.code, problem.message)
    else:
        echoed = root.find(f"{{{oai_xml.OAI}}}request")
        if echoed is not None:  # the request's arguments are echoed once they are known good
            echoed.attrib.update(verb=verb, **arguments)
        try:
            _answer(verb, arguments, root)
        except oai.OaiError as problem:
            if echoed is not None and problem.code == "badArgument":
                echoed.attrib.clear()  # the protocol echoes no argument that was refused
            oai_xml.error(root, problem.code, problem.message)
    return Response(oai_xml.serialise(root), mimetype="text/xml")
