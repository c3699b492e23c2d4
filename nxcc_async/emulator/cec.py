"""The CEC (Huawei CC-CMS monitoring) side of the emulator.

Interface used by the emulator server (being built; the CEC work fills this in):

    service = CECService(access_key=..., secret_key=..., seed=...)
    service.add_routes(app)        # registers POST /rest/cmsapp/v1/openapi/... handlers
"""

from __future__ import annotations

from aiohttp import web


class CECService:
    """Serves the CEC monitoring interfaces, verifying auth-v2 on every request."""

    def __init__(self, *, access_key: str, secret_key: str, seed: int) -> None:
        self.access_key = access_key
        self._secret_key = secret_key
        self.seed = seed

    def add_routes(self, app: web.Application) -> None:
        """Register this service's routes on ``app``."""
