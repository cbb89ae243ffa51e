"""OAI-PMH responses as XML: the envelope, headers, oai_dc records and errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from knowledge.models import KnowledgeProduct

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
for _prefix, _uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)

# The Dublin Core of one product: (element name, value, language or None), in the oai_dc order.
DublinCore = Callable[[KnowledgeProduct], Sequence[tuple[str, str, str | None]]]


def utc(moment: datetime) -> str:
    """A datestamp at the repository's granularity, seconds in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def child(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{OAI}}}{name}", attrs)
    element.text = text
    return element


def envelope(base_url: str, request_args: Mapping[str, str], now: datetime) -> ET.Element:
    """The OAI-PMH root with the response date and the request echoed (arguments as attributes)."""
    root = ET.Element(f"{{{OAI}}}OAI-PMH", {f"{{{XSI}}}schemaLocation": f"{OAI} {OAI_SCHEMA}"})
    child(root, "responseDate", utc(now))
    child(root, "request", base_url, **dict(request_args))
    return root


def error(root: ET.Element, code: str, message: str) -> None:
    child(root, "error", message, code=code)


def header(parent: ET.Element, identifier: str, product: KnowledgeProduct, spec: str) -> None:
    attrs = {"status": "deleted"} if product.status == "withdrawn" else {}
    element = child(parent, "header", **attrs)
    child(element, "identifier", identifier)
    child(element, "datestamp", utc(product.updated_at))
    child(element, "setSpec", spec)


def record(
    parent: ET.Element, identifier: str, product: KnowledgeProduct, spec: str, dc: DublinCore
) -> None:
    """A record: its header, and its oai_dc metadata unless it is deleted."""
    element = child(parent, "record")
    header(element, identifier, product, spec)
    if product.status == "withdrawn":
        return
    metadata = child(element, "metadata")
    schema = f"{OAI_DC} {OAI_DC_SCHEMA}"
    container = ET.SubElement(metadata, f"{{{OAI_DC}}}dc", {f"{{{XSI}}}schemaLocation": schema})
    for name, value, language in dc(product):
        item = ET.SubElement(container, f"{{{DC}}}{name}", {XML_LANG: language} if language else {})
        item.text = value


def resumption(parent: ET.Element, token: str | None, size: int, cursor: int) -> None:
    """The list's resumption token; an empty one on the last page of a resumed list."""
    child(parent, "resumptionToken", token, completeListSize=str(size), cursor=str(cursor))


def serialise(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def identify(
    root: ET.Element, name: str, base_url: str, email: str, earliest: datetime | None
) -> None:
    element = child(root, "Identify")
    child(element, "repositoryName", name)
    child(element, "baseURL", base_url)
    child(element, "protocolVersion", "2.0")
    child(element, "adminEmail", email)
    child(element, "earliestDatestamp", utc(earliest) if earliest else "1970-01-01T00:00:00Z")
    child(element, "deletedRecord", "persistent")
    child(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def metadata_formats(root: ET.Element) -> None:
    element = child(root, "ListMetadataFormats")
    found = child(element, "metadataFormat")
    child(found, "metadataPrefix", "oai_dc")
    child(found, "schema", OAI_DC_SCHEMA)
    child(found, "metadataNamespace", OAI_DC)


def sets(root: ET.Element, named: Sequence[tuple[str, str]]) -> None:
    element = child(root, "ListSets")
    for spec, name in named:
        found = child(element, "set")
        child(found, "setSpec", spec)
        child(found, "setName", name)
