"""The shape of the source tree: rooms of a readable size, functions a reader
can hold in mind, a comment on every public function, and every environment
variable that the code reads documented in docs/configuration.md.

The function scanner reads C as clang-format leaves it (.clang-format:
BreakBeforeBraces: Linux, so a function's opening brace stands alone at
column 0 and its closing brace ends at column 0); it strips comments, string
and character literals and preprocessor lines first, then matches braces, so
it also copes with a signature line that ends in "{"."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE_ROOTS = [ROOT / "libseli" / "src", ROOT / "kernel" / "src"]
FUNCTION_ROOTS = SOURCE_ROOTS + [ROOT / "kernel" / "launcher"]
PUBLIC_HEADERS = ROOT / "libseli" / "include" / "seli"
CONFIG_DOC = ROOT / "docs" / "configuration.md"

MAX_C_FILES_PER_FOLDER = 16
MAX_FUNCTION_LINES = 80


# --------------------------------------------------------------- the scanner

def strip_c(text):
    """text with comments, string and character literals and preprocessor
    lines (with their continuations) replaced by spaces; newlines and columns
    stay where they were, so line numbers still hold."""
    out = []
    i, n = 0, len(text)
    line_start = True  # only whitespace seen since the last newline
    while i < n:
        c = text[i]
        if c == "\n":
            out.append(c)
            line_start = True
            i += 1
        elif line_start and c == "#":
            # a directive, up to a newline not preceded by a backslash
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                if text.startswith("/*", i):  # a comment may hide the newline
                    end = text.find("*/", i + 2)
                    end = n if end < 0 else end + 2
                    out.append(re.sub(r"[^\n]", " ", text[i:end]))
                    i = end
                    continue
                out.append(" ")
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + (c if j - i >= 2 else ""))
            i = j
            line_start = False
        else:
            out.append(c)
            if not c.isspace():
                line_start = False
            i += 1
    return "".join(out)


NOT_NAMES = {"int", "char", "void", "short", "long", "float", "double", "signed", "unsigned",
             "const", "volatile", "static", "inline", "extern", "restrict", "_Bool",
             "__attribute__", "__declspec", "__typeof__", "typeof", "sizeof"}


def function_name(head):
    """The name a function head declares: the first identifier that a
    parenthesis follows, keywords and __attribute__ aside (so
    "int (*pick(int k))(void)" declares pick)."""
    for m in re.finditer(r"([A-Za-z_]\w*)\s*\(", head):
        if m.group(1) not in NOT_NAMES:
            return m.group(1)
    return "?"


def functions(text):
    """(name, first line, last line) of every function defined at file scope
    in the C source text; lines count from 1, first is the signature's first
    line and last the line of the closing brace."""
    code = strip_c(text)
    found = []
    depth = 0
    head_start = 0  # where the text before the next top-level "{" begins
    is_function = False
    name = None
    first = 0
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                head = code[head_start:i]
                flat = " ".join(head.split())
                is_function = (flat.endswith(")") and "=" not in flat.replace("==", "")
                               and not re.match(r"(typedef|struct|union|enum)\b", flat))
                if is_function:
                    name = function_name(flat)
                    lead = len(head) - len(head.lstrip())
                    first = code.count("\n", 0, head_start + lead) + 1
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                if is_function:
                    found.append((name, first, code.count("\n", 0, i) + 1))
                is_function = False
                head_start = i + 1
            elif depth < 0:  # unbalanced (a brace in an #if branch): start over
                depth = 0
                head_start = i + 1
        elif c == ";" and depth == 0:
            head_start = i + 1
    return found


def source_files(roots, suffixes=(".c", ".h")):
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix in suffixes:
                yield p


def long_functions(limit=MAX_FUNCTION_LINES, roots=FUNCTION_ROOTS):
    """(path, line, name, length) of every function over limit lines."""
    out = []
    for path in source_files(roots):
        for name, first, last in functions(path.read_text(errors="replace")):
            if last - first + 1 > limit:
                out.append((path.relative_to(ROOT), first, name, last - first + 1))
    return out


# ------------------------------------------------------- the scanner, tested

SAMPLE = r'''/* sample.c: a comment with a { brace and a "string */
#include <stdio.h>
#define BLOCK(x) do { \
        x;            \
    } while (0)

static const struct {
    const char *name;
    int n;
} table[] = {{"{", 1}, {"}", 2}};

typedef struct point {
    int x, y;
} point;

int short_one(void) { return 1; }

static int
split_signature(int a,
                int b)
{
    /* } in a comment */
    const char *s = "}{";
    char c = '}';
    if (a) {
        return b;
    }
    return s[0] + c;
}

int same_line(int a) {
    return a;
}

int (*pointer_returning(int k))(void)
{
    return 0;
}

enum colour { RED, GREEN };
'''


def test_scanner_finds_each_function_with_its_signature_and_closing_brace():
    got = functions(SAMPLE)
    assert got == [("short_one", 16, 16), ("split_signature", 18, 29),
                   ("same_line", 31, 33), ("pointer_returning", 35, 38)], got


def test_scanner_ignores_braces_in_comments_strings_macros_and_initialisers():
    names = [name for name, _, _ in functions(SAMPLE)]
    assert "table" not in names and "point" not in names and "colour" not in names
    assert "BLOCK" not in names


def test_scanner_measures_a_known_long_function_of_the_tree():
    # cell.c's `declaration` was 204 lines when the tree moved into folders;
    # if it has been split, the scanner must at least find the file's functions.
    text = (ROOT / "kernel" / "src" / "frontend" / "cell.c").read_text()
    found = {name: last - first + 1 for name, first, last in functions(text)}
    assert "cell_parse" in found, sorted(found)
    lines = text.splitlines()
    for name, first, last in functions(text):
        assert name in lines[first - 1], (name, lines[first - 1])
        if last > first:  # a one-line function opens and closes on its signature line
            assert lines[last - 1].startswith("}"), (name, lines[last - 1])


# ------------------------------------------------------------- the tree rules

def test_no_source_folder_holds_more_than_16_c_files():
    crowded = []
    for root in SOURCE_ROOTS:
        for folder in [root] + sorted(p for p in root.rglob("*") if p.is_dir()):
            n = len(list(folder.glob("*.c")))
            if n > MAX_C_FILES_PER_FOLDER:
                crowded.append(f"{folder.relative_to(ROOT)}: {n} .c files")
    assert not crowded, ("folders over %d .c files (split the room by concept):\n  "
                         % MAX_C_FILES_PER_FOLDER + "\n  ".join(crowded))


def test_no_function_is_longer_than_80_lines():
    offenders = long_functions()
    listing = "\n  ".join(f"{path}:{line} {name} {length} lines"
                          for path, line, name, length in offenders)
    assert not offenders, (f"{len(offenders)} functions over {MAX_FUNCTION_LINES} lines "
                           f"(signature to closing brace); split them:\n  {listing}")


# ------------------------------------------- comments on the public functions

def public_function_declarations(text):
    """(name, first line, last line) of each function declared (or defined
    inline) at file scope in a header, for names starting with seli_."""
    code = strip_c(text)
    out = []
    depth = 0
    head_start = 0
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                head_start_body = head_start
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                head = code[head_start_body:i]
                head_start = i + 1
                flat = " ".join(head.split())
                if not flat.startswith(("typedef", "struct", "union", "enum")):
                    # an inline function: the head runs to its "{"
                    sig = head[:head.find("{")]
                    _declaration(out, code, head_start_body, sig, i)
        elif c == ";" and depth == 0:
            _declaration(out, code, head_start, code[head_start:i], i)
            head_start = i + 1
    return out


def _declaration(out, code, start, head, end):
    flat = " ".join(head.split())
    if "(" not in flat or flat.startswith(("typedef", "struct", "union", "enum")):
        return
    name = function_name(flat)
    if not name.startswith("seli_"):
        return
    lead = len(head) - len(head.lstrip())
    first = code.count("\n", 0, start + lead) + 1
    out.append((name, first, code.count("\n", 0, end) + 1))


def has_comment(lines, first, last, code_lines=None):
    """As the kernel's inspect reads it (kernel/src/introspection/inspect.c):
    a comment beside the declaration on the line where it ends, or a comment
    on lines of its own ending on the line just above (not a section title
    such as "/* --- creation --- */")."""
    end = lines[last - 1]
    # the ';' that ends the declaration, not one inside the comment beside it
    semi = (code_lines or lines)[last - 1].rfind(";")
    if semi >= 0 and re.search(r"/[*/]", end[semi:]):
        return True
    if first < 2:
        return False
    above = lines[first - 2].rstrip()
    if above.lstrip().startswith("//"):
        return True
    if not above.endswith("*/"):
        return False
    k = first - 2
    while k >= 0 and "/*" not in lines[k]:
        k -= 1
    if k < 0:
        return False
    opening = lines[k]
    hit = opening.rfind("/*")
    return opening[:hit].strip() == "" and not opening[hit:].startswith("/* ---")


def test_every_public_function_has_a_comment_above_or_beside_it():
    bare = []
    for header in sorted(PUBLIC_HEADERS.glob("*.h")):
        text = header.read_text()
        lines, code_lines = text.splitlines(), strip_c(text).splitlines()
        for name, first, last in public_function_declarations(text):
            if not has_comment(lines, first, last, code_lines):
                bare.append(f"{header.relative_to(ROOT)}:{first} {name}")
    assert not bare, ("public functions without a comment directly above or beside them "
                      "(the kernel's inspect shows that comment; a section title does not "
                      "count):\n  " + "\n  ".join(bare))


def test_the_comment_rule_reads_headers_as_inspect_does():
    text = ("/* --- group --- */\n"
            "int seli_a(void);\n"
            "int seli_b(void); /* beside */\n"
            "/* Above,\n * on two lines. */\n"
            "int seli_c(int x,\n"
            "           int y);\n"
            "int seli_d(float s); /* d: x or s*x; \"s\" */\n"
            "int seli_e(void);\n")
    lines, code_lines = text.splitlines(), strip_c(text).splitlines()
    got = {name: has_comment(lines, first, last, code_lines)
           for name, first, last in public_function_declarations(text)}
    assert got == {"seli_a": False, "seli_b": True, "seli_c": True, "seli_d": True,
                   "seli_e": False}, got


# ------------------------------------------------ environment variables, documented

GETENV = re.compile(r'\b(?:secure_)?getenv\s*\(\s*"(\w+)"\s*\)')


def variables_read():
    """{name: [where]} of every getenv("NAME") in the kernel and libseli."""
    seen = {}
    for path in source_files(FUNCTION_ROOTS):
        for k, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for m in GETENV.finditer(line):
                seen.setdefault(m.group(1), []).append(f"{path.relative_to(ROOT)}:{k}")
    return seen


def documented_variables():
    """The names in the first column of docs/configuration.md's tables."""
    names = set()
    for line in CONFIG_DOC.read_text().splitlines():
        m = re.match(r"\|\s*`(\w+)`", line)
        if m:
            names.add(m.group(1))
    return names


