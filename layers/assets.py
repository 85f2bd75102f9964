"""Serve Leaflet and plugin assets locally instead of from CDNs.

folium elements list the CDN addresses of their JS/CSS in ``default_js`` and
``default_css``; streamlit-folium loads exactly those. :func:`localize` rewrites
every such address on a map to the copy under ``static/vendor`` (served by
Streamlit at ``/app/static/vendor/...``). An address with no local copy raises,
so a new plugin cannot silently reach for the internet.
"""

from __future__ import annotations

from pathlib import Path

import folium

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
URL_PREFIX = "/app/static/"

# CDN address (as folium 0.20 writes it) -> file under static/; None: not needed by this app
LOCAL: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "vendor/leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "vendor/leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "vendor/bootstrap/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "vendor/bootstrap/bootstrap.min.css",
    # Bootstrap 3 glyphicons: folium lists them for Icon(prefix="glyphicon"), which we never use.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "vendor/fontawesome/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "vendor/awesome-markers/leaflet.awesome-markers.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "vendor/awesome-markers/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        "vendor/folium/leaflet.awesome.rotate.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js":
        "vendor/leaflet-draw/leaflet.draw.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css":
        "vendor/leaflet-draw/leaflet.draw.css",
    "https://unpkg.com/leaflet.vectorgrid@latest/dist/Leaflet.VectorGrid.bundled.js":
        "vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "vendor/fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        "vendor/fullscreen/Control.FullScreen.css",
    "https://cdn.jsdelivr.net/npm/leaflet-measure@3.1.0/dist/leaflet-measure.cn.js":
        "vendor/leaflet-measure/leaflet-measure.cn.js",
    "https://cdn.jsdelivr.net/npm/leaflet-measure@3.1.0/dist/leaflet-measure.en.js":
        "vendor/leaflet-measure/leaflet-measure.en.js",
    "https://cdn.jsdelivr.net/npm/leaflet-measure@3.1.0/dist/leaflet-measure.css":
        "vendor/leaflet-measure/leaflet-measure.css",
}


class MissingAssetError(RuntimeError):
    """folium asked for an address that has no local copy."""


def _local(url: str, base: str) -> str | None:
    if url.startswith(base) or url.startswith(("/", "./", "data:")):
        return url
    if url not in LOCAL:
        msg = f"No local copy of {url}; vendor it under static/vendor and add it to layers.assets.LOCAL"
        raise MissingAssetError(msg)
    rel = LOCAL[url]
    return None if rel is None else base + rel


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize(m: folium.Map, *, base: str = URL_PREFIX) -> folium.Map:
    """Point every JS/CSS asset of ``m`` and its children at local copies (in place).

    ``base`` is the URL prefix of ``static/``: ``/app/static/`` inside Streamlit,
    or a ``file://`` URL for a standalone HTML export.
    """
    for el in _walk(m):
        for attr in ("default_js", "default_css"):
            assets = getattr(el, attr, None)
            if not assets:
                continue
            local = [(name, _local(url, base)) for name, url in assets]
            # set on the instance: the class attribute is shared by every map
            setattr(el, attr, [(name, url) for name, url in local if url is not None])
    return m


def asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS address the map (and its children) will load."""
    urls: list[str] = []
    for el in _walk(m):
        for attr in ("default_js", "default_css"):
            urls += [url for _, url in getattr(el, attr, None) or []]
    return urls


def local_file(url: str, *, base: str = URL_PREFIX) -> Path:
    """The file under ``static/`` that a localized address points at."""
    return STATIC_DIR / url.removeprefix(base)
