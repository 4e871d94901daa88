"""Generate the FICTIONAL cohort of this example: 60 patients and 150 liver lesions.

Nothing here describes real people. The numbers are drawn from a seeded random generator,
so running the script again writes byte-identical files:

    python cases/net-liver-cohort/generate.py

It writes data/patients.csv and data/lesions.csv next to this script (both committed).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 20240515
PATIENTS = 60
LESIONS = 150
HERE = Path(__file__).resolve().parent


def _lesion_counts(rng: random.Random) -> list[int]:
    """Lesions per patient (1–12), adjusted one by one until they add up to LESIONS."""
    counts = [min(12, max(1, round(rng.expovariate(1 / 2.5)))) for _ in range(PATIENTS)]
    while sum(counts) != LESIONS:
        index = rng.randrange(PATIENTS)
        if sum(counts) < LESIONS and counts[index] < 12:
            counts[index] += 1
        elif sum(counts) > LESIONS and counts[index] > 1:
            counts[index] -= 1
    return counts


def _patient(rng: random.Random, number: int, lesions: int) -> dict[str, str]:
    grade = rng.choices(["G1", "G2", "G3"], weights=[35, 50, 15])[0]
    low, high = {"G1": (1, 2), "G2": (3, 20), "G3": (21, 60)}[grade]
    ki67 = "" if rng.random() < 0.1 else str(rng.randint(low, high))
    return {
        "patient_id": f"P{number:02d}",
        "age": str(min(85, max(25, round(rng.gauss(58, 11))))),
        "sex": rng.choice(["f", "m"]),
        "primary": rng.choices(["pancreas", "small_bowel", "other"], weights=[45, 40, 15])[0],
        "grade": grade,
        "ki67": ki67,
        "lesion_count": str(lesions),
        "metastases_5plus": "yes" if lesions >= 5 else "no",
    }


def _lesion(rng: random.Random, patient: str, number: int) -> dict[str, str]:
    size = round(rng.lognormvariate(2.8, 0.55), 1)
    return {
        "lesion_id": f"{patient}-L{number}",
        "patient_id": patient,
        "segment": f"S{rng.randint(1, 8)}",
        "size_mm": "NA" if rng.random() < 0.04 else f"{max(4.0, min(size, 120.0)):.1f}",
        "enhancement": rng.choices(["hyper", "iso", "hypo"], weights=[60, 15, 25])[0],
        "restricted_diffusion": "yes" if rng.random() < 0.8 else "no",
    }


def _write(name: str, rows: list[dict[str, str]]) -> None:
    with (HERE / "data" / name).open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Draw the cohort and write both tables."""
    rng = random.Random(SEED)
    counts = _lesion_counts(rng)
    patients = [_patient(rng, i + 1, n) for i, n in enumerate(counts)]
    lesions = [
        _lesion(rng, p["patient_id"], j + 1)
        for p in patients
        for j in range(int(p["lesion_count"]))
    ]
    (HERE / "data").mkdir(exist_ok=True)
    _write("patients.csv", patients)
    _write("lesions.csv", lesions)


if __name__ == "__main__":
    main()
