"""A folium map as one self-contained HTML file: opens from disk, with no server, no network.

Every ``<script src>`` and ``<link rel=stylesheet>`` the map loads is replaced by the
vendored file's content inline (from ``static/vendor``, see :mod:`layers.assets`);
``url(...)`` references inside the CSS (Leaflet's control images, icon fonts)
become ``data:`` URLs. An asset with no local copy raises
:class:`layers.assets.MissingAssetError` rather than reaching for a CDN.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

import folium

from layers import assets
from layers.escape import html_text

_SCRIPT = re.compile(r'<script\s+src="([^"]+)"\s*>\s*</script>')
_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
# Icon fonts: only the woff2 of each face is inlined (every browser that runs Leaflet 1.9 reads it).
_SKIP_FONT = (".ttf", ".eot", ".woff", ".svg")


def _asset_path(url: str) -> Path:
    if url.startswith(assets.URL_PREFIX):
        return assets.local_file(url)
    if url in assets.LOCAL and assets.LOCAL[url]:
        return assets.STATIC_DIR / assets.LOCAL[url]
    msg = f"No local copy of {url}; vendor it under static/vendor and add it to layers.assets.LOCAL"
    raise assets.MissingAssetError(msg)


def _data_url(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".woff2":
        mime = "font/woff2"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")

    def repl(match: re.Match) -> str:
        ref = match.group(1)
        if ref.startswith(("data:", "#", "http:", "https:")):
            return "url()" if ref.startswith("http") else match.group(0)
        target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
        if target.suffix in _SKIP_FONT or not target.is_file():
            return "url()"
        return f"url({_data_url(target)})"

    return _CSS_URL.sub(repl, css)


def _inline_js(path: Path) -> str:
    # a literal "</script" inside the code would end the inline block early
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


class TiledMapError(ValueError):
    """A map with a basemap was handed to the offline export."""


def standalone_html(m: folium.Map, *, title: str = "") -> str:
    """The map's full HTML page with every asset inline (works from a ``file://`` URL).

    The map must have no basemap (draw it from its description with the default
    ``basemap="none"``): an exported file must never carry a basemap key (天地图's
    ``tk=``), and an offline file cannot reach a tile server anyway.
    """
    html = m.get_root().render()
    if "L.tileLayer(" in html:
        msg = "An offline map is exported without a basemap: draw it with basemap='none'."
        raise TiledMapError(msg)

    def script(match: re.Match) -> str:
        return f"<script>{_inline_js(_asset_path(match.group(1)))}</script>"

    def link(match: re.Match) -> str:
        return f"<style>{_inline_css(_asset_path(match.group(1)))}</style>"

    html = _SCRIPT.sub(script, html)
    html = _LINK.sub(link, html)
    if title:
        html = html.replace("<head>", f"<head>\n<title>{html_text(title)}</title>", 1)
    return html


def external_urls(html: str) -> list[str]:
    """Every script/stylesheet address still loaded from outside the file (should be none)."""
    return [u for u in _SCRIPT.findall(html) + _LINK.findall(html)]
