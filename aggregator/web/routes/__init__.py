"""Thin routes: each module turns requests into service calls and answers with a page or JSON."""
