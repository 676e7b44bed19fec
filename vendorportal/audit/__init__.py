"""Browsing the audit log per vendor and contract."""
