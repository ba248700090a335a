"""EPUB 3 output: ebooklib builds the package, then the ZIP is re-packed deterministically.

ebooklib gives each book a random identifier and stamps ZIP entries with the wall clock, so
the identifier here is a UUIDv5 from the chapter's metadata, `dcterms:modified` is the build
date, and the container is re-written with fixed entry times, `mimetype` first and stored.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


from ...books.config import Book
from ...checks.images import MEDIA_TYPES, load
from ...model.nodes import Document, Image, Inline, Section, Text
from ...model.traverse import iter_inlines, map_leaves, map_runs, plain_text
from ..html import render_epub_body, render_title_page
from ..templates import Layout

NAMESPACE = uuid.UUID("6f1d7c36-2f5e-5b8e-9a54-4b1f0c0c9e11")  # reportc's own UUIDv5 namespace
CHAPTER_FILE = "chapter.xhtml"
IMAGE_DIR = "images"


def book_identifier(doc: Document, stem: str) -> str:
    """The chapter's identifier: its front matter's, else a UUIDv5 of its file stem, title and language."""
    if doc.meta.get("identifier"):
        return doc.meta["identifier"]
    return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, f"{stem}\n{plain_text(doc.title)}\n{doc.language}"))


def _toc(sections: list[Section], file_name: str) -> list[Any]:
    from ebooklib import epub

    entries = []
    for section in sections:
        link = epub.Link(f"{file_name}#{section.ident}", plain_text(section.title), section.ident)
        children = [c for c in section.children if isinstance(c, Section)]
        entries.append((epub.Section(link.title, link.href), _toc(children, file_name)) if children else link)
    return entries


def _accessibility(book: Any, docs: list[Document], strings: dict[str, str], *, has_pages: bool) -> None:
    """EPUB Accessibility 1.1 metadata, claiming only what this book has."""
    images = [node for doc in docs for node in iter_inlines(doc) if isinstance(node, Image) and node.file]
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


def package_images(doc: Document, image_dir: Path | None, prefix: str = "") -> tuple[Document, list[tuple[str, str, bytes]]]:
    """The images the tree shows, as package files: (the tree with each `Image.file` pointing
    into the package, [(file name, media type, bytes)]). Each file is read again through
    `compiler.images.load`, which re-checks that it lies in `image_dir` and is an image; one
    that no longer does shows its alt text. Without `image_dir` only data: URLs are packaged.
    `prefix` keeps the file names of a book's chapters apart."""
    files: list[tuple[str, str, bytes]] = []
    names: dict[str, str] = {}

    def package(node: Image) -> Image:
        if not node.file:
            return node
        if node.file not in names:
            loaded = load(node.file, image_dir or Path(".")) if (image_dir is not None or node.file.startswith("data:")) else None
            if loaded is None:
                names[node.file] = ""
            else:
                data, media_type = loaded
                name = f"{IMAGE_DIR}/{prefix}image{len(files) + 1}.{MEDIA_TYPES[media_type]}"
                files.append((name, media_type, data))
                names[node.file] = name
        return replace(node, file=names[node.file])

    def run(nodes: list[Inline]) -> list[Inline]:
        return map_leaves(nodes, lambda node: package(node) if isinstance(node, Image) else node)

    if not any(isinstance(node, Image) and node.file for node in iter_inlines(doc)):
        return doc, []
    return map_runs(doc, run), files


@dataclass
class ContentDocument:
    """One XHTML document of the package: its file, title, language and rendered body."""

    file_name: str
    title: str
    language: str
    body: str
    uid: str


@dataclass
class Package:
    """What goes into an EPUB besides its content documents."""

    identifier: str
    title: str
    language: str
    date: datetime
    trees: list[Document]  # for metadata derived from the content (images, page breaks, fonts)
    toc: list
    body_file: str  # where the body matter starts (landmarks)
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    page_source: bool = False
    embed_fonts: bool = False
    extra_metadata: dict[str, str] = field(default_factory=dict)
    images: list[tuple[str, str, bytes]] = field(default_factory=list)  # (file name, media type, bytes)


