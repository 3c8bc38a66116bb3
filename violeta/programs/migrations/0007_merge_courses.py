# The courses (0004, on the courses branch) and the questionnaires and staff training (0006, on main) both follow
# 0003: this joins the two.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_courses"),
        ("programs", "0006_questionnaires_staff_training"),
    ]

    operations = []
