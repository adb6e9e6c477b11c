"""The examples in docs/formats.md parse to what the page says."""

import re
from datetime import date
from pathlib import Path

import vssid_id
from vssid_id.records import CccdVariant

FORMATS = (Path(__file__).resolve().parent.parent / "docs" / "formats.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```\n(.+?)\n```", FORMATS)


def test_every_payload_example_parses():
    assert len(EXAMPLES) == 3
    cccd, child, bhyt = (vssid_id.parse(example, today=date(2026, 11, 25)) for example in EXAMPLES)
    assert (cccd.kind, cccd.full_name, cccd.date_of_birth) == ("cccd", "Nguyễn Văn An", date(1990, 3, 5))
    assert cccd.variant is CccdVariant.CCCD_2021
    assert (child.variant, child.full_name, child.old_id_number, child.date_of_birth) == (
        CccdVariant.CAN_CUOC_2024, "Trần Ngọc Hà", None, date(2020, 2, 14))
    assert (bhyt.kind, bhyt.full_name, bhyt.address, bhyt.guardian_name) == (
        "bhyt", "Trần Thị Bình", "Thôn Đông, Xã Tân Phú, Hà Nội", "Trần Văn Cường")
    assert [record.to_payload() for record in (cccd, child, bhyt)] == EXAMPLES
