from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "violeta.audit"
    verbose_name = "Bitácora de auditoría"
