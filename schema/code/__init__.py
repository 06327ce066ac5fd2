"""The code of conduct: its versions and the sanction guidance."""
