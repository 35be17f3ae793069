"""Every table a user hands us: read → map columns → parse values → rows + one report layout.

``read`` (bytes or a path: CSV, XLSX, GeoJSON), ``columns`` (alias tables per schema), ``values``
(numbers, years, AGS, coordinates, PLZ, dates), ``fold`` (the one text folding rule), ``report``
(one row-issue type, one JSON layout), and one module per schema: ``offers``, ``funding`` (with
``units``, the matcher of names and keys to today's Gemeinden and Kreise), ``points`` (the x,y
inputs of ``mapapp coverage``).

The package sits below :mod:`mapapp.io` (the gazetteer and the registry use its folding and value
parsers); placing offers on the map (gazetteer, boundaries, online geocoder) is done by
:mod:`mapapp.io.offers` on the drafts this package produces. ``mapapp.ingest.read`` imports
neither geopandas nor the map stack.
"""
