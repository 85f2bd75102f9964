"""Domain logic of the Jinyun park and land planner: no Streamlit, no folium.

Modules are named by domain noun (osmnx style); import them as modules::

    from geo import store, kpi
    layers = store.read_all(store.default_path())
"""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
