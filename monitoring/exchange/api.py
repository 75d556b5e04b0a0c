"""The data-exchange API of the monthly monitoring (/api/v1/filings/..., /api/v1/regions/<code>/approved-filings/).

Regions' own monitoring systems (role ``exchange``, token per system), enterprises' software (the
officer's token or session) and officials (on the enterprise's behalf) file here, so nobody files twice.
Views translate HTTP to arguments: filing goes through ``exchange.file_items`` → ``services.file_batch``
(the same rules as the browser form), reads start from ``Filing.objects.visible_to``. Serializers describe
the data for the OpenAPI schema and shape the answers; they hold no rules.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from monitoring import selectors
from monitoring.exchange import services as exchange
from monitoring.indicators import INDICATORS, SURVEY, Applies, Difficulty, Kind
from monitoring.models import Filing, FilingStatus, RegionReport
from monitoring.validation import MAX_PRODUCTS
from portal.core.api import (
    PortalAPIMixin,
    PortalPagination,
    ScopedModelSerializer,
    SingleValuedPaginationMixin,
)
from portal.core.bounds import parse_id
from portal.core.exceptions import NotFound
from portal.core.schema import DetailSerializer, ValidationErrorSerializer

ENVELOPE = ("period", "submit", "dry_run")
SURVEY_BY_FIELD = {q.field_name: q for q in SURVEY}

# ------------------------------------------------------------------------------------------------
# Serializers, generated from the declarations in indicators.py
# ------------------------------------------------------------------------------------------------


def _indicator_help(ind) -> str:
    kind = "1月至本月累计值" if ind.kind == Kind.FLOW else "期末数"
    parts = [f"{ind.label}({ind.unit}),{kind}"]
    if ind.applies == Applies.INDUSTRIAL:
        parts.append("仅工业企业填报,其他企业留空")
    if ind.allow_negative:
        parts.append("可为负数")
    return ";".join(parts)


def _indicator_field(ind, *, output: bool) -> serializers.Field:
    common = {"required": False, "allow_null": True, "help_text": _indicator_help(ind)}
    if output:
        common["read_only"] = True
    if ind.integer:
        return serializers.IntegerField(**common)
    return serializers.DecimalField(max_digits=16, decimal_places=1, coerce_to_string=output, **common)


class SurveyAnswerField(serializers.ChoiceField):
    """A survey answer (up / same / down); documented as one named enum per choice set (see the extension)."""

    def __init__(self, question, **kwargs):
        self.question = question
        super().__init__(choices=question.choices.choices, **kwargs)


class SurveyAnswerFieldExtension(OpenApiSerializerFieldExtension):
    """Every q_<code> field refers to one component per choice set instead of an enum of its own."""

    target_class = SurveyAnswerField

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.question.choices
        name = f"Survey{choices.__name__}"
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name,
            schema={"type": "string", "enum": list(choices.values),
                    "description": "、".join(f"`{v}` {label}" for v, label in choices.choices)})
        auto_schema.registry.register_on_missing(component)
        return component.ref


def _survey_fields() -> dict:
    return {q.field_name: SurveyAnswerField(
        q, required=False, allow_blank=True,
        help_text=f"{q.label}:本月比上月 " + "、".join(f"{v} {label}" for v, label in q.choices.choices))
        for q in SURVEY}


class ProductSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text="产品名称")
    unit = serializers.CharField(max_length=16, help_text="计量单位")
    production = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="产量")
    sales = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="销量")
    inventory = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="期末库存")


class ProductInputSerializer(ProductSerializer):
    production = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False, help_text="产量")
    sales = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False, help_text="销量")
    inventory = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False,
                                         help_text="期末库存")


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="预警代码;报送时在 explanations 中以此为键填写说明")
    field = serializers.CharField(help_text="相关字段")
    message = serializers.CharField()


def _content_fields() -> dict:
    return {
        **{ind.code: _indicator_field(ind, output=False) for ind in INDICATORS},
        **_survey_fields(),
        "difficulties": serializers.ListField(child=serializers.ChoiceField(choices=Difficulty.choices), required=False,
                                              help_text="主要困难(可多选);选 other 时须填写 difficulties_text"),
        "difficulties_text": serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                                   help_text="其他困难、问题和建议"),
        "explanations": serializers.DictField(child=serializers.CharField(max_length=1000), required=False,
                                              help_text="预警说明:{预警代码: 说明}。有预警而无说明的报表不予接收"),
        "products": ProductInputSerializer(many=True, required=False,
                                           help_text=f"主要产品产销存,最多{MAX_PRODUCTS}种"),
    }


CREDIT_CODE = serializers.CharField(min_length=18, max_length=18, help_text="统一社会信用代码(18位)")
PERIOD = serializers.CharField(help_text="报告期,年-月,例如 2026-10")
SUBMIT = serializers.BooleanField(required=False, default=True,
                                  help_text="true(默认)报送,须通过全部校验;false 仅保存草稿")
DRY_RUN = serializers.BooleanField(required=False, default=False,
                                   help_text="true:只校验并回答将会发生什么,不写入任何数据(也可用查询参数 ?dry_run=true)")

FilingItemSerializer = type("FilingItemSerializer", (serializers.Serializer,), {
    "__doc__": "一家企业一个月的报表:主要经济指标、月度调查问卷、主要困难、预警说明、主要产品。",
    "credit_code": CREDIT_CODE, **_content_fields()})

FilingRequestSerializer = type("FilingRequestSerializer", (FilingItemSerializer,), {
    "__doc__": "报送(或保存)一家企业一个月的报表。",
    "period": PERIOD, "submit": SUBMIT, "dry_run": DRY_RUN})


class BatchRequestSerializer(serializers.Serializer):
    period = PERIOD
    submit = SUBMIT
    dry_run = DRY_RUN
    items = FilingItemSerializer(many=True, max_length=exchange.MAX_BATCH,
                                 help_text=f"同一报告期的报表,最多{exchange.MAX_BATCH}条,每家企业一条")


class FilingResultSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    period = serializers.CharField()
    outcome = serializers.ChoiceField(choices=exchange.OUTCOMES,
                                      help_text="created 新增、updated 更新、unchanged 内容相同未写入、rejected 未接收")
    status = serializers.ChoiceField(choices=FilingStatus.choices, allow_null=True,
                                     help_text="报表当前状态(试运行时为现有状态;尚无报表时为 null)")
    version = serializers.IntegerField(allow_null=True, help_text="报送版本号")
    dry_run = serializers.BooleanField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="{字段: [原因]};预警未说明时键为 explanations.<预警代码>")
    warnings = WarningSerializer(many=True)


class FilingRejectedSerializer(FilingResultSerializer):
    detail = serializers.CharField()


class BatchSummarySerializer(serializers.Serializer):
    period = serializers.CharField()
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = FilingResultSerializer(many=True, help_text="每条数据的结果,顺序与提交的 items 相同")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class FilingBadRequestSerializer(ErrorSerializer):
    """400 of one filing: `detail` always; `errors` by field unless the body could not be read at all (not
    JSON); the result's fields whenever the body was an object. `period` is "2026-10" when the filing failed
    validation, and the value as sent (anything, or null when missing) when the period itself was refused."""

    credit_code = serializers.CharField(required=False)
    period = serializers.JSONField(required=False, allow_null=True,
                                   help_text="报告期;报告期本身不正确时为所提交的原值(缺少时为 null)")
    outcome = serializers.ChoiceField(choices=exchange.OUTCOMES, required=False, help_text="总是 rejected")
    status = serializers.ChoiceField(choices=FilingStatus.choices, allow_null=True, required=False)
    version = serializers.IntegerField(allow_null=True, required=False)
    dry_run = serializers.BooleanField(required=False)
    warnings = WarningSerializer(many=True, required=False)


class FilingSerializer(ScopedModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    period = serializers.SerializerMethodField(help_text="报告期,年-月")
    county = serializers.CharField(source="county.code", read_only=True, help_text="县(市、区)区划代码")
    city = serializers.CharField(source="city.code", read_only=True, help_text="市区划代码")
    difficulties = serializers.ListField(child=serializers.ChoiceField(choices=Difficulty.choices), read_only=True)
    explanations = serializers.DictField(child=serializers.CharField(), read_only=True)
    warnings = WarningSerializer(many=True, read_only=True)
    products = ProductSerializer(many=True, read_only=True, help_text="主要产品产销存")

    class Meta:
        model = Filing
        fields = (
            "credit_code", "enterprise_name", "period", "county", "city", "size_class", "industry_code",
            "status", "version", "first_submitted_at", "on_time", "days_late", "submitted_at", "reviewed_at",
            "channel", "on_behalf",
            *(ind.code for ind in INDICATORS), *(q.field_name for q in SURVEY),
            "difficulties", "difficulties_text", "explanations", "warnings", "products",
        )
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return exchange.period_label(obj.period)

    def build_field(self, field_name, info, model_class, nested_depth):
        question = SURVEY_BY_FIELD.get(field_name)
        if question is not None:
            return SurveyAnswerField, {"question": question, "read_only": True, "help_text": question.label}
        return super().build_field(field_name, info, model_class, nested_depth)


class StatusRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegionStatusSerializer(serializers.Serializer):
    code = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.name")
    expected = serializers.IntegerField(help_text="应报企业数")
    submitted = serializers.IntegerField(help_text="已报送")
    not_submitted = serializers.IntegerField(help_text="未报送")
    on_time = serializers.IntegerField(help_text="按时报送")
    late = serializers.IntegerField(help_text="迟报")
    returned = serializers.IntegerField(help_text="被退回")
    approved = serializers.IntegerField(help_text="审核通过")
    rate = serializers.FloatField(help_text="报送率(%)")
    reported = serializers.SerializerMethodField(help_text="县级是否已上报(市级及以上的下级地区为 null)")
    reported_at = serializers.SerializerMethodField()

    def get_reported(self, obj) -> bool | None:
        if not obj.region.is_county:
            return None
        return obj.report is not None and obj.report.status == RegionReport.Status.REPORTED

    def get_reported_at(self, obj) -> str | None:
        return obj.report.reported_at.isoformat() if obj.report is not None else None


class StatusSerializer(serializers.Serializer):
    period = serializers.CharField()
    region = StatusRegionSerializer()
    children = RegionStatusSerializer(many=True, help_text="各下级地区的报送情况")


# ------------------------------------------------------------------------------------------------
# Examples for the schema
# ------------------------------------------------------------------------------------------------

EXAMPLE_ITEM = {
    "credit_code": "91320685MA1XXXXXX0",
    **{i.code: i.example for i in INDICATORS},  # each declaration's own plausible value
    **{q.field_name: "same" for q in SURVEY},
    "difficulties": ["orders"], "difficulties_text": "",
    "explanations": {},
    "products": [{"name": "齿轮", "unit": "件", "production": 1000, "sales": 900, "inventory": 300}],
}
EXAMPLE_RESULT = {"credit_code": "91320685MA1XXXXXX0", "period": "2026-10", "outcome": "created",
                  "status": "submitted", "version": 1, "dry_run": False, "errors": {}, "warnings": []}
EXAMPLE_WARNING = {"code": "profit_over_revenue", "field": "total_profit",
                   "message": "利润总额大于营业收入,请说明原因。"}
EXAMPLE_REJECTED = {
    **EXAMPLE_RESULT, "outcome": "rejected", "status": None, "version": None, "detail": "报表未通过校验,未保存。",
    "errors": {"revenue": ["请填写营业收入。"],
               "explanations.profit_over_revenue": ["请对预警“利润总额大于营业收入,请说明原因。”填写说明。"]},
    "warnings": [EXAMPLE_WARNING],
}


def _example(name, value, **kwargs):
    return OpenApiExample(name, value=value, **kwargs)


# ------------------------------------------------------------------------------------------------
# HTTP helpers
# ------------------------------------------------------------------------------------------------

def _errors_of(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def _bad_request(detail: str, errors: dict, **extra) -> Response:
    return Response({**extra, "detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _replayed(response: Response, replayed: bool) -> Response:
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _dry_run(request, body: Mapping) -> bool:
    return (exchange.parse_flag(request.query_params.get("dry_run"), default=False, name="dry_run")
            or exchange.parse_flag(body.get("dry_run"), default=False, name="dry_run"))


def _single_status(result: exchange.ItemResult, *, dry_run: bool) -> int:
    if not result.found:
        return status.HTTP_404_NOT_FOUND
    if dry_run:
        return status.HTTP_200_OK
    if result.outcome == "rejected":
        return status.HTTP_409_CONFLICT if result.conflict else status.HTTP_400_BAD_REQUEST
    return status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK


def _single_body(result: exchange.ItemResult, period, *, dry_run: bool, code: int) -> dict:
    body = result.as_dict(period, dry_run=dry_run)
    if code == status.HTTP_404_NOT_FOUND:
        body["detail"] = exchange.not_found_message()
    elif code == status.HTTP_409_CONFLICT:
        body["detail"] = next(iter(result.errors.get("non_field_errors", [])), _("报表当前状态不允许修改。"))
    elif code == status.HTTP_400_BAD_REQUEST:
        body["detail"] = _("报表未通过校验,未保存。")
    return body


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    pattern=exchange.KEY_PATTERN.pattern,
    description="可选,1至128个可见 ASCII 字符(其他字符回答 400)。同一键、同一请求内容重发时返回首次的应答而不重复写入;"
                "同一键用于不同内容时返回 422。只保存成功(2xx)的应答,保存7天;试运行不使用此键。")
DRY_RUN_PARAM = OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="true:只校验,不写入(同请求体中的 dry_run)")


def _run_filing(request, *, body_hash_source, period, items, submit, dry_run, key, answer):
    """Run the filing (once per Idempotency-Key) and build the Response; 422 on a reused key."""
    def run():
        results = exchange.file_items(actor=request.user, period=period, items=items, submit=submit,
                                      dry_run=dry_run)
        return answer(results)

    if dry_run:
        code, data = run()
        return Response(data, status=code)
    request_hash = exchange.fingerprint(method=request.method, path=request.path, body=body_hash_source,
                                        dry_run=dry_run)
    try:
        code, data, replayed = exchange.idempotent(user=request.user, key=key, request_hash=request_hash, run=run)
    except exchange.KeyReused as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    return _replayed(Response(data, status=code), replayed)


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    exchange.check_key(key)
    return key


# ------------------------------------------------------------------------------------------------
# Views
# ------------------------------------------------------------------------------------------------

class FilingsView(PortalAPIMixin, generics.ListAPIView):
    """GET: the filings the caller may see. POST: file (or save) one enterprise's filing of one month."""

    serializer_class = FilingSerializer
    pagination_class = PortalPagination
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Filing.objects.none()
        params = self.request.query_params
        period = exchange.parse_period(params["period"]) if params.get("period") else None
        filing_status = params.get("status", "")
        if filing_status and filing_status not in FilingStatus.values:
            raise ValidationError({"status": _("状态应为:%(values)s。") % {"values": "、".join(FilingStatus.values)}})
        region = None
        if params.get("county"):
            region = exchange.visible_region(user=self.request.user, code=params["county"])
            if region is None:  # unknown or outside the scope: nothing, never the whole scope
                return Filing.objects.none()
        return exchange.filing_list(user=self.request.user, period=period, status=filing_status, region=region)

    @extend_schema(
        summary="报表列表",
        description="调用者可见的月度报表(企业:本企业;主管部门和数据交换系统:本地区及下级),分页。",
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, description="报告期,年-月,例如 2026-10(缺省:全部)"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=FilingStatus.values, description="报表状态"),
            OpenApiParameter("county", OpenApiTypes.STR, description="区划代码:该县(市、区)或该市及其下级的报表"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="报送一家企业一个月的报表",
        description=(
            "按统一社会信用代码和报告期新增或更新报表,校验规则与网页填报相同。\n\n"
            "- 201 新增;200 更新或内容相同(outcome=unchanged,不写入任何数据);\n"
            "- 400 未通过校验(errors 按字段列出原因;预警须在 explanations 中说明);\n"
            "- 404 企业不存在或不在调用者的范围内(两者不加区分);\n"
            "- 409 报表已审核通过或报告期已锁定,需上级解锁;\n"
            "- 422 Idempotency-Key 已用于不同内容的请求;\n"
            "- dry_run=true 时只校验,总是 200(404 除外),outcome 说明将会发生什么。\n\n"
            "企业信息员只能报送本企业;数据交换系统可报送本地区的任何企业;主管部门人员的报送记为代报。"
        ),
        parameters=[IDEMPOTENCY_HEADER, DRY_RUN_PARAM],
        request=FilingRequestSerializer,
        responses={
            201: FilingResultSerializer, 200: FilingResultSerializer,
            400: OpenApiResponse(FilingBadRequestSerializer,
                                 description="未通过校验,或请求本身不正确(报告期、标志、Idempotency-Key、请求体不是 JSON "
                                             "对象),未写入"),
            404: OpenApiResponse(FilingRejectedSerializer, description="企业不存在或不在范围内"),
            409: OpenApiResponse(FilingRejectedSerializer, description="已审核通过或已锁定"),
            422: OpenApiResponse(ErrorSerializer, description="Idempotency-Key 已用于不同内容"),
        },
        examples=[
            _example("报送", {**EXAMPLE_ITEM, "period": "2026-10", "submit": True}, request_only=True),
            _example("预警附说明", {**EXAMPLE_ITEM, "period": "2026-10", "total_profit": 2000.0,
                                  "explanations": {"profit_over_revenue": "本月收到大额投资收益"}}, request_only=True),
            _example("新增", EXAMPLE_RESULT, response_only=True, status_codes=["201"]),
            _example("内容相同", {**EXAMPLE_RESULT, "outcome": "unchanged"}, response_only=True, status_codes=["200"]),
            _example("未通过校验", EXAMPLE_REJECTED, response_only=True, status_codes=["400"]),
            _example("已审核", {**EXAMPLE_RESULT, "outcome": "rejected", "status": "approved",
                               "detail": "该报表已审核通过,不能再修改;如需更正请联系上级主管部门解锁。",
                               "errors": {"non_field_errors": [
                                   "该报表已审核通过,不能再修改;如需更正请联系上级主管部门解锁。"]}},
                     response_only=True, status_codes=["409"]),
        ],
    )
    def post(self, request, *args, **kwargs):
        body = request.data
        if not isinstance(body, Mapping):
            return _bad_request(_("请求体应为 JSON 对象。"), {"non_field_errors": [_("请求体应为 JSON 对象。")]})
        code = exchange.credit_code_of(body)
        try:
            dry_run = _dry_run(request, body)
            submit = exchange.parse_flag(body.get("submit"), default=True, name="submit")
            period = exchange.period_to_file(body.get("period"))
            key = _idempotency_key(request)
        except ValidationError as exc:
            return _bad_request(_("请求不正确。"), _errors_of(exc), credit_code=code, period=body.get("period"),
                                outcome="rejected", status=None, version=None, dry_run=False, warnings=[])
        item = {k: v for k, v in body.items() if k not in ENVELOPE}

        def answer(results):
            result = results[0]
            http = _single_status(result, dry_run=dry_run)
            return http, _single_body(result, period, dry_run=dry_run, code=http)

        return _run_filing(request, body_hash_source=body, period=period, items=[item], submit=submit,
                           dry_run=dry_run, key=key, answer=answer)


