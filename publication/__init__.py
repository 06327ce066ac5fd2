"""Releases of anonymised outcomes, public statistics and Committee summaries."""
