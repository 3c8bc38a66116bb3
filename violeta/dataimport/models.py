"""An import of the institute's earlier records (people, case files, consultations) from a spreadsheet.

The uploaded file stays in a private folder (``dataimport.storage``) only while the import is being prepared
or run, and is deleted when it is done, fails or is abandoned. The job row holds no personal data of its own:
the column map, which rows the user excluded, which existing person each row is linked to (ids), progress and
counts. What the import created or linked is kept as ``ImportedRecord`` rows, from which its report is made.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.people.models import Person


class JobStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column map")
    CHECKING = "checking", _("Checking every row")
    PREVIEW = "preview", _("Preview")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing was imported")
    ABANDONED = "abandoned", _("Abandoned")


OPEN_STATUSES = (JobStatus.MAPPING, JobStatus.CHECKING, JobStatus.PREVIEW)
WORKING_STATUSES = (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED_STATUSES = (JobStatus.DONE, JobStatus.FAILED, JobStatus.ABANDONED)


class ImportJob(models.Model):
    """One spreadsheet of earlier records on its way in: uploaded, mapped, previewed, then imported at once."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.MAPPING
    )
    original_name = models.CharField(_("file"), max_length=200)
    stored_name = models.CharField(max_length=200, blank=True)  # "" once the file is deleted
    kind = models.CharField(max_length=5)  # "csv" or "xlsx"
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)  # the first row's column names, as written
    mapping = models.JSONField(default=dict)  # {column index (str): field key}
    row_count = models.PositiveIntegerField(default=0)
    error_rows = models.JSONField(default=list)  # row numbers with problems (the messages are recomputed)
    excluded = models.JSONField(default=list)  # row numbers the user left out
    candidates = models.JSONField(default=dict)  # {row number (str): [ids of people who may be her]}
    choices = models.JSONField(default=dict)  # {row number (str): person id to link to, or 0 to create her}
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    people_created = models.PositiveIntegerField(default=0)
    people_linked = models.PositiveIntegerField(default=0)
    cases_created = models.PositiveIntegerField(default=0)
    consultations_created = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class ImportedRecord(models.Model):
    """What one woman of an import became: the person created (or the existing one she was linked to), the case
    file opened for the rows of one folio, and how many consultations it received. The import's report."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    row_number = models.PositiveIntegerField()  # the first row of the file that spoke of this case
    legacy_folio = models.CharField(max_length=60, blank=True)  # the folio the earlier records gave it
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_created = models.BooleanField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    consultations = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "row_number"]
