"""Monthly performance data: uploads read and validated row by row, versions, review and acceptance."""
