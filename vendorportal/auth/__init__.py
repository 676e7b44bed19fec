"""People: users and roles, sign-in, server-side sessions, API tokens."""
