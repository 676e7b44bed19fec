"""The one place HTML becomes PDF: WeasyPrint with a fetcher that reads only the portal's static files.

Vendor-supplied text reaches the packs (names, comments, action titles). Templates escape it, and whatever
slips through still cannot make the renderer read a file or call a host: the fetcher below serves `data:`
URLs and files under the static folder, and refuses everything else (no network, no redirects, no other
files, no attachments from anywhere else).
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
FONT_DIR = STATIC_ROOT / "fonts"
FONT_FILE = FONT_DIR / "ipaexg.ttf"
FONT_FAMILY = "IPAexGothic"  # shipped with its licence (static/fonts/IPAexGothic-LICENSE.txt)

FONT_FACE_CSS = (
    f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{FONT_FILE.as_uri()}') format('truetype'); }}\n"
    f"@font-face {{ font-family: '{FONT_FAMILY}'; font-weight: bold; "
    f"src: url('{FONT_FILE.as_uri()}') format('truetype'); }}\n"
)


class RefusedURL(ValueError):
    """The renderer asked for something outside the static folder; WeasyPrint skips it."""


@dataclass
class StaticOnlyFetcher(URLFetcher):
    """Serve `data:` URLs and files inside STATIC_ROOT; refuse and remember every other URL."""

    root: Path = STATIC_ROOT
    refused: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self._lock = threading.Lock()

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._static_path(url)
            if path is not None:
                with self._lock:
                    self.served.append(url)
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind})
        with self._lock:
            self.refused.append(url)
        log.warning("pack renderer refused %s", url[:200])
        raise RefusedURL(f"refused: {url[:200]}")

    def _static_path(self, url: str) -> Path | None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.netloc not in ("", "localhost") or parsed.query or parsed.fragment:
            return None
        try:
            path = Path(urllib.parse.unquote(parsed.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not path.is_file() or not path.is_relative_to(self.root):
            return None
        return path


_FONT_CONFIG_LOCK = threading.Lock()
_FONT_CONFIG: FontConfiguration | None = None
_CSS_CACHE: dict[str, CSS] = {}


def _stylesheet(css: str, fetcher: StaticOnlyFetcher) -> tuple[CSS, FontConfiguration]:
    # The @font-face rules are parsed once per process and CSS string: loading a 6 MB CJK font each time
    # would dominate small packs (WeasyPrint #1495).
    global _FONT_CONFIG
    with _FONT_CONFIG_LOCK:
        if _FONT_CONFIG is None:
            _FONT_CONFIG = FontConfiguration()
        if css not in _CSS_CACHE:
            _CSS_CACHE[css] = CSS(string=FONT_FACE_CSS + css, font_config=_FONT_CONFIG, url_fetcher=fetcher,
                                  base_url=STATIC_ROOT.as_uri() + "/")
        return _CSS_CACHE[css], _FONT_CONFIG


@dataclass(frozen=True)
class RenderedPDF:
    data: bytes
    pages: int


_RENDER_LOCK = threading.Lock()


def render_pdf(html: str, css: str, *, created: dt.datetime, title: str = "", lang: str = "en",
               fetcher: StaticOnlyFetcher | None = None) -> RenderedPDF:
    """Render HTML (from our templates) with CSS (a string) to PDF bytes; the same input gives the same bytes.

    `created` goes into the PDF's metadata instead of the clock, so a pack version renders identically.
    """
    fetcher = fetcher or StaticOnlyFetcher()
    stylesheet, font_config = _stylesheet(css, fetcher)
    # One render at a time per process: fontconfig and the shared FontConfiguration are not thread-safe.
    with _RENDER_LOCK:
        document = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=[stylesheet], font_config=font_config, presentational_hints=False)
        stamp = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        document.metadata.title = title or document.metadata.title
        document.metadata.created = stamp
        document.metadata.modified = stamp
        document.metadata.lang = lang
        document.metadata.generator = "VendorPortal"
        document.metadata.attachments = []
        data = document.write_pdf(uncompressed_pdf=False)
    return RenderedPDF(data, len(document.pages))


def reset_caches() -> None:
    """Forget the font configuration and stylesheets (in a forked worker, before its first render)."""
    global _FONT_CONFIG
    with _FONT_CONFIG_LOCK:
        _FONT_CONFIG = None
        _CSS_CACHE.clear()
