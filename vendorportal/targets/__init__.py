"""SLA and KPI targets per contract (versioned by month), reported metrics and volume forecasts."""
