"""Corrective actions: from findings, scorecard escalations or by hand; their status flow, steps and evidence."""
