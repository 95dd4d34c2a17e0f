"""Benchmark of the allocation solver on national-size problems.

Run from the project folder::

    .venv/bin/python bench/solver_bench.py [--repeats 7]

Builds deterministic problems (a fixed random seed): ten offices with 300 needs reports each (five regions of 60,
three budget years, amounts 150 000–2 500 000 kr, commitments from earlier years), plus one single problem with
3 000 items (ten regions of 300). Times ``solve`` in each mode with ``time.perf_counter`` and writes
``bench/results/solver.json`` and ``bench/results/solver.md``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dekomp.allocation.apportionment import apportion  # noqa: E402
from dekomp.allocation.solver import SOLVER_VERSION, Item, Mode, Problem, solve  # noqa: E402

RESULTS = ROOT / "bench" / "results"
YEARS = (2026, 2027, 2028)
SEED = 20260301


def build_problem(seed: int, *, regions: int, items_per_region: int, mode: Mode) -> Problem:
    """A realistic office: requests of 150 000–2 500 000 kr over 1–3 years, half with a minimum, 1–3 recipients."""
    rng = random.Random(seed)
    region_names = [f"Region {n + 1:02}" for n in range(regions)]
    items = []
    requested_per_year = dict.fromkeys(YEARS, 0)
    for region in region_names:
        ranks = list(range(1, items_per_region + 1))
        rng.shuffle(ranks)  # items arrive in any order; the solver sorts them
        for rank in ranks:
            total = round(rng.uniform(150_000, 2_500_000), -3)
            length = rng.choices((1, 2, 3), weights=(3, 3, 4))[0]
            shares = {year: rng.uniform(0.7, 1.3) for year in YEARS[:length]}
            requested = apportion(int(total), {str(y): round(s * 1000) for y, s in shares.items()})
            requested = {int(year): amount for year, amount in requested.items()}
            minimum = None
            if rng.random() < 0.5:
                minimum = {year: int(round(amount * 0.6, -3)) for year, amount in requested.items()}
            names = ["owner", "uh", "co-owner"][: rng.choice((1, 2, 2, 3))]
            recipients = None
            if len(names) > 1:
                weights = {name: rng.randint(1, 10) for name in names}
                recipients = {name: {} for name in names}
                for year, amount in requested.items():
                    for name, part in apportion(amount, weights).items():
                        recipients[name][year] = part
            for year, amount in requested.items():
                requested_per_year[year] += amount
            items.append(
                Item(
                    id=f"{seed}-{region}-{rank}",
                    region=region,
                    rank=rank,
                    requested=requested,
                    minimum=minimum,
                    recipients=recipients,
                )
            )
    # About 55 % of the first year's requests can be met; earlier decisions commit a share of every year.
    free = {
        YEARS[0]: round(requested_per_year[YEARS[0]] * 0.55, -3),
        YEARS[1]: round(requested_per_year[YEARS[1]] * 0.65, -3),
        YEARS[2]: round(requested_per_year[YEARS[2]] * 0.8, -3),
    }
    committed = {YEARS[0]: round(free[YEARS[0]] * 0.35, -3), YEARS[1]: round(free[YEARS[1]] * 0.15, -3), YEARS[2]: 0}
    frames = {year: int(free[year] + committed[year]) for year in YEARS}
    committed = {year: int(amount) for year, amount in committed.items()}
    # The whole free first-year frame is split by a staff-number key with largest remainder.
    staff = {region: rng.randint(500, 3_000) for region in region_names}
    envelopes = apportion(int(free[YEARS[0]]), staff, "largest_remainder")
    return Problem(years=YEARS, frames=frames, committed=committed, envelopes=envelopes, items=tuple(items), mode=mode)


def with_mode(problem: Problem, mode: Mode) -> Problem:
    return Problem(
        years=problem.years,
        frames=problem.frames,
        committed=problem.committed,
        envelopes=problem.envelopes,
        items=problem.items,
        mode=mode,
    )


def check(problem: Problem, proposal) -> dict[str, int]:
    """Sanity of the result (the tests check much more) and counts for the report."""
    free = {year: problem.frames[year] - problem.committed.get(year, 0) for year in problem.years}
    for year in problem.years:
        granted = sum(a.granted.get(year, 0) for a in proposal.allocations)
        assert granted <= free[year], (year, granted, free[year])
    assert len(proposal.allocations) == len(problem.items)
    counts = {"full": 0, "partial": 0, "none": 0}
    for allocation in proposal.allocations:
        counts[str(allocation.status)] += 1
    counts["first_year_granted"] = sum(a.granted[YEARS[0]] for a in proposal.allocations)
    counts["first_year_envelopes"] = sum(problem.envelopes.values())
    return counts


def timed(function, repeats: int) -> list[float]:
    function()  # warm-up
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples), 3),
        "max_ms": round(max(samples), 3),
        "min_ms": round(min(samples), 3),
        "samples": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per measurement (after one warm-up)")
    args = parser.parse_args()

    offices = [build_problem(SEED + n, regions=5, items_per_region=60, mode=Mode.RANK_ORDER) for n in range(10)]
    large = build_problem(SEED + 100, regions=10, items_per_region=300, mode=Mode.RANK_ORDER)

    results = {}
    for mode in Mode:
        problems = [with_mode(problem, mode) for problem in offices]
        big = with_mode(large, mode)
        per_office: list[float] = []
        for problem in problems:
            per_office.extend(timed(lambda problem=problem: solve(problem), args.repeats))
        national = timed(lambda problems=problems: [solve(problem) for problem in problems], args.repeats)
        single = timed(lambda big=big: solve(big), args.repeats)
        outcome = {"offices": [check(p, solve(p)) for p in problems], "large": check(big, solve(big))}
        results[str(mode)] = {
            "one_office_300_items": summary(per_office),
            "ten_offices_3000_items": summary(national),
            "one_run_3000_items": summary(single),
            "outcome": {
                "offices_total": {
                    key: sum(office[key] for office in outcome["offices"]) for key in outcome["offices"][0]
                },
                "large": outcome["large"],
            },
        }
        timings = results[str(mode)]
        print(
            f"{mode!s:17} one office (300 items): median {timings['one_office_300_items']['median_ms']:.1f} ms"
            f" | ten offices: median {timings['ten_offices_3000_items']['median_ms']:.1f} ms"
            f" | one 3 000-item run: median {timings['one_run_3000_items']['median_ms']:.1f} ms,"
            f" max {timings['one_run_3000_items']['max_ms']:.1f} ms"
        )

    report = {
        "benchmark": "allocation solver",
        "solver_version": SOLVER_VERSION,
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "processor": platform.processor() or None,
            "cpu_count": os.cpu_count(),
        },
        "setup": {
            "seed": SEED,
            "years": list(YEARS),
            "offices": 10,
            "regions_per_office": 5,
            "items_per_office": 300,
            "large_run": {"regions": 10, "items": 3000},
            "amounts_kr": [150_000, 2_500_000],
            "repeats": args.repeats,
            "warm_up_runs": 1,
            "timer": "time.perf_counter, wall clock of solve() including validation and building the output",
        },
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "solver.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / "solver.md").write_text(markdown(report), encoding="utf-8")
    print(f"wrote {RESULTS / 'solver.json'} and {RESULTS / 'solver.md'}")


def markdown(report: dict) -> str:
    machine = report["machine"]
    lines = [
        "# Allocation solver benchmark",
        "",
        f"Solver {report['solver_version']}, run {report['run_at']} on Python {machine['python']} "
        f"({machine['implementation']}), {machine['platform']}, {machine['cpu_count']} CPUs. "
        f"{report['setup']['repeats']} timed runs after one warm-up; wall-clock milliseconds of `solve()` "
        "(validation and output included).",
        "",
        "| mode | one office, 300 items: median / max | ten offices, 3 000 items: median / max "
        "| one run, 3 000 items: median / max | full / partial / none (3 000-item run) |",
        "|---|---:|---:|---:|---:|",
    ]
    for mode, result in report["results"].items():
        office, national, single = (
            result["one_office_300_items"],
            result["ten_offices_3000_items"],
            result["one_run_3000_items"],
        )
        large = result["outcome"]["large"]
        lines.append(
            f"| `{mode}` | {office['median_ms']:.1f} / {office['max_ms']:.1f} ms "
            f"| {national['median_ms']:.1f} / {national['max_ms']:.1f} ms "
            f"| {single['median_ms']:.1f} / {single['max_ms']:.1f} ms "
            f"| {large['full']} / {large['partial']} / {large['none']} |"
        )
    lines += [
        "",
        "Problems: ten offices × five regions × 60 items and one problem of ten regions × 300 items; budget years "
        f"{', '.join(map(str, report['setup']['years']))}; requests 150 000–2 500 000 kr over 1–3 years, half with a "
        "minimum of 60 %, 1–3 recipients; about 55 % of the first year's requests fit in the free frame, which is "
        "split into envelopes by a staff key. Fixed seed, so every run solves the same problems.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
