"""Shared building blocks: database base, errors, i18n, audit, money."""
