"""Access control: the pure policy rules and the decorators every view and API call goes through."""
