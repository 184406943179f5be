"""Command-line entry points of the knowledge layer: ``ask`` and ``kb check``."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge

if TYPE_CHECKING:
    from knowledge.answer import Answer
    from knowledge.engine import Engine


def _quiet_on_closed_pipe(command: Callable[[list[str]], int]) -> Callable[[list[str]], int]:
    """`python -m bot ask … | head` closes the pipe early: stop quietly, no traceback
    (the recipe of the Python docs for SIGPIPE)."""

    @functools.wraps(command)
    def run(argv: list[str]) -> int:
        try:
            return command(argv)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0

    return run


def _engine() -> Engine:
    from knowledge.engine import Engine

    return Engine(load_knowledge())


@_quiet_on_closed_pipe
def main_ask(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot ask", description="Answer a question.")
    parser.add_argument("question", nargs="*", help="the question (omit for a prompt)")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument("--batch", metavar="FILE", help="one question per line → JSON lines")
    parser.add_argument("--lang", choices=["vi", "en"], help="answer language (default: detect)")
    args = parser.parse_args(argv)
    try:
        engine = _engine()
    except KnowledgeError as exc:
        print(f"knowledge base is invalid:\n{exc}", file=sys.stderr)
        return 2
    if args.batch:
        source = sys.stdin if args.batch == "-" else Path(args.batch).open(encoding="utf-8")  # noqa: SIM115
        with source:
            for line in source:
                question = line.rstrip("\n")
                result = engine.answer(question, args.lang)
                print(json.dumps(_cli_json(result), ensure_ascii=False), flush=True)
        return 0
    if args.question:
        result = engine.answer(" ".join(args.question), args.lang)
        if args.json:
            print(json.dumps(_cli_json(result), ensure_ascii=False, indent=2))
        else:
            print(result.text)
        return 0
    # Interactive prompt.
    print("Hỏi về KL 44-KL/TW, QĐ 895/QĐ-TTg và các kế hoạch địa phương (Ctrl-D để thoát).")
    while True:
        try:
            question = input("? ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question.strip():
            print(engine.answer(question, args.lang).text, end="\n\n")


def _cli_json(result: Answer) -> dict[str, Any]:
    return result.as_json()


@_quiet_on_closed_pipe
def main_kb_check(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot kb check", description="Validate the knowledge base."
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="knowledge data folder")
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge(args.data)
    except KnowledgeError as exc:
        print(f"{len(exc.problems)} problem(s) in the knowledge base:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"knowledge base OK: {len(kb.documents)} documents, {len(kb.agencies)} agencies, "
        f"{len(kb.tasks)} tasks, {len(kb.campaigns)} campaigns"
    )
    for doc_id, count in kb.counts().items():
        doc = kb.documents[doc_id]
        print(f"  {doc_id:<12} {count:>3} tasks  {doc.label} ({doc.level})")
    if kb.changes:
        changed = sum(len(c.predecessors) for c in kb.changes)
        new = sum(c.kind == "established" for c in kb.changes)
        print(f"  succession: {changed} agencies changed since, {new} bodies of today without one")
    return 0
