"""The cells of the round-trip notebook: every form of cell the kernel
accepts, each of whose output a program can print the same way."""

CELLS = [
    ("md", "# Round trip\nEvery form of cell the kernel accepts."),
    # Declarations and statements mixed, a macro, a type, a trailing number.
    ("code", """#define SCALE 2
typedef struct point { int x, y; } point;
int square(int v) { return v * v; }
int counter = 3;
printf("counter starts at %d\\n", counter);
counter += square(SCALE);
counter"""),
    # A macro defined again: later cells see the new value, this one's
    # statements too; a variable declared again keeps its type and gets
    # its new value; a function defined again before it is called.
    ("code", """#undef SCALE
#define SCALE 3
int counter = 10;
int square(int v) { return v * v + 0 * SCALE; }
printf("square(SCALE) = %d, counter = %d\\n", square(SCALE), counter);"""),
    ("md", "Later cells see the macro's new value:"),
    ("code", """point p = {SCALE, square(2)};
printf("p = (%d, %d)\\n", p.x, p.y);
p.x * 10 + p.y"""),
    # #if on a macro of an earlier cell.
    ("code", """#if SCALE > 2
const char *branch = "big";
#else
const char *branch = "small";
#endif
branch"""),
    # Trailing expressions of each kind: a double, a string, a tensor, a
    # module, a void call (no result), a char.
    ("code", "0.1 + 0.2"),
    ("code", "\"a \\\"quoted\\\" string\\n\""),
    ("code", "seli_tensor *t = seli_arange(0, 6, 1);\nseli_reshape(t, SELI_SHAPE(2, 3))"),
    ("code", "seli_module *net = seli_net_affine(4);\nnet"),
    ("code", "puts(\"a void call shows nothing\")"),
    ("code", "seli_print(t)"),
    ("code", "'A'"),
    # A figure, written to a numbered file by the program.
    ("code", """seli_figure *fig = seli_figure_new(0, 0);
seli_axes *ax = seli_subplot(fig, 1, 1, 0);
seli_line(ax, t, t, NULL);
seli_figure_show(fig);"""),
    # main, run by the cell that defines it, with %args before it.
    ("code", "%args alpha beta"),
    ("code", """int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = %s\\n", i, argv[i]);
    return argc;
}"""),
    ("code", "main();"),
    # Line magics between C, and one a program has no use for.
    ("code", """int timed = 0;
%time for (int i = 0; i < 1000; i++) timed += i;
printf("timed = %d\\n", timed);"""),
    ("code", "%timeit -n 10 -r 2 timed++;"),
    ("code", "%%time\nint in_cell_magic = square(4);\nprintf(\"in %%%%time: %d\\n\", in_cell_magic);"),
]
