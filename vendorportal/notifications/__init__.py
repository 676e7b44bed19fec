"""Notifications for every feature: the portal inbox, the mail fan-out and the daily reminders."""