def epub_bytes(doc: Document, layout: Layout, *, stem: str, date: datetime, page_source: bool = False,
               embed_fonts: bool = False, image_dir: Path | None = None) -> bytes:
    """The EPUB of one chapter. With `page_source`, the tree's PageBreak nodes are the print
    edition's pages: the book gets a page list and names the PDF edition as their source. With
    `embed_fonts`, subsets of the CJK faces travel inside the book. Images are read from
    `image_dir`, the source's folder (see `package_images`)."""
    doc, images = package_images(doc, image_dir)
    title = plain_text(doc.title)
    content = ContentDocument(CHAPTER_FILE, title, doc.language, render_epub_body(doc, layout), "chapter")
    package = Package(
        identifier=book_identifier(doc, stem), title=title, language=doc.language, date=date, trees=[doc],
        toc=[chapter_toc(doc, CHAPTER_FILE)], body_file=CHAPTER_FILE,
        authors=[doc.meta["author"]] if doc.meta.get("author") else [], publisher=doc.meta.get("publisher", ""),
        page_source=page_source, embed_fonts=embed_fonts, images=images,
    )
    return package_bytes(package, [content], layout)


TITLE_PAGE_FILE = "titlepage.xhtml"


def book_epub_bytes(book: Book, docs: list[Document], layout: Layout, *, date: datetime, front_markers: list[str],
                    embed_fonts: bool = False, image_dirs: list[Path] | None = None) -> bytes:
    """The EPUB of a whole book: a front-matter document (title, edition details), then one
    content document per chapter; `docs` carry the print edition's PageBreak nodes, and each
    chapter's images are read from its own folder (`image_dirs`)."""
    strings = layout.strings(book.output_language)
    title_page = ContentDocument(TITLE_PAGE_FILE, strings["title_page"], book.output_language,
                                 render_title_page(book, layout, date.isoformat(), front_markers), "titlepage")
    contents, toc = [title_page], []
    from ebooklib import epub

    toc.append(epub.Link(TITLE_PAGE_FILE, strings["title_page"], "titlepage"))
    images: list[tuple[str, str, bytes]] = []
    packaged = []
    for number, doc in enumerate(docs, start=1):
        folder = image_dirs[number - 1] if image_dirs else None
        doc, files = package_images(doc, folder, prefix=f"ch{number}-")
        images.extend(files)
        packaged.append(doc)
    docs = packaged
    for number, doc in enumerate(docs, start=1):
        file_name = f"chapter-{number:02d}.xhtml"
        contents.append(ContentDocument(file_name, plain_text(doc.title), doc.language,
                                        render_epub_body(doc, layout), f"chapter{number}"))
        toc.append(chapter_toc(doc, file_name))
    seed = "\n".join([book.title, book.subtitle, book.edition, book.isbn, book.output_language])
    package = Package(
        identifier="urn:uuid:" + str(uuid.uuid5(NAMESPACE, seed)), title=book.title, language=book.output_language,
        date=date, trees=docs, toc=toc, body_file=contents[1].file_name, authors=list(book.editors),
        publisher=book.publisher, page_source=True, embed_fonts=embed_fonts,
        extra_metadata={"identifier": f"urn:isbn:{book.isbn}"} if book.isbn else {}, images=images,
    )
    return package_bytes(package, contents, layout)


def chapter_toc(doc: Document, file_name: str) -> Any:
    """The navigation entry of a chapter: its title, and its sections under it."""
    from ebooklib import epub

    title = plain_text(doc.title)
    link = f"{file_name}#{doc.ident}"
    sections = [b for b in doc.children if isinstance(b, Section)]
    return (epub.Section(title, link), _toc(sections, file_name)) if sections else epub.Link(link, title, doc.ident)


def package_bytes(package: Package, contents: list[ContentDocument], layout: Layout) -> bytes:
    """Write the EPUB: metadata, styles (and fonts), content documents, navigation; then re-pack."""
    from ebooklib import epub

    strings = layout.strings(package.language)
    book = epub.EpubBook()
    has_pages = package.page_source and any("doc-pagebreak" in content.body for content in contents)
    _metadata(book, package, strings, has_pages=has_pages)
    styles = _styles(book, package, layout, strings)
    for index, (name, media_type, data) in enumerate(package.images, start=1):
        book.add_item(epub.EpubItem(uid=f"image{index}", file_name=name, media_type=media_type, content=data))

    documents = []
    for content in contents:
        document = epub.EpubHtml(title=content.title, file_name=content.file_name, lang=content.language,
                                 uid=content.uid)
        document.content = content.body
        if "<math" in content.body:  # a content document holding MathML says so in the manifest
            document.properties.append("mathml")
        for item in styles:
            document.add_item(item)
        book.add_item(document)
        documents.append(document)

    book.toc = package.toc
    book.guide = [
        {"type": "toc", "href": "nav.xhtml", "title": strings["contents"]},
        {"type": "text", "href": package.body_file, "title": package.title},
    ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title=strings["contents"]))
    book.spine = ["nav", *documents]

    raw = io.BytesIO()
    options = {
        "mtime": package.date,
        "play_order": {"enabled": False},
        "epub3_pages": has_pages,
        "pages_title": strings["pages"],
        "landmark_title": strings["landmarks"],
    }
    epub.write_epub(raw, book, options)
    return repack(_page_list_of_page_breaks(raw.getvalue()), package.date, language=package.language)


EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _page_list_of_page_breaks(data: bytes) -> bytes:
    """The EPUB with its page list holding page breaks only: ebooklib lists every element that
    has both an id and an `epub:type` — a note reference, a footnote — as a page."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        documents = {name: source.read(name) for name in names}
    breaks: set[str] = set()
    navs = []
    for name, content in documents.items():
        if not name.endswith(".xhtml"):
            continue
        root = etree.fromstring(content)
        if any(nav.get(EPUB_TYPE) == "page-list" for nav in root.iter("{http://www.w3.org/1999/xhtml}nav")):
            navs.append(name)
        folder = name.rpartition("/")[0]
        breaks.update(f"{name.removeprefix(folder + '/')}#{element.get('id')}" for element in root.iter()
                      if "pagebreak" in (element.get(EPUB_TYPE) or "").split() and element.get("id"))
    dropped = False
    for name in navs:
        tree = etree.fromstring(documents[name]).getroottree()
        for nav in tree.getroot().iter("{http://www.w3.org/1999/xhtml}nav"):
            if nav.get(EPUB_TYPE) != "page-list":
                continue
            for item in list(nav.iter("{http://www.w3.org/1999/xhtml}li")):
                link = item.find("{http://www.w3.org/1999/xhtml}a")
                if link is None or link.get("href") not in breaks:
                    item.getparent().remove(item)
                    dropped = True
        if dropped:  # written as ebooklib writes it
            documents[name] = etree.tostring(tree, encoding="utf-8", xml_declaration=True, pretty_print=True)
    if not dropped:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            target.writestr(name, documents[name])
    return out.getvalue()


def _metadata(book: Any, package: Package, strings: dict[str, str], *, has_pages: bool) -> None:
    """The package's Dublin Core metadata, the print edition it cites, and accessibility metadata."""
    book.set_identifier(package.identifier)
    book.set_title(package.title)
    book.set_language(package.language)
    book.add_metadata("DC", "date", package.date.strftime("%Y-%m-%d"))
    for number, author in enumerate(package.authors, start=1):
        book.add_author(author, uid=f"creator{number}")
    if package.publisher:
        book.add_metadata("DC", "publisher", package.publisher)
    for name, value in package.extra_metadata.items():
        book.add_metadata("DC", name, value, {"id": name} if name == "identifier" else {})
    if has_pages:
        edition = f"{package.title} ({strings['print_edition']}, PDF)"
        book.add_metadata("DC", "source", edition)
        book.add_metadata(None, "meta", edition, {"property": "pageBreakSource"})
    _accessibility(book, package.trees, strings, has_pages=has_pages)


def _styles(book: Any, package: Package, layout: Layout, strings: dict[str, str]) -> list[Any]:
    """The layout's EPUB stylesheets added to the book, then (with `embed_fonts`) the font subsets
    and their stylesheet, last so that its font rules win."""
    from ebooklib import epub

    styles = []
    for index, path in enumerate(layout.stylesheets("epub")):
        item = epub.EpubItem(uid=f"style{index}", file_name=f"styles/{path.name}", media_type="text/css",
                             content=path.read_bytes())
        book.add_item(item)
        styles.append(item)
    if package.embed_fonts:
        from .fonts import CSS_FILE, FONT_MEDIA_TYPE, embedded_fonts

        every = package.trees[0] if len(package.trees) == 1 else replace(
            package.trees[0], title=[Text(package.title)],
            children=[Section(1, doc.title, doc.children, doc.title_line) for doc in package.trees])
        # the layout's words, and the digits and signs of the numbers it prints (图 3-1, notes)
        fonts = embedded_fonts(every, extra_text="".join(strings.values()) + "0123456789-.\u3000")
        for index, (name, data) in enumerate(fonts.files):
            book.add_item(epub.EpubItem(uid=f"font{index}", file_name=name, media_type=FONT_MEDIA_TYPE, content=data))
        item = epub.EpubItem(uid="fonts-css", file_name=CSS_FILE, media_type="text/css", content=fonts.css.encode())
        book.add_item(item)
        styles.append(item)
    return styles


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


