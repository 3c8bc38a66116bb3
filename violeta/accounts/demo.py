"""Demo data for staff accounts: one login per role (the table ``make run`` prints), and one role request
waiting on the director's screen.

Leaves in the registry, for the apps loaded after it: ``accounts.users`` (demo login -> User, e.g.
``users["abogada"]``) and ``accounts.staff_by_area`` (area code -> the professionals who attend cases there).
"""

from dataclasses import dataclass

from violeta.accounts.models import Area, Role, User
from violeta.accounts.services import grant_request, staff_create_direct
from violeta.core.demo import DEMO_DOMAIN, DEMO_PASSWORD, Demo


@dataclass(frozen=True)
class DemoAccount:
    email: str  # the part before @violeta.demo
    full_name: str
    role: str
    area: str | None = None


ACCOUNTS = (
    DemoAccount("sistemas", "Silvia Porras Gil", Role.SYSADMIN),
    DemoAccount("direccion", "Diana Chavira Lozano", Role.DIRECTOR),
    DemoAccount("coordinacion.juridica", "Carmen Ornelas Trevizo", Role.COORDINATOR, "juridica"),
    DemoAccount("coordinacion.psicologia", "Patricia Legarreta Muñoz", Role.COORDINATOR, "psicologia"),
    DemoAccount("recepcion", "Rocío Méndez Ortiz", Role.RECEPTION),
    DemoAccount("abogada", "Laura Beltrán Quintana", Role.LEGAL, "juridica"),
    DemoAccount("abogada2", "Andrea Loya Chávez", Role.LEGAL, "juridica"),
    DemoAccount("psicologa", "Paula Rivas Domínguez", Role.PSYCHOLOGY, "psicologia"),
    DemoAccount("psicologa2", "Mariana Terrazas Ochoa", Role.PSYCHOLOGY, "psicologia"),
    DemoAccount("trabajo.social", "Sofía Holguín Armendáriz", Role.SOCIAL_WORK, "trabajo-social"),
    DemoAccount("capacitacion", "Teresa Baeza Prieto", Role.TRAINER),
    DemoAccount("tarjeta", "Tania Villalobos Ruiz", Role.CARD_OFFICE),
    DemoAccount("monitoreo", "Mónica Fierro Salas", Role.ALERT_MONITOR),
    DemoAccount("enlace.dif", "Elena Anchondo Reyes", Role.LIAISON),
    DemoAccount("comercio", "Mario Carrasco Durán", Role.MERCHANT),
)
# The professionals who attend cases, by area: who the demo's case files are given to.
STAFF_BY_AREA = {
    "juridica": ("abogada", "abogada2"),
    "psicologia": ("psicologa", "psicologa2"),
    "trabajo-social": ("trabajo.social",),
}
COORDINATED = {"juridica": "jurídica", "psicologia": "psicología", "trabajo-social": "trabajo social"}


def demo_email(account: DemoAccount) -> str:
    return f"{account.email}@{DEMO_DOMAIN}"


def logins() -> list[tuple[str, str, str]]:
    """(role in Spanish, e-mail, password) of every demo account, for the table `make run` prints."""
    rows = []
    for account in ACCOUNTS:
        role = str(Role(account.role).label)
        if account.role == Role.COORDINATOR:
            role = f"{role}: {COORDINATED[account.area]}"
        rows.append((role, demo_email(account), DEMO_PASSWORD))
    return rows


def demo_exists() -> bool:
    """The marker: the demo accounts are created in the same transaction as everything else."""
    return User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").exists()


def load(demo: Demo) -> None:
    users = _create_accounts(demo)
    demo["accounts.users"] = users
    demo["accounts.staff_by_area"] = {
        area: [users[login] for login in logins] for area, logins in STAFF_BY_AREA.items()
    }
    # One role request waiting on the director's screen: the trainer is to join social work.
    grant_request(
        by=users["sistemas"],
        user=users["capacitacion"],
        role=Role.SOCIAL_WORK,
        area=Area.objects.get(code="trabajo-social"),
    )


def _create_accounts(demo: Demo) -> dict[str, User]:
    areas = {area.code: area for area in Area.objects.all()}
    missing = {account.area for account in ACCOUNTS if account.area} - set(areas)
    if missing:
        raise RuntimeError(f"Faltan las áreas {', '.join(sorted(missing))}: ejecute manage.py migrate.")
    users: dict[str, User] = {}
    admin = None
    for account in ACCOUNTS:
        # Setup, not a grant: the demo creates its accounts with their roles at once (still audited and
        # flagged). On a real instance only the first director comes this way (manage.py create_director);
        # every other role that reads personal data waits for a director's approval.
        user = staff_create_direct(
            by=admin,
            email=demo.email(account.email),
            full_name=account.full_name,
            role=account.role,
            area=areas[account.area] if account.area else None,
            reason="datos de demostración",
        )
        # Set without the validators, which refuse the published demo password for any real account.
        user.set_password(demo.password)
        user.save(update_fields=["password"])
        admin = admin or user
        users[account.email] = user
    return users
