"""message_spec.py: the fields the Jupyter messaging spec (protocol 5.4)
requires of every message a kernel sends.

harness.py runs check_message on every message a test receives through the
client it makes (shell, iopub, stdin and control), so no code path of the
kernel can send a message without its required fields (an error without
`ename`, a reply without `status`...) and pass the tests.

    check_message(msg, channel)   raise AssertionError naming what is missing
"""

HEADER_FIELDS = ("msg_id", "session", "username", "date", "msg_type", "version")

REPLY_STATUSES = ("ok", "error", "aborted")

# Required content fields: msg_type -> {field: type or tuple of types}.
_STR, _INT, _DICT, _LIST, _BOOL = str, int, dict, list, bool
CONTENT = {
    # iopub
    "status": {"execution_state": _STR},
    "stream": {"name": _STR, "text": _STR},
    "execute_input": {"code": _STR, "execution_count": _INT},
    "execute_result": {"execution_count": _INT, "data": _DICT, "metadata": _DICT},
    "display_data": {"data": _DICT, "metadata": _DICT},
    "update_display_data": {"data": _DICT, "metadata": _DICT, "transient": _DICT},
    "clear_output": {"wait": _BOOL},
    "error": {"ename": _STR, "evalue": _STR, "traceback": _LIST},
    "iopub_welcome": {"subscription": _STR},
    "comm_close": {"comm_id": _STR, "data": _DICT},
    # stdin
    "input_request": {"prompt": _STR, "password": _BOOL},
    # replies, when their status is "ok"
    "execute_reply": {"execution_count": _INT},
    "kernel_info_reply": {"protocol_version": _STR, "implementation": _STR,
                          "implementation_version": _STR, "language_info": _DICT,
                          "banner": _STR},
    "complete_reply": {"matches": _LIST, "cursor_start": _INT, "cursor_end": _INT,
                       "metadata": _DICT},
    "inspect_reply": {"found": _BOOL, "data": _DICT, "metadata": _DICT},
    "history_reply": {"history": _LIST},
    "comm_info_reply": {"comms": _DICT},
    "shutdown_reply": {"restart": _BOOL},
    "interrupt_reply": {},
}

EXECUTION_STATES = ("busy", "idle", "starting")


def _need(cond, msg, what):
    if not cond:
        raise AssertionError("%s message breaks the messaging spec: %s\n%r" % (
            msg.get("msg_type", "?"), what, msg))


def _fields(msg, content, spec):
    for key, kind in spec.items():
        _need(key in content, msg, "content has no %r" % key)
        value = content[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        _need(ok, msg, "content[%r] is %r, not a %s" % (key, value, kind.__name__))


def _error_fields(msg, content):
    _fields(msg, content, CONTENT["error"])
    _need(all(isinstance(line, str) for line in content["traceback"]), msg,
          "a traceback line is not a string")


def check_message(msg, channel):
    """Raise AssertionError unless msg (as jupyter_client gives it) carries
    every field the messaging spec requires for its type."""
    for part in ("header", "parent_header", "metadata", "content"):
        _need(isinstance(msg.get(part), dict), msg, "no %s dict" % part)
    header = msg["header"]
    for key in HEADER_FIELDS:
        _need(key in header, msg, "header has no %r" % key)
    msg_type = header["msg_type"]
    _need(msg.get("msg_type") == msg_type, msg, "msg_type differs from the header's")
    content = msg["content"]
    if msg_type == "is_complete_reply":
        _need(content.get("status") in ("complete", "incomplete", "invalid", "unknown"), msg,
              "is_complete_reply's status is %r" % content.get("status"))
        if content["status"] == "incomplete":
            _fields(msg, content, {"indent": _STR})
        return
    if msg_type.endswith("_reply"):
        status = content.get("status")
        _need(status in REPLY_STATUSES, msg, "reply status is %r" % status)
        if msg_type == "execute_reply":
            _fields(msg, content, CONTENT["execute_reply"])
        if status == "error":
            _error_fields(msg, content)
        elif status == "ok":
            _fields(msg, content, CONTENT.get(msg_type, {}))
        return
    if msg_type == "error":
        _error_fields(msg, content)
        return
    _need(msg_type in CONTENT, msg, "unknown message type on %s" % channel)
    _fields(msg, content, CONTENT[msg_type])
    if msg_type == "status":
        _need(content["execution_state"] in EXECUTION_STATES, msg, "unknown execution_state")
    if msg_type == "stream":
        _need(content["name"] in ("stdout", "stderr"), msg, "unknown stream name")
    if msg_type == "update_display_data":
        _need(isinstance(content["transient"].get("display_id"), str), msg,
              "update_display_data without transient.display_id")
