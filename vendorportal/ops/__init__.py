"""Operations: init-db, copy-db, serve; health and readiness probes, request ids and JSON logs, the upload guard."""
