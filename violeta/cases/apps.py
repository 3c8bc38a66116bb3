from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "violeta.cases"
    verbose_name = "Expedientes"
