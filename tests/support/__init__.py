"""Test helpers: a local HTTP server that misbehaves on request, database URLs for both backends."""
