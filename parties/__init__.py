"""Parties, the accounts that act for them, and their tokens."""
