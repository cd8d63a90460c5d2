"""test_layers.py: folders are rooms, and calls go downstairs (STYLE.md).

Every #include "ROOM/..." in kernel/src is checked against the kernel's
order of rooms: a file may include headers of its own room and of rooms
below it, never of a room above.  A name a lower room needs from a higher
one is handed in (a callback, a parameter) or moves down.
"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = ROOT / "kernel" / "src"

# Higher numbers are higher rooms.  Rooms on one floor do not include each
# other.
ROOMS = {
    # main.c: reads the arguments, starts the threads, serves the shell.
    "": 7,
    # The Jupyter wire: connection file, messages, HMAC, the sockets and
    # their threads, the handler table, the kernel's state (kernel.h), and
    # what displays and stdin reads become on the wire (display.c, input.c).
    "protocol": 6,
    # A notebook written as one C program (seli-kernel export): it splits
    # cells with the session's front end and may turn magics into code; on
    # the protocol's floor, and the two never include each other.
    "export": 6,
    # The process's own streams: stdout/stderr capture, the stdin stream and
    # libseli's display sink.  What they publish is handed in (callbacks
    # from main.c and protocol/), so io needs nothing of the protocol.
    "io": 5,
    # Magics (%timeit, %whos, %link...): lines of a cell that start with '%';
    # the protocol hands every cell here, and the rest goes to the session.
    "magic": 5,
    # Completion and inspection: they read the session's state.
    "introspection": 4,
    # The persistent C session: preamble, translation units, redefinition.
    "session": 3,
    # The cell front end (lexing, splitting a cell) and the runtime (libtcc,
    # the signal guard): the session uses both; they do not know each other.
    "frontend": 2,
    "runtime": 2,
    # How a C value is written (scalars, arrays, structs as C initialisers),
    # for a cell's result and for %whos.
    "value": 2,
    # Small helpers every room may use: logging, UTF-8, files, time.
    "util": 1,
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z_]+)/[^"]+"', re.M)


def room_of(path):
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else ""


def test_every_source_folder_is_a_known_room():
    folders = {p.name for p in SRC.iterdir() if p.is_dir()}
    assert folders <= set(ROOMS), f"rooms missing from the table: {sorted(folders - set(ROOMS))}"


def test_includes_go_downstairs():
    upward = []
    for path in sorted(SRC.rglob("*.[ch]")):
        room = room_of(path)
        for m in INCLUDE.finditer(path.read_text(errors="replace")):
            target = m.group(1)
            if target not in ROOMS or target == room:
                continue
            if ROOMS[target] >= ROOMS[room]:
                line = path.read_text(errors="replace")[: m.start()].count("\n") + 1
                upward.append(
                    f"{path.relative_to(ROOT)}:{line}: {room or 'main'} includes {m.group(0).strip()}"
                )
    assert not upward, "includes that go upstairs or sideways:\n" + "\n".join(upward)


def test_no_header_outside_a_room():
    loose = [p.name for p in SRC.glob("*.h")]
    assert not loose, f"headers at the top of kernel/src belong in a room: {loose}"
