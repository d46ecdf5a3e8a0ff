from typing import ClassVar

from django.conf import settings
from django.db import models


def one_active(name: str) -> list[models.BaseConstraint]:
    """The database itself guarantees a single active version of a kind, whatever races
    happen."""
    return [
        models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name=name)
    ]


class VersionedArtifact(models.Model):
    """A trained model of one kind, versioned. Artifacts live in the database (a few kB each,
    the .npz format of fraud.ml.artifact), so activating a version or rolling back is one
    transaction on every host at once, with no shared volume."""

    class FeatureSet(models.TextChoices):
        SEED = "seed", "seed (the original's six columns)"
        SIGNALS = "signals", "signals (behavioural features)"

    version = models.PositiveIntegerField(unique=True)
    feature_set = models.CharField(max_length=10, choices=FeatureSet.choices)
    artifact = models.BinaryField()
    threshold = models.FloatField()
    report = models.JSONField(default=dict)
    source = models.CharField(max_length=200)
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    kind: ClassVar[str]  # the registry's name for the kind
    label: ClassVar[str]  # what messages call it

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"v{self.version} ({self.feature_set}{', active' if self.is_active else ''})"


class ModelVersion(VersionedArtifact):
    """A trained autoencoder (fraud.ml.detector): it decides checkouts."""

    kind = "autoencoder"
    label = "model"

    class Meta:
        ordering: ClassVar[list[str]] = ["-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = one_active("fraud_one_active_model")


class ClassifierVersion(VersionedArtifact):
    """A trained logistic regression (fraud.ml.classifier): its probability is recorded.

    Its own table, so code that predates it keeps reading `fraud_modelversion` as the
    autoencoders it knows (the migration only creates a table: expand, never contract)."""

    kind = "logistic"
    label = "logistic regression"

    class Meta:
        ordering: ClassVar[list[str]] = ["-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = one_active(
            "fraud_one_active_classifier"
        )


class TransactionScore(models.Model):
    """The score a checkout received; the order keeps it as `order.fraud_score`."""

    class Action(models.TextChoices):
        FLAGGED = "flagged"  # anomalous, let through (default policy)
        HELD = "held"  # anomalous and FRAUD_BLOCK_ANOMALIES: paid order put back to pending
        # The fraud API was slow or down and FRAUD_API_UNAVAILABLE=allow: let through unscored.
        REVIEW = "review"
        NONE = "none"

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="fraud_score"
    )
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, related_name="scores"
    )
    # Empty only for a checkout the fraud API could not score (action "review").
    score = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    is_anomaly = models.BooleanField()
    # The logistic regression's view, recorded beside the autoencoder's decision; empty
    # when no classifier was active (or for rows scored before it existed).
    classifier_version = models.ForeignKey(
        ClassifierVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="scores"
    )
    fraud_probability = models.FloatField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.NONE)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    succeeded = models.BooleanField(null=True)
    # Model inputs and card summary (brand, last4, state): never a full card number.
    features = models.JSONField(default=dict)
    acknowledged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["is_anomaly", "acknowledged"]),
        ]
        permissions: ClassVar[list[tuple[str, str]]] = [
            ("score_transaction", "Can score transactions through the API (service accounts)"),
        ]

    def __str__(self) -> str:
        if self.score is None:
            return "not scored, for review"
        return f"{self.score:.4f}{' anomaly' if self.is_anomaly else ''}"
