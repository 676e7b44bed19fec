"""Shared building blocks: the app base, database base, edge transactions, errors, i18n and labels, audit, mail,
money.
"""
