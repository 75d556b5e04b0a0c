"""The county's report up becomes every region's (a city reports to the province too), keeps what was still
open when it was reported and when it was returned; officials' 催报 are recorded, one a day per enterprise."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_enterprise_enterprise_region_path_name'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('monitoring', '0007_unlock_request'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='countyreport', name='one_county_report_per_period'),
        migrations.RenameModel(old_name='CountyReport', new_name='RegionReport'),
        migrations.RenameField(model_name='regionreport', old_name='county', new_name='region'),
        migrations.AlterField(
            model_name='regionreport',
            name='region',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='regions.region', verbose_name='上报地区'),
        ),
        migrations.AlterField(
            model_name='regionreport',
            name='period',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='region_reports',
                                    to='monitoring.period'),
        ),
        migrations.AlterField(
            model_name='regionreport',
            name='status',
            field=models.CharField(choices=[('reported', '已上报'), ('returned', '被上级退回')], max_length=16,
                                   verbose_name='状态'),
        ),
        migrations.AddField(
            model_name='regionreport',
            name='open_not_filed',
            field=models.PositiveIntegerField(default=0, verbose_name='上报时未报企业数'),
        ),
        migrations.AddField(
            model_name='regionreport',
            name='open_returned',
            field=models.PositiveIntegerField(default=0, verbose_name='上报时退回未重报数'),
        ),
        migrations.AddField(
            model_name='regionreport',
            name='open_regions',
            field=models.PositiveIntegerField(default=0, verbose_name='上报时未上报的下级地区数'),
        ),
        migrations.AddField(
            model_name='regionreport',
            name='returned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='退回时间'),
        ),
        migrations.AlterModelOptions(
            name='regionreport',
            options={'verbose_name': '逐级上报', 'verbose_name_plural': '逐级上报'},
        ),
        migrations.AddConstraint(
            model_name='regionreport',
            constraint=models.UniqueConstraint(fields=('region', 'period'), name='one_region_report_per_period'),
        ),
        migrations.CreateModel(
            name='Chase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_path', models.CharField(db_index=True, max_length=128)),
                ('day', models.DateField(verbose_name='日期')),
                ('at', models.DateTimeField(verbose_name='催报时间')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                         to=settings.AUTH_USER_MODEL, verbose_name='催报人')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                                 to='enterprises.enterprise', verbose_name='企业')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                             to='monitoring.period', verbose_name='报告期')),
            ],
            options={
                'verbose_name': '催报记录',
                'verbose_name_plural': '催报记录',
                'constraints': [models.UniqueConstraint(fields=('enterprise', 'day'),
                                                        name='one_chase_per_enterprise_day')],
            },
        ),
    ]
