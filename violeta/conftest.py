"""Named personas for tests (after Healthchecks' alice, bob, charlie): one account per role, plus outsiders."""

import pytest
from django.conf import settings as django_settings

from violeta.accounts.areas import ensure_default_areas
from violeta.accounts.models import Area, Role, User
from violeta.people import neighborhoods
from violeta.people.models import Neighborhood

pytest_plugins = ["violeta.testing.browser", "violeta.testing.axe"]

if django_settings.USING_POSTGRES:
    # Between transactional tests the runner empties every table with one TRUNCATE; the audit log's TRUNCATE
    # trigger lets only its owner through, and only when asked (violeta/audit/migrations/0005_…).
    _options = django_settings.DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c violeta.audit_truncate=allow".strip()

PASSWORD = "contraseña-de-prueba-1"


def make_user(email: str, role: str, area_code: str | None = None, name: str = "") -> User:
    area = Area.objects.get(code=area_code) if area_code else None
    return User.objects.create_user(
        email, PASSWORD, full_name=name or email.split("@")[0], role=role, area=area
    )


@pytest.fixture
def area_legal(db):
    return Area.objects.get(code="juridica")


@pytest.fixture
def area_psychology(db):
    return Area.objects.get(code="psicologia")


@pytest.fixture
def area_social(db):
    return Area.objects.get(code="trabajo-social")


@pytest.fixture
def receptionist(db):
    return make_user("recepcion@imm.test", Role.RECEPTION, name="Rocío Recepción")


@pytest.fixture
def lawyer(db):
    return make_user("abogada@imm.test", Role.LEGAL, "juridica", name="Laura Abogada")


@pytest.fixture
def outsider(db):
    """A lawyer of the institute who is not on the case under test."""
    return make_user("otra.abogada@imm.test", Role.LEGAL, "juridica", name="Olga Otra")


@pytest.fixture
def psychologist(db):
    return make_user("psicologa@imm.test", Role.PSYCHOLOGY, "psicologia", name="Paula Psicóloga")


@pytest.fixture
def social_worker(db):
    return make_user("trabajo.social@imm.test", Role.SOCIAL_WORK, "trabajo-social", name="Sofía Social")


@pytest.fixture
def coordinator(db):
    """Coordinates the legal area."""
    return make_user(
        "coordinacion.juridica@imm.test", Role.COORDINATOR, "juridica", name="Carmen Coordinadora"
    )


@pytest.fixture
def director(db):
    return make_user("direccion@imm.test", Role.DIRECTOR, name="Diana Directora")


@pytest.fixture
def sysadmin(db):
    return make_user("sistemas@imm.test", Role.SYSADMIN, name="Silvia Sistemas")


@pytest.fixture
def trainer(db):
    return make_user("capacitacion@imm.test", Role.TRAINER, name="Teresa Capacitadora")


@pytest.fixture
def card_office(db):
    return make_user("tarjeta@imm.test", Role.CARD_OFFICE, name="Tania Tarjeta")


@pytest.fixture
def alert_monitor(db):
    return make_user("monitoreo@imm.test", Role.ALERT_MONITOR, name="Mónica Monitoreo")


@pytest.fixture
def dif_liaison(db):
    return make_user("enlace@dif.test", Role.LIAISON, name="Elena Enlace DIF")


@pytest.fixture
def merchant(db):
    return make_user("caja@comercio.test", Role.MERCHANT, name="Mario Comercio")


@pytest.fixture
def psychology_coordinator(db):
    """Coordinates the psychology area (the coordinator above coordinates the legal one)."""
    return make_user(
        "coordinacion.psicologia@imm.test", Role.COORDINATOR, "psicologia", name="Patricia Coordinadora"
    )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Personas are created in almost every test; PBKDF2's deliberate slowness would dominate the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _nothing_kept_per_process():
    """Configuration kept per process (``violeta.core.memo``) is read again in each test: the previous test's
    rows were rolled back without a signal, and this test's may have the same ids."""
    from violeta.core.memo import forget_all

    forget_all()


@pytest.fixture(autouse=True)
def _empty_redis_cache():
    """With REDIS_URL set (the suite run against a real Redis: use a database number of the tests' own), each test
    starts from an empty cache, as the database cache does when its transaction rolls back: no rate-limit counter
    or session of a previous test."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if isinstance(caches["default"], RedisCache):
        caches["default"].clear()  # FLUSHDB of that database number only


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty every table between tests, data migrations' rows included: put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        ensure_default_areas(Area)
        neighborhoods.load(Neighborhood, neighborhoods.read_csv())


@pytest.fixture(autouse=True)
def _tasks_on_rq():
    """With TASKS_BACKEND=rq the tests' tasks go to the real Redis at RQ_REDIS_URL: a database number of its own
    (not 0, which other programs use), emptied before each test so no job of one test runs in another."""
    from violeta.testing.tasks import on_rq, rq_queue

    if not on_rq():
        yield
        return
    redis = rq_queue().connection
    if redis.connection_pool.connection_kwargs.get("db", 0) == 0:
        pytest.exit(
            "TASKS_BACKEND=rq in tests needs RQ_REDIS_URL with a database of its own, e.g. redis://…/14"
        )
    redis.flushdb()
    yield
