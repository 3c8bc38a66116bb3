from violeta.accounts.models import Role

# Who imports earlier records: the coordinators and the director (issue 18).
IMPORT_ROLES = frozenset({Role.COORDINATOR, Role.DIRECTOR})
