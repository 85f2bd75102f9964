"""Find a park, parcel, enterprise (by name, id or credit code), platform or town by what a
planner types, for the map to zoom to it and open its popup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo import i18n

# layer -> (id column, the columns searched, the column named in the result)
SEARCHED = {
    "parks": ("park_id", ("park_id", "name_zh", "name_en"), "name_zh"),
    "parcels": ("parcel_id", ("parcel_id",), "parcel_id"),
    "enterprises": ("enterprise_id", ("enterprise_id", "name", "uscc"), "name"),
    "platforms": ("platform_id", ("platform_id", "name_zh", "name_en"), "name_zh"),
    "towns": ("town_code", ("town_code", "name_zh", "name_en"), "name_zh"),
}


@dataclass(frozen=True)
class Hit:
    """One feature found: its layer, id, what to call it, and where it is (lon/lat)."""

    layer: str
    feature_id: str
    label: str
    bounds: tuple[float, float, float, float]
    point: tuple[float, float]

    def title(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return f"{i18n.t(f'layer.{self.layer}', lang)} · {self.label}"


def search(layers: Mapping[str, pd.DataFrame], query: str, *, limit: int = 10) -> list[Hit]:
    """Features whose id, name or credit code contains ``query`` (case and spaces ignored):
    exact matches first, then by layer in the order of :data:`SEARCHED`."""
    q = "".join(str(query).split()).lower()
    if not q:
        return []
    exact, partial = [], []
    for layer, (key, columns, label_col) in SEARCHED.items():
        frame = layers[layer]
        if frame.empty:
            continue
        texts = [frame[c].astype(str).str.replace(r"\s+", "", regex=True).str.lower()
                 for c in columns if c in frame.columns]
        is_exact = pd.concat([t == q for t in texts], axis=1).any(axis=1)
        is_part = pd.concat([t.str.contains(q, regex=False) for t in texts], axis=1).any(axis=1)
        found = frame[is_part]
        if hasattr(found, "geometry"):  # a feature with no place yet cannot be shown
            found = found[found.geometry.notna() & ~found.geometry.is_empty]
        if found.empty:
            continue
        web = found.to_crs("EPSG:4326")
        points = web.geometry.representative_point()
        for (i, row), geom, pt in zip(found.iterrows(), web.geometry, points, strict=True):
            label = str(row[label_col]) if pd.notna(row[label_col]) else str(row[key])
            if label != str(row[key]):
                label = f"{label}（{row[key]}）"
            hit = Hit(layer, str(row[key]), label, tuple(float(v) for v in geom.bounds),
                      (float(pt.x), float(pt.y)))
            (exact if is_exact[i] else partial).append(hit)
    return (exact + partial)[:limit]
