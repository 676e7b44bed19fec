"""Row ids from the outside world: a number no id column can hold is no id (404, or an ignored filter), not a
crash. SQLite cannot bind integers beyond 64 bits (OverflowError: /api/v1/vendors/99999999999999999999 was a 500).
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1  # the id columns are INTEGER


class IdConverter(IntegerConverter):
    """<int:...> in URLs: a number beyond MAX_ID is a 404.

    Not werkzeug's max= (a ValidationError): werkzeug converts after matching the path and noting the methods of
    the other rules on it, so GET /api/v1/contracts/99999999999/submissions would answer 405 because of the POST.
    """

    def to_python(self, value: str) -> int:
        try:
            number = super().to_python(value)
        except ValidationError:  # more digits than int() reads
            raise NotFound() from None
        if number > MAX_ID:
            raise NotFound()
        return number


def record_id(text: str) -> int:
    """An id in a query string (request.args.get(name, type=record_id)): ValueError, so ignored, beyond MAX_ID."""
    value = int(text)
    if not 0 <= value <= MAX_ID:
        raise ValueError(text)
    return value
