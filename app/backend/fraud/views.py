"""JSON API: scoring for admins and service accounts, model management for admins."""

from typing import Any, ClassVar

import numpy as np
from django.http import HttpResponse
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fraud import registry, services
from fraud.ml.detector import FEATURE_SETS
from fraud.models import ModelVersion, TransactionScore
from fraud.scoring import SCORED


class CanScore(BasePermission):
    """Admins, or service accounts holding fraud.score_transaction."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_staff or user.has_perm("fraud.score_transaction"))
        )


class ScoreView(APIView):
    """POST the active model's feature columns -> score, is_anomaly, threshold, model version."""

    permission_classes: ClassVar = [CanScore]

    def post(self, request: Request) -> Response:
        try:
            version, detector = registry.active_detector()
        except registry.NoActiveModelError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if not isinstance(request.data, dict):
            return Response(
                {"detail": "send one JSON object with the model's feature columns"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        columns = FEATURE_SETS[detector.feature_set]
        missing = [c for c in columns if c not in request.data]
        if missing:
            return Response(
                {"detail": f"missing fields {missing}", "expected": list(columns)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        error = float(detector.errors([request.data])[0])
        if not np.isfinite(error):
            return Response(
                {
                    "detail": "every field must be a finite number (address_state: text)",
                    "expected": list(columns),
                },
                status=status.HTTP_400_BAD_REQUEST,
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
            }
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
        try:
            version = registry.rollback()
        except LookupError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(ModelVersionSerializer(version).data)
