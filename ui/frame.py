"""The frame around every page: language switch, basemap choice, demo banner, store errors."""

from __future__ import annotations

import streamlit as st

from geo import basemaps, settings, store
from geo.errors import PlannerError
from ui import basemap as local_basemaps
from ui import data, state


def sidebar() -> None:
    """Language and basemap widgets (their keys are owned by :mod:`ui.state`)."""
    state.lang()  # reads ?lang= of the address into the session before the switch is drawn
    st.sidebar.radio("语言 / Language", ["zh", "en"], key=state.LANG_KEY, horizontal=True,
                     format_func=lambda c: {"zh": "中文", "en": "English"}[c])
    state.keep_lang_in_url()
    choices = [*basemaps.CHOICES, *local_basemaps.supplied()]
    state.keep_basemap_within(choices)
    st.sidebar.selectbox(state.t("app.basemap"), choices, key=state.BASEMAP_KEY,
                         format_func=local_basemaps.label)
    # the file's or database's name only: the server's folders are not for every planner to see
    st.sidebar.caption(f"{state.t('app.store')}: `{store.display_name(data.store_path())}`")


def check_store() -> bool:
    """Show the store's error and stop the page when it cannot be opened."""
    try:
        data.meta()
        data.layers()
    except PlannerError as exc:
        st.error(f"{state.t('app.store_error')}: {exc.text(state.lang())}")
        return False
    return True


def demo_banner() -> None:
    """Say so, on every page, while the synthetic demo data is loaded."""
    if data.current().is_demo:
        st.warning(f"⚠️ {settings.DEMO_MARKER}: {state.t('app.demo_banner')}")


def effective_basemap() -> tuple[str | basemaps.Basemap, str | None]:
    """The basemap to draw and its key; falls back to none (with a note) when unreachable,
    when the store has no DEM for the hillshade, or when a supplied basemap is gone."""
    choice = state.basemap()
    api_key = settings.tianditu_key()
    if choice == "none":
        return "none", None
    if choice == basemaps.HILLSHADE or choice.startswith(basemaps.USER_PREFIX):
        local = (local_basemaps.hillshade_basemap() if choice == basemaps.HILLSHADE
                 else local_basemaps.supplied_basemap(choice))
        return (local, None) if local is not None else ("none", None)
    provider = basemaps.BASEMAPS[choice]
    if provider.needs_key and not api_key:
        st.info(state.t("basemap.tianditu_nokey"))
        return "none", None
    if not data.basemap_reachable(choice, api_key):
        st.info(state.t("basemap.offline_note"))
        return "none", None
    return choice, api_key


# A metric's label is one line cut with an ellipsis by default: at 1366 px four cards a row
# left "已开工小微园建筑面积（平方…" and "Floor area of started…". Labels wrap instead, and
# values too, so the whole text is there on a small monitor in either language; so do the
# verdict badges under them and widget labels in narrow columns ("Compare with another…").
_METRIC_CSS = """
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word; height: auto !important; }
.stMarkdownBadge, .stMarkdownEllipsis {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
"""


def localise_widgets() -> None:
    """Streamlit's file uploader writes its own English ("Upload", "200MB per file"), with no
    option to change it: its button and size line are relabelled from the translation table
    (text in CSS ``content``, escaped for a CSS string)."""
    def css(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")

    button, limit = css(state.t("upload.button")), css(state.t("upload.limit"))
    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button * {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "{button}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] div::after {{ content: "{limit}";
  font-size: 0.8rem; color: rgba(49, 51, 63, 0.6); }}
{_METRIC_CSS}
</style>""")
