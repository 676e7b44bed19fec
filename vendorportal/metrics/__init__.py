"""Monthly measures, metric formulas and the Erlang C staffing check."""
