"""Access control: the one place every page, download and API call checks who is asking (pure policy rules and the
decorators that apply them).
"""
