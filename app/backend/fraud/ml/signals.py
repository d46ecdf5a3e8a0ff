"""The "signals" feature set: behaviour that actually says something about fraud.

The seed fed user ids and raw card numbers to the model as numbers; their magnitude means
nothing, so a new batch of users looked "68% anomalous" only because their ids were larger.
These features are computed from one transaction plus what was known before it (its
context), so the same pure function serves batch training and a live checkout.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SIGNAL_FEATURES = (
    "expiry_months",
    "card_users",
    "user_cards",
    "zip_state_mismatch",
    "attempts_1h",
    "declines_24h",
    "amount_log_ratio",
    "log_amount",
)

HOUR = 3600.0
DAY = 24 * HOUR

# First digit of a US ZIP code -> states it is assigned to (USPS national areas).
ZIP_AREAS: dict[str, tuple[str, ...]] = {
    "0": ("CT", "MA", "ME", "NH", "NJ", "PR", "RI", "VT"),
    "1": ("DE", "NY", "PA"),
    "2": ("DC", "MD", "NC", "SC", "VA", "WV"),
    "3": ("AL", "FL", "GA", "MS", "TN"),
    "4": ("IN", "KY", "MI", "OH"),
    "5": ("IA", "MN", "MT", "ND", "SD", "WI"),
    "6": ("IL", "KS", "MO", "NE"),
    "7": ("AR", "LA", "OK", "TX"),
    "8": ("AZ", "CO", "ID", "NM", "NV", "UT", "WY"),
    "9": ("AK", "CA", "HI", "OR", "WA"),
}
STATE_CODES = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Puerto Rico": "PR",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
}
_AREA_OF_STATE = {code: digit for digit, codes in ZIP_AREAS.items() for code in codes}
_US = {"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA", ""}


def zip_state_mismatch(state: str, zip_code: str, country: str = "US") -> float:
    """1 when a US ZIP code cannot belong to the state, 0 when it can or we cannot tell."""
    if country.strip().upper() not in _US:
        return 0.0
    code = STATE_CODES.get(state.strip(), state.strip().upper())
    area = _AREA_OF_STATE.get(code)
    digits = zip_code.strip()
    if area is None or not digits[:1].isdigit():
        return 0.0
    return 0.0 if digits[0] == area else 1.0


@dataclass(frozen=True)
class Transaction:
    user_id: int
    card_key: str  # a card fingerprint (brand/last4/expiry or provider id), never a full PAN
    exp_month: int
    exp_year: int
    address_state: str
    address_zip: str
    amount: float
    at: float  # epoch seconds
    address_country: str = "US"
    succeeded: bool = True


@dataclass(frozen=True)
class Context:
    """What was known before the transaction; built from memory or from the database."""

    card_users: int  # other users seen with the same card
    user_cards: int  # distinct cards the user has used, this one included
    attempts_1h: int  # the user's payment attempts in the previous hour
    declines_24h: int  # the user's declined attempts in the previous day
    user_mean_amount: float  # mean of the user's previous amounts, 0 without history


def expiry_months(exp_month: int, exp_year: int, at: float) -> float:
    year, month = _year_month(at)
    return float((exp_year * 12 + exp_month) - (year * 12 + month))


def _year_month(at: float) -> tuple[int, int]:
    days = int(at // DAY)
    # Civil-from-days (H. Hinnant) keeps this free of datetime/timezone pitfalls.
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year, month


def signal_vector(tx: Transaction, ctx: Context) -> dict[str, float]:
    log_amount = math.log1p(max(tx.amount, 0.0))
    ratio = log_amount - math.log1p(ctx.user_mean_amount) if ctx.user_mean_amount > 0 else 0.0
    return {
        "expiry_months": expiry_months(tx.exp_month, tx.exp_year, tx.at),
        "card_users": float(ctx.card_users),
        "user_cards": float(ctx.user_cards),
        "zip_state_mismatch": zip_state_mismatch(
            tx.address_state, tx.address_zip, tx.address_country
        ),
        "attempts_1h": float(ctx.attempts_1h),
        "declines_24h": float(ctx.declines_24h),
        "amount_log_ratio": ratio,
        "log_amount": log_amount,
    }


class History:
    """In-memory context builder for a chronological stream of transactions."""

    def __init__(self) -> None:
        self._card_users: dict[str, set[int]] = defaultdict(set)
        self._user_cards: dict[int, set[str]] = defaultdict(set)
        self._user_events: dict[int, list[tuple[float, bool]]] = defaultdict(list)
        self._user_amounts: dict[int, tuple[float, int]] = defaultdict(lambda: (0.0, 0))

    def context(self, tx: Transaction) -> Context:
        events = self._user_events[tx.user_id]
        total, count = self._user_amounts[tx.user_id]
        return Context(
            card_users=len(self._card_users[tx.card_key] - {tx.user_id}),
            user_cards=len(self._user_cards[tx.user_id] | {tx.card_key}),
            attempts_1h=sum(1 for at, _ in events if tx.at - HOUR <= at < tx.at),
            declines_24h=sum(1 for at, ok in events if not ok and tx.at - DAY <= at < tx.at),
            user_mean_amount=total / count if count else 0.0,
        )

    def add(self, tx: Transaction) -> None:
        self._card_users[tx.card_key].add(tx.user_id)
        self._user_cards[tx.user_id].add(tx.card_key)
        self._user_events[tx.user_id].append((tx.at, tx.succeeded))
        if tx.succeeded:
            total, count = self._user_amounts[tx.user_id]
            self._user_amounts[tx.user_id] = (total + tx.amount, count + 1)


def signal_rows(transactions: Iterable[Transaction]) -> list[dict[str, float]]:
    """Feature rows in the input order; each sees only the transactions before it in time."""
    txs: Sequence[Transaction] = list(transactions)
    order = sorted(range(len(txs)), key=lambda i: txs[i].at)
    history = History()
    rows: list[dict[str, float]] = [{} for _ in txs]
    for i in order:
        rows[i] = signal_vector(txs[i], history.context(txs[i]))
        history.add(txs[i])
    return rows
