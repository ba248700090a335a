"""Checks: findings for editors that change nothing (`prose`), and the one place that decides
which image files may be shown (`images`, the only I/O of the stages below the writers)."""
