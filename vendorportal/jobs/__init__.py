"""Background work: the scheduler process and the locks that keep its jobs single across processes and hosts."""
