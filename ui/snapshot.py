"""Export the map a page shows, from under that map: sheet (PNG/PDF) and offline HTML.

The sheet is printed from the description the screen map is drawn from
(:func:`geo.export.maps.spec_from_description`), so layers, colours and filters
are the page's own; the extent is the map's opening view, or the planner's
current view when "use the current view" is on (then streamlit-folium reports
the map's bounds, which reruns the page on pan and zoom, hence off by default).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from geo.errors import PlannerError
from geo.export import sheet
from geo.export.maps import spec_from_description
from geo.maps import MapDescription
from layers import render
from layers.standalone import standalone_html
from ui import auth, data, state
from ui import basemap as local_basemaps


@dataclass(frozen=True)
class Snapshot:
    """What a page says about its map: a short key for file names, title, subtitle,
    the as-of date and the filters in force (label, chosen values; empty = all)."""

    page: str
    title: str
    what: str = ""
    as_of: date | None = None
    filters: Sequence[tuple[str, Sequence[str]]] = field(default_factory=tuple)

    def subtitle(self) -> str:
        chosen = [f"{label}：{'、'.join(str(v) for v in values)}"
                  for label, values in self.filters if len(values)]
        parts = [self.what] if self.what else []
        if self.filters:
            parts.append(state.t("snapshot.filters",
                                 filters="；".join(chosen) or state.t("snapshot.no_filter")))
        return " · ".join(parts)


def follow_key(key: str) -> str:
    return f"{key}.follow"


def follows_view(key: str) -> bool:
    """Whether the map under ``key`` should report its bounds (set by the toggle below it)."""
    return bool(st.session_state.get(follow_key(key), False))


def bounds_to_bbox(bounds: dict | None) -> tuple[float, float, float, float] | None:
    """streamlit-folium's ``bounds`` ({_southWest: {lat, lng}, _northEast: ...}) as a lon/lat box."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        box = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (TypeError, KeyError, ValueError):
        return None
    return box if box[0] < box[2] and box[1] < box[3] else None


def as_of_date(value) -> date | None:
    """A page's as-of timestamp as a date for the sheet's subtitle (None stays None)."""
    return None if value is None else value.date() if hasattr(value, "date") else value


def build_sheet(desc: MapDescription, snap: Snapshot, opts: sheet.SheetOptions,
                bbox: tuple[float, float, float, float] | None) -> tuple[bytes, sheet.SheetInfo]:
    lang = state.lang()
    layers = data.current()
    spec = spec_from_description(desc, page=snap.page, title=snap.title, what=snap.subtitle(),
                                 lang=lang, bbox_deg=bbox)
    ctx = sheet.context_for(layers, lang, basemap=local_basemaps.for_print(state.basemap()))
    if snap.as_of:
        ctx = dataclasses.replace(ctx, as_of=snap.as_of)
    return sheet.render_sheet(spec, opts, ctx)


def unplaced_caption(names) -> None:
    """A small caption naming the labels the sheet had no room for (nothing if none)."""
    if names:
        st.caption(state.t("export.unplaced", n=len(names),
                           names=state.t("export.list_sep").join(names)))


def offline_html(desc: MapDescription, title: str) -> bytes:
    """The map as one offline HTML file, drawn without a basemap (and so without its key)."""
    return standalone_html(render.folium_map(desc, lang=state.lang()), title=title).encode("utf-8")


def panel(desc: MapDescription, *, key: str, snap: Snapshot,
          bbox: tuple[float, float, float, float] | None) -> None:
    """The export controls under the map drawn from ``desc`` with ``key``."""
    t = state.t
    with st.expander(t("snapshot.heading")):
        st.caption(t("snapshot.help"))
        c1, c2, c3, c4 = st.columns(4)
        paper = c1.radio(t("export.paper"), list(sheet.PAPERS_MM), horizontal=True,
                         key=f"{key}.paper")
        orientation = c2.radio(t("export.orientation"), sheet.ORIENTATIONS, horizontal=True,
                               format_func=lambda o: t(f"export.orientation.{o}"),
                               key=f"{key}.orientation")
        dpi = c3.radio(t("export.dpi"), sheet.DPIS, horizontal=True, key=f"{key}.dpi")
        fmt = c4.radio(t("export.format"), sheet.FORMATS, horizontal=True, format_func=str.upper,
                       key=f"{key}.format")
        st.toggle(t("snapshot.follow"), key=follow_key(key))
        st.caption(t("snapshot.extent_view") if bbox else t("snapshot.extent_open"))
        opts = sheet.SheetOptions(paper, orientation, dpi, fmt)
        signature = (snap.subtitle(), bbox, opts, state.lang())
        built_key = f"{key}.sheet"
        b1, b2, b3 = st.columns(3)
        if b1.button(t("export.build"), key=f"{key}.build", type="primary"):
            try:
                body, info = build_sheet(desc, snap, opts, bbox)
                st.session_state[built_key] = (signature, body, info.scale_denominator,
                                               info.scalebar_m, tuple(info.unplaced))
            except PlannerError as exc:
                st.error(exc.text(state.lang()))
        built = st.session_state.get(built_key)
        if built is not None and built[0] == signature:  # a sheet of other filters is stale
            _, body, scale, bar_m, unplaced = built
            name = f"jinyun_{snap.page}_{paper}_{dpi}dpi.{fmt}"
            b2.download_button(t(f"export.download_{fmt}"), auth.logged("export", name, body),
                               file_name=name,
                               mime="image/png" if fmt == "png" else "application/pdf",
                               on_click="ignore", key=f"{key}.download")
            st.caption(t("export.sheet_info", scale=f"{scale:,.0f}",
                         bar=sheet.format_length(bar_m, state.lang())))
            unplaced_caption(unplaced)
        b3.download_button(t("export.download_html"),
                           auth.logged("export", f"jinyun_{snap.page}.html",
                                       lambda: offline_html(desc, snap.title)),
                           file_name=f"jinyun_{snap.page}.html", mime="text/html",
                           on_click="ignore", key=f"{key}.html")
