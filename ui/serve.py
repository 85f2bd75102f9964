"""Serve the app: ``python -m ui.serve [streamlit options]`` (what ``make run`` uses).

Same as ``streamlit run app.py``, except that Streamlit's old "pages directory"
mode is off from the start (see ``ui.ensure_navigation``): with plain
``streamlit run`` the very first request of a fresh server runs in that mode
and the browser briefly reports "Page not found".
"""

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> int:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
