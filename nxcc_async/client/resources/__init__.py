"""The resources of ``AsyncNXCC``: one module per group of endpoints."""
