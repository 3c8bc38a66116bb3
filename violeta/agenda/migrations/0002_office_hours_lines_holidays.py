"""The institute's defaults as data: Monday to Friday 9:00-15:00, its two public lines, Mexico's statutory
holidays (Ley Federal del Trabajo, art. 74) for 2026 and 2027. All editable in the admin."""

from datetime import date, time

from django.db import migrations

LINES = [
    ("juridico", "+526144900789", "Jurídico gratuito"),
    ("violencia", "+526144102305", "Atención en situación de violencia"),
]
HOLIDAYS = [
    (date(2026, 1, 1), "Año Nuevo"),
    (date(2026, 2, 2), "Día de la Constitución"),
    (date(2026, 3, 16), "Natalicio de Benito Juárez"),
    (date(2026, 5, 1), "Día del Trabajo"),
    (date(2026, 9, 16), "Día de la Independencia"),
    (date(2026, 11, 16), "Día de la Revolución"),
    (date(2026, 12, 25), "Navidad"),
    (date(2027, 1, 1), "Año Nuevo"),
    (date(2027, 2, 1), "Día de la Constitución"),
    (date(2027, 3, 15), "Natalicio de Benito Juárez"),
    (date(2027, 5, 1), "Día del Trabajo"),
    (date(2027, 9, 16), "Día de la Independencia"),
    (date(2027, 11, 15), "Día de la Revolución"),
    (date(2027, 12, 25), "Navidad"),
]


def seed(apps, schema_editor):
    OfficeHours = apps.get_model("agenda", "OfficeHours")
    PhoneLine = apps.get_model("agenda", "PhoneLine")
    Holiday = apps.get_model("agenda", "Holiday")
    for weekday in range(5):
        OfficeHours.objects.get_or_create(weekday=weekday, defaults={"opens": time(9), "closes": time(15)})
    for code, number, name in LINES:
        PhoneLine.objects.get_or_create(code=code, defaults={"number": number, "name": name})
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("agenda", "0001_appointments_calls_hours")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
