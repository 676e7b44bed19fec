"""The JSON API under /api/v1: bearer-token auth, the same services and rules as the UI, one error shape.

Each route module adds its handlers to `bp` (vendorportal.api.base); ROUTE_MODULES names them all, so that
the blueprint the web layer registers has every route.
"""

from vendorportal.api import contracts, openapi, packs, performance, security, vendors
from vendorportal.api.base import bp

ROUTE_MODULES = (contracts, openapi, packs, performance, security, vendors)

__all__ = ["ROUTE_MODULES", "bp"]
