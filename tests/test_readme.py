"""The README's Python examples run, and each value a comment shows is what the code gives."""

import ast
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.+?)```", README, re.S)


def _shown_value(comment: str):
    """The Python literal a ``# comment`` shows, if it starts with one."""
    text = comment.strip()
    for end in range(len(text), 0, -1):
        if text[:end].rstrip().endswith(","):  # "'x', as the card prints it" shows 'x', not a tuple
            continue
        try:
            return True, ast.literal_eval(text[:end])
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
    return False, None


@pytest.fixture
def photo_dir(tmp_path, monkeypatch):
    """A folder holding the bundled sample card as 'photo.heic', and the declaration's photos (a drawn face, the
    README's CCCD rendered as a card, a card back), as the README's examples read them."""
    import cv2
    import generate  # fixtures/generate.py, on the path from conftest
    import pillow_heif
    from PIL import Image

    from vssid_id.cli.scan import _sample_path
    from vssid_id.declaration.synthetic import synthetic_portrait

    pillow_heif.register_heif_opener()
    Image.open(_sample_path()).convert("RGB").save(tmp_path / "photo.heic")
    cv2.imwrite(str(tmp_path / "portrait.jpg"), synthetic_portrait(900, 1200))
    cccd = re.search(r'parse\("(001090123456\|\|[^"]+)"\s*"([^"]+)"\)', README)
    generate.render_card(cccd.group(1) + cccd.group(2), "cccd").save(tmp_path / "cccd-front.jpg")
    generate.render_card("the back of the card", "bhyt").save(tmp_path / "cccd-back.jpg")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.strip().splitlines()[0][:40])
def test_readme_example(block, photo_dir, capsys):
    namespace: dict = {}
    lines = block.splitlines()
    checked = 0
    for statement in ast.parse(block).body:
        source = ast.get_source_segment(block, statement)
        code = compile(ast.Module([statement], []) if not isinstance(statement, ast.Expr) else
                       ast.Expression(statement.value), "<README>", "exec" if not isinstance(statement, ast.Expr)
                       else "eval")
        if not isinstance(statement, ast.Expr):
            exec(code, namespace)
            continue
        value = eval(code, namespace)
        line = lines[statement.end_lineno - 1]
        if "#" in line[statement.end_col_offset:]:
            found, shown = _shown_value(line[statement.end_col_offset:].split("#", 1)[1])
            if found:
                assert value == shown, f"{source} gives {value!r}, the README shows {shown!r}"
                checked += 1
    assert checked or "class " in block or "for " in block
