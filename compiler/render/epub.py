"""EPUB 3 output: ebooklib builds the package, then the ZIP is re-packed deterministically.

ebooklib gives each book a random identifier and stamps ZIP entries with the wall clock, so
the identifier here is a UUIDv5 from the chapter's metadata, `dcterms:modified` is the build
date, and the container is re-written with fixed entry times, `mimetype` first and stored.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from .. import tree as t
from ..images import MEDIA_TYPES, load
from ..layouts import Layout
from ..passes._walk import SPANS, map_inlines
from .html import render_epub_body

NAMESPACE = uuid.UUID("6f1d7c36-2f5e-5b8e-9a54-4b1f0c0c9e11")  # reportc's own UUIDv5 namespace
CHAPTER_FILE = "chapter.xhtml"
IMAGE_DIR = "images"


def book_identifier(doc: t.Document, stem: str) -> str:
    if doc.meta.get("identifier"):
        return doc.meta["identifier"]
    return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, f"{stem}\n{t.plain_text(doc.title)}\n{doc.language}"))


def _toc(sections: list[t.Section]):
    from ebooklib import epub

    entries = []
    for section in sections:
        link = epub.Link(f"{CHAPTER_FILE}#{section.ident}", t.plain_text(section.title), section.ident)
        children = [c for c in section.children if isinstance(c, t.Section)]
        entries.append((epub.Section(link.title, link.href), _toc(children)) if children else link)
    return entries


def _accessibility(book, doc: t.Document, strings: dict[str, str], *, has_pages: bool) -> None:
    """EPUB Accessibility 1.1 metadata, claiming only what this book has."""
    images = [node for node in _all_inlines(doc) if isinstance(node, t.Image) and node.file]
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_pages:
        features += ["pageNavigation", "printPageNumbers"]
    if images and all(image.alt.strip() for image in images):
        features.append("alternativeText")
    modes = ["textual"] + (["visual"] if images else [])
    for mode in modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    for feature in features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    summary = strings["a11y_summary"] + (strings["a11y_summary_pages"] if has_pages else "")
    book.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})
    book.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA", {"property": "dcterms:conformsTo"})


def _all_inlines(doc: t.Document):
    """Every inline node of the document, titles included (order not kept)."""
    runs = [doc.title]
    for block in t.walk_blocks(doc.children):
        if isinstance(block, (t.Paragraph, t.Heading)):
            runs.append(block.children)
        elif isinstance(block, (t.Callout, t.Section)):
            runs.append(block.title)
            if isinstance(block, t.Callout):
                runs.append(block.children)
        elif isinstance(block, t.KeyPoints):
            runs.extend(block.items)
        elif isinstance(block, t.Table):
            runs.extend(block.header)
            runs.extend(cell for row in block.rows for cell in row)
    stack = [node for run in runs for node in run]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", []))


def package_images(doc: t.Document, image_dir: Path | None) -> tuple[t.Document, list[tuple[str, str, bytes]]]:
    """The images the tree shows, as package files: (the tree with each `Image.file` pointing
    into the package, [(file name, media type, bytes)]). Each file is read again through
    `compiler.images.load`, which re-checks that it lies in `image_dir` and is an image; one
    that no longer does shows its alt text. Without `image_dir` only data: URLs are packaged."""
    files: list[tuple[str, str, bytes]] = []
    names: dict[str, str] = {}

    def package(node: t.Image) -> t.Image:
        if not node.file:
            return node
        if node.file not in names:
            loaded = load(node.file, image_dir) if (image_dir is not None or node.file.startswith("data:")) else None
            if loaded is None:
                names[node.file] = ""
            else:
                data, media_type = loaded
                name = f"{IMAGE_DIR}/image{len(files) + 1}.{MEDIA_TYPES[media_type]}"
                files.append((name, media_type, data))
                names[node.file] = name
        return replace(node, file=names[node.file])

    def run(nodes: list[t.Inline]) -> list[t.Inline]:
        out = []
        for node in nodes:
            if isinstance(node, t.Image):
                node = package(node)
            elif isinstance(node, SPANS):
                node = replace(node, children=run(node.children))
            out.append(node)
        return out

    if not any(isinstance(node, t.Image) and node.file for node in _all_inlines(doc)):
        return doc, []
    return map_inlines(doc, run), files


def epub_bytes(doc: t.Document, layout: Layout, *, stem: str, date: datetime, page_source: bool = False,
               embed_fonts: bool = False, image_dir: Path | None = None) -> bytes:
    """The EPUB of `doc`. With `page_source`, the tree's PageBreak nodes are the print edition's
    pages: the book gets a page list and names the PDF edition as their source. With
    `embed_fonts`, subsets of the CJK faces travel inside the book. Images are read from
    `image_dir`, the source's folder (see `package_images`)."""
    from ebooklib import epub

    doc, images = package_images(doc, image_dir)

    title = t.plain_text(doc.title)
    strings = layout.strings(doc.language)
    identifier = book_identifier(doc, stem)
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(doc.language)
    book.add_metadata("DC", "date", date.strftime("%Y-%m-%d"))
    if doc.meta.get("author"):
        book.add_author(doc.meta["author"])
    if doc.meta.get("publisher"):
        book.add_metadata("DC", "publisher", doc.meta["publisher"])
    has_pages = page_source and any(isinstance(node, t.PageBreak) for node in _all_inlines(doc))
    if has_pages:
        edition = f"{title} ({strings['print_edition']}, PDF)"
        book.add_metadata("DC", "source", edition)
        book.add_metadata(None, "meta", edition, {"property": "pageBreakSource"})
    _accessibility(book, doc, strings, has_pages=has_pages)

    styles = []
    for index, path in enumerate(layout.stylesheets("epub")):
        item = epub.EpubItem(uid=f"style{index}", file_name=f"styles/{path.name}", media_type="text/css",
                             content=path.read_bytes())
        book.add_item(item)
        styles.append(item)

    if embed_fonts:
        from .epub_fonts import CSS_FILE, FONT_MEDIA_TYPE, embedded_fonts

        fonts = embedded_fonts(doc, extra_text="".join(strings.values()))
        for index, (name, data) in enumerate(fonts.files):
            book.add_item(epub.EpubItem(uid=f"font{index}", file_name=name, media_type=FONT_MEDIA_TYPE, content=data))
        item = epub.EpubItem(uid="fonts-css", file_name=CSS_FILE, media_type="text/css", content=fonts.css.encode())
        book.add_item(item)
        styles.append(item)  # after the layout's stylesheets, so its font rules win

    for index, (name, media_type, data) in enumerate(images, start=1):
        book.add_item(epub.EpubItem(uid=f"image{index}", file_name=name, media_type=media_type, content=data))

    chapter = epub.EpubHtml(title=title, file_name=CHAPTER_FILE, lang=doc.language, uid="chapter")
    chapter.content = render_epub_body(doc, layout)
    for item in styles:
        chapter.add_item(item)
    book.add_item(chapter)

    sections = [b for b in doc.children if isinstance(b, t.Section)]
    chapter_link = f"{CHAPTER_FILE}#chapter"
    book.toc = [(epub.Section(title, chapter_link), _toc(sections))] if sections else [
        epub.Link(chapter_link, title, "chapter")
    ]
    book.guide = [
        {"type": "toc", "href": "nav.xhtml", "title": strings["contents"]},
        {"type": "text", "href": CHAPTER_FILE, "title": title},
    ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title=strings["contents"]))
    book.spine = ["nav", chapter]

    raw = io.BytesIO()
    options = {
        "mtime": date,
        "play_order": {"enabled": False},
        "epub3_pages": has_pages,
        "pages_title": strings["pages"],
        "landmark_title": strings["landmarks"],
    }
    epub.write_epub(raw, book, options)
    return repack(raw.getvalue(), date, language=doc.language)


def _package_language(opf: bytes, language: str) -> bytes:
    """`xml:lang` on the OPF's <package> (ebooklib writes only dc:language; Ace requires both)."""
    from lxml import etree

    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def repack(data: bytes, date: datetime, *, language: str | None = None) -> bytes:
    """The same EPUB with fixed entry times and attributes: `mimetype` first, stored; with
    `language`, the package document declares it too."""
    stamp = max(date.astimezone(timezone.utc), datetime(1980, 1, 1, tzinfo=timezone.utc)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        names.sort(key=lambda name: name != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(name)
            if language and name.endswith(".opf"):
                content = _package_language(content, language)
            target.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


