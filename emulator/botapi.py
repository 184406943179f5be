"""Bot API method implementations working on :class:`~emulator.state.EmulatorState`."""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.formatting import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    EntityParseError,
    parse_text,
    utf16_len,
)
from emulator.limits import EmulatorStats, FloodController, FloodViolation
from emulator.media import image_size, photo_size
from emulator.state import (
    DEFAULT_UPDATE_TYPES,
    JSON,
    CallbackRecord,
    ChatInfo,
    EmulatorState,
    StoredFile,
    StoredMessage,
)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
#: message fields copied by copyMessage / forwardMessage
CONTENT_FIELDS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "document",
    "photo",
    "sticker",
    "location",
)


class ApiError(Exception):
    """A Bot API error response."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_dict(self) -> JSON:
        data: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    data: bytes
    content_type: str | None


class Params:
    """Request parameters from a query string, a form, a multipart body or a JSON body.

    Form values are strings (PTB JSON-encodes non-string values such as ``reply_markup``);
    JSON bodies carry typed values. The getters accept both.
    """

    def __init__(self, values: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def get_float(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Float') from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def get_json(self, name: str, error: str | None = None) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None


Handler = Callable[[Params], Any]


class BotApi:
    """Dispatches Bot API calls. Method names are case-insensitive, as in Telegram."""

    def __init__(
        self,
        state: EmulatorState,
        flood: FloodController,
        stats: EmulatorStats,
        *,
        latency: float = 0.0,
    ) -> None:
        self.state = state
        self.flood = flood
        self.stats = stats
        self.latency = latency
        self._poll_generation = 0
        self.methods: dict[str, tuple[str, Handler]] = {}
        for name in [
            "getMe",
            "getUpdates",
            "setWebhook",
            "deleteWebhook",
            "getWebhookInfo",
            "logOut",
            "close",
            "setMyCommands",
            "getMyCommands",
            "deleteMyCommands",
            "setChatMenuButton",
            "getChatMenuButton",
            "setMyDescription",
            "getMyDescription",
            "setMyShortDescription",
            "getMyShortDescription",
            "setMyName",
            "getMyName",
            "sendMessage",
            "editMessageText",
            "editMessageReplyMarkup",
            "editMessageCaption",
            "deleteMessage",
            "deleteMessages",
            "answerCallbackQuery",
            "sendDocument",
            "sendPhoto",
            "sendSticker",
            "sendLocation",
            "sendChatAction",
            "getChat",
            "getFile",
            "copyMessage",
            "forwardMessage",
        ]:
            handler = getattr(self, "m_" + _snake(name))
            self.methods[name.lower()] = (name, handler)

    async def call(self, method: str, params: Params) -> Any:
        entry = self.methods.get(method.lower())
        if entry is None:
            raise ApiError(404, "Not Found: method not found")
        name, handler = entry
        self.stats.requests[name] += 1
        if name == "getUpdates":
            self.state.notify()  # someone may be waiting for the bot to start polling
        if self.latency and name != "getUpdates":
            await asyncio.sleep(self.latency)
        result = handler(params)
        if inspect.isawaitable(result):
            result = await result
        return result

    # ================================================================== helpers
    def _chat(self, params: Params, field: str = "chat_id") -> ChatInfo:
        ref = params.values.get(field)
        if ref is None or ref == "":
            raise bad_request("chat_id is empty")
        chat = self.state.find_chat(ref)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, params: Params) -> ChatInfo:
        chat = self._chat(params)
        if chat.id in self.state.blocked:
            if chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        return chat

    def _flood_check(self, chat_id: int, method: str) -> None:
        hit = self.flood.check(chat_id)
        if hit is None:
            return
        rule, retry_after = hit
        violation = FloodViolation(
            chat_id=chat_id,
            method=method,
            rule=rule,
            retry_after=retry_after,
            at=self.flood.clock(),
            enforced=self.flood.enforce,
        )
        self.stats.violations.append(violation)
        if self.flood.enforce:
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )

    def _formatted(
        self, params: Params, field: str, mode_field: str, entities_field: str
    ) -> tuple[str, list[JSON]]:
        raw = params.get_str(field) or ""
        try:
            return parse_text(
                raw, params.get_str(mode_field), params.get_json(entities_field) or None
            )
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None

    def _text(self, params: Params) -> JSON:
        if not (params.get_str("text") or "").strip():
            raise bad_request("message text is empty")
        text, entities = self._formatted(params, "text", "parse_mode", "entities")
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return content

    def _caption(self, params: Params) -> JSON:
        text, entities = self._formatted(params, "caption", "parse_mode", "caption_entities")
        if utf16_len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        content: JSON = {}
        if text:
            content["caption"] = text
        if entities:
            content["caption_entities"] = entities
        return content

    def _reply_markup(self, params: Params) -> tuple[JSON | None, JSON | None]:
        """Validate ``reply_markup``; return ``(inline_keyboard_markup, other_markup)``."""
        if not params.has("reply_markup"):
            return None, None
        error = "can't parse reply keyboard markup JSON object"
        markup = params.get_json("reply_markup", error)
        if not isinstance(markup, dict):
            raise bad_request(error)
        if "inline_keyboard" in markup:
            return self._inline_keyboard(markup), None
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(error)
            normalized = [
                [{"text": b} if isinstance(b, str) else dict(b) for b in row] for row in rows
            ]
            if any(not str(b.get("text", "")).strip() for row in normalized for b in row):
                raise bad_request("keyboard button text must be non-empty")
            return None, {**markup, "keyboard": normalized}
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return None, dict(markup)
        raise bad_request(error)

    @staticmethod
    def _inline_keyboard(markup: JSON) -> JSON:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                actions = [key for key in INLINE_BUTTON_ACTIONS if key in button]
                if not actions:
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= 64:
                        raise bad_request("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = str(button["url"])
                    if not url.startswith(("http://", "https://", "tg://")):
                        raise bad_request(
                            f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
                        )
        return {"inline_keyboard": copy.deepcopy(rows)}

    def _reply_to(self, chat: ChatInfo, params: Params) -> JSON | None:
        reply = params.get_json("reply_parameters") or {}
        if not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        message_id = reply.get("message_id") or params.get_int("reply_to_message_id")
        if not message_id:
            return None
        allow = bool(reply.get("allow_sending_without_reply")) or params.get_bool(
            "allow_sending_without_reply"
        )
        target_chat = chat.id
        if reply.get("chat_id") not in (None, ""):
            found = self.state.find_chat(reply["chat_id"])
            target_chat = found.id if found else 0
        stored = self.state.get_message(target_chat, int(message_id))
        if stored is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        original = copy.deepcopy(stored.data)
        original.pop("reply_to_message", None)
        return original

    def _send(
        self,
        method: str,
        params: Params,
        build: Callable[[ChatInfo], JSON],
    ) -> JSON:
        """Common path of every send*: validate, apply flood limits, store, return Message."""
        chat = self._writable_chat(params)
        content = build(chat)
        inline, other_markup = self._reply_markup(params)
        reply_to = self._reply_to(chat, params)
        self._flood_check(chat.id, method)
        message: JSON = {
            "message_id": self.state.next_message_id(chat.id),
            "from": dict(self.state.bot_user),
            "chat": chat.to_dict(),
            "date": int(time.time()),
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if params.get_bool("protect_content"):
            message["has_protected_content"] = True
        if inline is not None:
            message["reply_markup"] = inline
        self._apply_keyboard(chat.id, other_markup)
        self.stats.sent[chat.id].append(self.flood.record(chat.id))
        self.state.store_message(
            chat.id, message, from_bot=True, method=method, reply_keyboard=other_markup
        )
        return copy.deepcopy(message)

    def _apply_keyboard(self, chat_id: int, markup: JSON | None) -> None:
        if markup is None:
            return
        if "keyboard" in markup:
            self.state.reply_keyboards[chat_id] = markup
        elif markup.get("remove_keyboard"):
            self.state.reply_keyboards.pop(chat_id, None)

    def _input_file(self, params: Params, field: str, kind: str) -> StoredFile:
        upload = params.files.get(field)
        value = params.get_str(field)
        if upload is None and value and value.startswith("attach://"):
            upload = params.files.get(value.removeprefix("attach://"))
        if upload is not None:
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            return self.state.add_file(upload.data, kind, filename=upload.filename, mime_type=mime)
        if not value:
            raise bad_request(f"there is no {field} in the request")
        if value in self.state.files:
            return self.state.files[value]
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self.state.add_file(
                b"",
                kind,
                filename=name,
                mime_type=mimetypes.guess_type(name or "")[0],
                source_url=value,
            )
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _own_message(self, params: Params) -> StoredMessage:
        if params.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = params.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = self.state.get_message(chat.id, message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def _edit(self, stored: StoredMessage, changes: JSON, inline: JSON | None) -> JSON:
        new = copy.deepcopy(stored.data)
        for key, value in changes.items():
            if value is None:
                new.pop(key, None)
            else:
                new[key] = value
        if inline is None:
            new.pop("reply_markup", None)
        else:
            new["reply_markup"] = inline
        new.pop("edit_date", None)
        old = dict(stored.data)
        old.pop("edit_date", None)
        if new == old:
            raise bad_request(NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        stored.history.append(stored.data)
        stored.data = new
        self.state.record_edit(stored)
        return copy.deepcopy(new)

    # ================================================================== bot & updates
    def m_get_me(self, params: Params) -> JSON:
        return dict(self.state.bot_user)

    def m_log_out(self, params: Params) -> bool:
        return True

    def m_close(self, params: Params) -> bool:
        return True

    async def m_get_updates(self, params: Params) -> list[JSON]:
        state = self.state
        if state.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset", 0) or 0
        limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
        timeout = max(params.get_float("timeout", 0.0) or 0.0, 0.0)
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            state.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
        self._poll_generation += 1
        generation = self._poll_generation
        state.wake_pollers()  # an older long poll gets 409, as on Telegram
        state.confirm_updates(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            batch = state.deliverable_updates(limit)
            if batch or state.closed:
                return copy.deepcopy(batch)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await state.wait_update(remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    def m_set_webhook(self, params: Params) -> bool:
        url = params.get_str("url") or ""
        if url and not url.startswith("https://") and not url.startswith("http://"):
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        self.state.webhook = {
            "url": url,
            "max_connections": params.get_int("max_connections", 40),
            "allowed_updates": params.get_json("allowed_updates"),
            "secret_token": params.get_str("secret_token"),
        }
        if params.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        self.state.wake_pollers()
        self.state.notify()  # the webhook sender starts delivering
        return True

    def m_delete_webhook(self, params: Params) -> bool:
        self.state.webhook = {"url": ""}
        if params.get_bool("drop_pending_updates"):
            self.state.updates.clear()
        return True

    def m_get_webhook_info(self, params: Params) -> JSON:
        info: JSON = {
            "url": self.state.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if info["url"]:
            info["max_connections"] = self.state.webhook.get("max_connections") or 40
            if self.state.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.state.webhook["allowed_updates"]
        return info

    # ================================================================== commands & menu
    @staticmethod
    def _scope_key(params: Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""

    def m_set_my_commands(self, params: Params) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        cleaned: list[JSON] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse commands JSON object")
            command = str(item.get("command", "")).removeprefix("/")
            description = str(item.get("description", ""))
            if (
                not command
                or len(command) > 32
                or not all(
                    c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in command
                )
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        self.state.commands[self._scope_key(params)] = cleaned
        self.state.notify()
        return True

    def m_get_my_commands(self, params: Params) -> list[JSON]:
        return copy.deepcopy(self.state.commands.get(self._scope_key(params), []))

    def m_delete_my_commands(self, params: Params) -> bool:
        self.state.commands.pop(self._scope_key(params), None)
        self.state.notify()
        return True

    def m_set_chat_menu_button(self, params: Params) -> bool:
        chat_id = self._chat(params).id if params.has("chat_id") else None
        button = params.get_json("menu_button") or {"type": "default"}
        self.state.menu_buttons[chat_id] = button
        return True

    def m_get_chat_menu_button(self, params: Params) -> JSON:
        chat_id = self._chat(params).id if params.has("chat_id") else None
        button = self.state.menu_buttons.get(chat_id) or self.state.menu_buttons.get(None)
        if not button or button.get("type") == "default":
            return {"type": "commands"}
        return button

    def _set_bot_text(self, params: Params, kind: str, field: str) -> bool:
        self.state.bot_texts[(kind, params.get_str("language_code") or "")] = (
            params.get_str(field) or ""
        )
        return True

    def _get_bot_text(self, params: Params, kind: str, field: str) -> JSON:
        key = (kind, params.get_str("language_code") or "")
        default = self.state.bot_user["first_name"] if kind == "name" else ""
        return {field: self.state.bot_texts.get(key, default)}

    def m_set_my_description(self, params: Params) -> bool:
        return self._set_bot_text(params, "description", "description")

    def m_get_my_description(self, params: Params) -> JSON:
        return self._get_bot_text(params, "description", "description")

    def m_set_my_short_description(self, params: Params) -> bool:
        return self._set_bot_text(params, "short_description", "short_description")

    def m_get_my_short_description(self, params: Params) -> JSON:
        return self._get_bot_text(params, "short_description", "short_description")

    def m_set_my_name(self, params: Params) -> bool:
        return self._set_bot_text(params, "name", "name")

    def m_get_my_name(self, params: Params) -> JSON:
        return self._get_bot_text(params, "name", "name")

    # ================================================================== sending
    def m_send_message(self, params: Params) -> JSON:
        return self._send("sendMessage", params, lambda chat: self._text(params))

    def m_send_document(self, params: Params) -> JSON:
        def build(chat: ChatInfo) -> JSON:
            caption = self._caption(params)
            record = self._input_file(params, "document", "document")
            document: JSON = {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "file_size": len(record.data),
            }
            if record.filename:
                document["file_name"] = record.filename
            if record.mime_type:
                document["mime_type"] = record.mime_type
            return {"document": document, **caption}

        return self._send("sendDocument", params, build)

    def m_send_photo(self, params: Params) -> JSON:
        def build(chat: ChatInfo) -> JSON:
            caption = self._caption(params)
            record = self._input_file(params, "photo", "photo")
            size = (0, 0) if record.source_url else image_size(record.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            photo = photo_size(record, *size)
            return {"photo": [photo], **caption}

        return self._send("sendPhoto", params, build)

    def m_send_sticker(self, params: Params) -> JSON:
        def build(chat: ChatInfo) -> JSON:
            record = self._input_file(params, "sticker", "sticker")
            sticker: JSON = {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "file_size": len(record.data),
            }
            if params.has("emoji"):
                sticker["emoji"] = params.get_str("emoji")
            return {"sticker": sticker}

        return self._send("sendSticker", params, build)

    def m_send_location(self, params: Params) -> JSON:
        def build(chat: ChatInfo) -> JSON:
            latitude = params.get_float("latitude")
            longitude = params.get_float("longitude")
            if latitude is None or longitude is None:
                raise bad_request("wrong latitude or longitude specified")
            return {"location": {"latitude": latitude, "longitude": longitude}}

        return self._send("sendLocation", params, build)

    def _source_message(self, params: Params) -> StoredMessage:
        source_chat = self._chat(params, "from_chat_id")
        message_id = params.get_int("message_id")
        stored = self.state.get_message(source_chat.id, message_id or 0)
        if stored is None:
            raise bad_request("message to copy not found")
        return stored

    def m_copy_message(self, params: Params) -> JSON:
        source = self._source_message(params)

        def build(chat: ChatInfo) -> JSON:
            content = {k: copy.deepcopy(source.data[k]) for k in CONTENT_FIELDS if k in source.data}
            if params.has("caption") and ("caption" in content or "document" in content):
                content.pop("caption_entities", None)
                content.update(self._caption(params))
            return content

        message = self._send("copyMessage", params, build)
        return {"message_id": message["message_id"]}

    def m_forward_message(self, params: Params) -> JSON:
        source = self._source_message(params)

        def build(chat: ChatInfo) -> JSON:
            content = {k: copy.deepcopy(source.data[k]) for k in CONTENT_FIELDS if k in source.data}
            origin: JSON = {
                "type": "user",
                "sender_user": source.data["from"],
                "date": source.data["date"],
            }
            return {"forward_origin": origin, **content}

        return self._send("forwardMessage", params, build)

    def m_send_chat_action(self, params: Params) -> bool:
        chat = self._writable_chat(params)
        action = params.get_str("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.chat_actions.append(
            {"chat_id": chat.id, "action": action, "at": time.monotonic()}
        )
        self.state.notify()
        return True

    # ================================================================== editing
    def m_edit_message_text(self, params: Params) -> JSON:
        stored = self._own_message(params)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        content = self._text(params)
        inline, _ = self._reply_markup(params)
        return self._edit(stored, {"entities": None, **content}, inline)

    def m_edit_message_caption(self, params: Params) -> JSON:
        stored = self._own_message(params)
        if "text" in stored.data:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        inline, _ = self._reply_markup(params)
        changes: JSON = {"caption": None, "caption_entities": None, **caption}
        return self._edit(stored, changes, inline)

    def m_edit_message_reply_markup(self, params: Params) -> JSON:
        stored = self._own_message(params)
        inline, _ = self._reply_markup(params)
        return self._edit(stored, {}, inline)

    def m_delete_message(self, params: Params) -> bool:
        chat = self._chat(params)
        stored = self.state.get_message(chat.id, params.get_int("message_id") or 0)
        if stored is None:
            raise bad_request("message to delete not found")
        stored.deleted = True
        self.state.notify()
        return True

    def m_delete_messages(self, params: Params) -> bool:
        chat = self._chat(params)
        ids = params.get_json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a non-empty array")
        for message_id in ids:
            stored = self.state.get_message(chat.id, int(message_id))
            if stored is not None:
                stored.deleted = True
        self.state.notify()
        return True

    def m_answer_callback_query(self, params: Params) -> bool:
        query_id = params.get_str("callback_query_id") or ""
        record: CallbackRecord | None = self.state.callbacks.get(query_id)
        if record is None or record.answer is not None:
            raise bad_request(QUERY_TOO_OLD)
        record.answer = {
            "callback_query_id": query_id,
            "data": record.query.get("data"),
            "text": params.get_str("text"),
            "show_alert": params.get_bool("show_alert"),
            "url": params.get_str("url"),
            "cache_time": params.get_int("cache_time", 0),
        }
        self.state.notify()
        return True

    # ================================================================== chats & files
    def m_get_chat(self, params: Params) -> JSON:
        chat = self._chat(params)
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def m_get_file(self, params: Params) -> JSON:
        record = self.state.files.get(params.get_str("file_id") or "")
        if record is None:
            raise bad_request("invalid file_id")
        return record.to_file()


# ====================================================================== utilities


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)
