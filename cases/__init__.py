"""The case lifecycle: a complaint against a party's own member, from receipt to outcome."""
