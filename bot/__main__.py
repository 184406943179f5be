"""Command-line entry point: ``python -m bot [command]`` (also the ``kl44-bot`` script).

Commands:
  (none) / run      run the bot (Telegram when a token is set; otherwise the question prompt)
  ask [QUESTION]    answer one question (``--json``, ``--batch FILE``); no question: a prompt
  kb check          validate the knowledge base and print counts per document
  db upgrade        migrate the database to the latest revision (also: db current, db sync)
"""

from __future__ import annotations

import sys

USAGE = """usage: python -m bot [command]

commands:
  run                run the bot (the default)
  ask [QUESTION]     answer a question; --json for JSON, --batch FILE for many
  kb check           validate the knowledge base
  db upgrade         migrate the database (db current, db sync)
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "run"
    if command in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    if command == "ask":
        from knowledge.cli import main_ask

        return main_ask(args)
    if command == "kb":
        sub = args.pop(0) if args else ""
        if sub != "check":
            print("usage: python -m bot kb check [--data DIR]", file=sys.stderr)
            return 2
        from knowledge.cli import main_kb_check

        return main_kb_check(args)
    if command == "db":
        from bot.db.cli import main_db

        return main_db(args)
    if command == "run":
        from knowledge.cli import main_ask

        print("Telegram is not wired yet: opening the question prompt.", file=sys.stderr)
        return main_ask([])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
