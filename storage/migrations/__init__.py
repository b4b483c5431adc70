"""Versioned SQL migrations, one file per version and dialect (see storage.migrate)."""
