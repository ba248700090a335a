"""TeX math typeset for the outputs: MathML for the EPUB (latex2mathml), SVG for the print edition
(ziamath, drawn from that same MathML), both as Jinja filters of the layouts (`mathml`, `math_svg`).

latex2mathml turns almost any string into some MathML: an unknown command becomes an identifier
spelled `\\foo`, a fraction missing its denominator an `<mfrac>` with one child, an unbalanced
brace an identifier `}`. Such MathML is checked here and refused, as is anything either library
raises on; a TeX string that is refused is shown as written, as code of the class `math-error`
(escaped, backslashes kept), in both outputs alike. A build never stops on math.

ziamath draws every character from its math font (STIX Two Math), which has no Han: Chinese in
`\text{…}` would come out as empty boxes. Its text font serves only its own mixed text-and-math
strings, not `<mtext>`; so the characters the math font lacks are drawn from the layout's CJK
body face for the document's language (fonts/fonts.toml: Noto Serif CJK SC, or TC for zh-Hant),
as TeX engines with xeCJK do. ziafont reads neither font collections (`.ttc`) nor CID-keyed CFF,
which the Noto CJK files are: the glyphs needed are copied (fontTools) into a small font of
their own, built anew for each set of characters, the same way each time, so the PDF stays
reproducible.
"""

from __future__ import annotations

import base64
import re
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .fonts import language_families, load_manifest_files

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


def text_face(language: str) -> tuple[str, Path] | None:
    """The layout's body face for a document language and the file holding it (fonts/fonts.toml:
    the serif role of the longest language tag the language starts with, else zh-Hans), or None
    when the manifest names no file for it."""
    family = language_families(language).get("serif", "")
    files = [Path(name) for name in load_manifest_files().get(family, [])]
    return (family, files[0]) if files and files[0].is_file() else None


@lru_cache(maxsize=8)
def _collection(path: Path) -> Any:
    """The fonts of a font file, read lazily (a `.ttc` holds several)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        return TTCollection(str(path), lazy=True).fonts
    return [TTFont(str(path), lazy=True)]


@lru_cache(maxsize=256)
def _text_font(language: str, chars: str) -> Any:
    """A ziafont font of the layout's face for `language` holding the glyphs of `chars` (those
    it has), or None when the face or any of the characters cannot be had."""
    import ziafont
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    face = text_face(language)
    if face is None:
        return None
    family, path = face
    source = next((font for font in _collection(path) if font["name"].getDebugName(1) == family), None)
    if source is None:
        return None
    cmap, glyphs, metrics = source.getBestCmap(), source.getGlyphSet(), source["hmtx"]
    upem = source["head"].unitsPerEm
    empty = T2CharStringPen(upem, None)
    order, charmap, strings, widths = [".notdef"], {}, {".notdef": empty.getCharString()}, {".notdef": (upem, 0)}
    for char in chars:
        name = cmap.get(ord(char))
        if name is None:
            continue
        glyph = f"uni{ord(char):04X}"
        pen = T2CharStringPen(metrics[name][0], None)
        glyphs[name].draw(pen)
        order.append(glyph)
        charmap[ord(char)] = glyph
        strings[glyph], widths[glyph] = pen.getCharString(), metrics[name]
    if not charmap:
        return None
    built = FontBuilder(upem, isTTF=False)
    built.setupGlyphOrder(order)
    built.setupCharacterMap(charmap)
    built.setupCFF("ReportcMathText", {"FullName": "ReportcMathText"}, strings, {})
    built.setupHorizontalMetrics(widths)
    built.setupHorizontalHeader(ascent=source["hhea"].ascent, descent=source["hhea"].descent)
    built.setupNameTable({"familyName": "ReportcMathText", "styleName": "Regular"})
    built.setupOS2(sTypoAscender=source["OS/2"].sTypoAscender, sTypoDescender=source["OS/2"].sTypoDescender,
                   usWinAscent=source["OS/2"].usWinAscent, usWinDescent=source["OS/2"].usWinDescent)
    built.setupPost()
    # ziafont reads a font from a file (all of it, when it opens it) and names the SVG's glyph
    # symbols after the file: a fixed name keeps the drawing the same from build to build
    with tempfile.TemporaryDirectory(prefix="reportc-math-") as folder:
        file = Path(folder) / "cjk.otf"
        built.save(str(file))
        return ziafont.Font(file)


@lru_cache(maxsize=1)
def _fallback_class() -> type[Any]:
    """ziamath's math font, which draws a character it lacks from a text font (`text`)."""
    from ziamath.mathfont import MathFont

    class WithTextFont(MathFont):
        text: Any

        def findglyph(self, char: str, variant: Any) -> Any:
            if self.glyphindex(char) == 0 and self.text.glyphindex(char):
                return self.text.glyph(char)
            return super().findglyph(char, variant)

    return WithTextFont


