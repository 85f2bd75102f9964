"""Streamlit components shared by the pages: state, cached loaders, the app frame.

The only package besides ``pages/`` and ``app.py`` that imports Streamlit.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# Streamlit still treats a folder named pages/ beside the entry script as a v1
# multipage app until app.py has called st.navigation once in this process: a
# first request for /<page> would run that page alone, without the frame (no
# sidebar, no demo banner) and never reach st.navigation. Every page imports
# ui, so the first such run switches the process to st.navigation and reruns,
# which goes through app.py from then on.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
