"""Streamlit entry: the frame and the navigation over pages/ (``streamlit run app.py``)."""

from pathlib import Path

import streamlit as st

from ui import auth, frame, state

# A local favicon: a Material icon or an emoji here makes the browser fetch one from a CDN.
st.set_page_config(page_title="缙云县工业园区与用地规划 / Jinyun planner",
                   page_icon=str(Path(__file__).parent / "static" / "favicon.png"), layout="wide")
frame.sidebar()
frame.localise_widgets()
store_ok = frame.check_store()
if store_ok:
    frame.demo_banner()
user = auth.gate() if store_ok else None
# Material Symbols ship with Streamlit; emoji would need a colour-emoji font on the machine.
page = st.navigation([
    st.Page("pages/overview.py", title=state.t("page.overview"), icon=":material/map:", default=True,
            url_path="overview"),
    # --- pages of later work: one st.Page line each, below its own marker ---
    # tracking 3a
    st.Page("pages/parks.py", title=state.t("page.parks"), icon=":material/factory:", url_path="parks"),
    st.Page("pages/land.py", title=state.t("page.land"), icon=":material/square_foot:", url_path="land"),
    # tracking 3b
    st.Page("pages/inefficient.py", title=state.t("page.inefficient"), icon=":material/recycling:",
            url_path="inefficient"),
    st.Page("pages/evaluation.py", title=state.t("page.evaluation"), icon=":material/leaderboard:",
            url_path="evaluation"),
    st.Page("pages/ranking.py", title=state.t("page.ranking"), icon=":material/flag:", url_path="ranking"),
    # import 4
    st.Page("pages/import_data.py", title=state.t("page.import"), icon=":material/upload_file:", url_path="import_data"),
    # assessment 5
    st.Page("pages/assess.py", title=state.t("page.assess"), icon=":material/pin_drop:", url_path="assess"),
    # export 6
    st.Page("pages/export.py", title=state.t("page.export"), icon=":material/print:", url_path="export"),
    st.Page("pages/history.py", title=state.t("page.history"), icon=":material/history:",
            url_path="history"),
    st.Page("pages/health.py", title=state.t("page.health"), icon=":material/health_and_safety:",
            url_path="health"),
    *([st.Page("pages/admin.py", title=state.t("page.admin"), icon=":material/group:",
               url_path="admin")] if user is not None and (user.is_admin or user.local) else []),
], position="sidebar" if user is not None else "hidden")
if user is not None:
    auth.sidebar(user)
    page.run()