def _math_font(mathml: str, language: str) -> str | None:
    """The name ziamath knows a math font by that draws the characters of `mathml` its default
    math font lacks from the layout's face for `language`; None when it lacks none (or none can
    be had: they are drawn as before)."""
    from lxml import etree
    from ziamath import zmath

    default = zmath.loadedfonts["default"]
    text = "".join(etree.fromstring(mathml.encode("utf-8")).itertext())
    missing = "".join(sorted({char for char in text if not char.isspace() and default.glyphindex(char) == 0}))
    font = _text_font(language, missing) if missing else None
    if font is None:
        return None
    name = f"reportc-text:{language}:{missing}"
    if name not in zmath.loadedfonts:
        # a view of the loaded math font (its tables shared, not read again) with the text font
        view: Any = object.__new__(_fallback_class())
        view.__dict__.update(default.__dict__)
        view.text = font
        zmath.loadedfonts[name] = view
    return name


Drawn = tuple[str, float, float, float]


@lru_cache(maxsize=4096)
def _svg(tex: str, display: bool, language: str = "zh-Hans") -> Drawn | None:
    """(SVG, width, height, depth below the baseline) in em, or None; kept in the cache folder
    between builds (ziamath takes 0.1 s for a formula, on every build of a chapter with math)."""
    import hashlib
    import json

    from ..resources import KeptFiles

    key = hashlib.sha256(json.dumps([tex, display, language, _drawing_tools(language)]).encode()).hexdigest()[:40]
    kept = KeptFiles("math", ".json", KEPT_DRAWINGS)
    try:
        svg, width, height, depth = json.loads(kept.read(key) or b"")
        return str(svg), float(width), float(height), float(depth)
    except (ValueError, TypeError):
        pass
    drawn = _drawn_svg(tex, display, language)
    if drawn is not None:
        kept.write(key, json.dumps(drawn).encode())
    return drawn


KEPT_DRAWINGS = 4096


@lru_cache(maxsize=8)
def _drawing_tools(language: str) -> list[str]:
    """What a drawing depends on besides its TeX: this module and the fonts module (which finds
    the text face), the libraries' versions, the font manifest and the text face for the
    language (its file's path, size and time)."""
    import hashlib
    from importlib.metadata import version

    from . import fonts

    face = text_face(language)
    stat = face[1].stat() if face is not None else None
    sources = [Path(__file__), Path(fonts.__file__), fonts.MANIFEST]
    return [*(hashlib.sha256(path.read_bytes()).hexdigest() for path in sources),
            *(version(name) for name in ("ziamath", "ziafont", "latex2mathml", "fonttools")),
            str(face), f"{stat.st_size}:{stat.st_mtime_ns}" if stat else ""]


def _drawn_svg(tex: str, display: bool, language: str) -> Drawn | None:
    mathml = tex_to_mathml(tex, display)
    if mathml is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # ziamath's use of pkg_resources
            import ziamath

            svg = ziamath.Math(mathml, size=SVG_SIZE, margin=0.5, font=_math_font(mathml, language)).svg()
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


def math_svg(tex: str, display: bool = False, language: str = "zh-Hans") -> Markup:
    """Jinja filter: `tex` drawn as SVG in an `<img class="math">` sized in em, so it scales with
    the text around it, and lowered by its depth so its baseline sits on the line's; Chinese in
    it drawn in the layout's face for the document's `language`."""
    drawn = _svg(tex, display, language)
    if drawn is None:
        return math_error(tex)
    svg, width, height, depth = drawn
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="math%s" alt="%s" src="data:image/svg+xml;base64,%s" '
                  'style="width: %.3fem; height: %.3fem; vertical-align: %.3fem"/>') % (
        " math-display" if display else "", escape(tex), data, width, height, -depth)
