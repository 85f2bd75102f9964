"""Serve the app: ``python -m ui.serve [streamlit options]`` (what ``make run`` uses).

Same as ``streamlit run app.py`` (run through ``asgi.py``, which adds the tile
endpoint of supplied basemaps, :mod:`ui.tileserver`), except that Streamlit's old "pages directory"
mode is off from the start (see ``ui.ensure_navigation``): with plain
``streamlit run`` the very first request of a fresh server runs in that mode
and the browser briefly reports "Page not found". Once the server answers, one
headless run of the overview fills the caches (:mod:`ui.warmup`; ``JINYUN_WARMUP=0``
turns it off). The heavy libraries are imported before any run starts, so that two
first runs cannot deadlock importing them.

Started headless with no ``server.address``, Streamlit asks checkip.amazonaws.com
for the machine's external IP (to print an "External URL"). The app asks no host
but its own, so that lookup is switched off here: the URL banner shows the local
and network addresses only.
"""

import sys
from pathlib import Path

from streamlit import net_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from ui import warmup

APP = Path(__file__).resolve().parent.parent / "app.py"
# app.py plus the tile endpoint of supplied basemaps (st.App, see ui.tileserver)
ASGI = APP.with_name("asgi.py")


def _import_heavy_modules() -> None:
    """Import what the pages' charts and maps need once, here, before any script thread runs.

    The warm-up run and the first planner's run execute in two threads of this process; both
    importing altair (and narwhals under it) for the first time at once ended in Python's
    ``_DeadlockError`` and an error page on a fresh server."""
    import importlib
    import pkgutil

    import altair  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import rasterio  # noqa: F401
    import scipy.ndimage  # noqa: F401

    import geo
    import layers

    # the app's own modules without Streamlit in them (ui's caches belong to the runtime)
    for package in (geo, layers):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)


def main() -> int:
    _import_heavy_modules()
    from geo import _import_read

    _import_read.clean_leftovers()  # what imports killed with an earlier server left behind
    PagesManager.uses_pages_directory = False
    net_util.get_external_ip = lambda: None
    args = sys.argv[1:]
    warmup.start(warmup.port_from_argv(args))
    sys.argv = ["streamlit", "run", str(ASGI), *args]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
