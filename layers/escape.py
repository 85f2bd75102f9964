"""The one place where text from a user or a file enters the map's HTML and JavaScript.

Leaflet puts tooltips, popups and layer names into ``innerHTML``; folium's
``Tooltip`` and GeoJSON tooltip/popup templates build that HTML inside JavaScript
template literals. A park named ``<img src=x onerror=…>`` or a platform named
``${…}`` would therefore run as script. Every string a map shows passes through
:func:`html_text` before it is embedded: HTML's special characters become
entities, and so do the three characters a template literal interprets
(backtick, ``$`` and backslash), so the browser shows the text exactly as typed.
"""

from __future__ import annotations

import html

_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def html_text(value: object) -> str:
    """``value`` as text that is safe inside HTML and inside a JavaScript template literal."""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)


def html_props(props: dict) -> dict:
    """A feature's properties with every string made safe by :func:`html_text` (numbers kept)."""
    return {k: html_text(v) if isinstance(v, str) else v for k, v in props.items()}
