"""The WSGI entry point for gunicorn: `gunicorn wsgi:app` (the only module-level app)."""

from vendorportal import create_app

app = create_app()
