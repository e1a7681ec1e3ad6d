"""The report written as a Word document (.docx): a 公文-style red header, the brief, the figures, the tables and
the charts, each figure as the dashboard shows it."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from ..web.i18n import gettext as _
from .content import ReportContent
from .pictures import pictures
from .sections import NUMBERS, Section, Table, sections

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_FONT, HEADING_FONT = "仿宋", "黑体"  # the fonts of a 公文; a system without them substitutes its CJK font


def east_asian(run_or_style: object, family: str) -> None:
    """Set a run's (or a style's) font for Chinese text as well as Latin: Word keeps them apart."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = family
    properties = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), family)


def red_rule(paragraph: Paragraph) -> None:
    """A red line under the paragraph: the rule beneath a 公文's header."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def line(document: Document, text: str, *, size: float = 14, bold: bool = False, colour: RGBColor | None = None,
         centred: bool = False, font: str = BODY_FONT) -> Paragraph:
    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    east_asian(run, font)
    run.font.size, run.font.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


def header(document: Document, content: ReportContent) -> None:
    """The red masthead, the issue and the issuing office and day, the red rule, then the title."""
    line(document, _("%(place)s招商引资工作简报", place=content.place), size=26, bold=True, colour=RED,
         centred=True, font=HEADING_FONT)
    if content.issue:
        line(document, content.issue, centred=True)
    issued = _("%(year)s年%(month)s月%(day)s日", year=content.today.year, month=content.today.month,
               day=content.today.day)
    red_rule(line(document, f"{content.issuer}\u3000\u3000\u3000\u3000{issued}", centred=True))
    line(document, content.title, size=18, bold=True, centred=True, font=HEADING_FONT)


def table(document: Document, shown: Table) -> None:
    """A table with a bold header row, as Word draws a plain grid."""
    grid = document.add_table(rows=1, cols=len(shown.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = shown.widths is None
    for column, width in enumerate(shown.widths or ()):
        grid.columns[column].width = Cm(width)  # the grid's own widths: LibreOffice reads these, Word the cells'
    for row, bold in ((shown.columns, True), *((row, False) for row in shown.rows)):
        cells = grid.rows[0].cells if bold else grid.add_row().cells
        for column, (cell, text) in enumerate(zip(cells, row, strict=True)):
            if shown.widths:
                cell.width = Cm(shown.widths[column])
            run = cell.paragraphs[0].add_run(str(text))
            run.font.bold, run.font.size = bold, Pt(9)
            east_asian(run, HEADING_FONT if bold else BODY_FONT)
    document.add_paragraph()  # air between a table and the next heading


def write_sections(document: Document, made: list[Section]) -> None:
    for section in made:
        line(document, section.heading, size=16, bold=True, font=HEADING_FONT)
        for text in section.paragraphs:
            line(document, text).paragraph_format.first_line_indent = Cm(0.85)
        for shown in section.tables:
            if shown.caption:
                line(document, shown.caption, size=12, bold=True, centred=True)
            table(document, shown)
        for text in section.notes:
            line(document, text, size=12)


def write_pictures(document: Document, drawn: Iterable[tuple[str, bytes]], number: str) -> None:
    line(document, _("%(number)s、图表", number=number), size=16, bold=True, font=HEADING_FONT)
    for caption, picture in drawn:
        document.add_picture(io.BytesIO(picture), width=Cm(15.5))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        line(document, caption, size=11, centred=True)


def report_document(content: ReportContent) -> bytes:
    """The .docx file of the report."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, the 公文 paper (GB/T 9704)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    east_asian(document.styles["Normal"], BODY_FONT)
    header(document, content)
    made = sections(content)
    write_sections(document, made)
    title = _("区县排名得分") if content.city else _("专班排名得分")
    write_pictures(document, pictures(content.charts, title), NUMBERS[len(made)])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

