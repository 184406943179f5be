"""Latency of answering one question: curated base vs a synthetic 10,000-task base.

Prints p50/p99 per question for both, in one run (budgets: p99 ≤ 5 ms curated,
≤ 50 ms synthetic, ../shared/DESIGN.md), wall-clock and CPU time side by side with
the machine's load (wall-clock p99 on a busy shared machine measures the neighbours).
Run: `.venv/bin/python bench/qa_latency.py`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.base import KnowledgeBase
from knowledge.deadlines import parse_deadline
from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from knowledge.model import Task

QA_DIR = Path(__file__).resolve().parents[1] / "tests" / "qa"
# The test set, the held-out set, the probe set and the officers' set (lists, counts,
# time relative to today, compound questions, near-misses): every path of the engine.
QUESTION_FILES = [
    QA_DIR / "questions.yaml",
    QA_DIR / "heldout.yaml",
    QA_DIR / "probe.yaml",
    QA_DIR / "officers.yaml",
]
# Kinds of officers.yaml that list or count duties (measured apart as well).
LIST_KINDS = {"list", "count", "relative"}
FALLBACK = [
    "ai chu tri ra soat luat hoat dong chu thap do",
    "Bộ Nội vụ phải làm gì?",
    "khi nao phai xong so ket nd 93",
    "who leads the review of the Red Cross law",
    "thoi tiet ha noi hom nay",
]


def questions() -> list[tuple[str, str]]:
    """(question, kind) of every question file."""
    found = [
        (item["q"], item.get("kind", "plain"))
        for path in QUESTION_FILES
        if path.exists()
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    return found or [(q, "plain") for q in FALLBACK]


def synthetic(kb: KnowledgeBase, size: int, seed: int = 44) -> KnowledgeBase:
    """A base of ``size`` tasks made by recombining the curated titles' words."""
    rng = random.Random(seed)
    words = [w for t in kb.tasks.values() for w in t.title.split()]
    agencies = list(kb.agencies)
    deadlines = ["12/2023", "Năm 2023 - 2024", "Thường xuyên", "Hàng năm", "", "Quý II/2025"]
    tasks = list(kb.tasks.values())
    doc_ids = list(kb.documents)
    while len(tasks) < size:
        n = len(tasks)
        title = " ".join(rng.choices(words, k=rng.randint(6, 25)))
        tasks.append(
            Task(
                id=f"syn_{n}",
                document=rng.choice(doc_ids),
                ref=f"Mục {n // 20}.{n % 20}",
                section=str(n // 20),
                title=title,
                lead=rng.sample(agencies, 1),
                coordinate=rng.sample(agencies, rng.randint(0, 4)),
                deadline=rng.choice(deadlines),
                output=" ".join(rng.choices(words, k=6)),
                seed_line=1,
            )
        )
    return KnowledgeBase(
        list(kb.documents.values()),
        list(kb.agencies.values()),
        tasks,
        list(kb.campaigns.values()),
        {t.id: parse_deadline(t.deadline) for t in tasks},
    )


Timing = tuple[list[float], list[float], list[bool]]


def measure(engine: Engine, qs: list[tuple[str, str]], rounds: int) -> Timing:
    """Wall-clock and CPU milliseconds per question (CPU time is what the engine costs
    when the shared machine is busy with other work), and whether each was a list one."""
    for q, _ in qs:  # warm caches
        engine.answer(q)
    wall, cpu, listed = [], [], []
    for _ in range(rounds):
        for q, kind in qs:
            start, start_cpu = time.perf_counter(), time.thread_time()
            engine.answer(q)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
            listed.append(kind in LIST_KINDS)
    return wall, cpu, listed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    kb = load_knowledge()
    qs = questions()
    start = time.perf_counter()
    curated = Engine(kb)
    build_curated = time.perf_counter() - start
    big_kb = synthetic(kb, 10_000)
    start = time.perf_counter()
    big = Engine(big_kb)
    build_big = time.perf_counter() - start
    cur = measure(curated, qs, rounds=5)
    big_t = measure(big, qs, rounds=1)
    n_list = sum(1 for _, kind in qs if kind in LIST_KINDS)
    print(
        f"questions: {len(qs)} ({n_list} lists/counts/relative); load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'base':<22}{'tasks':>7}{'build s':>9}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
        f"{'cpu p50':>9}{'cpu p99':>9}{'budget':>8}"
    )
    for name, eng, (times, cpu, listed), build, budget in (
        ("curated", curated, cur, build_curated, 5.0),
        ("synthetic 10k", big, big_t, build_big, 50.0),
    ):
        for label, keep in (("all", None), ("lists/counts", True)):
            t = [x for x, f in zip(times, listed, strict=True) if keep is None or f == keep]
            c = [x for x, f in zip(cpu, listed, strict=True) if keep is None or f == keep]
            verdict = "ok" if pct(t, 99) <= budget else "OVER"
            print(
                f"{name + ', ' + label:<22}{len(eng.kb.tasks):>7}{build:>9.2f}{pct(t, 50):>9.2f}"
                f"{pct(t, 99):>9.2f}{statistics.mean(t):>9.2f}"
                f"{pct(c, 50):>9.2f}{pct(c, 99):>9.2f}{verdict:>8}"
            )
    print(f"ratio p99 synthetic/curated: {pct(big_t[0], 99) / pct(cur[0], 99):.1f}x")


if __name__ == "__main__":
    main()
