"""The read-only OGC API – Features server (``mapapp serve-api``): pygeoapi over the services.

:mod:`mapapp.api.provider` is the pygeoapi feature provider (reads the collections of
:mod:`mapapp.services.api_features`, checks their data version on every request);
:mod:`mapapp.api.server` writes the pygeoapi configuration and runs the server.
"""
