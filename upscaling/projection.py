"""The projection of each pool enterprise's full-year sales, vectorised over the whole pool.

Method (shown on the analysis page): after ``month`` months of the year,

    projected = year to date + Σ (last year's sales of each remaining month) × trend

where ``trend`` is the recent growth: this year's last three months (fewer in January and February) over the
same months last year, held between 0.5 and 2. Last year's months give the seasonal shape of the rest of the
year, the trend scales it. Without a complete last year (a new enterprise, a gap) the remaining months are
projected at the recent monthly run rate. The month an enterprise is expected to cross the line is the first
month whose cumulative sales (actual, then projected month by month) reach it.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .models import THRESHOLD

TREND_BOUNDS = (0.5, 2.0)
RECENT_MONTHS = 3


def project(this_year: np.ndarray, last_year: np.ndarray, month: int, *, threshold: float = THRESHOLD,
            index: object = None) -> pd.DataFrame:
    """``this_year`` and ``last_year``: arrays (enterprises × 12) of monthly sales, NaN where unknown; months
    after ``month`` of ``this_year`` are ignored. Returns one row per enterprise: ``ytd``, ``trend``,
    ``projected``, ``cross_month`` (1–12, 0 when not expected to reach ``threshold`` this year) and
    ``distance`` (how far the projection stays below the line, 0 for a crosser)."""
    this = np.asarray(this_year, dtype=float)[:, :month]
    last = np.asarray(last_year, dtype=float)
    n = this.shape[0]
    ytd = np.nansum(this, axis=1)
    window = min(RECENT_MONTHS, month)
    recent = np.nansum(this[:, month - window:month], axis=1)
    last_complete = ~np.isnan(last).any(axis=1) & (np.nansum(last, axis=1) > 0)
    last_recent = np.nansum(last[:, month - window:month], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = np.where(last_complete & (last_recent > 0), recent / last_recent, np.nan)
    trend = np.clip(trend, *TREND_BOUNDS)
    seasonal = np.nan_to_num(last[:, month:]) * np.nan_to_num(trend)[:, None]
    run_rate = np.repeat((recent / window)[:, None], 12 - month, axis=1)
    remaining = np.where(np.isnan(trend)[:, None], run_rate, seasonal)
    projected = ytd + remaining.sum(axis=1)
    # Cumulative path through the year: actual months, then the projected ones.
    path = np.cumsum(np.concatenate([np.nan_to_num(this), remaining], axis=1), axis=1)
    reached = path >= threshold
    cross_month = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, 0)
    distance = np.maximum(threshold - projected, 0)
    return pd.DataFrame({"ytd": ytd, "trend": trend, "projected": projected, "cross_month": cross_month,
                         "distance": distance}, index=index if index is not None else pd.RangeIndex(n))


@dataclass
class Backtest:
    """How the projection did on last year: mean absolute error (in % of the actual total) after each month,
    and the share of enterprises whether-they-crossed was called right."""

    months: list[int]
    mean_abs_error: list[float | None]
    called_right: list[float | None]
    enterprises: int


def backtest(last_year: np.ndarray, year_before: np.ndarray, *, threshold: float = THRESHOLD) -> Backtest:
    """Project last year after each of its months 1–11 from the data as it stood then, compared with how the
    year ended. Enterprises without a complete last year are left out."""
    last = np.asarray(last_year, dtype=float)
    before = np.asarray(year_before, dtype=float)
    complete = ~np.isnan(last).any(axis=1) & (last.sum(axis=1, where=~np.isnan(last)) > 0)
    last, before = last[complete], before[complete]
    actual = last.sum(axis=1)
    months = list(range(1, 12))
    errors: list[float | None] = []
    right: list[float | None] = []
    for m in months:
        if not len(actual):
            errors.append(None)
            right.append(None)
            continue
        p = project(last, before, m, threshold=threshold)["projected"].to_numpy()
        errors.append(float(np.mean(np.abs(p - actual) / actual) * 100))
        right.append(float(np.mean((p >= threshold) == (actual >= threshold)) * 100))
    return Backtest(months=months, mean_abs_error=errors, called_right=right, enterprises=int(len(actual)))
