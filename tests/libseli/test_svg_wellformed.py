"""Every figure type libseli makes is well-formed SVG that renders.

`test_figure --gallery DIR` (the cmocka test binary in its gallery mode)
writes one figure of every kind, modelled on the paper's figures; each is
parsed with xml.etree and checked for the elements it must hold.
"""
import base64
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("SELI_BUILD", ROOT / "build"))
BINARY = BUILD / "tests" / "libseli" / "test_figure"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

FIGURES = ["two_moons", "rosenbrock", "normalizing_flow", "regression", "heatmap",
           "escaping", "line2000", "hist32768"]


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    if not BINARY.exists():
        subprocess.run(["make", "-C", str(ROOT), f"BUILD={BUILD}",
                        str(BINARY.relative_to(ROOT) if BINARY.is_relative_to(ROOT) else BINARY)],
                       check=True, capture_output=True)
    out = tmp_path_factory.mktemp("gallery")
    run = subprocess.run([str(BINARY), "--gallery", str(out)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return out


def parse(gallery, name):
    path = gallery / f"{name}.svg"
    assert path.exists(), f"{name}.svg was not written"
    return path, ET.parse(path).getroot()


def groups(root, cls):
    return [g for g in root.iter(SVG + "g") if g.get("class") == cls]


def text_of(element):
    return "".join(element.itertext())


@pytest.mark.parametrize("name", FIGURES)
def test_figure_is_well_formed_svg_with_consistent_references(gallery, name):
    path, root = parse(gallery, name)
    assert root.tag == SVG + "svg"
    assert root.get("width").endswith("pt") and root.get("viewBox").startswith("0 0 ")
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in root.iter():
        ref = e.get("clip-path")
        if ref:
            assert ref.startswith("url(#") and ref[5:-1] in ids
    n = sum(1 for _ in root.iter())
    assert n < 3000, f"{n} elements"
    for image in root.iter(SVG + "image"):
        href = image.get(XLINK + "href")
        assert href.startswith("data:image/png;base64,")
        assert base64.b64decode(href.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert groups(root, "axes"), "no axes"


@pytest.mark.parametrize("name", FIGURES)
def test_figure_renders_with_rsvg(gallery, name):
    if not shutil.which("rsvg-convert"):
        pytest.skip("rsvg-convert (librsvg2-bin) is not installed")
    path, _ = parse(gallery, name)
    png = path.with_suffix(".png")
    run = subprocess.run(["rsvg-convert", str(path), "-o", str(png)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert png.read_bytes().startswith(b"\x89PNG")


def test_two_moons_has_four_panels_over_one_wide_loss_panel(gallery):
    _, root = parse(gallery, "two_moons")
    axes = groups(root, "axes")
    assert len(axes) == 5
    titles = [text_of(t) for t in root.iter(SVG + "text")]
    assert "2D Classification" in titles
    for t in ["10 iterations", "100 iterations", "1k iterations", "10k iterations"]:
        assert t in titles
    # the loss panel is logarithmic on both axes: tick labels 10^k
    loss_ticks = [text_of(t) for g in groups(axes[4], "xticks") for t in g.iter(SVG + "text")]
    assert loss_ticks == ["100", "101", "102", "103", "104"]
    assert len(list(axes[0].iter(SVG + "image"))) == 1


def test_rosenbrock_has_six_paths_a_legend_and_two_annotations(gallery):
    _, root = parse(gallery, "rosenbrock")
    lines = [p for p in root.iter(SVG + "path") if p.get("class") == "line"]
    assert len(lines) == 6
    legend = groups(root, "legend")[0]
    names = [text_of(t) for t in legend.iter(SVG + "text")]
    assert names == ["SGD", "Momentum", "RMSProp", "Adagrad", "Nesterov", "Adam"]
    notes = [text_of(t) for g in groups(root, "annotation") for t in g.iter(SVG + "text")]
    assert notes == ["Start", "Optimum"]


def test_density_figure_has_two_histograms_and_two_density_lines(gallery):
    _, root = parse(gallery, "normalizing_flow")
    paths = list(root.iter(SVG + "path"))
    assert sum(p.get("class") == "hist" for p in paths) == 2
    assert sum(p.get("class") == "line" for p in paths) == 3  # loss + two densities
    legend = groups(root, "legend")[0]
    assert [text_of(t) for t in legend.iter(SVG + "text")] == [
        "Modelsamples", "Datasamples", "Truedensity", "Modeldensity"]


def test_escaped_text_round_trips_through_the_parser(gallery):
    _, root = parse(gallery, "escaping")
    texts = [text_of(t) for t in root.iter(SVG + "text")]
    assert "<script>alert('&')</script>" in texts
    assert "a < b & \"c\" 'd'" in texts
    assert not list(root.iter(SVG + "script"))


@pytest.mark.parametrize("name", ["line2000", "hist32768"])
def test_big_series_stay_under_100_kb(gallery, name):
    path, _ = parse(gallery, name)
    assert path.stat().st_size < 100 * 1024
