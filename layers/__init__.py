"""Folium layer builders: GeoDataFrames in, folium objects out. No Streamlit here."""
