"""The page's Vietnamese messages, keyed by the API's stable codes.

The API answers programs with stable codes — an error's ``type`` (the
exception's class name, :mod:`vssid_id.errors`, or one of the API's own such as
``BodyTooLarge``), a conflict's or note's ``kind`` (:mod:`vssid_id.registration`)
and a declaration problem's ``field`` and ``kind`` — and an English ``message``
for logs and developers. A person at the registration desk reads Vietnamese:
the page looks every code up here and shows the text, which says what went
wrong and what to do. The codes stay the API; the text can change.

One plain catalogue, not gettext/Babel: the page is in one language, the
catalogue is read by the browser (the server puts it in the page as a JSON
data block, :func:`catalogue`), and a test holds it to every code the
library and the API can produce (tests/test_web_messages.py). A code missing
here still shows a Vietnamese text: the page falls back on :data:`FALLBACK`
for its HTTP status, never on the English message.

``{limit}`` in a text is the body cap, written by the page in megabytes.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["ERRORS", "FINDINGS", "PROBLEMS", "FALLBACK", "catalogue", "catalogue_json"]

#: Error ``type`` → what the person reads. Types of :mod:`vssid_id.errors` and of the API (:mod:`.problems`).
ERRORS: dict[str, str] = {
    # vssid_id.errors
    "VssidError": "Dữ liệu không hợp lệ. Hãy kiểm tra lại.",
    "PayloadError": "Mã QR này không đọc được thành thông tin thẻ. Hãy chụp lại mã QR trên thẻ.",
    "UnknownPayloadKind": "Mã QR này không phải mã QR của thẻ CCCD, thẻ Căn cước hay thẻ BHYT. "
                          "Hãy chụp mã QR in trên thẻ.",
    "MalformedPayload": "Mã QR của thẻ bị hỏng hoặc đọc sai một phần. Hãy chụp lại rõ hơn, đủ sáng, không lóa.",
    "ChecksumMismatch": "Mã QR của thẻ có mã kiểm tra không khớp. Hãy chụp lại rõ hơn.",
    "InconsistentRecord": "Thông tin trong mã QR của thẻ mâu thuẫn với nhau. Hãy kiểm tra thẻ hoặc nhập tay.",
    "InvalidCode": "Mã số không hợp lệ. Hãy kiểm tra lại.",
    "InvalidFormat": "Mã số có ký tự hoặc dạng không đúng. Hãy kiểm tra lại.",
    "InvalidLength": "Mã số không đủ hoặc thừa chữ số. Hãy kiểm tra lại.",
    "InvalidComponent": "Mã số có phần (mã tỉnh, mã đối tượng …) không có trong danh mục. Hãy kiểm tra lại.",
    "ImageError": "Không đọc được ảnh này. Hãy chọn ảnh JPEG, PNG, WebP hoặc HEIC khác, hoặc chụp lại.",
    "ImageTooLarge": "Ảnh quá lớn để xử lý an toàn. Hãy chụp lại ở độ phân giải thấp hơn hoặc chọn ảnh khác.",
    "BackendUnavailable": "Máy chủ thiếu bộ đọc mã QR cần dùng. Hãy báo cho người quản trị.",
    "CameraError": "Máy ảnh không mở được hoặc đã ngừng. Hãy chọn ảnh chụp thẻ.",
    "RegistrationError": "Các thẻ đã đọc không ghép được thành một tờ khai. Hãy làm lại.",
    "NoCard": "Chưa đọc được thẻ nào. Hãy quét mã QR trên thẻ BHYT và thẻ CCCD.",
    "TooManyCards": "Đã đọc hai thẻ khác nhau cùng loại: một tờ khai chỉ dành cho một người. "
                    "Hãy bấm «Làm lại» rồi quét thẻ của một người.",
    "DeclarationError": "Tờ khai còn thiếu hoặc sai một số mục: xem thông báo ở từng mục.",
    "UnknownOffice": "Không có cơ quan BHXH này: hãy chọn trong danh sách.",
    # the API's own (vssid_id.web)
    "BadRequest": "Yêu cầu gửi tới máy chủ không đúng. Hãy tải lại trang rồi thử lại.",
    "BadJson": "Yêu cầu gửi tới máy chủ không đúng. Hãy tải lại trang rồi thử lại.",
    "BadEncoding": "Mã QR có ký tự không đọc được. Hãy chụp lại.",
    "BadMultipart": "Ảnh gửi tới máy chủ bị hỏng trên đường truyền. Hãy thử lại.",
    "BodyTooLarge": "Ảnh quá lớn: mỗi lần gửi tối đa {limit}. Hãy chụp lại ở độ phân giải thấp hơn "
                    "hoặc chọn ảnh nhỏ hơn.",
    "PayloadTooLong": "Mã QR dài quá mức một thẻ có thể có: đây không phải mã QR của thẻ.",
    "UnsupportedMediaType": "Máy chủ không nhận dạng dữ liệu này. Hãy tải lại trang rồi thử lại.",
    "TooManyParts": "Gửi quá nhiều ảnh trong một lần. Hãy tải lại trang rồi thử lại.",
    "TooManyInputs": "Gửi quá nhiều thẻ trong một lần: mỗi tờ khai chỉ cần một thẻ BHYT và một thẻ CCCD.",
    "UnknownHost": "Địa chỉ trang không đúng với máy chủ. Hãy mở trang bằng địa chỉ người quản trị đã cung cấp.",
    "RequestTimeout": "Kết nối quá chậm nên việc gửi bị ngắt giữa chừng. Hãy kiểm tra mạng rồi thử lại.",
    "NoCodeFound": "Không tìm thấy mã QR trên ảnh. Hãy chụp lại gần hơn, đủ sáng, không lóa.",
    "ServerBusy": "Máy chủ đang bận xử lý nhiều ảnh. Hãy thử lại sau vài giây.",
    "TimeLimitExceeded": "Máy chủ xử lý ảnh quá lâu. Hãy chụp lại rõ hơn, hoặc thử lại sau.",
    "NotFound": "Không có trang này.",
    "MethodNotAllowed": "Máy chủ không nhận yêu cầu này. Hãy tải lại trang.",
    "HTTPError": "Máy chủ không xử lý được yêu cầu. Hãy thử lại.",
    "InternalError": "Máy chủ gặp lỗi khi xử lý. Hãy thử lại; nếu vẫn lỗi, hãy báo cho người quản trị.",
}

#: HTTP status → the text for a ``type`` not in :data:`ERRORS` (and ``"network"`` when nothing came back).
FALLBACK: dict[str, str] = {
    "400": "Yêu cầu gửi tới máy chủ không đúng. Hãy tải lại trang rồi thử lại.",
    "413": ERRORS["BodyTooLarge"],
    "422": "Máy chủ không đọc được dữ liệu này. Hãy chụp lại hoặc kiểm tra lại.",
    "503": ERRORS["ServerBusy"],
    "504": ERRORS["TimeLimitExceeded"],
    "other": "Máy chủ không xử lý được yêu cầu. Hãy thử lại.",
    "network": "Không kết nối được tới máy chủ. Hãy kiểm tra mạng rồi thử lại.",
}

#: Conflict and note ``kind`` → text (vssid_id.registration; the table in registration/merge.py's docstring).
FINDINGS: dict[str, str] = {
    "name_diacritics": "Họ tên trên hai thẻ chỉ khác nhau ở dấu tiếng Việt (lỗi nhập liệu thường gặp): "
                       "đối chiếu với thẻ, sửa lại nếu cần.",
    "name": "Họ tên trên hai thẻ khác nhau: đối chiếu với thẻ, sửa lại nếu cần.",
    "date_of_birth": "Ngày sinh trên hai thẻ khác nhau: đối chiếu với thẻ, sửa lại nếu cần.",
    "gender": "Giới tính trên hai thẻ khác nhau: đối chiếu với thẻ, sửa lại nếu cần.",
    "id_card_expired": "Thẻ CCCD đã hết hạn sử dụng (đến tuổi phải đổi thẻ): người khai cần làm thủ tục đổi thẻ.",
    "mrz_id_number": "Số định danh trong dòng mã MRZ ở mặt sau khác số trên mã QR: kiểm tra xem hai ảnh có phải "
                     "của cùng một thẻ không.",
    "mrz_date_of_birth": "Ngày sinh trong dòng mã MRZ ở mặt sau khác ngày sinh trên thẻ: đối chiếu lại, sửa nếu cần.",
    "mrz_gender": "Giới tính trong dòng mã MRZ ở mặt sau khác giới tính trên thẻ: đối chiếu lại, sửa nếu cần.",
    "mrz_name": "Họ tên trong dòng mã MRZ ở mặt sau (không dấu) khác họ tên trên thẻ: đối chiếu lại, sửa nếu cần.",
    "mrz_expiry": "Ngày hết hạn trong dòng mã MRZ khác ngày hết hạn tính theo luật: ngày in trên thẻ là ngày đúng, "
                  "hãy kiểm tra lại thẻ.",
    "name_from_mrz": "Họ tên lấy từ dòng mã MRZ (chữ in hoa, không dấu): hãy sửa lại cho đúng dấu tiếng Việt.",
    "id_card_expiry_unknown": "Không xác định được hạn sử dụng của thẻ CCCD: hãy xem hạn in trên thẻ.",
    "bhyt_not_in_force": "Thẻ BHYT không còn (hoặc chưa có) giá trị sử dụng; mã số BHXH trên thẻ vẫn đúng.",
    "no_bhyt_card": "Chưa quét thẻ BHYT: chưa có Mã số BHXH. Hãy quét thẻ BHYT hoặc nhập tay.",
    "no_identity_card": "Chưa quét thẻ CCCD: chưa có số CCCD; các thông tin khác lấy từ thẻ BHYT.",
    "address_ambiguous": "Phường, xã cũ nay thuộc nhiều đơn vị mới: chọn địa chỉ đúng trong các địa chỉ sau "
                         "và nhập vào ô này.",
    "address_not_found": "Không tìm được địa chỉ theo đơn vị hành chính mới: hãy nhập tay.",
    "unreadable_code": "Có mã QR không phải của thẻ, đã bỏ qua.",
    # vssid_id.declaration: the front photo checked against the scanned card
    "id_front_mismatch": "Ảnh mặt trước là thẻ khác với thẻ CCCD đã quét (người khác, hoặc thẻ cũ): "
                         "hãy chụp mặt trước của đúng thẻ đã quét.",
    "id_front_unreadable": "Không đọc được mã QR trên ảnh mặt trước, nên chưa đối chiếu được với thẻ đã quét "
                           "(CMND và hộ chiếu không có mã QR).",
    "id_back_mismatch": "Dòng mã MRZ ở ảnh mặt sau không khớp với thẻ đã quét (số, ngày sinh, giới tính hoặc họ tên): "
                        "hãy chụp mặt sau của đúng thẻ đã quét.",
    "id_back_unreadable": "Không đọc được dòng mã MRZ ở ảnh mặt sau, nên chưa đối chiếu được với thẻ đã quét "
                          "(CMND không có dòng mã này; nếu là thẻ CCCD, hãy chụp lại rõ hơn).",
    # the page's own: a field the person typed over what the cards hold (see app.py, _apply_edits)
    "edited_by_hand": "Người khai đã sửa tay mục này (khác với thông tin trên thẻ).",
}

#: A declaration problem → text, looked up as ``"field.kind"`` first, then ``"kind"``.
PROBLEMS: dict[str, str] = {
    "missing": "Mục này bắt buộc: hãy điền.",
    "full_name.missing": "Chưa có Họ và tên: quét thẻ hoặc nhập tay.",
    "bhxh_code.missing": "Chưa có Mã số BHXH: quét thẻ BHYT hoặc nhập tay (10 chữ số).",
    "id_number.missing": "Chưa có Số CCCD: quét thẻ CCCD hoặc nhập tay (12 chữ số).",
    "phone.missing": "Hãy nhập số điện thoại di động: mã OTP và tờ khai được gửi tới số này.",
    "email.missing": "Hãy nhập địa chỉ email: bản tờ khai được gửi tới địa chỉ này.",
    "office.missing": "Hãy chọn cơ quan BHXH tiếp nhận tờ khai.",
    "portrait.missing": "Hãy chụp hoặc chọn ảnh chân dung 4x6.",
    "id_front.missing": "Hãy chụp hoặc chọn ảnh mặt trước của CCCD / CMND / hộ chiếu.",
    "id_back.missing": "Hãy chụp hoặc chọn ảnh mặt sau của CCCD / CMND / hộ chiếu.",
    # the typed fields, checked with the library's validators (app.py, /api/check)
    "full_name.invalid": "Họ tên có ký tự không được phép. Hãy nhập lại bằng chữ tiếng Việt.",
    "bhxh_code.invalid": "Mã số BHXH gồm đúng 10 chữ số (in trên thẻ BHYT). Hãy kiểm tra lại.",
    "id_number.invalid": "Số CCCD / số định danh cá nhân gồm đúng 12 chữ số, "
                         "bắt đầu bằng mã tỉnh nơi đăng ký khai sinh. Hãy kiểm tra lại.",
    "old_id_number.invalid": "Số CMND cũ gồm 9 hoặc 12 chữ số. Hãy kiểm tra lại, hoặc để trống.",
    "date_of_birth.invalid": "Ngày sinh không có thật. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/03/1990.",
    "date_of_birth.future": "Ngày sinh ở sau hôm nay. Hãy kiểm tra lại năm sinh.",
    "gender.invalid": "Hãy chọn giới tính Nam hoặc Nữ.",
    "address.invalid": "Địa chỉ có ký tự không được phép. Hãy nhập lại.",
    "contact_address.invalid": "Địa chỉ có ký tự không được phép. Hãy nhập lại.",
    "office.unknown": "Không có cơ quan BHXH này: hãy chọn trong danh sách.",
    # vssid_id.declare()'s problems (declaration/declare.py's table)
    "registration.missing": "Chưa đọc được thẻ nào. Hãy quét mã QR trên thẻ BHYT và thẻ CCCD.",
    "phone.invalid": "Số điện thoại chưa đúng: nhập 10 chữ số, ví dụ 0912 345 678.",
    "phone.not_vietnamese": "Hãy nhập số điện thoại di động Việt Nam (bắt đầu bằng 0 hoặc +84).",
    "phone.not_mobile": "Đây là số máy bàn: hãy nhập số điện thoại di động để nhận mã OTP.",
    "email.invalid": "Địa chỉ email chưa đúng, ví dụ: ten@gmail.com.",
    "portrait.unreadable": "Không đọc được ảnh chân dung: hãy chụp lại hoặc chọn ảnh JPEG, PNG, HEIC khác.",
    "portrait.too_large": "Ảnh chân dung quá lớn để xử lý: hãy chụp lại ở độ phân giải thấp hơn.",
    "portrait.no_face": "Không thấy khuôn mặt trong ảnh chân dung: chụp thẳng mặt, đủ sáng, không che mặt.",
    "portrait.several_faces": "Ảnh chân dung có nhiều khuôn mặt: chỉ chụp một người.",
    "portrait.too_small": "Ảnh chân dung quá nhỏ để in cỡ 4x6: chụp gần hơn hoặc ở độ phân giải cao hơn.",
    "id_front.unreadable": "Không đọc được ảnh mặt trước: hãy chụp lại hoặc chọn ảnh khác.",
    "id_front.too_large": "Ảnh mặt trước quá lớn để xử lý: hãy chụp lại ở độ phân giải thấp hơn.",
    "id_front.too_small": "Ảnh mặt trước quá nhỏ: chụp gần hơn cho thẻ đầy khung.",
    "id_back.unreadable": "Không đọc được ảnh mặt sau: hãy chụp lại hoặc chọn ảnh khác.",
    "id_back.too_large": "Ảnh mặt sau quá lớn để xử lý: hãy chụp lại ở độ phân giải thấp hơn.",
    "id_back.too_small": "Ảnh mặt sau quá nhỏ: chụp gần hơn cho thẻ đầy khung.",
    "invalid": "Giá trị chưa đúng: hãy kiểm tra lại.",
}


def catalogue(max_body_bytes: int) -> dict[str, Any]:
    """Everything the page needs to word a code in Vietnamese, with the body cap for ``{limit}``."""
    return {"errors": ERRORS, "fallback": FALLBACK, "findings": FINDINGS, "problems": PROBLEMS,
            "max_body_bytes": max_body_bytes}


def catalogue_json(max_body_bytes: int) -> str:
    """:func:`catalogue` as JSON safe inside ``<script type="application/json">`` (no ``<``, ``>``, ``&``)."""
    text = json.dumps(catalogue(max_body_bytes), ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
