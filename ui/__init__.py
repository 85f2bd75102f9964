"""Streamlit components shared by the pages: state, cached loaders, the app frame.

The only package besides ``pages/`` and ``app.py`` that imports Streamlit.
"""
