from django.db import migrations

from portal.enterprises.standards import DATA_DIR, load_industries, load_size_standard


def load(apps, schema_editor):
    load_industries(DATA_DIR / "industries_gbt4754_2017.json", apps=apps)
    load_size_standard(DATA_DIR / "size_standard_2011.json", apps=apps)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
