import pytest


@pytest.fixture(autouse=True)
def _private_roots(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    settings.CARD = {**settings.CARD, "PRIVATE_ROOT": tmp_path / "private"}
