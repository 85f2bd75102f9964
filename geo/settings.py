"""Settings, each documented once here.

``JINYUN_STORE``
    The store: a GeoPackage path (default ``data/jinyun_demo.gpkg`` in the project) or,
    for a team, a PostgreSQL URL ``postgresql://user@host/db`` (:mod:`geo.postgis`).
``JINYUN_DEM``
    Path of the DEM GeoTIFF. Default: next to a GeoPackage store, ``<store stem>_dem.tif``;
    for a PostGIS store ``data/<database>_dem.tif``.
``JINYUN_PLAN``
    Path of the plan (targets) TOML file. Default ``data/plans/jinyun.toml``.
``TIANDITU_KEY``
    天地图 browser key (``tk``); without it the Tianditu basemap is not offered.
``JINYUN_IMPORT_DIR``
    A folder on the server whose files the import page offers besides uploads
    (:mod:`geo.import_folder`); nothing outside it can be opened. Unset: uploads only.
``JINYUN_AUTH``
    ``oidc``: planners sign in through the bureau's identity provider with Streamlit's
    ``st.login`` (``.streamlit/secrets.toml``, section ``[auth]``). Unset: a store with
    accounts asks for a user name and password; a store without accounts opens as the
    local user, with no sign-in.
``JINYUN_SESSION_HOURS``
    How long a built-in sign-in lasts, in hours. Default 8 (a working day).
``JINYUN_BASEMAPS``
    A folder of basemaps the county supplies (MBTiles, PMTiles, folders of XYZ tiles;
    :mod:`geo.tilesources`), each offered by its name. Default ``data/basemaps/``.
``JINYUN_TILE_THRESHOLD``
    Parcel count above which the overview map draws parcels as vector tiles with
    grid aggregates at low zoom (:mod:`geo.cadastre`) instead of embedded GeoJSON.
    Default 8000.

Constants
---------
STORAGE_CRS
    CRS geometries are stored in: CGCS2000 geographic (EPSG:4490).
METRIC_CRS
    CRS every area and distance is computed in: CGCS2000 3-degree GK CM 120E (EPSG:4549).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"

STORAGE_CRS = "EPSG:4490"
METRIC_CRS = "EPSG:4549"
WEB_CRS = "EPSG:4326"

DEFAULT_STORE = DATA_DIR / "jinyun_demo.gpkg"
DEFAULT_PLAN = DATA_DIR / "plans" / "jinyun.toml"
BOUNDARY_FILE = DATA_DIR / "jinyun_boundary.geojson"

TILES_DIR = PROJECT_DIR / "static" / "tiles"  # served by Streamlit at /app/static/tiles/
BASEMAP_TILES_DIR = PROJECT_DIR / "static" / "basemap"  # the hillshade, at /app/static/basemap/
DEFAULT_BASEMAPS_DIR = DATA_DIR / "basemaps"
DEFAULT_TILE_THRESHOLD = 8_000  # bench: 10k parcels drew faster as tiles than as GeoJSON

DEMO_MARKER = "synthetic demo data / 演示数据（虚构）"


_URL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def store_location(value: str | os.PathLike | None = None) -> Path | str:
    """The store: ``value`` (a ``--store`` argument), else ``JINYUN_STORE``, else the bundled
    demo; a GeoPackage as a path, a PostgreSQL URL as text."""
    value = value if value else os.environ.get("JINYUN_STORE", DEFAULT_STORE)
    text = str(value)
    return text if text.startswith(_URL_SCHEMES) else Path(value)


store_path = store_location


def dem_path(store: Path | str | None = None) -> Path:
    """Path of the DEM (``JINYUN_DEM`` or ``<store stem>_dem.tif`` beside the store)."""
    if "JINYUN_DEM" in os.environ:
        return Path(os.environ["JINYUN_DEM"])
    store = store or store_location()
    if isinstance(store, str):
        database = store.rsplit("/", 1)[-1].split("?", 1)[0]
        return DATA_DIR / f"{database}_dem.tif"
    return store.with_name(f"{store.stem}_dem.tif")


def plan_path() -> Path:
    """Path of the plan file (``JINYUN_PLAN`` or the Jinyun 2019-2021 plan)."""
    return Path(os.environ.get("JINYUN_PLAN", DEFAULT_PLAN))


def auth_mode() -> str:
    """``oidc`` for single sign-on, else ``accounts`` (:mod:`ui.auth`)."""
    return "oidc" if os.environ.get("JINYUN_AUTH", "").strip().lower() == "oidc" else "accounts"


def session_hours() -> float:
    """Hours a built-in sign-in lasts (``JINYUN_SESSION_HOURS``, 8)."""
    return float(os.environ.get("JINYUN_SESSION_HOURS", "8"))


def tianditu_key() -> str | None:
    """The 天地图 key from the environment, or None."""
    return os.environ.get("TIANDITU_KEY") or None


def import_dir() -> Path | None:
    """The server folder offered for imports, or None."""
    value = os.environ.get("JINYUN_IMPORT_DIR")
    return Path(value) if value else None


def parcel_tile_threshold() -> int:
    """Parcels above this count go to vector tiles (``JINYUN_TILE_THRESHOLD``, 8000)."""
    return int(os.environ.get("JINYUN_TILE_THRESHOLD", DEFAULT_TILE_THRESHOLD))


def basemaps_dir() -> Path:
    """The folder of supplied basemaps (``JINYUN_BASEMAPS``, ``data/basemaps``)."""
    return Path(os.environ.get("JINYUN_BASEMAPS") or DEFAULT_BASEMAPS_DIR)
