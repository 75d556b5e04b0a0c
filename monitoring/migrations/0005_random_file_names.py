"""Stored files get random names (portal.core.files.RandomName), and the files already stored under a
name that can be guessed from what they hold (bulletin-32-2026-Q3.xlsx) are moved to one."""

import portal.core.files
from django.db import migrations, models


def move_guessable_files(apps, schema_editor):
    for name in ("ExportJob", "AnalysisReport", "Bulletin"):
        portal.core.files.rename_guessable(apps.get_model("monitoring", name))


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0004_bulletin_totals'),
    ]

    operations = [
        migrations.AlterField(
            model_name='analysisreport',
            name='file',
            field=models.FileField(upload_to=portal.core.files.RandomName('analysis-reports'), verbose_name='文件'),
        ),
        migrations.AlterField(
            model_name='bulletin',
            name='file',
            field=models.FileField(blank=True, upload_to=portal.core.files.RandomName('bulletins'), verbose_name='表格'),
        ),
        migrations.AlterField(
            model_name='exportjob',
            name='file',
            field=models.FileField(blank=True, upload_to=portal.core.files.RandomName('exports'), verbose_name='文件'),
        ),
        migrations.RunPython(move_guessable_files, migrations.RunPython.noop),
    ]
