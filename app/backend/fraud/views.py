"""JSON API: scoring for admins and service accounts, model management for admins."""

from decimal import Decimal
from typing import Any, ClassVar

import numpy as np
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fraud import registry, services
from fraud.models import ModelVersion, TransactionScore
from fraud.scoring import SCORED, CardDetails, transaction_features


class CanScore(BasePermission):
    """Admins, or service accounts holding fraud.score_transaction."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_staff or user.has_perm("fraud.score_transaction"))
        )


class TransactionInputSerializer(serializers.Serializer):
    """A transaction to score before (or without) charging it; features come from the
    shop's own history for that user and card fingerprint."""

    user_id = serializers.IntegerField(min_value=1)
    brand = serializers.CharField(max_length=20)
    last4 = serializers.RegexField(r"^[0-9]{4}$")
    exp_month = serializers.IntegerField(min_value=1, max_value=12)
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100)
    address_state = serializers.CharField(max_length=120, allow_blank=True, default="")
    address_zip = serializers.CharField(max_length=12, allow_blank=True, default="")
    address_country = serializers.CharField(max_length=120, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))


class ScoreView(APIView):
    """POST either {"transaction": {...}} (signals models) or the active model's feature
    columns -> score, is_anomaly, threshold, model version."""

    permission_classes: ClassVar = [CanScore]

    def post(self, request: Request) -> Response:
        try:
            version, detector = registry.active_detector()
        except registry.NoActiveModelError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if not isinstance(request.data, dict):
            return _bad("send one JSON object", detector.columns)
        if "transaction" in request.data:
            if detector.feature_set != "signals":
                return _bad("the active model uses the seed columns: post them", detector.columns)
            given = TransactionInputSerializer(data=request.data["transaction"])
            given.is_valid(raise_exception=True)
            data = dict(given.validated_data)
            amount, user_id = float(data.pop("amount")), data.pop("user_id")
            row = transaction_features(user_id, CardDetails(**data), amount, timezone.now())
        else:
            row = request.data
            missing = [c for c in detector.columns if c not in row]
            if missing:
                return _bad(f"missing fields {missing}", detector.columns)
        error = float(detector.errors([row])[0])
        if not np.isfinite(error):
            return _bad(
                "every field must be a finite number (address_state: text)", detector.columns
            )
        anomalous = error > detector.threshold
        SCORED.labels("api", "anomaly" if anomalous else "normal").inc()
        return Response(
            {
                "score": error,
                "is_anomaly": anomalous,
                "threshold": detector.threshold,
                "model_version": version.version,
                "feature_set": detector.feature_set,
                "features": {c: row[c] for c in detector.columns},
            }
        )


def _bad(detail: str, columns: tuple[str, ...]) -> Response:
    return Response(
        {"detail": detail, "expected": list(columns), "or": "a 'transaction' object"},
        status=status.HTTP_400_BAD_REQUEST,
    )


class ModelVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelVersion
        fields = (
            "version",
            "feature_set",
            "threshold",
            "source",
            "is_active",
            "created_at",
            "activated_at",
            "report",
        )


class ScoreSerializer(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model_version.version", default=None)

    class Meta:
        model = TransactionScore
        fields = (
            "id",
            "order",
            "score",
            "threshold",
            "is_anomaly",
            "fraud_probability",
            "action",
            "amount",
            "succeeded",
            "features",
            "acknowledged",
            "model_version",
            "created_at",
        )


class SummaryView(APIView):
    permission_classes: ClassVar = [IsAdminUser]

    def get(self, request: Request) -> Response:
        return Response(services.summary())


class FlaggedView(APIView):
    permission_classes: ClassVar = [IsAdminUser]

    def get(self, request: Request) -> Response:
        return Response(ScoreSerializer(services.flagged()[:200], many=True).data)


class ExportView(APIView):
    permission_classes: ClassVar = [IsAdminUser]

    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(services.export_csv(services.flagged()), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="fraud-anomalies.csv"'
        return response


class ModelListView(APIView):
    """GET the versions; POST multipart (file, feature_set, activate) to retrain."""

    permission_classes: ClassVar = [IsAdminUser]

    def get(self, request: Request) -> Response:
        versions = ModelVersion.objects.defer("artifact")
        return Response(ModelVersionSerializer(versions, many=True).data)

    def post(self, request: Request) -> Response:
        feature_set = str(request.data.get("feature_set", "signals"))
        activate = str(request.data.get("activate", "true")).lower() in {"1", "true", "on", "yes"}
        try:
            version = services.retrain_from_upload(
                request.FILES.get("file"), feature_set, activate=activate, user=request.user
            )
        except services.UploadError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ModelVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ActivateView(APIView):
    permission_classes: ClassVar = [IsAdminUser]

    def post(self, request: Request, version: int) -> Response:
        target = ModelVersion.objects.defer("artifact").filter(version=version).first()
        if target is None:
            return Response({"detail": f"no model v{version}"}, status=status.HTTP_404_NOT_FOUND)
        return Response(ModelVersionSerializer(registry.activate_version(target)).data)


class RollbackView(APIView):
    permission_classes: ClassVar = [IsAdminUser]

    def post(self, request: Request) -> Response:
        """?kind=logistic rolls the logistic regression back; otherwise the autoencoder."""
        try:
            model = registry.model_of_kind(request.query_params.get("kind", ModelVersion.kind))
        except LookupError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        try:
            version = registry.rollback(model)
        except LookupError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(ModelVersionSerializer(version).data)
