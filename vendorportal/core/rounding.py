"""How a metric is rounded for people: half-up to one decimal. Comparisons always use the unrounded value."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def display_value(value: float | None, places: int = 1) -> Decimal | None:
    """Round a metric half-up for display (one decimal by default); comparisons never use this."""
    if value is None or math.isinf(value):
        return None
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
