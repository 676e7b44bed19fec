"""Security checklists: template versions, assessments answered with evidence, review and findings."""
