import pytest


@pytest.fixture(autouse=True)
def _private_imports(settings, tmp_path):
    settings.DATAIMPORT_ROOT = tmp_path / "imports"