class FilingBatchView(PortalAPIMixin, generics.GenericAPIView):
    """File up to 1,000 enterprises' filings of one period in one request."""

    serializer_class = BatchRequestSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="批量报送(最多1000条)",
        description=(
            "同一报告期的多家企业报表一次提交,按条处理:通过校验的全部写入,未通过的逐条说明原因(每条要么全部"
            "写入要么不写入)。应答为导入汇总;results 的顺序与 items 相同。企业不存在或不在范围内的条目记为 "
            "rejected,errors.credit_code 说明(两者不加区分)。dry_run=true 时只校验不写入。"
            "支持 Idempotency-Key。"
        ),
        parameters=[IDEMPOTENCY_HEADER, DRY_RUN_PARAM],
        request=BatchRequestSerializer,
        responses={
            200: BatchSummarySerializer,
            400: OpenApiResponse(ErrorSerializer, description="请求格式不正确(报告期、items 等),未处理任何条目"),
            422: OpenApiResponse(ErrorSerializer, description="Idempotency-Key 已用于不同内容"),
        },
        examples=[
            _example("批量报送", {"period": "2026-10", "submit": True,
                                  "items": [EXAMPLE_ITEM, {**EXAMPLE_ITEM, "credit_code": "91320685MA1YYYYYY0",
                                                           "revenue": None}]}, request_only=True),
            _example("导入汇总", {"period": "2026-10", "dry_run": False, "created": 1, "updated": 0, "unchanged": 0,
                                  "rejected": 1, "results": [
                                      EXAMPLE_RESULT,
                                      {**EXAMPLE_RESULT, "credit_code": "91320685MA1YYYYYY0", "outcome": "rejected",
                                       "status": None, "version": None,
                                       "errors": {"revenue": ["请填写营业收入。"]}}]},
                     response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request, *args, **kwargs):
        body = request.data
        if not isinstance(body, Mapping):
            return _bad_request(_("请求体应为 JSON 对象。"), {"non_field_errors": [_("请求体应为 JSON 对象。")]})
        errors = {str(k): [_("未知字段“%(key)s”。") % {"key": k}] for k in body if k not in (*ENVELOPE, "items")}
        items = body.get("items")
        if not isinstance(items, list) or not items:
            errors["items"] = [_("items 应为非空的报表列表。")]
        elif len(items) > exchange.MAX_BATCH:
            errors["items"] = [_("每批最多%(max)d条,本批%(n)d条;请分批提交。") % {
                "max": exchange.MAX_BATCH, "n": len(items)}]
        try:
            dry_run = _dry_run(request, body)
            submit = exchange.parse_flag(body.get("submit"), default=True, name="submit")
            period = exchange.period_to_file(body.get("period"))
            key = _idempotency_key(request)
        except ValidationError as exc:
            errors.update(_errors_of(exc))
        if errors:
            return _bad_request(_("请求不正确,未处理任何条目。"), errors)

        def answer(results):
            return status.HTTP_200_OK, exchange.summary(results, period, dry_run=dry_run)

        return _run_filing(request, body_hash_source=body, period=period, items=items, submit=submit,
                           dry_run=dry_run, key=key, answer=answer)


class FilingStatusView(PortalAPIMixin, generics.GenericAPIView):
    """Reporting status of the child regions of a region (default: the caller's own)."""

    serializer_class = StatusSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="下级地区报送情况",
        description="某地区(缺省为调用者所属地区)各下级地区在报告期的应报、已报、按时、迟报、退回、审核通过数和报送率;"
                    "县级下级地区另有是否已上报。地区不存在或不在范围内时 404。",
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, required=True, description="报告期,年-月,例如 2026-10"),
            OpenApiParameter("region", OpenApiTypes.STR, description="区划代码(缺省:调用者所属地区)"),
        ],
        responses={200: StatusSerializer,
                   400: OpenApiResponse(ValidationErrorSerializer, description="报告期缺少或不正确"),
                   404: OpenApiResponse(DetailSerializer, description="地区不存在或不在范围内")},
        examples=[_example("南通市各县", {"period": "2026-10", "region": {"code": "320600", "name": "南通市"},
                                          "children": [{"code": "320685", "name": "海安市", "expected": 120,
                                                        "submitted": 118, "not_submitted": 2, "on_time": 115,
                                                        "late": 3, "returned": 1, "approved": 110, "rate": 98.3,
                                                        "reported": True,
                                                        "reported_at": "2026-11-15T09:30:00+08:00"}]},
                           response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        code = request.query_params.get("region")
        region = exchange.visible_region(user=request.user, code=code) if code else request.user.region
        if region is None:
            raise NotFound
        period = exchange.parse_period(request.query_params.get("period"))
        region, children = selectors.status_by_child(user=request.user, period=period, region=region)
        data = {"period": exchange.period_label(period), "region": region, "children": children}
        return Response(StatusSerializer(data).data)


class ApprovedCursorPagination(SingleValuedPaginationMixin, CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def decode_cursor(self, request):
        """DRF checks a cursor's offset, not its position: one that is no id (typed or altered) is refused
        like any invalid cursor (404), before it reaches the query."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and parse_id(cursor.position) is None:
            raise DRFNotFound(self.invalid_cursor_message)
        return cursor


class ApprovedFilingsView(PortalAPIMixin, generics.ListAPIView):
    """A region's approved filings of a period, every indicator column and the products, page by page."""

    serializer_class = FilingSerializer
    pagination_class = ApprovedCursorPagination
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Unknown and foreign regions answer 404 before anything else, whatever the method.
        self.region = exchange.visible_region(user=request.user, code=kwargs.get("code", ""))
        if self.region is None:
            raise NotFound

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Filing.objects.none()
        period = exchange.parse_period(self.request.query_params.get("period"))
        return exchange.approved_filings(user=self.request.user, region=self.region, period=period)

    @extend_schema(
        summary="地区审核通过的报表(批量)",
        description="某地区(含下级)在报告期审核通过的全部报表:全部指标、问卷、困难、预警说明和主要产品。"
                    "按游标分页(next/previous 链接),每页缺省100条,page_size 最多1000。"
                    "地区不存在或不在范围内时 404。",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="区划代码"),
            OpenApiParameter("period", OpenApiTypes.STR, required=True, description="报告期,年-月,例如 2026-10"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

