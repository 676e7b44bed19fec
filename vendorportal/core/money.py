"""ISO 4217 currencies the portal accepts and their minor units; half-up rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINOR_UNITS = {
    "JPY": 0, "KRW": 0, "VND": 0, "USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "PHP": 2, "INR": 2,
    "SGD": 2, "AUD": 2, "THB": 2, "MYR": 2, "HKD": 2, "TWD": 2, "CAD": 2, "IDR": 2, "NZD": 2,
}
CURRENCIES = tuple(sorted(MINOR_UNITS))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round an amount half-up to the currency's minor unit."""
    places = MINOR_UNITS[currency]
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
