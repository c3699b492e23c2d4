"""Bridges from nxcc_async to other tools (optional extras): :mod:`nxcc_async.integrations.dlt`."""
