"""Renderers: each takes results and returns text."""
