"""Readers: a chapter's bytes → text (`source`), text → a flat document tree (`markdown`)."""
