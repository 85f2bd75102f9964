"""Colours shared by the map, its legend and the exports, so they always agree."""

PARK_STATUS_COLORS = {
    "planned": "#9e9e9e",
    "under_construction": "#ff9800",
    "completed": "#1e88e5",
    "operating": "#2e7d32",
}

LIFECYCLE_COLORS = {
    "approved": "#cfcfcf",
    "supplied": "#fdd49e",
    "in_use": "#fc8d59",
    "built": "#d7301f",
    "producing": "#74a9cf",
    "meeting": "#0570b0",
    "unverified": "#c7b9a5",  # a muted beige: not known yet (no other layer uses it)
}

CONSTRAINT_COLORS = {
    "eco_redline": "#2ca25f",
    "basic_farmland": "#e6c229",
    "water_source": "#3182bd",
    "flood_zone": "#9ecae1",
    "urban_boundary": "#756bb1",
}

ROAD_COLORS = {"expressway": "#c51b7d", "national": "#e34a33", "provincial": "#fdae61",
               "county": "#969696"}
ROAD_WEIGHTS = {"expressway": 4, "national": 3, "provincial": 2.5, "county": 1.5}

COUNTY_STYLE = {"color": "#333333", "weight": 2.5, "fill": False, "dashArray": "6 4"}
PLATFORM_STYLE = {"color": "#6a3d9a", "weight": 2, "fillColor": "#cab2d6", "fillOpacity": 0.18}
ZONE_STYLE = {"color": "#6a3d9a", "weight": 1, "dashArray": "3 3", "fill": False}
ENTERPRISE_COLOR = "#5d4037"
TOWN_COLOR = "#111111"

# --- tracking 3a: land supply map (year of sale, idle flags, lifecycle gaps) ---
SALE_YEAR_PALETTE = ("#fee08b", "#fdae61", "#f46d43", "#d73027", "#a50026", "#67001f")
IDLE_FLAG_COLORS = {
    "not_due": "#bdbdbd",
    "waiting": "#fee08b",
    "started": "#1a9850",
    "idle": "#f46d43",
    "reclaim": "#a50026",
}
GAP_COLORS = {
    "approved_not_supplied": LIFECYCLE_COLORS["approved"],
    "supplied_not_used": LIFECYCLE_COLORS["supplied"],
    "built_not_producing": LIFECYCLE_COLORS["built"],
    "producing_not_meeting": LIFECYCLE_COLORS["producing"],
}


def sale_year_colors(years) -> dict[int, str]:
    """A colour per year of sale, oldest lightest (cycles after six years)."""
    ordered = sorted({int(y) for y in years})
    return {y: SALE_YEAR_PALETTE[i % len(SALE_YEAR_PALETTE)] for i, y in enumerate(ordered)}

# Parcel density on the aggregate grid (few to many parcels per cell).
DENSITY_COLORS = ("#edf8fb", "#b3cde3", "#8c96c6", "#8856a7", "#810f7c")
DENSITY_STYLE = {"weight": 0.3, "color": "#555555", "fillOpacity": 0.75}
PARCEL_TILE_STYLE = {"weight": 0.5, "fillOpacity": 0.7}

# --- tracking 3b: inefficient land, per-mu classes and choropleths, ranking flags ---
INEFFICIENT_REASON_COLORS = {
    "idle": "#a50f15",
    "use_changed": "#756bb1",
    "low_tax": "#e6550d",
    "low_plot_ratio": "#fdae6b",
}
PROPOSAL_STYLE = {"color": "#00441b", "weight": 3, "fillColor": "#41ab5d", "fillOpacity": 0.85}
CASE_STATUS_COLORS = {"identified": "#fb6a4a", "in_progress": "#fec44f", "revitalised": "#31a354"}
EVAL_CLASS_COLORS = {"A": "#1a9850", "B": "#91cf60", "C": "#fc8d59", "D": "#d73027"}
# Sequential, light (low) to dark (high); reversed for lower-is-better values (energy per 10k yuan).
CHOROPLETH_PALETTE = ("#ffffcc", "#d9f0a3", "#addd8e", "#78c679", "#41ab5d", "#238443", "#005a32")
NO_DATA_COLOR = "#d9d9d9"
ENERGY_COLOR = "#b10026"
OUTSIDE_COLOR = "#6a51a3"
RANK_FLAG_COLORS = {"red": "#d7191c", "yellow": "#fdd835", "blue": "#2c7bb6"}


def choropleth_colors(k: int, *, reverse: bool = False) -> list[str]:
    """``k`` colours spread over :data:`CHOROPLETH_PALETTE` (light = low unless ``reverse``)."""
    n = len(CHOROPLETH_PALETTE)
    if k <= 1:
        picks = [CHOROPLETH_PALETTE[n // 2]]
    else:
        picks = [CHOROPLETH_PALETTE[round(i * (n - 1) / (k - 1))] for i in range(k)]
    return picks[::-1] if reverse else picks

# --- assessment: suitability ramp (score 0 -> 100), exclusions, candidates, found sites ---
SUITABILITY_STOPS = ((0, "#d7191c"), (25, "#fdae61"), (50, "#ffffbf"), (75, "#a6d96a"), (100, "#1a9641"))
SUITABILITY_EXCLUDED = "#6e6e6e"
SUITABILITY_OPACITY = 0.65
CANDIDATE_STYLE = {"color": "#08306b", "weight": 3, "fillColor": "#4292c6", "fillOpacity": 0.25}
SITE_STYLE = {"color": "#3f007d", "weight": 3, "dashArray": "6 4", "fillColor": "#9e9ac8", "fillOpacity": 0.3}
