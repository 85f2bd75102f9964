"""Export: map snapshots (PNG/PDF), the interactive map as offline HTML, the meeting brief."""


import streamlit as st

from geo import asof, basemaps, i18n
from geo.errors import PlannerError
from geo.export import brief, maps, sheet
from layers.overview import overview_map
from layers.standalone import standalone_html
from ui import auth, data, snapshot, state, widgets
from ui import basemap as local_basemaps

lang = state.lang()
layers = data.current()
plan = layers.plan
demo = layers.is_demo
source = sheet.source_text(layers, lang)
t = state.t

st.title(t("export.heading"))


def _page_label(key: str) -> str:
    return t(f"export.page_{key}") if f"export.page_{key}" in i18n.TABLE else key


# -- map snapshot -----------------------------------------------------------------------------
st.subheader(t("export.snapshot"))
c1, c2, c3, c4, c5 = st.columns(5)
page_key = c1.selectbox(t("export.page"), sorted(maps.PAGES), format_func=_page_label,
                        key="export_page")
paper = c2.radio(t("export.paper"), list(sheet.PAPERS_MM), horizontal=True, key="export_paper")
orientation = c3.radio(t("export.orientation"), sheet.ORIENTATIONS, horizontal=True,
                       format_func=lambda o: t(f"export.orientation.{o}"), key="export_orientation")
dpi = c4.radio(t("export.dpi"), sheet.DPIS, horizontal=True, key="export_dpi")
fmt = c5.radio(t("export.format"), sheet.FORMATS, horizontal=True, format_func=str.upper,
               key="export_format")
visible = (widgets.multiselect(t("export.layers"), maps.OVERVIEW_LAYERS,
                          default=list(maps.OVERVIEW_DEFAULT),
                          format_func=lambda name: t(f"layer.{name}"), key="export_layers")
           if page_key == "overview" else [])
platforms = layers["platforms"]
extent_names = {"": t("export.extent_default"),
                **dict(zip(platforms["platform_id"], platforms[i18n.name_column(lang)],
                           strict=True))}
extent = st.selectbox(t("export.extent"), list(extent_names), format_func=extent_names.get,
                      key="export_extent")


def _bbox(platform_id: str) -> tuple | None:
    """A platform's extent in lon/lat with a 15 % margin (None: the map's own extent)."""
    if not platform_id:
        return None
    minx, miny, maxx, maxy = platforms[platforms["platform_id"] == platform_id].to_crs(
        "EPSG:4326").total_bounds
    dx, dy = (maxx - minx) * 0.15, (maxy - miny) * 0.15
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


@st.cache_data(show_spinner=False, max_entries=8)
def _sheet(store_key: str, page: str, lang: str, visible: tuple, extent: str,
           opts: sheet.SheetOptions,
           basemap: basemaps.Basemap | None) -> tuple[bytes, float, float, tuple]:
    kwargs = {"visible": visible} if page == "overview" else {}
    spec = maps.spec_for(page, layers, lang=lang, plan=plan, bbox_deg=_bbox(extent), **kwargs)
    ctx = sheet.SheetContext(lang=lang, demo=demo, as_of=sheet.latest_date(layers), source=source,
                             basemap=basemap)
    body, info = sheet.render_sheet(spec, opts, ctx)
    return body, info.scale_denominator, info.scalebar_m, tuple(info.unplaced)


store_key = layers.key
if st.button(t("export.build"), key="export_build", type="primary"):
    try:
        st.session_state["export_sheet"] = (fmt, _sheet(
            store_key, page_key, lang, tuple(visible), extent,
            sheet.SheetOptions(paper, orientation, dpi, fmt),
            local_basemaps.for_print(state.basemap())))
    except PlannerError as exc:
        st.error(exc.text(lang))
