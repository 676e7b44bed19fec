"""Turn collected pack content into HTML with the pack templates, then into PDF through pdf.render_pdf."""

from __future__ import annotations

import base64
import datetime as dt
import math
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from vendorportal.checklists.default import CATEGORY_NAMES
from vendorportal.core import formatting
from vendorportal.packs import content
from vendorportal.packs.domain import PackKind

CSS_PATH = Path(__file__).with_name("pack.css")


@lru_cache(maxsize=1)
def pack_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def period_label(period: str, locale: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    if locale == "ja":
        return f"{year}年{month}月"
    return dt.date(year, month, 1).strftime("%B %Y")


def _svg_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_labels(locale: str) -> tuple[str, str]:
    with force_locale(locale):
        return _("Target"), _("Minimum")


def render_html(kind: PackKind | str, data, *, locale: str, version: int, period: str) -> str:
    """Return the pack's HTML in its language; the same content and version give the same HTML."""
    kind = PackKind(kind)
    with force_locale(locale):
        as_of = formatting.datetime(data.as_of) + f" ({current_app.config['TIMEZONE']})"
        label = period_label(period, locale)
        if kind is PackKind.VENDOR:
            title = _("Review pack: %(vendor)s, %(period)s", vendor=data.vendor.name, period=label)
        else:
            title = _("Portfolio review pack, %(period)s", period=label)
        footer = _("Data as of %(as_of)s · version %(version)s", as_of=as_of, version=version)
        template = current_app.jinja_env.get_template(f"packs/{kind.value}.html")
        return template.render(
            pack=data, locale=locale, doc_title=title, footer=footer, period_label=label, as_of_label=as_of,
            meta={"version": version}, svg_url=_svg_url, metric_name=content.metric_name, inf=math.inf,
            categories=CATEGORY_NAMES)
