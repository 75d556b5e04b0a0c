"""Who am I (``/api/v1/me/``) and my own API token (``/api/v1/tokens/``)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core import services as core_services
from portal.core.api import PortalAPIMixin, ScopedModelSerializer

from .models import User


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class EnterpriseRefSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(ScopedModelSerializer):
    # Blank when none was given: documented as an e-mail address or "" (as answered since v1).
    email = serializers.EmailField(read_only=True, allow_blank=True)
    role_label = serializers.CharField(read_only=True)
    region = RegionRefSerializer(read_only=True, allow_null=True)
    enterprise = EnterpriseRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "role", "role_label", "region", "enterprise")
        read_only_fields = fields


class MeView(PortalAPIMixin, APIView):
    """The authenticated user: role, region (officials) and enterprise (information officers)."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


TokenStatus = inline_serializer("TokenStatus", {
    "exists": serializers.BooleanField(),
    "created": serializers.DateTimeField(allow_null=True),
})
IssuedToken = inline_serializer("IssuedToken", {
    "key": serializers.CharField(help_text="只显示这一次,请妥善保存;请求时使用 Authorization: Token <key>"),
    "created": serializers.DateTimeField(),
})


class TokenView(PortalAPIMixin, APIView):
    """The user's own API token: GET whether one exists, POST to create (or replace) it, DELETE to revoke it.

    The key is shown once, in the answer to POST. Creating and revoking are recorded in the audit trail.
    """

    @extend_schema(responses=TokenStatus)
    def get(self, request):
        token = getattr(request.user, "auth_token", None)
        return Response({"exists": token is not None, "created": token.created if token else None})

    @extend_schema(request=None, responses={201: IssuedToken})
    def post(self, request):
        token = core_services.issue_api_token(user=request.user)
        return Response({"key": token.key, "created": token.created}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        core_services.revoke_api_token(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
