"""Versioned SQL migrations, one file per version and dialect (see ftz_stores.migrate)."""
