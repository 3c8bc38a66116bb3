"""Programs and trainings (issue 17), one module per concern:

- ``trainings``: organisations, trainings with their sessions, attendees and attendance, certificates,
  questionnaires and the staff's own training;
- ``outreach``: IMM en tu empresa visits and campaigns with their events;
- ``courses``: Superación en acción.

Attendees of a training are people outside the case files (teachers, workers, public servants): the institute
keeps only what a training needs (name, sex, age group, role, organisation) and never a CURP or an address.
"""

from violeta.programs.models.courses import (  # noqa: F401
    SEATED,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
    EnrollmentAttendance,
    EnrollmentStatus,
    ExternalLink,
    ExternalLinkKind,
    Outcome,
)
from violeta.programs.models.outreach import (  # noqa: F401
    Campaign,
    CampaignEvent,
    CompanyVisit,
    EventKind,
    EventReach,
    VisitConsultation,
)
from violeta.programs.models.requests import REQUEST_KINDS, RequestStatus, TrainingRequest  # noqa: F401
from violeta.programs.models.trainings import (  # noqa: F401
    AgeGroup,
    Agreement,
    Attendance,
    Attendee,
    Certificate,
    Modality,
    Option,
    Organization,
    OrganizationContact,
    OrganizationKind,
    Phase,
    Program,
    Question,
    QuestionnaireResponse,
    RegisteredBy,
    Sex,
    StaffTraining,
    Topic,
    Training,
    TrainingSession,
)
