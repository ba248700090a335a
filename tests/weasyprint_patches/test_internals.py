"""WeasyPrint's internals behind one door: each symbol `compiler.weasyprint_patches.INTERNALS`
names must be there, unchanged, in the installed WeasyPrint. An upgrade that changes one fails
here, naming it, instead of mis-setting text somewhere in a book."""

from __future__ import annotations

import importlib

import pytest
import weasyprint

from compiler.weasyprint_patches import INTERNALS, TESTED_WEASYPRINT, Internal, fingerprint, install_all

FUNCTIONS = [internal for internal in INTERNALS if internal.fingerprint]
MODULE_SYMBOLS = [internal for internal in INTERNALS if "()." not in internal.name]
INSTANCE_ATTRIBUTES = [internal for internal in INTERNALS if "()." in internal.name]


def test_the_installed_weasyprint_is_the_tested_one():
    assert weasyprint.__version__ == TESTED_WEASYPRINT


@pytest.mark.parametrize("internal", MODULE_SYMBOLS, ids=lambda internal: internal.qualified)
def test_each_symbol_is_there(internal: Internal):
    owner = importlib.import_module(internal.module)
    for part in internal.name.split("."):
        assert hasattr(owner, part), f"{internal.qualified} ({internal.use} by {internal.by}) is gone"
        owner = getattr(owner, part)


@pytest.mark.parametrize("internal", FUNCTIONS, ids=lambda internal: internal.qualified)
def test_each_function_is_the_one_the_patch_was_written_for(internal: Internal):
    assert fingerprint(internal) == internal.fingerprint, (
        f"{internal.qualified} ({internal.use} by compiler.weasyprint_patches.{internal.by}) changed: "
        "read the new source, adapt the patch, then update its fingerprint")


def test_patches_are_installed_over_the_symbols_the_table_names():
    """The table is the truth: every patched symbol is replaced by this package once installed."""
    install_all()
    from compiler.weasyprint_patches import deferred_fonts, page_numbers

    page_numbers._install()
    patched = [internal for internal in INTERNALS if internal.use in ("patched", "rewritten")]
    for internal in patched:
        if internal.by == "deferred_fonts":
            continue  # scoped: replaced only while a part is written (see the book tests)
        owner = importlib.import_module(internal.module)
        *path, name = internal.name.split(".")
        for part in path:
            owner = getattr(owner, part)
        replaced = getattr(owner, name)
        if internal.use == "rewritten":  # compiled again from WeasyPrint's own source, in its module
            assert replaced.__code__.co_filename == importlib.import_module(internal.module).__file__
        else:
            assert replaced.__module__.startswith("compiler.weasyprint_patches."), internal.qualified
    assert deferred_fonts.programs_left_out  # the scoped patch is importable


def _rendered():
    from compiler.weasyprint_patches.page_numbers import numbered_on

    counts = []
    html = ('<html lang="zh-Hans"><style>@page { @top-center { content: "页眉" } } '
            'p { text-align: justify } a::after { content: leader(".") }</style>'
            '<p id="p1">中文排版测试，RFID 标签。</p><p><a href="#p1">目录</a></p></html>')
    install_all()
    with numbered_on(lambda count: counts.append(count) or 0):
        document = weasyprint.HTML(string=html).render()
    return document, counts


@pytest.mark.parametrize("internal", INSTANCE_ATTRIBUTES, ids=lambda internal: internal.qualified)
def test_each_instance_attribute_is_on_the_objects_of_a_real_rendering(internal: Internal):
    from weasyprint.formatting_structure import boxes

    document, counts = _rendered()
    kind, attribute = internal.name.split("().")
    if kind == "Page":
        assert hasattr(document.pages[0], attribute), internal.qualified
        return
    if kind == "LayoutContext":  # read once pagination is over: the page count it gave
        assert counts == [len(document.pages)], internal.qualified
        return
    wanted = getattr(boxes, kind)
    found = [box for page in document.pages for box in page._page_box.descendants() if isinstance(box, wanted)]
    assert found and all(hasattr(box, attribute) for box in found), internal.qualified