if "export_sheet" in st.session_state:
    built_fmt, (body, scale, bar_m, unplaced) = st.session_state["export_sheet"]
    st.caption(t("export.sheet_info", scale=f"{scale:,.0f}",
                 bar=sheet.format_length(bar_m, lang)))
    snapshot.unplaced_caption(unplaced)
    sheet_name = f"jinyun_{page_key}_{paper}_{dpi}dpi.{built_fmt}"
    st.download_button(t(f"export.download_{built_fmt}"), auth.logged("export", sheet_name, body),
                       file_name=sheet_name,
                       mime="image/png" if built_fmt == "png" else "application/pdf",
                       on_click="ignore", key="export_download_sheet")

# -- interactive map --------------------------------------------------------------------------
st.subheader(t("export.interactive"))
st.caption(t("export.interactive_help"))


@st.cache_data(show_spinner=False, max_entries=4)
def _html(store_key: str, page: str, lang: str, title: str) -> bytes:
    if page == "ranking":  # the ranking page's flag map, for the plan's last quarter
        from geo import ranking
        from layers.performance import ranking_map

        m = ranking_map(layers, ranking.flags(layers, plan, ranking.quarters(plan)[-1]),
                        lang=lang)
    else:
        m = overview_map(layers, lang=lang)
    return standalone_html(m, title=title).encode("utf-8")


html_page = page_key if page_key == "ranking" else "overview"
html_title = _page_label(html_page)
st.download_button(f"{t('export.download_html')} · {html_title}",
                   auth.logged("export", f"jinyun_{html_page}.html",
                               lambda: _html(store_key, html_page, lang, html_title)),
                   file_name=f"jinyun_{html_page}.html", mime="text/html", on_click="ignore",
                   key="export_download_html")

# -- meeting brief ----------------------------------------------------------------------------
st.subheader(t("export.brief"))
quarters = [p for p in asof.periods(plan.start_year, plan.end_year, quarters=True) if "Q" in p]
q1, q2, q3 = st.columns(3)
quarter = q1.selectbox(t("export.quarter"), quarters, index=len(quarters) - 1,
                       format_func=lambda q: brief.quarter_label(q, lang), key="export_quarter")
brief_paper = q2.radio(t("export.paper"), list(sheet.PAPERS_MM), horizontal=True,
                       key="export_brief_paper")
brief_orientation = q3.radio(t("export.orientation"), sheet.ORIENTATIONS, horizontal=True,
                             format_func=lambda o: t(f"export.orientation.{o}"),
                             key="export_brief_orientation")


@st.cache_data(show_spinner=False, max_entries=4)
def _brief(store_key: str, quarter: str, lang: str, deck: bool = False, paper: str = "A4",
           orientation: str = "landscape") -> brief.Brief:
    ctx = brief.BriefContext(layers, plan, quarter, lang=lang, demo=demo, source=source,
                             paper=paper, orientation=orientation)
    return brief.build_brief(ctx, deck=deck)


if st.button(t("export.build_brief"), key="export_build_brief", type="primary"):
    try:
        st.session_state["export_brief"] = (quarter, _brief(store_key, quarter, lang,
                                                            paper=brief_paper,
                                                            orientation=brief_orientation),
                                            (brief_paper, brief_orientation))
    except PlannerError as exc:
        st.error(exc.text(lang))
if "export_brief" in st.session_state:
    built_q, result, (built_paper, built_orientation) = st.session_state["export_brief"]
    if result.missing:
        st.info(t("brief.missing", sections="、".join(t(f"brief.section.{k}")
                                                      for k in result.missing)))
    b1, b2 = st.columns(2)
    b1.download_button(t("export.download_brief"),
                       auth.logged("brief", f"jinyun_brief_{built_q}.pdf", result.pdf),
                       file_name=f"jinyun_brief_{built_q}.pdf",
                       mime="application/pdf", on_click="ignore", key="export_download_brief")
    # the deck is drawn only when asked for (deferred: runs when the button is clicked)
    b2.download_button(t("export.download_pptx"),
                       auth.logged("brief", f"jinyun_brief_{built_q}.pptx",
                                   lambda: _brief(store_key, built_q, lang, deck=True,
                                                  paper=built_paper,
                                                  orientation=built_orientation).pptx),
                       file_name=f"jinyun_brief_{built_q}.pptx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="export_download_pptx")
