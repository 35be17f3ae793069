"""Maps and exports built from analysis frames (folium, matplotlib); no Streamlit.

Importing the package first makes branca render user text verbatim (see :mod:`mapapp.render.safe`).
"""

from mapapp.render import safe as _safe

_safe.install()
