"""What an alert's location and a trip timer's position share: a fix from her phone, the coordinates encrypted
at rest (AES-GCM, ``EncryptedTextField``), accuracy and times in the clear."""

from django.db import models
from django.utils import timezone

from violeta.core.crypto import EncryptedTextField


class Position(models.Model):
    """A position sent by her phone. The coordinates are encrypted; accuracy and times are not."""

    coordinates = EncryptedTextField()
    accuracy_m = models.FloatField()
    captured_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-captured_at", "-id"]

    @property
    def lat_lon(self) -> tuple[float, float]:
        lat, lon = self.coordinates.split(",")
        return float(lat), float(lon)
