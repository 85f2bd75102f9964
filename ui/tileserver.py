"""The tile endpoint of supplied basemaps: ``/basemap/<source id>/<z>/<x>/<y>``.

Streamlit serves static files only from ``./static``; an MBTiles or PMTiles file
of a few gigabytes cannot be unpacked there. Streamlit 1.67 runs on Starlette and
takes extra routes through ``st.App`` (``asgi.py`` beside ``app.py``, what
:mod:`ui.serve` runs), so the browser gets every tile from the app's own host,
read from the file at request time. A request names a source by its id and the
tile by three integers (Starlette's ``int`` convertor): no path from the URL ever
reaches the file system (:func:`geo.tilesources.find`).
"""

from __future__ import annotations

import io
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo import settings, tilesources

logger = logging.getLogger(__name__)

PREFIX = "/basemap"
_serving = False


def _blank_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (256, 256), (0, 0, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


_BLANK = _blank_png()


def tile(request: Request) -> Response:
    """One tile; a tile the set lacks inside its zooms is a transparent PNG (no broken image)."""
    p = request.path_params
    source = tilesources.find(settings.basemaps_dir(), p["source"])
    if source is None:
        return Response(status_code=404)
    z, x, y = p["z"], p["x"], p["y"]
    if not (source.min_zoom <= z <= source.max_zoom and x < 2**z and y < 2**z):
        return Response(status_code=404)
    try:
        data = source.tile(z, x, y)
    except (OSError, ValueError) as exc:
        logger.warning("basemap %s: tile %d/%d/%d unreadable (%s)", source.name, z, x, y, exc)
        return Response(status_code=500)
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if data is None:
        return Response(_BLANK, media_type="image/png", headers=headers)
    return Response(data, media_type=source.media_type, headers=headers)


def routes() -> list[Route]:
    """The routes ``asgi.py`` hands to ``st.App``; marks this process as serving them."""
    global _serving
    _serving = True
    # Starlette runs a plain function in its thread pool: file reads never block the loop
    return [Route(PREFIX + "/{source:str}/{z:int}/{x:int}/{y:int}", tile, methods=["GET"])]


def serving() -> bool:
    """True when this server answers tile requests (started by ``python -m ui.serve``)."""
    return _serving


def url_template(source_id: str) -> str:
    return f"{PREFIX}/{source_id}/{{z}}/{{x}}/{{y}}"
