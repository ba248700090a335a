"""TeX math typeset for the outputs: MathML for the EPUB (latex2mathml), SVG for the print edition
(ziamath, drawn from that same MathML), both as Jinja filters of the layouts (`mathml`, `math_svg`).

latex2mathml turns almost any string into some MathML: an unknown command becomes an identifier
spelled `\\foo`, a fraction missing its denominator an `<mfrac>` with one child, an unbalanced
brace an identifier `}`. Such MathML is checked here and refused, as is anything either library
raises on; a TeX string that is refused is shown as written, as code of the class `math-error`
(escaped, backslashes kept), in both outputs alike. A build never stops on math.
"""

from __future__ import annotations

import base64
import re
import warnings
from functools import lru_cache

from markupsafe import Markup, escape

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# Elements whose children are their arguments, and how many a well-formed one has.
ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3, "mroot": 2}
# The size ziamath draws at (its units are 1/SVG_SIZE em), large enough for 3-decimal precision.
SVG_SIZE = 20.0
_VIEWBOX = re.compile(r'viewBox="\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*"')


def math_error(tex: str) -> Markup:
    """What stands for TeX that cannot be typeset: the TeX as written, as code."""
    return Markup('<code class="math-error">%s</code>') % tex


def _balanced(tex: str) -> bool:
    """Do the braces of `tex` pair up (`\\{` and `\\}` are characters, not groups)?"""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", tex, flags=re.S):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool = False) -> str | None:
    """The MathML of `tex` (a `<math>` element with `alttext`), or None when it cannot be converted."""
    from latex2mathml.converter import convert
    from lxml import etree

    if not tex.strip() or not _balanced(tex):
        return None
    try:
        markup = convert(tex, display="block" if display else "inline")
        root = etree.fromstring(markup.encode("utf-8"))
    except Exception:  # latex2mathml raises its own errors, and others on input it does not foresee
        return None
    for element in root.iter():
        name = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if name in ARITY and len(element) != ARITY[name]:
            return None
        if name in ("mi", "mo", "mn") and (element.text or "").startswith("\\") and len(element.text or "") > 1:
            return None  # an unknown command, kept as its name
    root.set("alttext", tex)
    return etree.tostring(root, encoding="unicode")


@lru_cache(maxsize=4096)
def _svg(tex: str, display: bool) -> tuple[str, float, float, float] | None:
    """(SVG, width, height, depth below the baseline) in em, or None."""
    mathml = tex_to_mathml(tex, display)
    if mathml is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # ziamath's use of pkg_resources
            import ziamath

            svg = ziamath.Math(mathml, size=SVG_SIZE, margin=0.5).svg()
    except Exception:  # ziamath fails on some MathML that latex2mathml writes
        return None
    box = _VIEWBOX.search(svg)
    if box is None:
        return None
    _, top, width, height = (float(value) for value in box.groups())
    return svg, width / SVG_SIZE, height / SVG_SIZE, (height + top) / SVG_SIZE


def mathml(tex: str, display: bool = False) -> Markup:
    """Jinja filter: `tex` as a MathML `<math>` element (display math with `display="block"`)."""
    converted = tex_to_mathml(tex, display)
    return math_error(tex) if converted is None else Markup(converted)


def math_svg(tex: str, display: bool = False) -> Markup:
    """Jinja filter: `tex` drawn as SVG in an `<img class="math">` sized in em, so it scales with
    the text around it, and lowered by its depth so its baseline sits on the line's."""
    drawn = _svg(tex, display)
    if drawn is None:
        return math_error(tex)
    svg, width, height, depth = drawn
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="math%s" alt="%s" src="data:image/svg+xml;base64,%s" '
                  'style="width: %.3fem; height: %.3fem; vertical-align: %.3fem"/>') % (
        " math-display" if display else "", escape(tex), data, width, height, -depth)
