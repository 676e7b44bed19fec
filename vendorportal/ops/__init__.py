"""Operations: health and readiness probes, request ids and JSON logs."""
