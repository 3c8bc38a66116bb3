"""Where uploaded documents live: a private folder under VAR_DIR, never under MEDIA_ROOT or STATIC_ROOT.

The storage has no base URL, so no web server can be pointed at it by mistake and ``file.url`` raises: the only
way out is the permission-checked, audited download view.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateDocumentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    # Read on every use (not cached), so the folder follows the setting, in tests too.
    @property
    def base_location(self):
        return str(settings.DOCUMENTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("documents are served only by documents:download")


private_storage = PrivateDocumentStorage()


def document_storage():
    """Callable for FileField(storage=...): keeps the folder out of migrations."""
    return private_storage
