"""Cases: the case as GraphQL types, the officer's queries, the workflow's mutations."""
