"""The hand-written autoencoder: shape, gradients, learning, determinism, serialisation."""

import numpy as np
import pytest

from fraud.ml.autoencoder import Autoencoder, param_count
from fraud.ml.detector import Detector, train


def _data(n=300, d=6, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2))
    return np.column_stack([latent @ rng.normal(size=(2, d - 1)), rng.normal(size=n)])


def test_seed_architecture_has_570_parameters():
    model = Autoencoder(6)
    assert model.n_params == param_count(6) == 570
    assert model.sizes == (6, 16, 8, 4, 8, 16, 6)


@pytest.mark.parametrize("with_dropout", [False, True])
def test_analytic_gradient_matches_finite_differences(with_dropout):
    model = Autoencoder(6, seed=3)
    model.params[...] += np.random.default_rng(1).normal(scale=0.1, size=model.n_params)
    x = _data(n=16)

    def loss_at(flat):
        saved = model.params.copy()
        model.params[...] = flat
        # Same seed -> same dropout masks on every evaluation.
        rng = np.random.default_rng(9) if with_dropout else None
        value = model.loss_and_grad(x, rng)[0]
        model.params[...] = saved
        return value

    rng = np.random.default_rng(9) if with_dropout else None
    _, grad = model.loss_and_grad(x, rng)
    base = model.params.copy()
    eps = 1e-6
    numeric = np.array(
        [
            (loss_at(base + eps * e) - loss_at(base - eps * e)) / (2 * eps)
            for e in np.eye(model.n_params)
        ]
    )
    assert np.allclose(grad, numeric, rtol=1e-4, atol=1e-7), np.max(np.abs(grad - numeric))


def test_training_reduces_loss():
    x = _data()
    model = Autoencoder(6)
    before = model.loss_and_grad(x, None)[0]
    history = model.fit(x, epochs=30)
    assert history.loss[-1] < history.loss[0]
    assert model.loss_and_grad(x, None)[0] < 0.8 * before


def test_fixed_seed_gives_identical_models():
    x = _data()
    a, b = Autoencoder(6, seed=5), Autoencoder(6, seed=5)
    a.fit(x, epochs=3, seed=5)
    b.fit(x, epochs=3, seed=5)
    assert np.array_equal(a.params, b.params)
    c = Autoencoder(6, seed=6)
    c.fit(x, epochs=3, seed=6)
    assert not np.array_equal(a.params, c.params)


def _seed_rows(n=400, seed=0):
    rng = np.random.default_rng(seed)
    states = ["Ohio", "Texas", "Utah", "Iowa"]
    return [
        {
            "id": i,
            "user_id": i + 1,
            "card_number": str(4_000_000_000_000_000 + int(rng.integers(0, 10**12))),
            "exp_month": int(rng.integers(1, 13)),
            "exp_year": int(rng.integers(2025, 2033)),
            "address_state": states[int(rng.integers(0, 4))],
            "address_zip": f"{int(rng.integers(10000, 99999))}",
        }
        for i in range(n)
    ]


def test_threshold_is_the_95th_percentile_of_test_errors():
    result = train(_seed_rows(), "seed", epochs=5)
    assert result.report["n_test"] == 80  # ceil(0.2 * 400)
    assert result.detector.threshold == pytest.approx(np.percentile(result.test_errors, 95))
    assert result.report["test_anomalies"] == int(
        np.sum(result.test_errors > result.detector.threshold)
    )
    assert result.report["test_anomalies"] == 4  # 5% of 80
    assert result.report["param_count"] == 570


def test_training_is_deterministic_end_to_end():
    a = train(_seed_rows(), "seed", epochs=3)
    b = train(_seed_rows(), "seed", epochs=3)
    assert a.detector.threshold == b.detector.threshold
    assert np.array_equal(a.test_errors, b.test_errors)


def test_artifact_round_trip_scores_identically():
    result = train(_seed_rows(), "seed", epochs=3)
    restored = Detector.from_bytes(result.detector.to_bytes())
    rows = _seed_rows(50, seed=1)
    assert np.array_equal(restored.errors(rows), result.detector.errors(rows))
    assert restored.threshold == result.detector.threshold
    assert restored.state_classes == ["Iowa", "Ohio", "Texas", "Utah"]


def test_rows_that_cannot_be_scored_get_nan_not_a_crash():
    result = train(_seed_rows(), "seed", epochs=2)
    rows = _seed_rows(3, seed=2)
    rows[1]["exp_year"] = "soon"
    errors = result.detector.errors(rows)
    assert np.isnan(errors[1]) and np.isfinite(errors[[0, 2]]).all()


def test_top_anomalies_never_show_full_card_numbers():
    result = train(_seed_rows(), "seed", epochs=2)
    for row in result.report["top_anomalies"]:
        assert row["card_number"].startswith("*" * 12)
        assert row["card_number"][-4:].isdigit()
