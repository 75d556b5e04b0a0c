"""Every honour flag set before honours were dated becomes a record with no date (shown as 日期未知): nobody
recorded when it was granted, and inventing a day would make it count in the service results."""

from django.db import migrations

FLAGS = {"specialized": "is_specialized", "little_giant": "is_little_giant",
         "single_champion": "is_single_champion", "high_tech": "is_high_tech"}
NOTE = "由原登记标记迁移,认定日期未知"


def forwards(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Honour = apps.get_model("enterprises", "Honour")
    for kind, flag in FLAGS.items():
        ids = Enterprise.objects.filter(**{flag: True}).values_list("id", flat=True).iterator(chunk_size=5000)
        batch = []
        for pk in ids:
            batch.append(Honour(enterprise_id=pk, kind=kind, note=NOTE))
            if len(batch) >= 5000:
                Honour.objects.bulk_create(batch)
                batch = []
        Honour.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    apps.get_model("enterprises", "Honour").objects.filter(note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_honours")]

    operations = [migrations.RunPython(forwards, backwards)]
