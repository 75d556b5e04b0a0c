"""The OpenAPI schema of the portal's API: drf-spectacular's AutoSchema, plus what every endpoint shares.

Authentication, permissions, throttling, pagination and ``portal.core.api.exception_handler`` answer the
same way on every endpoint, so the schema says so here once rather than on every view. An operation that
documents a status code itself (``extend_schema(responses=...)``) keeps its own description of it.

- **400** ``ValidationError`` (``{"field": ["message"]}``) where the operation takes query parameters or a
  request body;
- **401** ``Detail`` with ``WWW-Authenticate: Token`` where the caller must be authenticated;
- **403** ``Detail`` for unsafe methods (a session without the CSRF token, an act the service refuses) and
  where a permission beyond being authenticated is checked (the audit trail);
- **404** ``Detail`` where the path names an object (missing and out of scope alike), and on paginated
  lists (a page or a cursor that does not exist);
- **415** ``Detail`` where the operation takes a request body (a media type it does not parse);
- **429** ``Detail`` with ``Retry-After`` on every operation.

Optional query parameters declare ``allowEmptyValue``: an empty value (``?honour=``, ``?page=``) has always
meant the same as leaving the parameter out (no filter, the first page, the default page size).
A list paginated with a cursor gets a component of its own (``CursorPaginated…List``: next, previous,
results, no count), distinct from the page-numbered list of the same rows.
"""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class DetailSerializer(serializers.Serializer):
    """An error with one message: `{"detail": "…"}` (401, 403, 404, 405, 415, 429)."""

    detail = serializers.CharField(help_text="原因,使用调用者的语言(Accept-Language)")


class ValidationErrorSerializer(serializers.Serializer):
    """Invalid input: the reasons by field, `{"field": ["message", …]}`; reasons not tied to one field are
    listed under `non_field_errors`."""


class ValidationErrorExtension(OpenApiSerializerExtension):
    """A map of field names to lists of messages, which a serializer with fields cannot describe."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"period": ["报告期格式应为“年-月”,例如 2026-01。"]},
        }


HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "认证方式:Token"}},
    "429": {"Retry-After": {"schema": {"type": "integer"}, "description": "多少秒后可以再试"}},
}


class PortalAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for code, (serializer, description) in self._shared_errors(operation).items():
            if code not in responses:
                responses[code] = self._error_response(code, serializer, description)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def get_paginated_name(self, serializer_name: str) -> str:
        if isinstance(self._get_paginator(), CursorPagination):
            return f"CursorPaginated{serializer_name}List"
        return super().get_paginated_name(serializer_name)

    def _shared_errors(self, operation) -> dict:
        permissions = self.view.get_permissions()
        authenticated = not all(isinstance(p, AllowAny) for p in permissions)
        checked_further = any(not isinstance(p, (IsAuthenticated, AllowAny)) for p in permissions)
        parameters = operation.get("parameters", [])
        takes_input = "requestBody" in operation or any(p["in"] in ("query", "header") for p in parameters)
        names_object = any(p["in"] == "path" for p in parameters)
        paginated = self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        errors = {}
        if takes_input:
            errors["400"] = (ValidationErrorSerializer, "请求参数或内容不正确:按字段列出原因")
        if authenticated:
            errors["401"] = (DetailSerializer, "未提供或无效的认证信息")
        if self.method in UNSAFE_METHODS or checked_further:
            errors["403"] = (DetailSerializer, "已认证,但无权执行此操作")
        if names_object or paginated:
            errors["404"] = (DetailSerializer, "对象不存在或不在调用者的范围内(两者不加区分);或页码、游标不存在")
        if "requestBody" in operation:
            errors["415"] = (DetailSerializer, "请求体的媒体类型不受支持")
        errors["429"] = (DetailSerializer, "请求过于频繁")
        return errors

    def _error_response(self, code: str, serializer, description: str) -> dict:
        component = self.resolve_serializer(serializer, "response")
        response = {
            "content": {media_type: {"schema": component.ref} for media_type in self.map_renderers("media_type")},
            "description": description,
        }
        if code in HEADERS:
            response["headers"] = HEADERS[code]
        return response