def test_every_environment_variable_read_is_in_the_configuration_table():
    read = variables_read()
    assert "SELI_NUM_THREADS" in read and "SELI_LISTEN_FDS" in read, read  # the grep works
    missing = {name: where for name, where in read.items() if name not in documented_variables()}
    assert not missing, ("environment variables read by the code but missing from the table in "
                         "docs/configuration.md:\n  " +
                         "\n  ".join(f"{n} ({', '.join(w)})" for n, w in sorted(missing.items())))


def test_the_readme_links_the_configuration_table():
    assert "docs/configuration.md" in (ROOT / "README.md").read_text()


# ------------------------------------------- the contributor docs name real files

DOC_PATH = re.compile(r"`([\w./-]+\.(?:c|h|py|mk|json))`")


def named_file_exists(name):
    """A path as docs/how-it-works.md writes it: from the root, under
    kernel/src/ or libseli/src/ (folder/file), a public header (seli/x.h),
    a test beside its kin, or a bare file name of either tree."""
    bases = [ROOT, ROOT / "kernel" / "src", ROOT / "libseli" / "src", ROOT / "libseli" / "include",
             ROOT / "tests" / "kernel", ROOT / "tests" / "libseli"]
    if any((b / name).is_file() for b in bases):
        return True
    if "/" not in name:
        return any(p.name == name for p in source_files(SOURCE_ROOTS))
    return False


def test_the_contributor_docs_name_only_files_that_exist():
    stale = []
    for doc in ("how-it-works.md", "configuration.md"):
        for k, line in enumerate((ROOT / "docs" / doc).read_text().splitlines(), 1):
            stale += [f"docs/{doc}:{k} {m}" for m in DOC_PATH.findall(line)
                      if not named_file_exists(m)]
    assert not stale, "files named in the docs that do not exist (moved?):\n  " + "\n  ".join(stale)
