"""A product's monthly usage for its contributors and staff: a chart, its table and a CSV export."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template
from flask_babel import gettext as _
from markupsafe import escape

from knowledge import permissions, usage
from knowledge.views import bp, deny, load_product, user
from portal.auth.enforce import public
from portal.db import db_session

BAR, GAP, HEIGHT = 14, 10, 160


def usage_chart(months: list[usage.Month]) -> str:
    """Views and downloads per month as paired bars, SVG with its only text escaped (an image:
    the table beside it has the figures)."""
    top = max([1, *(max(m.views, m.downloads) for m in months)])
    width = max(1, len(months)) * (2 * BAR + GAP) + GAP
    title = _("Views and downloads per month")
    bars = []
    for index, month in enumerate(months):
        x = GAP + index * (2 * BAR + GAP)
        for offset, (value, css) in enumerate(((month.views, "views"), (month.downloads, "dl"))):
            tall = HEIGHT * value / top
            bars.append(
                f'<rect class="usage-chart__{css}" x="{x + offset * BAR}" y="{HEIGHT - tall:.1f}"'
                f' width="{BAR - 2}" height="{tall:.1f}"/>'
            )
    svg = (
        f'<svg class="usage-chart" role="img" aria-labelledby="usage-chart-title" '
        f'viewBox="0 0 {width} {HEIGHT}" width="{width}" height="{HEIGHT}">'
        f'<title id="usage-chart-title">{escape(title)}</title>{"".join(bars)}</svg>'
    )
    return svg


@bp.get("/<int:product_id>/usage")
@public
def product_usage(product_id: int) -> str:
    item = load_product(product_id)
    if not permissions.can_see_usage(user(), item):
        deny()
    months = usage.monthly(db_session(), item.id)
    chart = usage_chart(months)
    return render_template("knowledge/usage.html", product=item, months=months, chart=chart)


@bp.get("/<int:product_id>/usage.csv")
@public
def product_usage_csv(product_id: int) -> Response:
    item = load_product(product_id)
    if not permissions.can_see_usage(user(), item):
        deny()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "views", "downloads"])  # numbers and dates only: formula-safe
    for month in usage.monthly(db_session(), item.id):
        writer.writerow([month.month, month.views, month.downloads])
    headers = {"Content-Disposition": f'attachment; filename="product-{item.id}-usage.csv"'}
    return Response(out.getvalue(), mimetype="text/csv", headers=headers)
