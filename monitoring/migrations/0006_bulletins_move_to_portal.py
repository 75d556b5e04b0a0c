"""The quarterly reporting bulletins become one kind of the portal's bulletins (portal.bulletins): their rows
are copied with their ids (old links /monitoring/bulletins/<id>/ redirect to /bulletins/<id>/), then
monitoring's own table goes."""

from django.core.management.color import no_style
from django.db import migrations

KIND = "monitoring.reporting"
SUMMED = ("monitoring", "quota", "expected", "submitted", "on_time", "late", "returned", "approved", "not_submitted",
          "reports")


def _title(region, year, quarter):
    children = "各县(市、区)" if region.level == 2 else "各地"
    return f"{region.name}{year}年第{quarter}季度{children}监测企业报送情况通报"


def _totals(figures):
    out = {name: sum(r.get(name) or 0 for r in figures) for name in SUMMED}
    out["rate"] = round(100.0 * out["submitted"] / out["expected"], 1) if out["expected"] else None
    return out


def _reset_sequence(schema_editor, model):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def forward(apps, schema_editor):
    Old = apps.get_model("monitoring", "Bulletin")
    New = apps.get_model("bulletins", "Bulletin")
    for old in Old.objects.select_related("region").order_by("id"):
        figures = sorted(old.figures, key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r.get("code", "")))
        totals = {k: v for k, v in (old.totals or _totals(old.figures)).items() if k != "rank"}
        New.objects.create(
            id=old.id, kind=KIND, region_id=old.region_id, period=f"{old.year}-Q{old.quarter}",
            title=_title(old.region, old.year, old.quarter), status=old.status, figures=figures, totals=totals,
            file=old.file.name, generated_by_id=old.generated_by_id, published_at=old.published_at,
            notice_id=old.notice_id)
        New.objects.filter(id=old.id).update(generated_at=old.generated_at)
    _reset_sequence(schema_editor, New)


def backward(apps, schema_editor):
    Old = apps.get_model("monitoring", "Bulletin")
    New = apps.get_model("bulletins", "Bulletin")
    for new in New.objects.filter(kind=KIND).order_by("id"):
        year, quarter = new.period.split("-Q")
        Old.objects.create(
            id=new.id, region_id=new.region_id, year=int(year), quarter=int(quarter), status=new.status,
            figures=new.figures, totals=new.totals, file=new.file.name, generated_by_id=new.generated_by_id,
            published_at=new.published_at, notice_id=new.notice_id)
    _reset_sequence(schema_editor, Old)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_random_file_names"),
        ("bulletins", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Bulletin"),
    ]
