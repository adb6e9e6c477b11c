"""The declaration as an A4 PDF, in Vietnamese.

Made with fpdf2 (LGPL-3.0, used unmodified as a dependency): pure Python, it embeds a subset of a TrueType font as
a CID font with a ToUnicode map — so the text is real text, copyable and searchable with its diacritics —, passes
the JPEGs through unchanged, and writes the same bytes for the same declaration once the creation date is fixed
(here: the declaration's date, midnight UTC; no XMP, no producer, ``/ID`` an MD5 of the content). reportlab was
the other candidate: it writes 256-glyph simple-font subsets and leaves an unembedded Helvetica reference.

The font is Be Vietnam Pro (Regular and Bold, SIL Open Font License 1.1), shipped in ``vssid_id/data/fonts`` with
its licence: it was drawn for Vietnamese and covers every precomposed letter.

The page follows what the VssID guide shows: the form's title ("Tờ khai đăng ký sử dụng, điều chỉnh thông tin và
ngừng sử dụng phương thức giao dịch điện tử trong lĩnh vực bảo hiểm xã hội"), the office it is addressed to, the
holder's fields, the 4×6 portrait, both sides of the identity document, the points to check (conflicts and
notes), the commitment, the date and a place to sign. The official template of the form (Nghị định
164/2025/NĐ-CP) was not found in a public copy, so the layout is ours and says so at the foot of the page. A
character the font lacks (not Latin or Vietnamese: a Chinese character, an emoji) is printed as ``?``.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timezone
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .declare import Declaration

__all__ = ["render", "TITLE", "FONT_FILES", "CONFLICT_TEXT", "NOTE_TEXT"]

#: The form's title as the VssID guide shows it.
TITLE = ("Tờ khai đăng ký sử dụng, điều chỉnh thông tin và ngừng sử dụng phương thức giao dịch điện tử "
         "trong lĩnh vực bảo hiểm xã hội")
#: The font files, in ``vssid_id/data/fonts``.
FONT_FILES = {"": "BeVietnamPro-Regular.ttf", "B": "BeVietnamPro-Bold.ttf"}
FONT = "BeVietnamPro"

#: Vietnamese wording of each conflict kind (the English message is printed for a kind not listed).
CONFLICT_TEXT = {
    "name_diacritics": "Họ tên trên hai thẻ chỉ khác nhau ở dấu: cần kiểm tra thẻ nào đúng.",
    "name": "Họ tên trên hai thẻ khác nhau.",
    "date_of_birth": "Ngày sinh trên hai thẻ khác nhau.",
    "gender": "Giới tính trên hai thẻ khác nhau.",
    "id_card_expired": "Thẻ căn cước / CCCD đã hết hạn sử dụng.",
    "id_front_mismatch": "Ảnh mặt trước không phải thẻ căn cước / CCCD đã quét.",
    "id_back_mismatch": "Dòng mã MRZ ở ảnh mặt sau không khớp với thẻ căn cước / CCCD đã quét.",
    "mrz_id_number": "Số định danh trong dòng mã MRZ khác số trên thẻ.",
    "mrz_date_of_birth": "Ngày sinh trong dòng mã MRZ khác ngày sinh trên thẻ.",
    "mrz_gender": "Giới tính trong dòng mã MRZ khác giới tính trên thẻ.",
    "mrz_name": "Họ tên trong dòng mã MRZ (không dấu) khác họ tên trên thẻ.",
    "mrz_expiry": "Ngày hết hạn trong dòng mã MRZ khác ngày hết hạn tính theo luật; ngày in trên thẻ là ngày đúng.",
}
#: Vietnamese wording of each note kind.
NOTE_TEXT = {
    "bhyt_not_in_force": "Thẻ BHYT không còn giá trị sử dụng vào ngày kiểm tra; mã số BHXH vẫn giữ nguyên.",
    "id_card_expiry_unknown": "Không xác định được hạn sử dụng của thẻ căn cước / CCCD.",
    "address_ambiguous": "Địa chỉ thuộc nhiều xã, phường mới: người kê khai chọn địa chỉ mới.",
    "address_not_found": "Không tìm thấy địa chỉ trong danh mục đơn vị hành chính mới.",
    "unreadable_code": "Một mã QR đã quét không phải mã của thẻ và đã được bỏ qua.",
    "no_identity_card": "Chưa quét thẻ căn cước / CCCD.",
    "no_bhyt_card": "Chưa quét thẻ BHYT.",
    "id_front_unreadable": "Không đọc được mã QR trên ảnh mặt trước; ảnh chưa được đối chiếu với thẻ.",
    "id_back_unreadable": "Không đọc được dòng mã MRZ ở ảnh mặt sau; ảnh chưa được đối chiếu với thẻ.",
    "name_from_mrz": "Họ tên lấy từ dòng mã MRZ (không dấu).",
    # vssid-serve's page: a field typed over what the cards hold (vssid_id.web.edits)
    "edited_by_hand": "Người kê khai đã sửa tay một mục khác với thông tin trên thẻ.",
}

_MARGIN = 15.0
_PAGE_W = 210.0
_PAGE_H = 297.0
_PORTRAIT_W, _PORTRAIT_H = 40.0, 60.0
_CARD_W = 85.6
_CARD_H = 46.0


def _font_path(name: str) -> str:
    return str(files("vssid_id") / "data" / "fonts" / name)


def _rows(declaration: Declaration) -> list[tuple[str, str]]:
    registration = declaration.registration
    form = registration.to_form()
    rows = [
        ("Họ và tên", form["họ tên"]),
        ("Mã số BHXH", form["mã số BHXH"]),
        ("Số CCCD / số định danh cá nhân", form["số CCCD"]),
    ]
    if registration.old_id_number:
        rows.append(("Số CMND cũ", registration.old_id_number))
    rows += [
        ("Ngày sinh", form["ngày sinh"]),
        ("Giới tính", form["giới tính"]),
        ("Địa chỉ trên thẻ", registration.address or ""),
    ]
    if registration.address_2025 and registration.address_2025 != registration.address:
        rows.append(("Địa chỉ (đơn vị hành chính từ 1/7/2025)", registration.address_2025))
    rows += [
        ("Địa chỉ liên hệ", declaration.contact_address or ""),
        ("Số điện thoại di động", declaration.phone),
        ("Email", declaration.email),
        ("Cơ quan BHXH tiếp nhận", declaration.office.name),
    ]
    return rows


def render(declaration: Declaration) -> bytes:
    """The PDF bytes of ``declaration`` (one A4 page, or more when the findings are many)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import TTFFont

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(datetime.combine(declaration.declared_on, time(0, 0), tzinfo=timezone.utc))
    pdf.set_title(TITLE)
    pdf.set_lang("vi")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN)
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, _font_path(name))
    covered: set[int] | None = None
    for font in pdf.fonts.values():  # fontTools compiles the subset's glyphs for speed, not the last byte of size
        if isinstance(font, TTFFont):
            font.ttfont.cfg["fontTools.ttLib:OPTIMIZE_FONT_SPEED"] = True
            covered = set(font.cmap) if covered is None else covered & set(font.cmap)
    glyphs = frozenset(covered or ())

    def printable(text: str) -> str:
        """``text`` with every character the font lacks as ``?``: fpdf2 would drop it and log it (personal data
        has no place in a log)."""
        return "".join(char if ord(char) in glyphs or char in " \n" else "?" for char in text)

    pdf.add_page()
    width = _PAGE_W - 2 * _MARGIN
    below: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", **below)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(width, 5.5, "Độc lập - Tự do - Hạnh phúc", align="C", **below)
    pdf.line(_PAGE_W / 2 - 25, pdf.get_y() + 0.5, _PAGE_W / 2 + 25, pdf.get_y() + 0.5)
    pdf.ln(4)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(width, 7, "TỜ KHAI", align="C", **below)
    pdf.set_font(FONT, "B", 11.5)
    pdf.set_x(_MARGIN + 10)
    pdf.multi_cell(width - 20, 5.8, TITLE, align="C", **below)
    pdf.ln(2)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, f"Kính gửi: {printable(declaration.office.name)}", align="C", **below)
    pdf.ln(2)

    top = pdf.get_y()
    pdf.image(io.BytesIO(declaration.portrait), x=_PAGE_W - _MARGIN - _PORTRAIT_W, y=top,
              w=_PORTRAIT_W, h=_PORTRAIT_H)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_xy(_PAGE_W - _MARGIN - _PORTRAIT_W, top + _PORTRAIT_H + 0.5)
    pdf.cell(_PORTRAIT_W, 4, "Ảnh chân dung 4x6", align="C")
    pdf.set_xy(_MARGIN, top)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 6, "I. Thông tin người đăng ký", **below)
    pdf.set_font(FONT, "", 9.5)
    table_w = width - _PORTRAIT_W - 5
    with pdf.table(width=table_w, col_widths=(47, table_w - 47), align="LEFT", first_row_as_headings=False,
                   line_height=4.6, padding=1.0, borders_layout="HORIZONTAL_LINES", text_align="LEFT") as table:
        for label, value in _rows(declaration):
            row = table.row()
            row.cell(label)
            row.cell(printable(value))
    pdf.set_y(max(pdf.get_y(), top + _PORTRAIT_H + 5) + 3)

    if pdf.get_y() + 6 + 1 + _CARD_H + 7 > _PAGE_H - _MARGIN:  # the photos and their captions stay together
        pdf.add_page()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 6, "II. Ảnh giấy tờ tùy thân (mặt trước, mặt sau)", **below)
    y = pdf.get_y() + 1
    card_h = 0.0
    for index, photo in enumerate((declaration.id_front, declaration.id_back)):
        from PIL import Image

        with Image.open(io.BytesIO(photo)) as picture:
            ratio = picture.height / picture.width
        box_w = _CARD_W
        box_h = min(box_w * ratio, _CARD_H)
        box_w = box_h / ratio
        x = _MARGIN + index * (width / 2) + (width / 2 - box_w) / 2
        pdf.image(io.BytesIO(photo), x=x, y=y, w=box_w, h=box_h)
        card_h = max(card_h, box_h)
    pdf.set_font(FONT, "", 7.5)
    for index, caption in enumerate(("Mặt trước", "Mặt sau")):
        pdf.set_xy(_MARGIN + index * (width / 2), y + card_h + 0.5)
        pdf.cell(width / 2, 4, caption, align="C")
    pdf.set_y(y + card_h + 7)

    pdf.set_font(FONT, "B", 11)
    pdf.cell(width, 6, "III. Những điểm cần kiểm tra", **below)
    pdf.set_font(FONT, "", 10)
    findings = ([f"Cần kiểm tra: {CONFLICT_TEXT.get(c.kind, c.message)}" for c in declaration.conflicts]
                + [f"Ghi chú: {NOTE_TEXT.get(n.kind, n.message)}" for n in declaration.notes])
    for line in findings or ["Không có."]:
        pdf.multi_cell(width, 5.2, printable(f"• {line}" if findings else line), **below)
    pdf.ln(3)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(width, 5.2, ("Tôi cam đoan những nội dung kê khai trên là đúng và chịu trách nhiệm trước pháp "
                                "luật về những nội dung đã kê khai."), **below)
    pdf.ln(3)

    if pdf.get_y() > _PAGE_H - _MARGIN - 36:
        pdf.add_page()
    day = declaration.declared_on
    right_x, right_w = _PAGE_W / 2 + 10, width / 2 - 10
    pdf.set_x(right_x)
    pdf.set_font(FONT, "", 10)
    pdf.cell(right_w, 5.5, f"Ngày {day.day:02d} tháng {day.month:02d} năm {day.year}", align="C", **below)
    pdf.set_x(right_x)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(right_w, 5.5, "Người kê khai", align="C", **below)
    pdf.set_x(right_x)
    pdf.set_font(FONT, "", 9)
    pdf.cell(right_w, 5, "(Ký, ghi rõ họ tên)", align="C", **below)
    pdf.ln(14)
    pdf.set_x(right_x)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(right_w, 5.5, printable(declaration.registration.full_name or ""), align="C", **below)

    pdf.set_y(-_MARGIN - 4)
    pdf.set_font(FONT, "", 7)
    pdf.cell(width, 4, ("Lập bằng vssid_id từ các thẻ đã quét; bố cục không phải mẫu in sẵn của cơ quan BHXH "
                        "(mẫu theo Nghị định 164/2025/NĐ-CP chưa có bản công khai)."), align="C")
    return bytes(pdf.output())
