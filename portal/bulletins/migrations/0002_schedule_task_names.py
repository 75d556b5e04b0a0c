"""The scheduled bulletin drafts run every kind's (portal.bulletins.tasks.generate_due_bulletins)."""

from django.db import migrations

OLD, NEW = "monitoring.tasks.generate_quarterly_bulletins", "portal.bulletins.tasks.generate_due_bulletins"


def rename(old, new):
    def run(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new)
    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0001_initial"),
        ("notifications", "0002_default_schedule"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
