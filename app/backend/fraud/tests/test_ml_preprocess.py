"""Cleaning, encoding, scaling and splitting as the seed (and sklearn) did."""

import math

import numpy as np

from fraud.ml.preprocess import (
    UNKNOWN_LABEL,
    LabelEncoder,
    Scaler,
    seed_matrix,
    train_test_indices,
    usable_seed_row,
)

ROW = {
    "user_id": 1,
    "card_number": "4242424242424242",
    "exp_month": "08",
    "exp_year": "2028",
    "address_state": "Delhi",
    "address_zip": "111111",
    "email": "a@example.com",
}


def test_cleaning_drops_nulls_infinities_and_non_numbers():
    rows = [
        ROW,
        {**ROW, "address_state": None},
        {**ROW, "address_zip": None},
        {**ROW, "exp_year": "inf"},
        {**ROW, "user_id": "NaN"},
        {**ROW, "card_number": "not-a-number"},
        {**ROW, "address_state": "  "},
    ]
    assert [r for r in rows if usable_seed_row(r)] == [ROW]


def test_matrix_keeps_only_the_six_seed_columns_in_order():
    encoder = LabelEncoder.fit(["Delhi", "Alaska"])
    m = seed_matrix([ROW], encoder)
    assert m.tolist() == [[1.0, 4242424242424242.0, 8.0, 2028.0, 1.0, 111111.0]]


def test_label_encoder_sorts_like_sklearn_and_maps_unknown_states():
    encoder = LabelEncoder.fit(["Texas", "Alaska", "Ohio", "Alaska"])
    assert encoder.classes == ["Alaska", "Ohio", "Texas"]
    assert encoder.transform(["Ohio", "Atlantis"]).tolist() == [1.0, UNKNOWN_LABEL]


def test_scalers():
    x = np.array([[1.0, 5.0], [3.0, 5.0]])
    standard = Scaler.fit(x, "standard")
    assert standard.transform(x).tolist() == [[-1.0, 0.0], [1.0, 0.0]]  # constant column: scale 1
    minmax = Scaler.fit(x, "minmax")
    assert minmax.transform(x).tolist() == [[0.0, 0.0], [1.0, 0.0]]


def test_split_is_sklearns_train_test_split_with_random_state():
    train, test = train_test_indices(3001, 0.2, 42)
    assert len(test) == math.ceil(0.2 * 3001) == 601
    assert len(train) == 2400
    assert sorted(np.r_[train, test].tolist()) == list(range(3001))
    # sklearn.model_selection.train_test_split(range(10), test_size=0.2, random_state=42)
    train10, test10 = train_test_indices(10, 0.2, 42)
    assert test10.tolist() == [8, 1]
    assert train10.tolist() == [5, 0, 7, 2, 9, 4, 3, 6]
