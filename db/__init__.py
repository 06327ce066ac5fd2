"""Database access: models' base, engines and sessions scoped to a party, migrations."""
