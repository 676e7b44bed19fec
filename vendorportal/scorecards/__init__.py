"""Monthly scorecards: target status, relief, service credits, earn-back and escalation."""
