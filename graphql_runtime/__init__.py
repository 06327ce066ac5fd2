"""How any GraphQL document is run here, whatever the schema holds.

Bounded parsing and validation (``documents``), the checks a request passes before
GraphQL spends anything on it (``hardening``), the cheaper walk for plain attributes
(``execution``) and the size-bounded cache they share (``caches``). It sits below
``schema``: the schema is built with these parts and knows the domain; nothing here does.
"""
