"""Hostile input: a chapter that tries to run scripts, read files outside its folder, embed
attachments and reach the network builds, and neither output holds any of it.

The fixture holds raw `<script>`, `<iframe>`, `<object>`, `<embed>`, `<style>` with
`url(file:…)`, `<link rel="attachment">`, event attributes, `javascript:` and `file:` links, and
images by absolute path, `file://` URL, `../`, a symbolic link out of the folder, http, a
`javascript:` URL, data: URLs holding HTML and SVG, and a file named .png holding HTML. It
targets /etc/passwd, /etc/hostname and a secret folder beside the source's folder holding a
token. One image inside the source's folder and one data: PNG are legitimate and must show.

Checked: every object of the PDF (pypdf: no /EmbeddedFiles, /JavaScript, /JS, /Launch, no
/URI at all, no stream holding a secret, exactly the two legitimate images), every file of the
EPUB and the print HTML (no script, iframe, object, embed, style or attachment element, no
event attribute, no reference out of the package, no secret), the findings, and — through an
audit hook on Python's `open` and a spy on WeasyPrint's URL fetcher — that no forbidden file
was even opened.
"""

from __future__ import annotations

import base64
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lxml import etree, html as lxml_html
from compiler.build.options import BuildOptions

TOKEN = "SECRET-TOKEN-5b1f0e77"
PASSWD_MARK = b"root:x:0:0"
SECRET_PIXEL = (1, 2, 3)


def png(width: int, height: int, rgb: tuple[int, int, int], text: str = "") -> bytes:
    """A small truecolour PNG of one colour (with a tEXt chunk when `text` is given)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    extra = chunk(b"tEXt", b"Comment\x00" + text.encode()) if text else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


CHART = png(40, 20, (200, 30, 30))
INLINE = png(10, 10, (0, 0, 255))


def hostile_chapter(secret: Path) -> str:
    token_file, secret_png = secret / "token.txt", secret / "secret.png"
    html_data = base64.b64encode(f"<script>alert('{TOKEN}')</script>".encode()).decode()
    svg_data = base64.b64encode(
        f'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="file://{secret_png}"/></svg>'
        .encode()).decode()
    inline = base64.b64encode(INLINE).decode()
    return f"""# 第一章 敌意输入

## 概述

<script>alert("x")</script>

正文<script>document.write(1)</script>继续。

<iframe src="file:///etc/passwd"></iframe>

<img src="file:///etc/passwd">

<link rel="attachment" href="/etc/hostname">

<a rel="attachment" href="{token_file}">附件</a>

<object data="file:///etc/passwd"></object><embed src="file://{token_file}">

