"""Figures, rich results and progress bars through the real kernel.

A figure shown in a cell arrives as display_data with image/svg+xml (well-formed
XML) and a text/plain summary; a figure, tensor or module as a cell's trailing
expression arrives as execute_result in its rich form; a progress bar sends one
display_data with a display id and then throttled update_display_data messages.
"""
import os
import sys
import xml.etree.ElementTree as ET


sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def run(kc, code, **kw):
    ex = harness.execute(kc, code, timeout=60, **kw)
    assert ex.status == "ok", ex.error
    return ex


FIGURE = """
seli_tensor *fx = seli_linspace(-3, 3, 200);
seli_figure *fig = seli_figure_new(4, 3);
seli_axes *fax = seli_subplot(fig, 1, 1, 0);
seli_line(fax, fx, seli_tanh(fx), &(seli_style){.label = "tanh <x> & \\"y\\""});
seli_line(fax, fx, seli_sin(fx), &(seli_style){.label = "sin"});
seli_legend(fax, NULL);
"""


def test_shown_figure_arrives_as_well_formed_svg_with_a_summary(kc):
    run(kc, FIGURE)
    ex = run(kc, "seli_figure_show(fig);")
    displays = [m for m in ex.msgs if m["msg_type"] == "display_data"]
    assert len(displays) == 1
    data = displays[0]["content"]["data"]
    assert data["text/plain"]
    root = ET.fromstring(data["image/svg+xml"])
    assert root.tag == SVG + "svg"
    text = "".join(root.itertext())
    assert 'tanh <x> & "y"' in text and "sin" in text


def test_figure_as_trailing_expression_is_the_cell_result(kc):
    ex = run(kc, "fig")
    assert ex.result is not None
    ET.fromstring(ex.result["image/svg+xml"])
    assert not [m for m in ex.msgs if m["msg_type"] == "display_data"]


def test_tensor_and_module_results_are_rich(kc):
    ex = run(kc, "seli_from_array((float[]){1, 2, 3, 4}, SELI_SHAPE(2, 2))")
    assert "<table" in ex.result["text/html"]
    assert "4" in ex.result["text/plain"]
    ex = run(kc, "seli_module *fm = seli_set_rngs(seli_net_affine(3), 1);\n"
                 "seli_call(fm, seli_ones(SELI_SHAPE(5, 2)));\nfm")
    assert "net.Affine" in ex.result["text/plain"]
    assert "weight" in ex.result["text/html"]


def test_progress_bar_updates_one_display_at_most_ten_times_a_second(kc):
    ex = run(kc, """
#include <unistd.h>
seli_progress *bar = seli_progress_new(60, "steps");
for (int i = 0; i < 60; i++) {
    usleep(20000);
    seli_progress_postfix(bar, "loss=%.3f", 1.0 / (i + 1));
    seli_progress_step(bar);
}
seli_progress_close(bar);
""")
    first = [m for m in ex.msgs if m["msg_type"] == "display_data"]
    updates = [m for m in ex.msgs if m["msg_type"] == "update_display_data"]
    assert len(first) == 1
    display_id = first[0]["content"]["transient"]["display_id"]
    assert display_id
    assert all(u["content"]["transient"]["display_id"] == display_id for u in updates)
    # 1.2 s of work: a few throttled updates (plus the final state), not one per step.
    assert 3 <= len(updates) <= 1.2 * 10 + 3
    final = updates[-1]["content"]["data"]
    assert "60/60" in final["text/plain"]
    assert "loss=0.017" in final["text/plain"]
    assert "text/html" in final
