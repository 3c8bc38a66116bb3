"""The catalogue of training topics the institute starts with (issue 17); staff may add more as data."""

from django.db import migrations

TOPICS = [
    ("equidad-de-genero", "Equidad de género"),
    ("igualdad-sustantiva", "Igualdad sustantiva"),
    ("prevencion-de-la-violencia", "Prevención de la violencia"),
    ("protocolo-interno", "Protocolo interno del Gobierno Municipal"),
    ("masculinidades", "Nuevas masculinidades"),
    ("derechos-humanos", "Derechos humanos de las mujeres"),
    ("acoso-y-hostigamiento", "Acoso y hostigamiento sexual"),
    ("lenguaje-incluyente", "Lenguaje incluyente"),
    ("interseccionalidad", "Interseccionalidad e interculturalidad"),
    ("violencia-extrema-y-trata", "Violencia extrema y factores de riesgo de trata"),
    ("servicios-del-imm", "Servicios del Instituto"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("programs", "Topic")
    for code, name in TOPICS:
        Topic.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
