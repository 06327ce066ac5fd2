"""Reports from the public: types, queries and mutations."""
