"""Read-only API of the region tree: the regions the user may see (their subtree), by GB/T 2260 code."""

from django_filters import rest_framework as filters
from rest_framework import serializers

from portal.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet

from .models import Region, RegionLevel


class RegionSerializer(ScopedModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None,
                                   help_text="上级地区的区划代码")

    class Meta:
        model = Region
        fields = ("code", "name", "level", "level_display", "parent", "official_code")
        read_only_fields = fields


class RegionFilter(filters.FilterSet):
    level = filters.TypedChoiceFilter(choices=RegionLevel.choices, coerce=int, help_text="1 省、2 市、3 县(市、区)")
    parent = filters.CharFilter(field_name="parent__code", help_text="上级地区的区划代码")

    class Meta:
        model = Region
        fields = ("level", "parent")


class RegionViewSet(ScopedReadOnlyViewSet):
    """Regions in the user's scope: an official's region and everything below it."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z]{2,12}"

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user).select_related("parent").order_by("path")
