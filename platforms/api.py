"""The platforms' API: a platform's own system pushes its service records (/api/v1/platforms/<id>/service-records/).

A token per platform (``services.create_platform_system``; an operator's own token works too). The platform in
the path must be one the caller may change — any other answers 404, as a platform that does not exist. Items are
idempotent by the platform's own record id (``external_id``): a re-push updates the record or changes nothing,
never a duplicate. ``dry_run`` checks without writing. Views translate HTTP to ``services.push_records``.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from portal.core.api import PortalAPIMixin
from portal.core.exceptions import NotFound

from . import services
from .models import Platform
from .rules import MAX_BATCH, Charging, ServiceArea

OUTCOMES = ("created", "updated", "unchanged", "rejected")


class RecordItemSerializer(serializers.Serializer):
    """一条服务记录。"""

    external_id = serializers.CharField(max_length=64, help_text="平台自己系统中的记录编号(必填;重复推送据此更新)")
    credit_code = serializers.CharField(max_length=18, help_text="被服务企业的统一社会信用代码")
    enterprise_name = serializers.CharField(max_length=128, required=False, allow_blank=True,
                                            help_text="企业名称;企业名录中已有的企业以名录为准")
    area = serializers.ChoiceField(choices=ServiceArea.choices, help_text="服务领域")
    served_on = serializers.DateField(help_text="服务日期,如 2026-10-08;只能是尚未结束的季度")
    charging = serializers.ChoiceField(choices=Charging.choices, required=False, help_text="free 公益、paid 收费")
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True, help_text="服务内容")


class PushRequestSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False, help_text="true:只校验,不写入")
    items = RecordItemSerializer(many=True, help_text=f"服务记录,最多{MAX_BATCH}条")


class ItemResultSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    outcome = serializers.ChoiceField(choices=OUTCOMES, help_text="created 新增、updated 更新、unchanged 无变化、rejected 未接收")
    id = serializers.IntegerField(allow_null=True, help_text="门户中的记录编号(试运行或未接收时为 null)")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class PushSummarySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ItemResultSerializer(many=True, help_text="每条的结果,顺序与 items 相同")


class PushErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class PushNotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()


EXAMPLE = {"external_id": "FW-2026-0001", "credit_code": "91320685MA1XXXXXX0", "enterprise_name": "海安示例机械有限公司",
           "area": "testing", "served_on": "2026-10-08", "charging": "free", "description": "产品检测"}


def _bad_request(detail: str, errors: dict) -> Response:
    return Response({"detail": detail, "errors": errors}, status=400)


class ServiceRecordPushView(PortalAPIMixin, generics.GenericAPIView):
    serializer_class = PushRequestSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Platform.objects.changeable_by(self.request.user)

    @extend_schema(
        summary="推送服务记录(最多1000条)",
        description=("平台自有系统推送服务记录。按平台记录编号 external_id 幂等:再次推送同一编号时更新该记录"
                     "或不作改动,不会重复登记。按条处理:通过校验的写入,未通过的逐条说明原因。"
                     "dry_run=true 时只校验不写入。路径中的平台须为调用者可维护的平台,否则 404。"),
        request=PushRequestSerializer,
        responses={200: PushSummarySerializer,
                   400: OpenApiResponse(PushErrorSerializer, description="请求格式不正确,未处理任何条目"),
                   404: OpenApiResponse(PushNotFoundSerializer, description="平台不存在或无权维护")},
        examples=[OpenApiExample("推送", value={"dry_run": False, "items": [EXAMPLE]}, request_only=True)],
    )
    def post(self, request, pk: int, *args, **kwargs):
        platform = self.get_queryset().filter(pk=pk).first()
        if platform is None:
            raise NotFound(_("未找到该服务平台,或无权维护其数据。"))
        body = request.data
        if not isinstance(body, Mapping):
            return _bad_request(_("请求体应为 JSON 对象。"), {"non_field_errors": [_("请求体应为 JSON 对象。")]})
        errors = {str(k): [_("未知字段“%(key)s”。") % {"key": k}] for k in body if k not in ("dry_run", "items")}
        items = body.get("items")
        if not isinstance(items, list) or not items or not all(isinstance(i, Mapping) for i in items):
            errors["items"] = [_("items 应为非空的服务记录列表。")]
        elif len(items) > MAX_BATCH:
            errors["items"] = [_("每批最多%(max)d条,本批%(n)d条;请分批提交。") % {"max": MAX_BATCH, "n": len(items)}]
        dry_run = body.get("dry_run", False)
        if not isinstance(dry_run, bool):
            errors["dry_run"] = [_("应为 true 或 false。")]
        if errors:
            return _bad_request(_("请求不正确,未处理任何条目。"), errors)
        try:
            result = services.push_records(actor=request.user, platform=platform, items=list(items), dry_run=dry_run)
        except ValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"items": exc.messages}
            return _bad_request(_("请求不正确,未处理任何条目。"), detail)
        return Response({
            "dry_run": dry_run, **{o: result.count(o) for o in OUTCOMES},
            "results": [{"external_id": o.external_id, "outcome": o.outcome,
                         "id": o.record.pk if (o.record is not None and not dry_run and o.outcome != "rejected")
                         else None, "errors": o.errors} for o in result.outcomes],
        })
