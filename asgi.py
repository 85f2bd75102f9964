"""The app as Streamlit serves it: ``app.py`` plus the tile endpoint of supplied basemaps.

``python -m ui.serve`` runs this file with ``streamlit run``; Streamlit finds the
``st.App`` below and serves ``app.py`` with one extra route (:mod:`ui.tileserver`).
Plain ``streamlit run app.py`` works too, without supplied basemaps.
"""

import streamlit as st

from ui import tileserver

app = st.App("app.py", routes=tileserver.routes())
