"""The model artifact format: NumPy arrays and a JSON header in one `.npz`, never pickle.

Every served model (the autoencoder's Detector, the logistic-regression Classifier) travels in
this format, so the database, the backend and the fraud API load any of them with
`allow_pickle=False`: an artifact holds numbers and text, nothing that runs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

FORMAT_VERSION = 1
# Artifacts written before kinds existed are autoencoders.
DEFAULT_KIND = "autoencoder"


def pack(kind: str, arrays: Mapping[str, NDArray[np.float64]], meta: Mapping[str, object]) -> bytes:
    header = {"format": FORMAT_VERSION, "kind": kind, **meta}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays, meta=np.array(json.dumps(header)))
    return buffer.getvalue()


def unpack(blob: bytes, kind: str) -> tuple[dict[str, NDArray[np.float64]], dict[str, object]]:
    """(arrays, header) of an artifact of `kind`; ValueError for another kind or format."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        arrays = {name: data[name].astype(np.float64) for name in data.files if name != "meta"}
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(
            f"model artifact format {meta.get('format')} is not {FORMAT_VERSION}: "
            "retrain it with this version (manage.py fraud_train)"
        )
    found = meta.get("kind", DEFAULT_KIND)
    if found != kind:
        raise ValueError(f"the artifact holds a model of kind {found!r}, not {kind!r}")
    return arrays, meta
