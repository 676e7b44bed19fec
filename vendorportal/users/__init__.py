"""User administration and API token management pages."""
