"""Admin: model versions, scored transactions and the dashboard shown on /admin/fraud/.

The dashboard itself is the fraud app's admin index page (template admin/fraud/app_index.html
plus the `fraud_dashboard` tag); its actions (histogram, CSV export, upload, rollback) are
extra URLs under /admin/fraud/transactionscore/, wrapped by the admin's own login check.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from fraud import registry, services
from fraud.data import signal_rows_from_database
from fraud.ml.detector import InvalidRowsError
from fraud.ml.plots import histogram_layout, histogram_png
from fraud.models import ClassifierVersion, ModelVersion, TransactionScore, VersionedArtifact


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV: seed columns, signal features or a transaction log")
    feature_set = forms.ChoiceField(choices=ModelVersion.FeatureSet.choices, initial="signals")
    activate = forms.BooleanField(required=False, initial=True)


@admin.register(ModelVersion, ClassifierVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Autoencoders and logistic regressions alike: read-only, activated one per kind."""

    list_display = ("version", "feature_set", "threshold", "is_active", "source", "created_at")
    readonly_fields = (
        "version",
        "feature_set",
        "threshold",
        "report",
        "source",
        "is_active",
        "created_by",
        "created_at",
        "activated_at",
    )
    exclude = ("artifact",)
    actions = ("activate",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from training, never from a hand-filled form

    @admin.action(description="Activate the selected version", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[VersionedArtifact]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.ERROR)
            return
        version = registry.activate_version(queryset.get())
        self.message_user(
            request, f"{version.label.capitalize()} v{version.version} is now active."
        )


@admin.register(TransactionScore)
class TransactionScoreAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "order",
        "user",
        "amount",
        "score",
        "is_anomaly",
        "fraud_probability",
        "action",
        "acknowledged",
    )
    list_filter = ("is_anomaly", "acknowledged", "action")
    search_fields = ("user__email", "order__id")
    readonly_fields = tuple(
        f.name for f in TransactionScore._meta.fields if f.name != "acknowledged"
    )
    actions = ("acknowledge",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Acknowledge the selected alerts", permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[TransactionScore]) -> None:
        self.message_user(request, f"{queryset.update(acknowledged=True)} alert(s) acknowledged.")

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("histogram.png", wrap(self.histogram), name="fraud_histogram"),
            path("export.csv", wrap(self.export), name="fraud_export"),
            path("upload/", wrap(require_POST(self.upload)), name="fraud_upload"),
            path("rollback/", wrap(require_POST(self.rollback)), name="fraud_rollback"),
            path("retrain/", wrap(require_POST(self.retrain)), name="fraud_retrain"),
            *super().get_urls(),
        ]

    def _require(self, request: HttpRequest, perm: str) -> None:
        if not request.user.has_perm(perm):
            raise PermissionDenied

    def histogram(self, request: HttpRequest) -> HttpResponse:
        self._require(request, "fraud.view_transactionscore")
        scores = services.scored_values()
        active = registry.active_version()
        threshold = active.threshold if active else 0.0
        png = histogram_png(scores, threshold, f"Scored transactions ({len(scores)})")
        return HttpResponse(png, content_type="image/png")

    def export(self, request: HttpRequest) -> HttpResponse:
        self._require(request, "fraud.view_transactionscore")
        response = HttpResponse(services.export_csv(services.flagged()), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="fraud-anomalies.csv"'
        return response

    def upload(self, request: HttpRequest) -> HttpResponse:
        self._require(request, "fraud.change_modelversion")
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, f"Upload refused: {form.errors.as_text()}")
        else:
            try:
                version = services.retrain_from_upload(
                    form.cleaned_data["file"],
                    form.cleaned_data["feature_set"],
                    activate=form.cleaned_data["activate"],
                    user=request.user,
                )
            except services.UploadError as exc:
                messages.error(request, f"Upload refused, active model unchanged: {exc}")
            else:
                state = "and activated" if version.is_active else "(not activated)"
                messages.success(request, f"Trained model v{version.version} {state}.")
        return HttpResponseRedirect(reverse("admin:app_list", args=("fraud",)))

    def retrain(self, request: HttpRequest) -> HttpResponse:
        self._require(request, "fraud.change_modelversion")
        try:
            version = registry.train_and_register(
                signal_rows_from_database(), "signals", "database", activate=True, user=request.user
            )
        except InvalidRowsError as exc:
            messages.error(request, f"Not retrained, active model unchanged: {exc}")
        else:
            messages.success(request, f"Trained model v{version.version} on the shop's orders.")
        return HttpResponseRedirect(reverse("admin:app_list", args=("fraud",)))

    def rollback(self, request: HttpRequest) -> HttpResponse:
        """POST kind=logistic rolls the logistic regression back; otherwise the autoencoder."""
        self._require(request, "fraud.change_modelversion")
        try:
            model = registry.model_of_kind(request.POST.get("kind", ModelVersion.kind))
            version = registry.rollback(model)
        except LookupError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Rolled back: {version.label} v{version.version} is active.")
        return HttpResponseRedirect(reverse("admin:app_list", args=("fraud",)))


def dashboard_context(request: Any) -> dict[str, Any]:
    active = registry.active_version()
    scores = services.scored_values()
    return {
        "summary": services.summary(),
        # Laid out on 0..1000 both ways: the template places everything in per mille.
        "histogram": histogram_layout(
            scores,
            active.threshold if active else 0.0,
            bins=30,
            width=1000,
            height=1000,
            margins=(0, 0, 0, 0),
        ),
        "flagged": services.flagged()[:50],
        "versions": ModelVersion.objects.defer("artifact")[:10],
        "classifier_versions": ClassifierVersion.objects.defer("artifact")[:10],
        "upload_form": UploadForm(),
        "can_manage": request.user.has_perm("fraud.change_modelversion"),
    }
