"""Writes of the privacy app, one module per concern. Import from the module, not from this package (it
re-exports nothing).

- ``arco``: ARCO requests, their legal clock, answers and refusals, her export, blocking, opposition.
- ``rectification``: correcting her data and telling the institutions that received it.
- ``erasure``: deleting her record or a case and every row and file that points at them.
- ``breaches``: the register of security breaches.
- ``retention``: deleting what is past its retention period.

Who may act is ``violeta.privacy.permissions``. Each module's docstring says which of its functions are one
transaction and which are not, and why.
"""
