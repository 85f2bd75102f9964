"""Streamlit components shared by the pages: state, cached loaders, the app frame.

The only package besides ``pages/`` and ``app.py`` that imports Streamlit.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_navigation() -> None:
    """Make sure this run goes through app.py's ``st.navigation``.

    Streamlit still treats a folder named pages/ beside the entry script as a
    v1 multipage app until app.py has called st.navigation in this process
    (and AppTest resets that before every run): a request for /<page> would
    run the page alone, without the frame (no sidebar, no demo banner). Pages
    reach this through :func:`ui.state.lang`, which every page calls first;
    when it finds v1 mode it switches it off and reruns through app.py.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


ensure_navigation()
