"""Parties: the registry, tokens, enrolments and webhook endpoints."""
