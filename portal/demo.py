"""The demo data set: organisations, offices, one account per role, and each feature's part."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth import accounts
from portal.db import database
from portal.models import Organisation, User

DEMO_PASSWORD = "demo-password-2025"  # noqa: S105 - published demo credential, printed by make run

ORGANISATIONS = (
    ("UNV", "United Nations Volunteers programme", "unv", None),
    ("UNDP", "United Nations Development Programme", "un_entity", None),
    ("UNICEF", "United Nations Children's Fund", "un_entity", None),
    ("WFP", "World Food Programme", "un_entity", None),
    ("UNHCR", "Office of the UN High Commissioner for Refugees", "un_entity", None),
    ("KEN-MOYA", "Kenya, State Department for Youth Affairs", "member_state", "KEN"),
    ("ECU-MIES", "Ecuador, Ministerio de Inclusión Económica y Social", "member_state", "ECU"),
    ("SEN-MJ", "Sénégal, Ministère de la Jeunesse", "member_state", "SEN"),
    ("VSO", "Volunteer Service Overseas", "cso", "GBR"),
    ("IAVE", "International Association for Volunteer Effort", "cso", None),
    ("ACME-CSR", "Acme Corporate Volunteering Foundation", "private_sector", "BRA"),
    ("UNI-NBO", "University of Nairobi, Volunteering Research Unit", "academia", "KEN"),
)
OFFICES = (
    ("UNDP", "hq", None, "UNDP Headquarters, New York"),
    ("UNDP", "regional", "THA", "UNDP Regional Hub, Bangkok"),
    ("UNDP", "regional", "PAN", "UNDP Regional Hub, Panama"),
    ("UNDP", "country", "KEN", "UNDP Kenya"),
    ("UNDP", "country", "ECU", "UNDP Ecuador"),
    ("UNDP", "country", "SEN", "UNDP Senegal"),
    ("UNICEF", "hq", None, "UNICEF Headquarters, New York"),
    ("UNICEF", "country", "BGD", "UNICEF Bangladesh"),
    ("UNICEF", "country", "HTI", "UNICEF Haiti"),
    ("WFP", "hq", None, "WFP Headquarters, Rome"),
    ("WFP", "country", "SSD", "WFP South Sudan"),
    ("UNHCR", "country", "JOR", "UNHCR Jordan"),
)
USERS = (
    ("admin@demo.unv.org", "admin", "UNV", "Amina Diallo (admin)"),
    ("staff@demo.unv.org", "staff", "UNV", "Lucas Moreau (UNV staff)"),
    ("partner@demo.unv.org", "partner", "UNDP", "Grace Wanjiru (UNDP Kenya focal point)"),
    ("contributor@demo.unv.org", "contributor", "ECU-MIES", "Sofía Andrade (Ecuador ministry)"),
)


def _load_accounts(session: Session, app: Flask) -> None:
    existing = set(session.scalars(select(Organisation.code)))
    for code, name, kind, country in ORGANISATIONS:
        if code not in existing:
            accounts.create_organisation(session, code, name, kind, country)
    for org_code, office_type, station, name in OFFICES:
        org = accounts.organisation_by_code(session, org_code)
        known = {(o.office_type, o.duty_station) for o in org.offices}
        if (office_type, station) not in known:
            accounts.add_office(session, org, office_type, station, name)
    for email, role, org_code, name in USERS:
        if accounts.user_by_email(session, email) is None:
            user = accounts.create_user(
                session,
                email,
                role,
                hash_method=app.config["PASSWORD_HASH_METHOD"],
                org_code=org_code,
                name=name,
                password=DEMO_PASSWORD,
            )
            if role == "partner":
                org = accounts.organisation_by_code(session, org_code)
                user.office = next(o for o in org.offices if o.duty_station == "KEN")


def load_demo(app: Flask) -> str:
    """Load every part of the demo data; returns the text listing the demo accounts."""
    with database(app).transaction() as session:
        _load_accounts(session, app)
        session.flush()
        for loader in app.extensions.get("portal_demo_loaders", []):
            loader(session, app)
    lines = [f"Demo accounts (password: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<12} {email}" for email, role, _org, _name in USERS]
    return "\n".join(lines)


def demo_user(session: Session, role: str) -> User:
    email = next(email for email, r, _org, _name in USERS if r == role)
    user = accounts.user_by_email(session, email)
    assert user is not None  # noqa: S101 - the demo accounts are loaded first
    return user
