"""Review packs: PDF reports per vendor and for the portfolio, rendered on demand or on a schedule."""
