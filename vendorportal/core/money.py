"""ISO 4217 currencies: the ones the portal accepts, their minor units, and half-up rounding (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType

# Currencies whose minor unit is not 2 (ISO 4217); every other code has 2.
MINOR_UNITS: Mapping[str, int] = MappingProxyType({
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                     "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
})
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")

# The currencies a contract may be written in (the forms offer these).
CURRENCIES = ("AUD", "CAD", "CNY", "EUR", "GBP", "HKD", "IDR", "INR", "JPY", "KRW", "MYR", "NZD", "PHP",
              "SGD", "THB", "TWD", "USD", "VND")


def as_money(amount: Decimal | int) -> Decimal:
    """Return amount as a Decimal; money never passes through binary floating point."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"money must be a Decimal or int, got {amount!r}")
    return Decimal(amount)


def minor_unit(currency: str) -> int:
    """Return the number of decimals of an ISO 4217 currency (JPY 0, USD 2, KWD 3)."""
    code = currency.upper()
    if not _CURRENCY_CODE.fullmatch(code):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    return MINOR_UNITS.get(code, 2)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round an amount half-up to the currency's minor unit."""
    with localcontext() as context:
        context.prec = 60  # quantize fails rather than round when the digits exceed the precision
        return as_money(amount).quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)
