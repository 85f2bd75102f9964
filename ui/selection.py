"""Map and table select together: one selected feature per page.

Usage in a page::

    sel = selection.Selection("parks", id_col="park_id", map_key=f"parks-map-{lang}")
    desc.focus = sel.focus(gdf, title)              # the map opens on the selected feature
    maps.show(desc, key=sel.map_key, returned_objects=sel.returned_objects(),
              on_change=sel.on_map)
    rows = sel.in_view(shown, gdf)                  # the table limited to the map's view
    sel.table(labelled(rows), rows["park_id"].tolist())

A click on a feature of the map (streamlit-folium's ``last_active_drawing``,
whose properties carry the feature's ID) or on a row of the table selects it:
the map zooms to it with its popup open and the table shows the row first,
highlighted; the edit form under the map opens on it. Session keys owned:
``<key>.selected``, ``<key>.in_view``, ``<key>.table.*``.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geo import i18n
from geo.maps import Focus
from ui import snapshot, state, widgets

HIGHLIGHT = "background-color: #fff1b8"


class Selection:
    def __init__(self, key: str, *, id_col: str, map_key: str):
        self.key, self.id_col, self.map_key = key, id_col, map_key

    @property
    def _selected_key(self) -> str:
        return f"{self.key}.selected"

    @property
    def _gen_key(self) -> str:
        return f"{self.key}.table.gen"

    @property
    def current(self) -> str | None:
        return st.session_state.get(self._selected_key)

    def select(self, feature_id: str | None) -> None:
        st.session_state[self._selected_key] = feature_id
        # a fresh table widget: its own tick would stay on a row the new order moved
        st.session_state[self._gen_key] = st.session_state.get(self._gen_key, 0) + 1

    def on_map(self) -> None:
        """streamlit-folium's change callback: a click on a feature carrying an ID selects it."""
        value = st.session_state.get(self.map_key) or {}
        feature = value.get("last_active_drawing") or {}
        fid = (feature.get("properties") or {}).get(self.id_col)
        if fid is not None and str(fid) != self.current:
            self.select(str(fid))

    @property
    def in_view_on(self) -> bool:
        return bool(st.session_state.get(f"{self.key}.in_view", False))

    def returned_objects(self, *more: str) -> list[str]:
        """What the map reports back: clicks, and its view while the table follows it."""
        return ["last_active_drawing", *(["bounds"] if self.in_view_on else []), *more]

    def focus(self, gdf: gpd.GeoDataFrame, title: str) -> Focus | None:
        """The selected feature as the map's focus (zoomed to, popup open), if it is drawn."""
        fid = self.current
        rows = gdf[gdf[self.id_col].astype(str) == str(fid)] if fid is not None else gdf.iloc[:0]
        rows = rows[rows.geometry.notna() & ~rows.geometry.is_empty]
        if rows.empty:
            return None
        geom = rows.geometry.iloc[0]
        point = geom.representative_point()
        return Focus(geom.bounds, (point.x, point.y), title)

    def show_map(self, desc, outlines: gpd.GeoDataFrame, *, reshape: bool,
                 basemap: tuple[str, str | None], height: int, export) -> None:
        """Draw the page's map opened on the selected feature, reporting clicks (and the view,
        for the table); with ``reshape`` (:func:`ui.edit.outline_on`) the selected feature's
        outline is editable with Leaflet.draw and the map reports the reshaped polygons."""
        from layers import outline as outline_layers
        from layers import render
        from ui import maps

        desc.focus = self.focus(outlines, f"{self.current} {self._name(outlines)}".strip())
        m = None
        if reshape and desc.focus is not None:
            geom = outlines.loc[outlines[self.id_col].astype(str) == self.current].geometry.iloc[0]
            m = outline_layers.with_outline_editor(
                render.folium_map(desc, lang=state.lang(), basemap=basemap[0], api_key=basemap[1]),
                geom, lang=state.lang())
        maps.show(desc, key=self.map_key, m=m, basemap=basemap, height=height, export=export,
                  returned_objects=self.returned_objects(*(["all_drawings"] if m is not None
                                                           else [])),
                  on_change=self.on_map)

    def _name(self, outlines: gpd.GeoDataFrame) -> str:
        col = i18n.name_column(state.lang())
        col = col if col in outlines.columns else "name_zh"  # parks have one name only
        if col not in outlines.columns or self.current is None:
            return ""
        names = outlines.loc[outlines[self.id_col].astype(str) == self.current, col]
        return str(names.iloc[0]) if len(names) and isinstance(names.iloc[0], str) else ""

    def view_toggle(self) -> None:
        st.checkbox(state.t("select.in_view"), key=f"{self.key}.in_view",
                    help=state.t("select.in_view_help"))

    def in_view(self, rows: pd.DataFrame, gdf: gpd.GeoDataFrame) -> pd.DataFrame:
        """``rows`` whose feature in ``gdf`` meets the map's current view (all of them until the
        map has reported one, or while the toggle is off)."""
        if not self.in_view_on:
            return rows
        bbox = snapshot.bounds_to_bbox((st.session_state.get(self.map_key) or {}).get("bounds"))
        if bbox is None:
            return rows
        seen = gdf.loc[gdf.intersects(_box(bbox)), self.id_col].astype(str)
        return rows[rows[self.id_col].astype(str).isin(set(seen))]

    def table(self, shown: pd.DataFrame, ids: list[str], *, height: int = 520) -> None:
        """``shown`` (labelled, one row per ID of ``ids``) with the selected row first and
        highlighted; a click on a row selects it."""
        ids = [str(i) for i in ids]
        order = list(range(len(ids)))
        if self.current in ids:
            first = ids.index(self.current)
            order = [first, *[i for i in order if i != first]]
        shown = shown.iloc[order].reset_index(drop=True)
        ordered = [ids[i] for i in order]
        table_key = f"{self.key}.table.{st.session_state.get(self._gen_key, 0)}"
        st.session_state[f"{self.key}.table.ids"] = ordered
        styled = shown.style.apply(
            lambda row: [HIGHLIGHT if ordered[row.name] == self.current else ""] * len(row), axis=1)
        ticked = {"selection": {"rows": [0]}} if self.current in ids else None
        widgets.dataframe(styled, hide_index=True, height=height, key=table_key,
                     on_select=lambda: self._on_table(table_key), selection_mode="single-row",
                     selection_default=ticked)

    def _on_table(self, table_key: str) -> None:
        rows = st.session_state[table_key].selection.rows
        ids = st.session_state.get(f"{self.key}.table.ids", [])
        if not rows:  # the planner unticked the row
            self.select(None)
        elif rows[0] < len(ids):
            self.select(ids[rows[0]])


def _box(bbox):
    return shapely.box(*bbox)
