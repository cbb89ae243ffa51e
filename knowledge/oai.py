"""OAI-PMH 2.0 over the published knowledge products: the verbs, their arguments and their errors.

Harvesters (the UN Digital Library, BASE, Google Scholar) read the repository through six verbs.
A record's datestamp is its product's `updated_at` (edits, publication and withdrawal all touch it).
Records are the products ever published: a withdrawn one stays as a deleted record (deletedRecord
"persistent"); drafts, submissions and rejections are never exposed. Lists come in pages of
`PAGE_SIZE` ordered by (datestamp, id), continued by a signed resumption token that carries the
position reached, so a product changed during a harvest moves to a later page and is not lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from knowledge.models import PRODUCT_TYPES, KnowledgeProduct

PAGE_SIZE = 100
METADATA_PREFIX = "oai_dc"
DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# The arguments each verb takes: (required, optional); a resumption token stands alone.
VERBS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
}
LIST_VERBS = ("ListIdentifiers", "ListRecords")


class OaiError(Exception):
    """A protocol error: its code (`badArgument`, …) and a message for the harvester's operator."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class ListQuery:
    """What a list request asks for, and where the previous page ended."""

    verb: str
    start: datetime | None = None
    end: datetime | None = None
    set_spec: str | None = None
    after: tuple[datetime, int] | None = None
    cursor: int = 0


def parse_request(args: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    """(verb, arguments) of a request; OaiError badVerb or badArgument as the protocol says."""
    verbs = args.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    given = {name: values for name, values in args.items() if name != "verb"}
    repeated = sorted(name for name, values in given.items() if len(values) != 1)
    if repeated:
        raise OaiError("badArgument", f"Repeated argument: {', '.join(repeated)}.")
    arguments = {name: values[0] for name, values in given.items()}
    required, optional = VERBS[verb]
    if "resumptionToken" in arguments and verb in (*LIST_VERBS, "ListSets"):
        if len(arguments) != 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return verb, arguments
    unknown = sorted(set(arguments) - required - optional)
    if unknown:
        raise OaiError("badArgument", f"Illegal argument for {verb}: {', '.join(unknown)}.")
    missing = sorted(required - set(arguments))
    if missing:
        raise OaiError("badArgument", f"Missing argument for {verb}: {', '.join(missing)}.")
    return verb, arguments


def check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Only {METADATA_PREFIX} is disseminated.")


def _bound(value: str, name: str, end: bool) -> tuple[datetime, bool]:
    """A from/until value as a UTC instant, and whether it was a day. `until` gives the instant
    just after it (a datestamp shown to the second, or the day, holds times within it)."""
    if DAY_RE.fullmatch(value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise OaiError("badArgument", f"{name} is not a valid date.") from None
        return day + timedelta(days=1) if end else day, True
    if SECOND_RE.fullmatch(value):
        try:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise OaiError("badArgument", f"{name} is not a valid date and time.") from None
        return moment + timedelta(seconds=1) if end else moment, False
    raise OaiError("badArgument", f"{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


def list_query(verb: str, arguments: Mapping[str, str], serializer: URLSafeSerializer) -> ListQuery:
    """The list request's query, from its arguments or from its resumption token."""
    if "resumptionToken" in arguments:
        return read_token(arguments["resumptionToken"], verb, serializer)
    check_prefix(arguments["metadataPrefix"])
    start = end = None
    if "from" in arguments:
        start, start_is_day = _bound(arguments["from"], "from", end=False)
    if "until" in arguments:
        end, end_is_day = _bound(arguments["until"], "until", end=True)
    if start is not None and end is not None:
        if start_is_day != end_is_day:
            raise OaiError("badArgument", "from and until must have the same granularity.")
        if start >= end:
            raise OaiError("badArgument", "from is later than until.")
    return ListQuery(verb, start, end, arguments.get("set"))


def make_token(query: ListQuery, last: KnowledgeProduct, serializer: URLSafeSerializer) -> str:
    """The resumption token of the page after `last`."""
    payload = {
        "v": query.verb,
        "f": query.start.isoformat() if query.start else None,
        "u": query.end.isoformat() if query.end else None,
        "s": query.set_spec,
        "a": [last.updated_at.isoformat(), last.id],
        "c": query.cursor + PAGE_SIZE,
    }
    return str(serializer.dumps(payload))


def read_token(token: str, verb: str, serializer: URLSafeSerializer) -> ListQuery:
    try:
        payload = serializer.loads(token)
        if payload["v"] != verb:
            raise ValueError(verb)
        stamp, product_id = payload["a"]
        return ListQuery(
            verb,
            datetime.fromisoformat(payload["f"]) if payload["f"] else None,
            datetime.fromisoformat(payload["u"]) if payload["u"] else None,
            payload["s"],
            (datetime.fromisoformat(stamp), int(product_id)),
            int(payload["c"]),
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        raise OaiError("badResumptionToken", "The resumption token is invalid.") from None


def _records() -> Select[KnowledgeProduct]:
    return select(KnowledgeProduct).where(
        KnowledgeProduct.status.in_(("published", "withdrawn")),
        KnowledgeProduct.published_at.is_not(None),
    )


def set_spec(product_type: str) -> str:
    return f"type:{product_type}"


def _filtered(query: ListQuery) -> Select[KnowledgeProduct]:
    statement = _records()
    if query.start is not None:
        statement = statement.where(KnowledgeProduct.updated_at >= query.start)
    if query.end is not None:
        statement = statement.where(KnowledgeProduct.updated_at < query.end)
    if query.set_spec is not None:
        types = [t for t in PRODUCT_TYPES if set_spec(t) == query.set_spec]
        statement = statement.where(KnowledgeProduct.product_type.in_(types))
    return statement


def list_page(session: Session, query: ListQuery) -> tuple[list[KnowledgeProduct], int, bool]:
    """(this page's products, the complete list's size, whether more follow); noRecordsMatch
    when the request matches nothing."""
    statement = _filtered(query)
    size = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    if query.after is not None:
        stamp, last_id = query.after
        changed = KnowledgeProduct.updated_at
        later = or_(changed > stamp, and_(changed == stamp, KnowledgeProduct.id > last_id))
        statement = statement.where(later)
    statement = statement.order_by(KnowledgeProduct.updated_at, KnowledgeProduct.id)
    page = list(
        session.scalars(
            statement.options(
                selectinload(KnowledgeProduct.files),
                selectinload(KnowledgeProduct.country_links),
                selectinload(KnowledgeProduct.sdg_links),
                selectinload(KnowledgeProduct.organisation),
                selectinload(KnowledgeProduct.creator_rows),
            ).limit(PAGE_SIZE + 1)
        )
    )
    if not page and query.after is None:
        raise OaiError("noRecordsMatch", "No record matches the request.")
    return page[:PAGE_SIZE], size, len(page) > PAGE_SIZE


def find_record(session: Session, identifier: str, prefix: str) -> KnowledgeProduct:
    """The record of an OAI identifier (`oai:<host>:<id>`); idDoesNotExist otherwise."""
    product_id = identifier.rsplit(":", 1)[-1] if identifier.startswith(f"{prefix}:") else ""
    product = (
        session.scalar(_records().where(KnowledgeProduct.id == int(product_id)))
        if product_id.isdigit() and len(product_id) < 12
        else None
    )
    if product is None:
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    return product


def earliest_datestamp(session: Session) -> datetime | None:
    records = _records().subquery()
    earliest: datetime | None = session.scalar(select(func.min(records.c.updated_at)))
    return earliest
