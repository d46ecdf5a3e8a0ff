"""The seed's dense autoencoder, written with NumPy alone.

Why not TensorFlow or PyTorch: the model has 570 parameters and trains in seconds on one
core; either framework would add one to several gigabytes to the backend image for what is
a handful of matrix products. NumPy is already a backend dependency, so training and
scoring work inside the deployed container (retraining from the admin dashboard) for free.

Architecture (seed "Workload 6"): n -> 16 -> 8 -> 4 -> 8 -> 16 -> n, ReLU in the hidden
layers, dropout 0.2 after every hidden layer but the bottleneck, L2 0.001 on every kernel,
sigmoid output, mean squared error, Adam (Keras defaults: lr 1e-3, betas 0.9/0.999,
epsilon 1e-7, Glorot-uniform kernels, zero biases, batch 32, shuffled every epoch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

HIDDEN = (16, 8, 4, 8, 16)
BOTTLENECK_INDEX = 2  # no dropout on the 4-unit code layer, as in the seed's encoder
DROPOUT = 0.2
L2 = 0.001


def layer_sizes(n_features: int) -> tuple[int, ...]:
    return (n_features, *HIDDEN, n_features)


def param_count(n_features: int) -> int:
    sizes = layer_sizes(n_features)
    return sum(a * b + b for a, b in pairwise(sizes))


def _sigmoid(z: Array) -> Array:
    # Split by sign so exp never overflows on large negative inputs.
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


@dataclass
class TrainHistory:
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


class Autoencoder:
    """All weights live in one flat vector so Adam and serialisation are single array ops."""

    def __init__(self, n_features: int, seed: int = 42) -> None:
        self.n_features = n_features
        self.sizes = layer_sizes(n_features)
        self.params = np.zeros(param_count(n_features))
        self._views: list[tuple[Array, Array]] = []
        offset = 0
        for fan_in, fan_out in pairwise(self.sizes):
            w = self.params[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
            offset += fan_in * fan_out
            b = self.params[offset : offset + fan_out]
            offset += fan_out
            self._views.append((w, b))
        rng = np.random.default_rng(seed)
        for w, _ in self._views:
            limit = np.sqrt(6.0 / (w.shape[0] + w.shape[1]))
            w[...] = rng.uniform(-limit, limit, size=w.shape)

    @property
    def n_params(self) -> int:
        return int(self.params.size)

    def set_params(self, flat: Array) -> None:
        if flat.shape != self.params.shape:
            raise ValueError(
                f"expected {self.params.size} parameters for {self.n_features} features, "
                f"got {flat.size}: the artifact was trained on another feature set"
            )
        self.params[...] = flat

    def reconstruct(self, x: Array) -> Array:
        """Inference pass: dropout is off, as in Keras' predict()."""
        h = x
        last = len(self._views) - 1
        for i, (w, b) in enumerate(self._views):
            z = h @ w + b
            h = _sigmoid(z) if i == last else np.maximum(z, 0.0)
        return h

    def reconstruction_error(self, x: Array) -> Array:
        """Per-row mean squared error, the anomaly score."""
        return np.mean((x - self.reconstruct(x)) ** 2, axis=1)

    def loss_and_grad(
        self, x: Array, rng: np.random.Generator | None, dropout: float = DROPOUT
    ) -> tuple[float, Array]:
        """Training loss (MSE + L2) and its gradient for the flat parameter vector.

        rng=None disables dropout (used by the gradient check and for validation loss).
        """
        grad = np.zeros_like(self.params)
        gviews = self._grad_views(grad)
        activations = [x]
        masks: list[Array | None] = []
        pre: list[Array] = []
        h = x
        last = len(self._views) - 1
        for i, (w, b) in enumerate(self._views):
            z = h @ w + b
            pre.append(z)
            if i == last:
                h = _sigmoid(z)
                masks.append(None)
            else:
                h = np.maximum(z, 0.0)
                mask = None
                if rng is not None and dropout > 0 and i != BOTTLENECK_INDEX:
                    # Inverted dropout keeps the expected activation equal at inference.
                    mask = (rng.random(h.shape) >= dropout) / (1.0 - dropout)
                    h = h * mask
                masks.append(mask)
            activations.append(h)

        out = activations[-1]
        diff = out - x
        mse = float(np.mean(diff**2))
        l2 = L2 * float(sum(np.sum(w * w) for w, _ in self._views))
        delta = 2.0 * diff / diff.size * out * (1.0 - out)
        for i in range(last, -1, -1):
            w, _ = self._views[i]
            gw, gb = gviews[i]
            gw[...] = activations[i].T @ delta + 2.0 * L2 * w
            gb[...] = delta.sum(axis=0)
            if i == 0:
                break
            delta = delta @ w.T
            mask = masks[i - 1]
            if mask is not None:
                delta = delta * mask
            delta = delta * (pre[i - 1] > 0)
        return mse + l2, grad

    def _grad_views(self, grad: Array) -> list[tuple[Array, Array]]:
        views = []
        offset = 0
        for fan_in, fan_out in pairwise(self.sizes):
            gw = grad[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
            offset += fan_in * fan_out
            gb = grad[offset : offset + fan_out]
            offset += fan_out
            views.append((gw, gb))
        return views

    def fit(
        self,
        x: Array,
        *,
        epochs: int = 50,
        batch_size: int = 32,
        learning_rate: float = 1e-3,
        x_val: Array | None = None,
        seed: int = 42,
        progress: Callable[[int, float], None] | None = None,
    ) -> TrainHistory:
        beta1, beta2, eps = 0.9, 0.999, 1e-7
        m = np.zeros_like(self.params)
        v = np.zeros_like(self.params)
        rng = np.random.default_rng(seed)
        history = TrainHistory()
        step = 0
        n = x.shape[0]
        for epoch in range(epochs):
            order = rng.permutation(n)
            total = 0.0
            for start in range(0, n, batch_size):
                batch = x[order[start : start + batch_size]]
                loss, grad = self.loss_and_grad(batch, rng)
                total += loss * batch.shape[0]
                step += 1
                m = beta1 * m + (1 - beta1) * grad
                v = beta2 * v + (1 - beta2) * grad * grad
                m_hat = m / (1 - beta1**step)
                v_hat = v / (1 - beta2**step)
                self.params -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
            history.loss.append(total / n)
            if x_val is not None:
                history.val_loss.append(self.loss_and_grad(x_val, None)[0])
            if progress is not None:
                progress(epoch + 1, history.loss[-1])
        return history
