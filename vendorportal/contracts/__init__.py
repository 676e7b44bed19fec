"""Contracts with vendors, their status by date, and their documents."""
