"""Serve a stored file as a download, with a safe Content-Disposition for any file name."""

from __future__ import annotations

import io

from flask import send_file

from vendorportal.files import storage
from vendorportal.files.models import StoredFile


def file_response(stored: StoredFile):
    """Return a response that downloads the stored bytes under their original name."""
    response = send_file(
        io.BytesIO(storage.open_bytes(stored)), mimetype=stored.content_type, as_attachment=True,
        download_name=stored.original_name, max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