<style>body {{ background: url(file:///etc/passwd) }} @import url("file://{token_file}");</style>

<p style="background: url('file://{secret_png}')" onclick="alert(1)" onmouseover="alert(2)">事件</p>

<svg><script>alert(1)</script><image href="file://{secret_png}"/></svg>

行内<span style="background:url(file:///etc/passwd)" onload="alert(1)">样式</span>与<img src="{secret_png}" onerror="alert(1)">结束。

[点我](javascript:alert(1))、[文件](file:///etc/passwd)、[附件]({token_file})、[大写](JAVASCRIPT:alert(1))。

<a href="javascript:alert(1)">链接</a>

![密码](/etc/passwd)、![主机](file:///etc/hostname)、![秘密](file://{secret_png})、![大写](FILE://{secret_png})。

![上级](../secret/secret.png)、![链接](figures/link.png)、![假图](figures/fake.png)、![缺失](figures/missing.png)。

![远程](http://127.0.0.1:9/x.png)、![脚本](javascript:alert(1))、![网页](data:text/html;base64,{html_data})、![矢量](data:image/svg+xml;base64,{svg_data})。

[参考图]: /etc/passwd

![引用][参考图]

合法的图![图表](figures/chart.png "图表一")与![内嵌](data:image/png;base64,{inline})。
"""


# Images refused, by source and reason: each is a warning naming it.
REFUSED = {
    "/etc/passwd": "it lies outside the source's folder",
    "file:///etc/hostname": "it lies outside the source's folder",
    "../secret/secret.png": "it lies outside the source's folder",
    "figures/link.png": "it lies outside the source's folder",
    "figures/fake.png": "the file holds no PNG, JPEG, GIF or WebP image",
    "figures/missing.png": "no such file",
    "http://127.0.0.1:9/x.png": "images are never fetched from the network",
    "javascript:alert(1)": "a 'javascript:' URL is not an image",
}


class OpenSpy:
    """Records every path Python opens (an audit hook; hooks cannot be removed, so it records
    only while `active`)."""

    def __init__(self):
        self.active = False
        self.paths: list[str] = []
        sys.addaudithook(self)

    def __call__(self, event, args):
        if self.active and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
            path = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
            self.paths.append(path)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, monkeypatch_module):
    from compiler.build import build
    from compiler.writers.print import pdf as pdf_module

    base = tmp_path_factory.mktemp("hostile")
    secret = base / "secret"
    secret.mkdir()
    (secret / "token.txt").write_text(TOKEN + "\n", encoding="utf-8")
    (secret / "secret.png").write_bytes(png(30, 30, SECRET_PIXEL, text=TOKEN))
    src = base / "src"
    (src / "figures").mkdir(parents=True)
    (src / "figures" / "chart.png").write_bytes(CHART)
    (src / "figures" / "fake.png").write_text(f"<html><script>alert('{TOKEN}')</script></html>", encoding="utf-8")
    (src / "figures" / "link.png").symlink_to(secret / "secret.png")
    source = src / "hostile.txt"
    source.write_text(hostile_chapter(secret), encoding="utf-8")

    fetched: list[tuple[str, bool]] = []
    real_fetcher = pdf_module.make_url_fetcher

    def spying_fetcher(roots):
        fetcher = real_fetcher(roots)
        fetch = fetcher.fetch

        def recording(url, headers=None):
            try:
                response = fetch(url, headers)
            except Exception:
                fetched.append((url, False))
                raise
            fetched.append((url, True))
            return response

        fetcher.fetch = recording
        return fetcher

    monkeypatch_module.setattr(pdf_module, "make_url_fetcher", spying_fetcher)
    spy = OpenSpy()
    spy.active = True
    try:
        result = build(source, base / "out", BuildOptions(formats=("pdf", "epub", "html")))
    finally:
        spy.active = False
    return {"base": base, "secret": secret, "src": src, "result": result, "fetched": fetched,
            "opened": spy.paths, "out": base / "out"}


@pytest.fixture(scope="module")
def monkeypatch_module():
    patcher = pytest.MonkeyPatch()
    yield patcher
    patcher.undo()


def secrets() -> list[bytes]:
    """Contents that must appear in no output."""
    found = [TOKEN.encode(), PASSWD_MARK]
    hostname = Path("/etc/hostname")
    if hostname.is_file():
        name = hostname.read_bytes().strip()
        if len(name) >= 6:  # a two-letter host name would match by chance in compressed data
            found.append(name)
    return found


# ----------------------------------------------------------------------------- findings


def test_hostile_chapter_builds_all_three_outputs(hostile):
    assert sorted(hostile["result"].outputs) == ["epub", "html", "pdf"]


def test_every_refused_image_is_a_warning_naming_it_and_why(hostile):
    warnings = [f for f in hostile["result"].findings.items if f.level == "warning" and f.message.startswith("image ")]
    by_source = {re.match(r"image '([^']*)'", f.message).group(1): f for f in warnings}
    for src, reason in REFUSED.items():
        assert src in by_source, f"no finding for {src}: {[f.message for f in warnings]}"
        assert f"({reason})" in by_source[src].message
    assert any("data:text/html" in s for s in by_source)
    assert any("data:image/svg+xml" in s and "SVG" in by_source[s].message for s in by_source)
    assert not any("chart.png" in s or "data:image/png" in s for s in by_source), "legitimate images are shown"
    for finding in warnings:
        line = hostile["result"].findings.source_line(finding.line)
        assert line[finding.column - 1:].startswith(re.match(r"image '([^']*?)(\.\.\.)?'", finding.message).group(1))


# ----------------------------------------------------------------------------- nothing read


def test_no_forbidden_file_was_opened(hostile):
    forbidden = [Path("/etc/passwd"), Path("/etc/hostname"), hostile["secret"].resolve()]
    for path in hostile["opened"]:
        resolved = Path(path).resolve()
        assert not any(resolved == f or resolved.is_relative_to(f) for f in forbidden), f"opened {path}"
    assert any(Path(p).name == "chart.png" for p in hostile["opened"]), "the spy sees image reads"


def test_weasyprint_fetched_only_the_legitimate_images(hostile):
    succeeded = [url for url, ok in hostile["fetched"] if ok]
    assert succeeded, "WeasyPrint fetched the legitimate images"
    for url in succeeded:
        if url.startswith("data:"):
            assert url.startswith("data:image/png;base64,")
        else:
            assert Path(unquote(urlparse(url).path)) == (hostile["src"] / "figures" / "chart.png").resolve()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "File:/etc/passwd", "file://localhost/etc/hostname",
    "file:///{src}/../secret/token.txt", "file:///{src}/%2e%2e/secret/token.txt", "file:///{src}/figures/link.png",
    "http://127.0.0.1:9/", "https://127.0.0.1:9/", "ftp://127.0.0.1:9/x", "file://otherhost/etc/passwd",
    " file:///etc/passwd",
])
def test_the_url_fetcher_refuses_everything_outside_the_allowed_folders(hostile, url):
    from compiler.writers.print.sandbox import make_url_fetcher

    fetcher = make_url_fetcher([hostile["src"]])
    try:
        response = fetcher.fetch(url.replace("{src}", str(hostile["src"]).lstrip("/")))
    except Exception:
        return  # refused (or, for the network, failed before any byte came back)
    pytest.fail(f"fetched {url}: {response.read()[:40]!r}")


def test_the_url_fetcher_reads_inside_the_allowed_folders(hostile):
    from compiler.writers.print.sandbox import make_url_fetcher

    fetcher = make_url_fetcher([hostile["src"]])
    response = fetcher.fetch((hostile["src"] / "figures" / "chart.png").resolve().as_uri())
    assert response.read() == CHART


# ----------------------------------------------------------------------------- the PDF


def pdf_objects(path: Path):
    """Every indirect object of the PDF, resolved (object streams included)."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(str(path))
    ids = [(number, generation) for generation, table in reader.xref.items() for number in table]
    ids += [(number, 0) for number in reader.xref_objStm]
    return reader, [reader.get_object(IndirectObject(number, generation, reader)) for number, generation in ids]


def walk_pdf(value, seen=None):
    """Every value reachable from `value` (dictionaries and arrays entered)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen = seen if seen is not None else set()
    if isinstance(value, IndirectObject):
        key = (value.idnum, value.generation)
        if key in seen:
            return
        seen.add(key)
        value = value.get_object()
    yield value
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            yield key
            yield from walk_pdf(item, seen)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from walk_pdf(item, seen)


def test_pdf_has_no_attachment_script_launch_or_link(hostile):
    from pypdf.generic import DictionaryObject, StreamObject

    reader, objects = pdf_objects(hostile["out"] / "hostile.pdf")
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert "/OpenAction" not in root and "/AA" not in root
    names = set()
    uris = []
    for obj in objects:
        for value in walk_pdf(obj):
            if isinstance(value, str) and value.startswith("/"):
                names.add(value)
            if isinstance(value, DictionaryObject) and "/URI" in value:
                uris.append(value["/URI"])
        if isinstance(obj, StreamObject):
            data = obj.get_data()
            for secret in secrets():
                assert secret not in data, f"{secret!r} in a PDF stream"
    assert not names & {"/JavaScript", "/JS", "/EmbeddedFile", "/EmbeddedFiles", "/Launch", "/FileAttachment",
                        "/RichMedia", "/SubmitForm", "/ImportData", "/GoToR"}
    assert uris == [], "the chapter has no web link: any /URI would be an external reference"


def test_pdf_holds_exactly_the_two_legitimate_images(hostile):
    from pypdf.generic import StreamObject

    _, objects = pdf_objects(hostile["out"] / "hostile.pdf")
    images = [o for o in objects if isinstance(o, StreamObject) and o.get("/Subtype") == "/Image"]
    sizes = sorted((int(o["/Width"]), int(o["/Height"])) for o in images)
    assert sizes == [(10, 10), (40, 20)]
    for image in images:
        assert bytes(SECRET_PIXEL) * 4 not in image.get_data()


def test_pdf_text_shows_the_raw_html_as_text_and_the_alt_texts(hostile):
    from conftest import pdf_text

    text = pdf_text(hostile["out"] / "hostile.pdf")
    assert "<script>" in text, "raw HTML is shown, escaped, not interpreted"
    for alt in ("密码", "主机", "秘密", "上级", "链接", "假图", "远程", "脚本"):
        assert alt in text


# ----------------------------------------------------------------------------- the EPUB and the HTML

FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "style", "frame", "frameset", "applet", "form",
                      "base", "meta", "audio", "video", "source", "track", "svg", "math"}


def check_markup(root, name: str, *, package: set[str] | None) -> list[str]:
    """Elements and attributes that must not be in a document; returns the img srcs."""
    srcs = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower()
        if tag == "meta" and name.endswith(".html") and element.get("name") in ("generator", "author"):
            pass
        elif tag == "meta" and element.get("charset"):
            pass
        else:
            assert tag not in FORBIDDEN_ELEMENTS, f"<{tag}> in {name}"
        if tag == "link":
            assert element.get("rel") == "stylesheet", f"<link rel={element.get('rel')}> in {name}"
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            assert not local.startswith("on"), f"event attribute {local} in {name}"
            assert local != "style", f"style attribute in {name}"
            if local in ("href", "src", "data", "action", "poster", "xlink:href") or attribute.endswith("}href"):
                lowered = value.strip().lower()
                assert not lowered.startswith(("javascript:", "file:", "http:", "https:", "ftp:", "/", "vbscript:")), \
                    f"{local}={value!r} in {name}"
                if lowered.startswith("data:"):
                    assert lowered.startswith("data:image/png;base64,") and package is None, f"{value[:40]} in {name}"
                if package is not None and not lowered.startswith("#") and local in ("href", "src"):
                    target = (Path(name).parent / value.split("#")[0]).as_posix()
                    assert target in package, f"{value} in {name} is not in the package"
                if tag == "img":
                    srcs.append(value)
    return srcs


def test_every_epub_file_is_free_of_secrets_scripts_and_outside_references(hostile):
    with zipfile.ZipFile(hostile["out"] / "hostile.epub") as archive:
        names = set(archive.namelist())
        img_srcs = []
        for name in names:
            data = archive.read(name)
            for secret in secrets():
                assert secret not in data, f"{secret!r} in {name}"
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                root = etree.fromstring(data)
                if name.endswith(".xhtml"):
                    img_srcs += check_markup(root, name, package=names)
                for element in root.iter():
                    if isinstance(element.tag, str):
                        for value in element.attrib.values():
                            assert not re.match(r"\s*(javascript|file|vbscript):", value, re.I), f"{value} in {name}"
            if name.endswith(".opf"):
                opf = etree.fromstring(data)
                ns = {"opf": "http://www.idpf.org/2007/opf"}
                for item in opf.iterfind(".//opf:manifest/opf:item", ns):
                    properties = item.get("properties", "").split()
                    assert "remote-resources" not in properties and "scripted" not in properties
                    assert not re.match(r"[a-z]+:|/", item.get("href")), item.get("href")
                media = {item.get("href"): item.get("media-type") for item in opf.iterfind(".//opf:item", ns)}
        images = sorted(n for n in names if n.startswith("EPUB/images/"))
        assert [archive.read(n) for n in images] == [CHART, INLINE]
        assert [media[n.removeprefix("EPUB/")] for n in images] == ["image/png", "image/png"]
    assert img_srcs == ["images/image1.png", "images/image2.png"]


def test_the_epub_claims_alternative_text_and_a_visual_mode(hostile):
    with zipfile.ZipFile(hostile["out"] / "hostile.epub") as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert ">alternativeText<" in opf
    assert 'property="schema:accessMode">visual<' in opf


def test_print_html_is_free_of_secrets_scripts_and_outside_references(hostile):
    data = (hostile["out"] / "hostile.html").read_bytes()
    for secret in secrets():
        assert secret not in data
    root = lxml_html.document_fromstring(data.decode("utf-8"))
    body = root.find("body")
    srcs = check_markup(body, "hostile.html", package=None)
    assert srcs[0] == "figures/chart.png" and srcs[1].startswith("data:image/png;base64,") and len(srcs) == 2


def test_the_hostile_epub_passes_epubcheck(hostile, tmp_path):
    from conftest import epubcheck_messages

    assert epubcheck_messages(hostile["out"] / "hostile.epub", tmp_path) == []
