"""Read-only API of the audit trail (there is no write: the trail is written by the services)."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from portal.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet

from . import presenting, selectors
from .forms import AuditFilterForm
from .models import AuditEntry


class CanReadAudit(permissions.BasePermission):
    def has_permission(self, request, view):
        return selectors.can_read_audit(user=request.user)


class AuditEntrySerializer(ScopedModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    model_display = serializers.SerializerMethodField(help_text="对象类型的名称(如「月度报表」)")
    channel_display = serializers.SerializerMethodField(help_text="来源的名称(如「网页」「接口 · 系统名」)")

    def get_model_display(self, entry: AuditEntry) -> str:
        return presenting.model_label(entry.model)

    def get_channel_display(self, entry: AuditEntry) -> str:
        return presenting.channel_label(entry.channel)

    class Meta:
        model = AuditEntry
        fields = ("id", "at", "actor_name", "ip_address", "channel", "action", "action_display", "model",
                  "model_display", "channel_display", "object_id", "object_repr", "changes", "note")
        read_only_fields = fields


LIST_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="起始日期(含)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="截止日期(含)"),
    OpenApiParameter("actor", OpenApiTypes.STR, description="操作人(登录名包含)"),
    OpenApiParameter("model", OpenApiTypes.STR, description="对象类型,如 enterprises.Enterprise"),
    OpenApiParameter("action", OpenApiTypes.STR, enum=AuditEntry.Action.values, description="操作"),
    OpenApiParameter("q", OpenApiTypes.STR, description="对象、操作人、说明或对象编号"),
]


@extend_schema_view(list=extend_schema(parameters=LIST_PARAMETERS))
class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The audit trail: the audit administrator reads every row, an official their subtree's rows."""

    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAuthenticated, CanReadAudit]
    filter_backends = []

    def get_queryset(self):
        if self.action != "list":
            return selectors.audit_list(user=self.request.user)
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return selectors.audit_list(user=self.request.user, **form.cleaned_data)
