"""Paths between two latent codes: straight lines and great-circle (slerp) arcs."""

from __future__ import annotations

import numpy as np

PATH_KINDS = ("linear", "slerp")


def slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Spherical interpolation (White 2016): keeps the norm typical of Gaussian codes between the ends.

    Falls back to a straight line when a and b are (anti)parallel or one is zero.
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    t = np.asarray(t, np.float64).reshape(-1, 1)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        result: np.ndarray = (1 - t) * a + t * b
        return result
    cos = np.clip(np.dot(a / na, b / nb), -1.0, 1.0)
    omega = np.arccos(cos)
    if np.sin(omega) < 1e-6:
        result = (1 - t) * a + t * b
        return result
    result = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    return result


def interpolate(a: np.ndarray, b: np.ndarray, n: int, kind: str = "linear") -> np.ndarray:
    """n codes from a to b inclusive (n ≥ 2), along a straight line or a slerp arc; n×d float32."""
    if n < 2:
        raise ValueError(f"an interpolation needs at least 2 steps, got {n}")
    if kind not in PATH_KINDS:
        raise ValueError(f"unknown path {kind!r}: choose one of {', '.join(PATH_KINDS)}")
    t = np.linspace(0.0, 1.0, n)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    path = slerp(a, b, t) if kind == "slerp" else (1 - t)[:, None] * a + t[:, None] * b
    path[0], path[-1] = a, b  # exact ends, whatever the rounding
    return path.astype(np.float32)


def class_mean(codes: np.ndarray, labels: np.ndarray, label: int) -> np.ndarray:
    """Mean code of one class."""
    members = np.asarray(labels) == label
    if not members.any():
        raise ValueError(f"no sample has label {label}")
    result: np.ndarray = np.asarray(codes, np.float64)[members].mean(axis=0).astype(np.float32)
    return result


def attribute_vector(codes: np.ndarray, labels: np.ndarray, towards: int, away_from: int) -> np.ndarray:
    """Mean code of class `towards` minus mean code of class `away_from`: add it to a code to move it across."""
    return (class_mean(codes, labels, towards).astype(np.float64)
            - class_mean(codes, labels, away_from).astype(np.float64)).astype(np.float32)
