"""The NXCC call-center OpenAPI: signing, endpoints, records, ``AsyncNXCC`` and ``NXCC``."""
