"""The industry table as the 2011 size standard draws its categories, and size classes re-derived by it.

Adds the "not applicable" size class (J 金融业, 53 铁路运输业), lets a code spanning several categories
carry none (F, G, H, I, K, 59, 70: an enterprise is filed under a finer code), adds the divisions of every
section and the groups of 59 and 70, and re-derives the size class of enterprises whose category changed.
"""

from django.db import migrations, models

from portal.enterprises.standards import DATA_DIR, load_industries, rederive_size_classes

SIZE_CLASSES = [("large", "大型"), ("medium", "中型"), ("small", "小型"), ("micro", "微型"), ("na", "不适用")]


def remap(apps, schema_editor):
    load_industries(DATA_DIR / "industries_gbt4754_2017.json", apps=apps)
    rederive_size_classes(note="行业代码与划型行业类别的对应关系更正", apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_enterprise_enterprise_region_path_name"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enterprise",
            name="size_class",
            field=models.CharField(choices=SIZE_CLASSES, editable=False, max_length=8, verbose_name="企业规模"),
        ),
        migrations.AlterField(
            model_name="industry",
            name="size_category",
            field=models.CharField(blank=True, max_length=32, verbose_name="划型行业"),
        ),
        migrations.AlterField(
            model_name="sizethreshold",
            name="size_class",
            field=models.CharField(choices=SIZE_CLASSES, max_length=8, verbose_name="规模"),
        ),
        migrations.RunPython(remap, migrations.RunPython.noop),
    ]
