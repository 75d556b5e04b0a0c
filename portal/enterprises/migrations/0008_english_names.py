"""The official English names of the GB/T 4754-2017 sections, divisions and groups and of the size standard's
categories, shown in the English interface; loaded from the same data files."""

from django.db import migrations, models

from portal.enterprises.standards import DATA_DIR, load_industries, load_size_standard


def load_names(apps, schema_editor):
    load_industries(DATA_DIR / "industries_gbt4754_2017.json", apps=apps)
    if apps.get_model("enterprises", "SizeStandard").objects.filter(code="2011").exists():
        load_size_standard(DATA_DIR / "size_standard_2011.json", apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_honours_from_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="industry",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="行业名称(英文)"),
        ),
        migrations.AddField(
            model_name="sizestandard",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="文件名称(英文)"),
        ),
        migrations.AddField(
            model_name="sizethreshold",
            name="category_label_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="行业名称(英文)"),
        ),
        migrations.RunPython(load_names, migrations.RunPython.noop),
    ]
