"""Demo knowledge products in five languages with small generated PDFs, and support records."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import products, uploads
from knowledge.creators import parse_creators
from knowledge.models import KnowledgeProduct, SupportRecord
from knowledge.support import SupportInput, add_support
from portal.auth import accounts
from portal.models import User

# (organisation, type, language, date, countries, SDGs, status, volunteering integrated,
#  title, abstract, with a PDF)
ProductRow = tuple[str, str, str, str, str, str, str, bool | None, str, str, bool]
# fmt: off
PRODUCTS: tuple[ProductRow, ...] = (
    ("UNV", "report", "en", "2022-12-05", "", "1;5;10;17", "published", None,
     "State of the World's Volunteerism Report 2022: Building equal and inclusive societies",
     "How volunteers and governments co-create the social contract, with evidence from "
     "community volunteering in crises, digital platforms and local governance.", True),
    ("UNV", "policy_brief", "en", "2023-06-14", "", "16;17", "published", None,
     "Measuring volunteer work: a guide for national statistical offices",
     "Practical steps to add volunteer work questions to labour force surveys, following the "
     "ILO Manual on the Measurement of Volunteer Work.", True),
    ("UNV", "toolkit", "fr", "2024-03-08", "SEN;MLI", "4;8", "published", None,
     "Boîte à outils pour l'engagement des jeunes volontaires en Afrique de l'Ouest",
     "Méthodes et fiches pratiques pour associer les jeunes volontaires à la planification "
     "locale, avec des exemples du Sénégal et du Mali.", True),
    ("UNV", "case_study", "es", "2025-02-20", "ECU;COL", "3;11", "published", None,
     "Voluntariado comunitario en la respuesta a emergencias sanitarias en los Andes",
     "Estudio de caso sobre redes de voluntariado comunitario que apoyaron la vacunación y "
     "la vigilancia sanitaria en zonas rurales de Ecuador y Colombia.", True),
    ("UNV", "research", "pt", "2024-09-30", "BRA;MOZ", "13;15", "published", None,
     "Voluntariado e ação climática: evidências do Brasil e de Moçambique",
     "Pesquisa sobre o papel de voluntários locais na restauração florestal e na adaptação "
     "às mudanças climáticas em comunidades costeiras e rurais.", True),
    ("UNV", "report", "zh", "2023-11-02", "CHN", "4;17", "published", None,
     "志愿服务促进可持续发展目标：中国青年志愿者经验",
     "本报告介绍中国青年志愿者在教育、社区服务和乡村振兴中的经验，以及志愿服务如何支持"
     "《2030年可持续发展议程》。", False),
    ("UNDP", "unsdcf", "en", "2022-09-15", "KEN", "1;8;16", "published", True,
     "Kenya UN Sustainable Development Cooperation Framework 2022-2026",
     "The results framework names volunteers and national volunteer schemes as a means of "
     "implementation for community resilience and local service delivery.", True),
    ("UNDP", "unsdcf", "fr", "2023-04-11", "SEN", "2;5;8", "published", True,
     "Plan-cadre de coopération des Nations Unies pour le développement durable au Sénégal",
     "Le cadre de résultats mentionne le volontariat national comme moyen de mise en œuvre "
     "pour l'emploi des jeunes et la résilience des territoires.", True),
    ("UNDP", "unsdcf", "es", "2022-05-30", "ECU", "1;10", "published", False,
     "Marco de Cooperación de las Naciones Unidas para el Desarrollo Sostenible: Ecuador",
     "Marco de cooperación 2022-2026; el marco de resultados no menciona el voluntariado "
     "como medio de implementación.", True),
    ("UNDP", "research", "en", "2021-07-19", "BGD", "5;10", "published", None,
     "Women volunteers in disaster preparedness in coastal Bangladesh",
     "Survey of 1,200 households on how women's volunteer networks shape early warning and "
     "evacuation, with recommendations for local disaster committees.", True),
    ("UNICEF", "toolkit", "en", "2023-01-25", "HTI", "3;4;6", "published", None,
     "Youth volunteers for water, sanitation and hygiene in schools: a toolkit",
     "Session plans and checklists for school-based youth volunteer clubs that maintain "
     "handwashing stations and teach hygiene.", True),
    ("UNICEF", "case_study", "fr", "2024-11-12", "HTI", "4;16", "published", None,
     "Les volontaires communautaires et le retour à l'école en Haïti",
     "Comment des volontaires de quartier ont accompagné le retour à l'école de plus de "
     "3 000 enfants après les déplacements de 2023.", True),
    ("WFP", "report", "en", "2024-05-06", "SSD", "2;16", "published", None,
     "Community volunteers in food assistance: lessons from South Sudan",
     "Lessons on recruiting, training and protecting community volunteers who support food "
     "distributions and nutrition screening.", True),
    ("UNHCR", "policy_brief", "en", "2025-04-03", "JOR", "10;16", "published", None,
     "Refugee volunteers as first responders: policy options for host communities",
     "Options for recognising refugee volunteers in national volunteer laws, with examples "
     "from community outreach in Jordan.", True),
    ("KEN-MOYA", "vnr", "en", "2024-07-10", "KEN", "1;4;8;17", "published", True,
     "Kenya Voluntary National Review 2024",
     "Kenya reports progress on the SDGs and describes the National Volunteerism Policy as "
     "part of its development plans and youth employment strategy.", True),
    ("KEN-MOYA", "legislation", "en", "2023-02-14", "KEN", "8;16", "published", None,
     "Kenya National Volunteerism Policy: implementation framework",
     "The framework sets out coordination, recognition and safeguarding of volunteers across "
     "national and county governments.", True),
    ("ECU-MIES", "vnr", "es", "2024-07-15", "ECU", "1;5;10", "published", True,
     "Examen Nacional Voluntario del Ecuador 2024",
     "El informe presenta los avances del Ecuador en los ODS e integra el voluntariado en el "
     "Plan Nacional de Desarrollo y en las políticas de inclusión social.", True),
    ("ECU-MIES", "vnr", "es", "2024-03-01", "ECU", "1;10", "published", False,
     "Examen Nacional Voluntario del Ecuador 2024: anexo estadístico",
     "Anexo estadístico del examen nacional voluntario con los indicadores de los ODS por "
     "provincia.", True),
    ("ECU-MIES", "legislation", "es", "2025-01-20", "ECU", "16", "submitted", None,
     "Reglamento de la Ley Orgánica de Voluntariado de Ecuador",
     "Proyecto de reglamento sobre registro de organizaciones, seguros y reconocimiento de "
     "las personas voluntarias.", True),
    ("SEN-MJ", "vnr", "fr", "2022-07-05", "SEN", "4;8", "published", False,
     "Revue nationale volontaire du Sénégal 2022",
     "La revue présente les progrès du Sénégal vers les ODD ; le volontariat n'y est pas "
     "intégré aux plans de développement.", True),
    ("SEN-MJ", "policy_brief", "fr", "2025-05-22", "SEN", "8", "submitted", None,
     "Note d'orientation : un service civique national fondé sur le volontariat",
     "Propositions pour un service civique national ouvert aux jeunes diplômés et aux jeunes "
     "ruraux.", True),
    ("VSO", "research", "en", "2023-09-18", "NPL;UGA", "3;5", "published", None,
     "Valuing volunteering: how community volunteers strengthen health systems",
     "Participatory research in Nepal and Uganda on volunteers' contribution to primary "
     "health care and the conditions that make it sustainable.", True),
    ("VSO", "toolkit", "pt", "2022-10-03", "MOZ", "4", "published", None,
     "Guia prático para programas de voluntariado em educação",
     "Guia com etapas para planear, acompanhar e avaliar programas de voluntariado em "
     "escolas primárias.", True),
    ("IAVE", "report", "en", "2025-03-17", "", "17", "published", None,
     "Global corporate volunteering trends 2025",
     "Survey of 140 companies on employee volunteering, skills-based volunteering and "
     "partnerships with the United Nations.", True),
    ("IAVE", "case_study", "es", "2021-11-29", "MEX", "11", "rejected", None,
     "Voluntariado urbano en la Ciudad de México",
     "Experiencias de voluntariado en barrios de la Ciudad de México.", True),
    ("ACME-CSR", "case_study", "pt", "2024-06-21", "BRA", "8;9", "published", None,
     "Voluntariado corporativo e inclusão digital em São Paulo",
     "Como voluntários de empresas ensinaram competências digitais a 2 000 jovens em "
     "periferias de São Paulo.", True),
    ("ACME-CSR", "other", "en", "2025-06-02", "BRA", "9", "rejected", None,
     "Acme volunteering day photo album",
     "Photos from our company volunteering day.", False),
    ("UNI-NBO", "research", "en", "2024-02-27", "KEN", "4;8", "published", None,
     "Volunteering and youth employability in Nairobi: a panel study",
     "Three-year panel of 900 young people on whether volunteering improves job search "
     "outcomes and skills.", True),
    ("UNI-NBO", "research", "zh", "2025-08-08", "KEN;CHN", "4;17", "published", None,
     "中非青年志愿服务合作研究",
     "研究中国与肯尼亚青年志愿者在教育和社区发展项目中的合作模式。", False),
    ("UNDP", "report", "zh", "2022-03-21", "CHN", "13", "published", None,
     "志愿者参与气候行动的地方实践",
     "总结志愿者在社区垃圾分类、植树和节能宣传中的做法和成效。", False),
    ("UNICEF", "report", "pt", "2025-09-12", "AGO", "3;6", "published", None,
     "Voluntários comunitários de saúde em Angola: relatório anual",
     "Relatório sobre a rede de voluntários comunitários que apoia a vacinação infantil e o "
     "acesso à água potável em Angola.", True),
    ("WFP", "case_study", "fr", "2023-08-28", "MLI", "2", "published", None,
     "Volontaires communautaires et cantines scolaires au Mali",
     "Le rôle des comités de parents volontaires dans la gestion des cantines scolaires.",
     True),
)
# (recipient kind, country, organisation code, year, process, description)
SUPPORT = (
    ("unct", "KEN", None, 2023, "cca_unsdcf", "Evidence on volunteering for the Kenya CCA."),
    ("unct", "ECU", None, 2024, "cca_unsdcf", "Volunteering in the Ecuador UNSDCF results."),
    ("un_entity", None, "UNDP", 2024, "cca_unsdcf", "Guidance note for UNSDCF design teams."),
    ("member_state", "KEN", None, 2023, "national_policy", "Review of the volunteerism policy."),
    ("member_state", "ECU", None, 2024, "national_policy", "Regulation of the volunteering law."),
    ("member_state", "SEN", None, 2025, "national_policy", "National civic service design."),
)
# fmt: on
REJECTION = "Not a knowledge product on volunteering."


def _pdf_text(text: str) -> str:
    raw = text.encode("cp1252", "replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def minimal_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A small valid one-page PDF (PDF 1.4, Helvetica, WinAnsi text) with a real xref table."""
    commands = ["BT", "/F1 16 Tf", "56 780 Td", "20 TL"]
    for line in _wrap(title, 60):
        commands.append(f"({_pdf_text(line)}) '")
    commands += ["/F2 11 Tf", "15 TL", "() '"]
    for paragraph in paragraphs:
        for line in _wrap(paragraph, 88)[:40]:
            commands.append(f"({_pdf_text(line)}) '")
        commands.append("() '")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title ("
        + _pdf_text(title).encode("latin-1")
        + b") /Producer (UNV Results Portal) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


# Creators of some demo products, in their text form (knowledge.creators); the ORCID iD is the
# one ORCID documents for its fictitious test researcher.
DEMO_CREATORS = {
    "Boîte à outils pour l'engagement des jeunes volontaires en Afrique de l'Ouest": (
        "Diop, Awa [0000-0002-1825-0097]\nTraoré, Moussa\norg: Volontaires des Nations Unies"
    ),
    "Voluntariado comunitario en la respuesta a emergencias sanitarias en los Andes": (
        "Quispe Mamani, Rosa\nCastro, Andrés Felipe\nVélez, Lucía"
    ),
}


def _input(row: ProductRow) -> products.ProductInput:
    _org, kind, language, day, countries, sdgs, _status, flag, title, abstract, _pdf = row
    return products.ProductInput(
        title=title,
        abstract=abstract,
        product_type=kind,
        language=language,
        publication_date=date.fromisoformat(day),
        countries=tuple(filter(None, countries.split(";"))),
        sdgs=tuple(int(n) for n in sdgs.split(";") if n),
        licence="CC-BY-4.0",
        volunteering_integrated=flag,
        creators=parse_creators(DEMO_CREATORS.get(title, "")),
    )


def _accept_pdf(folder: Path, data_dir: Path, row: ProductRow) -> uploads.AcceptedFile:
    title, abstract = row[8], row[9]
    name = "".join(c if c.isalnum() else "-" for c in title.lower())[:60].strip("-") + ".pdf"
    path = folder / name
    body = [abstract, "This document is part of the demo collection of the UNV knowledge portal."]
    path.write_bytes(minimal_pdf(title, body))
    return uploads.accept_upload(data_dir, path, name, max_bytes=10 * 1024 * 1024)


def load_demo(session: Session, app: Flask) -> None:
    """Add the demo products and support records that are not there yet (idempotent)."""
    existing = set(session.scalars(select(KnowledgeProduct.title)))
    rows = [row for row in PRODUCTS if row[8] not in existing]
    data_dir = Path(app.config["PORTAL_DATA_DIR"])
    contributor = accounts.user_by_email(session, "contributor@demo.unv.org")
    staff = accounts.user_by_email(session, "staff@demo.unv.org")
    # The files' text is read by the worker once the demo is committed (knowledge.text_queue).
    with tempfile.TemporaryDirectory() as folder:
        accepted = {row[8]: _accept_pdf(Path(folder), data_dir, row) for row in rows if row[10]}
    for upload in accepted.values():
        uploads.remove_unless_committed(session, data_dir, upload)
    for row in rows:
        _create(
            session,
            row,
            accepted.get(row[8]),
            contributor if row[0] == "ECU-MIES" else staff if row[0] == "UNV" else None,
        )
    _load_support(session)


def _create(
    session: Session, row: ProductRow, upload: uploads.AcceptedFile | None, actor: User | None
) -> None:
    organisation = accounts.organisation_by_code(session, row[0])
    status = row[6]
    product = products.create_product(
        session,
        actor,
        _input(row),
        organisation_id=organisation.id,
        status=status,
        rejection_reason=REJECTION if status == "rejected" else None,
    )
    if upload is not None:
        uploads.add_file(session, actor, product, upload)


def _load_support(session: Session) -> None:
    rows = session.execute(
        select(SupportRecord.recipient_kind, SupportRecord.recipient_country, SupportRecord.year)
    )
    known = {(kind, country, year) for kind, country, year in rows}
    for kind, country, org_code, year, process, description in SUPPORT:
        if (kind, country, year) in known:
            continue
        organisation = accounts.organisation_by_code(session, org_code) if org_code else None
        add_support(
            session,
            None,
            SupportInput(
                recipient_kind=kind,
                year=year,
                process=process,
                description=description,
                recipient_country=country,
                recipient_organisation_id=organisation.id if organisation else None,
            ),
        )
