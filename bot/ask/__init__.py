"""The ask feature's rules outside the engine: small talk, the language a user names, the
agencies offered under a bare /coquan. The answers themselves come from ``knowledge/``;
the Telegram side is ``handlers/{qa,agency,browse,common}.py``."""
