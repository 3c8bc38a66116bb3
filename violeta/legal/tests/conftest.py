import pytest


@pytest.fixture(autouse=True)
def _private_documents(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
