"""Read-only API of the enterprise registry: the enterprises the user may see, filtered and paginated.

Enterprises are addressed by their unified social credit code. The list and its filters are the
registry page's (``selectors.enterprise_list``), which starts from ``Enterprise.objects.visible_to``.
"""

from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from portal.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet
from portal.regions.models import Region

from . import selectors
from .models import Enterprise, SizeClass


class EnterpriseSerializer(ScopedModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, help_text="所在县(市、区)的区划代码")
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.CharField(source="industry.code", read_only=True, help_text="国民经济行业分类代码")
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    size_class_display = serializers.CharField(source="get_size_class_display", read_only=True)
    is_monitored = serializers.BooleanField(read_only=True, help_text="今日是否在监测期内")
    # Blank when none was given: documented as an e-mail address or "" (as answered since v1).
    contact_email = serializers.EmailField(read_only=True, allow_blank=True, help_text="联系人电子邮箱(未填写时为空)")

    class Meta:
        model = Enterprise
        fields = (
            "credit_code", "name", "region", "region_name", "industry", "industry_name",
            "employees", "revenue", "assets", "size_class", "size_class_display",
            "above_designated_size", "is_specialized", "is_little_giant", "is_single_champion", "is_high_tech",
            "monitored_from", "monitored_until", "is_monitored",
            "contact_name", "contact_phone", "contact_email", "address", "updated_at",
        )
        read_only_fields = fields


class EnterpriseQueryForm(forms.Form):
    """The list's query parameters. Codes, not ids: exchange systems know GB/T 2260 and GB/T 4754 codes."""

    region = forms.CharField(required=False, max_length=12)
    size_class = forms.ChoiceField(required=False, choices=[("", "")] + list(SizeClass.choices))
    industry = forms.CharField(required=False, max_length=8)
    honour = forms.ChoiceField(required=False, choices=[("", "")] + [(h, h) for h in selectors.HONOUR_FILTERS])
    monitored = forms.NullBooleanField(required=False)
    search = forms.CharField(required=False, max_length=100)

    def clean_monitored(self):
        raw = self.data.get("monitored", "")
        if raw in ("", None):
            return None
        if str(raw).lower() in ("true", "1", "yes"):
            return True
        if str(raw).lower() in ("false", "0", "no"):
            return False
        raise ValidationError("应为 true 或 false。")


LIST_PARAMETERS = [
    OpenApiParameter("region", OpenApiTypes.STR, description="区划代码:该地区及其下级地区的企业"),
    OpenApiParameter("size_class", OpenApiTypes.STR, enum=SizeClass.values, description="企业规模"),
    OpenApiParameter("industry", OpenApiTypes.STR, description="行业代码(门类、大类或中类,含下级)"),
    OpenApiParameter("honour", OpenApiTypes.STR, enum=list(selectors.HONOUR_FILTERS), description="荣誉/规上"),
    OpenApiParameter("monitored", OpenApiTypes.BOOL, description="今日是否在监测期内"),
    OpenApiParameter("search", OpenApiTypes.STR, description="企业名称或统一社会信用代码"),
]


@extend_schema_view(list=extend_schema(parameters=LIST_PARAMETERS))
class EnterpriseViewSet(ScopedReadOnlyViewSet):
    """Enterprises in the user's scope: an official's subtree, an information officer's own enterprise."""

    serializer_class = EnterpriseSerializer
    lookup_field = "credit_code"
    lookup_value_regex = r"[0-9A-Za-z]{18}"
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return selectors.enterprise_list(user=user)
        form = EnterpriseQueryForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        region = industry = None
        nothing = selectors.enterprise_list(user=user).none()
        if data["region"]:
            # Outside the scope (or unknown): nothing, never the whole scope.
            region = Region.objects.visible_to(user).filter(code=data["region"]).first()
            if region is None:
                return nothing
        if data["industry"]:
            industry = selectors.industry_choices().filter(code=data["industry"].upper()).first()
            if industry is None:
                return nothing
        filters = selectors.EnterpriseFilter(
            region=region, size_class=data["size_class"], industry=industry, honour=data["honour"],
            monitored=data["monitored"], q=data["search"],
        )
        return selectors.enterprise_list(user=user, filters=filters)

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

