"""VendorPortal: contracts, SLAs, monthly data, security checklists and review packs for BPO vendors."""

from vendorportal.app import create_app
from vendorportal.core.setup import ConfigurationError

__all__ = ["ConfigurationError", "create_app"]
