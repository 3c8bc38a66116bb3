"""Writes of the card program (Mi apoyo, Mi bienestar), one module per concern. Import from the module, not from
this package (it re-exports nothing).

- ``applications``: receiving applications (online or at the desk), their documents, approval and rejection.
- ``cards``: issuing, delivering, renewing, replacing and cancelling cards; the link to her digital card.
- ``validation``: a card shown at a merchant's till.
- ``merchants``: affiliated businesses, their branches and till accounts.

Who may act in the card office is ``violeta.card.permissions``. Each module's docstring says which of its
functions are one transaction and which are not, and why.
"""
