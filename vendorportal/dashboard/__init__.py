"""Home pages per role and the navigation."""
