"""Where uploaded spreadsheets wait while an import is prepared: a private folder under VAR_DIR (never MEDIA or
STATIC), files readable by the server's user only, with no URL. Deleted when the import ends or is abandoned."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateImportStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    # Read on every use (not cached), so the folder follows the setting, in tests too.
    @property
    def base_location(self):
        return str(settings.DATAIMPORT_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("uploaded spreadsheets are never served")


import_storage = PrivateImportStorage()
