"""The scheduler: its own process running the jobs (packs, reminders) and the locks that keep each job single."""
