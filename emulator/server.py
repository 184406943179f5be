"""The emulator's HTTP side: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``.

Start it in-process (tests, the demo, benchmarks)::

    emulator = Emulator()
    await emulator.start()                 # a free port on 127.0.0.1
    settings = load_settings(telegram_bot_token=emulator.token,
                             telegram_base_url=emulator.base_url)
    chat = emulator.private_chat(first_name="Lan")
    await chat.send("ai chủ trì rà soát luật?")
    reply = await chat.reply()
    ...
    await emulator.stop()

Requests are accepted as JSON, ``application/x-www-form-urlencoded`` and
``multipart/form-data`` (what PTB sends), plus query-string parameters. Answers have
Telegram's shape: ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …,
"description": …, "parameters": {"retry_after": …}}``.

Webhooks: after ``setWebhook`` the emulator POSTs each update, in order, to the URL (with
``X-Telegram-Bot-Api-Secret-Token`` when a secret was set), retrying until it gets a 2xx,
as Telegram does; ``getUpdates`` then answers 409.

Flood limits are always counted (``stats.violations``); they are *enforced* (HTTP 429
with ``retry_after``) only when ``enforce_flood=True`` or ``emulator.flood.enforce = True``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

from aiohttp import web

from emulator.botapi import ApiError, BotApi, Params, Upload
from emulator.client import ChatHandle
from emulator.limits import EmulatorStats, FloodController, FloodLimits
from emulator.state import JSON, ChatInfo, EmulatorState, UserInfo

log = logging.getLogger(__name__)

DEFAULT_BOT_ID = 7000000001


def make_token(bot_id: int = DEFAULT_BOT_ID) -> str:
    """A token shaped like a real one (``<bot id>:<35 characters>``)."""
    return f"{bot_id}:{secrets.token_urlsafe(26)[:35]}"


class Emulator:
    """A local Telegram Bot API server for one bot, with a user-side API for tests."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_username: str = "kl44_test_bot",
        bot_name: str = "KL44 Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limits: FloodLimits | None = None,
        enforce_flood: bool = False,
        latency: float = 0.0,
    ) -> None:
        self.token = token or make_token()
        bot_id = int(self.token.split(":", 1)[0]) if self.token[0].isdigit() else DEFAULT_BOT_ID
        bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.state = EmulatorState(bot_user)
        self.stats = EmulatorStats()
        self.flood = FloodController(flood_limits, enforce=enforce_flood)
        self.api = BotApi(self.state, self.flood, self.stats, latency=latency)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._webhook_sender: asyncio.Task[None] | None = None
        self.webhook_deliveries = 0
        #: True: every Bot API call answers 502 Bad Gateway, as during a Telegram outage
        self.outage = False
        self._next_user_id = 100000001
        self._next_group_id = -1000000000001

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url`` / ``TELEGRAM_BASE_URL`` (the token is appended)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self) -> Emulator:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # the bound socket tells the port when 0 was asked for
        if isinstance(server, asyncio.base_events.Server) and server.sockets:
            self.port = server.sockets[0].getsockname()[1]
        log.debug("emulator listening on %s", self.url)
        self._webhook_sender = asyncio.create_task(self._send_webhooks())
        return self

    async def stop(self) -> None:
        self.state.closed = True
        self.state.wake_pollers()
        self.state.notify()
        if self._webhook_sender is not None:
            self._webhook_sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_sender
            self._webhook_sender = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _send_webhooks(self) -> None:
        """Deliver pending updates to the webhook, one at a time, in order."""
        from aiohttp import ClientError, ClientSession, ClientTimeout

        state = self.state

        def next_update() -> JSON | bool | None:
            if state.closed:
                return True
            if not state.webhook.get("url"):
                return None
            batch = state.deliverable_updates(1)
            return batch[0] if batch else None

        async with ClientSession(timeout=ClientTimeout(total=10)) as http:
            while True:
                try:
                    update = await state.wait_for(next_update, timeout=60)
                except TimeoutError:
                    continue
                if update is True:
                    return
                assert isinstance(update, dict)
                headers = {}
                if state.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook["secret_token"]
                try:
                    async with http.post(state.webhook["url"], json=update, headers=headers) as r:
                        delivered = 200 <= r.status < 300
                except (ClientError, TimeoutError, OSError) as exc:
                    log.debug("webhook delivery failed: %s", exc)
                    delivered = False
                if delivered:
                    self.webhook_deliveries += 1
                    state.confirm_updates(update["update_id"] + 1)
                else:  # as Telegram: try again later (here: soon)
                    await asyncio.sleep(0.2)

    # ------------------------------------------------------------------ HTTP handlers
    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.match_info["method"]
        if self.outage:
            self.stats.errors[502] += 1
            return _json({"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
        try:
            params = await _read_params(request)
            result = await self.api.call(method, params)
        except ApiError as exc:
            self.stats.errors[exc.code] += 1
            return _json(exc.to_dict(), exc.code)
        except Exception:  # an emulator bug must not look like a Telegram answer
            log.exception("emulator failed on %s", method)
            self.stats.errors[500] += 1
            return _json(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"}, 500
            )
        return _json({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        record = self.state.file_by_path(request.match_info["path"])
        if record is None:
            return _json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(
            body=record.data, content_type=record.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ user side
    def add_user(
        self,
        user_id: int | None = None,
        first_name: str = "Lan",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> UserInfo:
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        return self.state.ensure_user(
            UserInfo(
                id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
        )

    def private_chat(
        self,
        user_id: int | None = None,
        first_name: str = "Lan",
        *,
        language_code: str | None = "vi",
        username: str | None = None,
    ) -> ChatHandle:
        """A person talking to the bot in a private chat (a new user unless ``user_id``)."""
        user = self.add_user(user_id, first_name, language_code=language_code, username=username)
        return ChatHandle(self.state, self.state.chats[user.id], user)

    def group_chat(self, title: str = "Tổ công tác", *, members: int = 1) -> list[ChatHandle]:
        """A group with ``members`` new users; one handle per member (same chat)."""
        chat = ChatInfo(id=self._next_group_id, type="group", title=title)
        self._next_group_id -= 1
        self.state.chats[chat.id] = chat
        handles = []
        for i in range(members):
            user = self.add_user(first_name=f"Member {i + 1}")
            handles.append(ChatHandle(self.state, chat, user))
        return handles

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to this chat answer 403 from now on."""
        self.state.blocked.add(chat_id)

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        """The commands the bot registered with setMyCommands for this language/scope."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        return list(self.state.commands.get(key, []))

    async def wait_commands(self, language_code: str = "", timeout: float = 10.0) -> list[JSON]:
        return await self.state.wait_for(lambda: self.commands(language_code) or None, timeout)

    async def wait_polling(self, timeout: float = 10.0) -> None:
        """Wait until the bot has called getUpdates at least once (it is listening)."""
        await self.state.wait_for(lambda: self.stats.requests["getUpdates"] > 0, timeout)
        with contextlib.suppress(TimeoutError):  # let the long poll actually start waiting
            await asyncio.sleep(0)

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a file the bot sent (by ``file_id``)."""
        return self.state.files[file_id].data


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    ctype = request.content_type
    if ctype == "application/json":
        body = await request.read()
        if body:
            try:
                data = json.loads(body)
            except ValueError:
                raise ApiError(400, "Bad Request: invalid JSON body") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Bad Request: the body must be a JSON object")
            values.update(data)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                values[key] = value
    return Params(values, files)


def _json(payload: JSON, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(payload, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
