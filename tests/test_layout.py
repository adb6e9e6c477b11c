"""The package's layout: its wings, which way imports run, and the public paths that must not move.

docs/architecture.md is the map this test holds the code to.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import vssid_id

SRC = Path(__file__).resolve().parents[1] / "src" / "vssid_id"

#: Each wing and the wings it may import (itself always). ``shared`` is errors.py and encoding.py;
#: ``public`` the facades at the public paths (the package root, codes/, fields.py, records.py).
ALLOWED = {
    "shared": set(),
    "cards": {"shared"},
    "images": {"shared"},
    "scanning": {"shared", "cards", "images"},
    "registration": {"shared", "cards"},
    "declaration": {"shared", "cards", "images", "scanning", "registration"},
    "cli": {"shared", "cards", "images", "scanning", "registration", "declaration", "public"},
    "web": {"shared", "cards", "images", "scanning", "registration", "declaration", "public"},
    "public": {"shared", "cards", "images", "scanning", "registration", "declaration"},
}
#: The wings that exist as folders (``declaration`` is added by the declaration issue).
WINGS = {path.name for path in SRC.iterdir() if path.is_dir() and path.name in ALLOWED}


def _module_name(path: Path) -> str:
    return ("vssid_id." + ".".join(path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


MODULES = {_module_name(path) for path in SRC.rglob("*.py")}


def _wing(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in WINGS:
        return parts[1]
    if module in ("vssid_id.errors", "vssid_id.encoding"):
        return "shared"
    return "public"


def _imports(path: Path, *, module_level_only: bool) -> set[str]:
    """The vssid_id modules ``path`` imports: at module level (what can form a circle at import
    time), or anywhere, inside functions and ``TYPE_CHECKING`` blocks too (what it depends on)."""
    module = _module_name(path)
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text())
    if module_level_only:
        nodes = [node for node in tree.body
                 if not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))]
    else:
        nodes = list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for name in [target] + [f"{target}.{alias.name}" for alias in node.names]:
                if name in MODULES:
                    found.add(name)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
    return found - {module}


def _graph(*, module_level_only: bool) -> dict[str, set[str]]:
    return {_module_name(path): _imports(path, module_level_only=module_level_only) for path in SRC.rglob("*.py")}


def test_the_import_walk_sees_imports():
    graph = _graph(module_level_only=False)
    assert "vssid_id.cards.formats.base" in graph["vssid_id.cards.formats.cccd"]
    assert "vssid_id.errors" in graph["vssid_id.images.loading"]
    assert "vssid_id.registration.merge" in graph["vssid_id.registration"]
    # inside a function: the CLI's lazy import of the registration wing
    assert "vssid_id.registration" in graph["vssid_id.cli.scan"]


def test_no_import_circle():
    graph = _graph(module_level_only=True)
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == "done":
            return
        assert state.get(node) != "open", " -> ".join([*trail, node])
        state[node] = "open"
        for child in sorted(graph.get(node, ())):
            visit(child, [*trail, node])
        state[node] = "done"

    for node in sorted(graph):
        visit(node, [])


def test_imports_run_one_way_between_wings():
    """Interfaces → registration, scanning → cards, images → errors; no wing imports upward or
    sideways, wherever the import stands (module level, a function, a TYPE_CHECKING block)."""
    upward = [
        f"{module} ({_wing(module)}) imports {target} ({_wing(target)})"
        for module, targets in sorted(_graph(module_level_only=False).items())
        for target in sorted(targets)
        if _wing(target) != _wing(module) and _wing(target) not in ALLOWED[_wing(module)]
    ]
    assert upward == []


def test_the_images_wing_never_imports_a_card_format():
    # Installed and imported in a fresh interpreter: loading the images wing loads no card module.
    code = (
        "import sys, vssid_id.images.decoder, vssid_id.images.camera, vssid_id.images.loading\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('vssid_id.cards'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_top_level_holds_only_the_shared_and_the_public_modules():
    top = sorted(path.name for path in SRC.iterdir() if path.suffix == ".py")
    assert top == ["__init__.py", "encoding.py", "errors.py", "fields.py", "records.py"]
    folders = sorted(path.name for path in SRC.iterdir() if path.is_dir() and path.name != "__pycache__")
    assert folders == sorted([*WINGS, "codes", "data"])
    assert {"cards", "images", "scanning", "registration", "cli", "web"} <= WINGS


# --- the public API stays where users import it ------------------------------------------

PUBLIC_PATHS = [
    ("vssid_id.codes", ["bhxh", "bhyt_card", "cccd", "cmnd", "facility", "MODULES", "BhytCardCodeParts",
                        "CccdNumberParts", "parse_bhyt_card_code", "parse_cccd_number"]),
    ("vssid_id.codes.bhxh", ["compact", "validate", "is_valid", "format"]),
    ("vssid_id.codes.bhyt_card", ["compact", "validate", "is_valid", "format", "parse_bhyt_card_code",
                                  "BhytCardCodeParts"]),
    ("vssid_id.codes.cccd", ["compact", "validate", "is_valid", "format", "parse_cccd_number", "CccdNumberParts"]),
    ("vssid_id.codes.cmnd", ["compact", "validate", "is_valid", "format"]),
    ("vssid_id.codes.facility", ["compact", "validate", "is_valid", "format"]),
    ("vssid_id.fields", ["CardText", "CardExtraField", "CccdNumber", "CmndNumber", "BhxhNumber", "BhytCardCode",
                         "BhytCardNumber", "FacilityCode", "MAX_TEXT_CHARS"]),
    ("vssid_id.records", ["Gender", "CardRecord", "CccdVariant", "CccdRecord", "BhytRecord", "Record", "AnyRecord",
                          "FORM_LABELS"]),
    ("vssid_id.registration", ["prefill", "Registration", "Conflict", "Note", "mask_registration", "Office", "OFFICES",
                               "office_for"]),
    ("vssid_id.declaration", ["declare", "Declaration"]),
    ("vssid_id.errors", ["VssidError", "PayloadError", "RegistrationError", "NoCard", "TooManyCards", "UnknownOffice",
                         "DeclarationError", "DeclarationProblem"]),
    ("vssid_id.cli", ["main"]),
    ("vssid_id.web.server", ["main"]),
    ("vssid_id.web.app", ["create_app"]),
]

#: ``vssid_id.__all__`` as it was before the layout change (every name must still be there).
PUBLIC_NAMES_BEFORE_THE_MOVE = [
    "__version__", "parse", "parse_cccd", "parse_bhyt", "payload_kind", "CccdRecord", "AnyRecord", "CardRecord",
    "BhytRecord", "CccdVariant", "Record", "Gender", "decode", "decode_frames", "QrPayload", "scan", "ScanResult",
    "load_image", "mask_record", "VssidError", "PayloadError", "UnknownPayloadKind", "MalformedPayload",
    "ChecksumMismatch", "InvalidCode", "InvalidFormat", "InvalidLength", "InvalidComponent", "InconsistentRecord",
    "ImageError", "ImageTooLarge", "BackendUnavailable", "CameraError", "scan_camera", "convert_address",
    "AddressConversion", "prefill", "Registration", "Conflict", "Note", "mask_registration",
    "identity_card_valid_until", "RegistrationError", "NoCard", "TooManyCards",
]


@pytest.mark.parametrize(("module", "names"), PUBLIC_PATHS)
def test_documented_import_paths_work(module, names):
    imported = importlib.import_module(module)
    missing = [name for name in names if not hasattr(imported, name)]
    assert missing == []


def test_every_public_name_before_the_move_is_still_exported():
    assert set(PUBLIC_NAMES_BEFORE_THE_MOVE) <= set(vssid_id.__all__)
    for name in vssid_id.__all__:
        assert getattr(vssid_id, name) is not None, name


def test_public_paths_are_the_same_objects_as_the_wings():
    from vssid_id import codes, fields, records
    from vssid_id.cards import codes as card_codes
    from vssid_id.cards import fields as card_fields
    from vssid_id.cards import records as card_records

    assert codes.bhxh.validate is card_codes.bhxh.validate
    assert codes.bhyt_card.parse_bhyt_card_code is card_codes.bhyt_card.parse_bhyt_card_code
    assert fields.CccdNumber is card_fields.CccdNumber
    assert records.CccdRecord is card_records.CccdRecord is vssid_id.CccdRecord
    assert importlib.import_module("vssid_id.registration").prefill is vssid_id.prefill


def test_console_scripts_point_at_their_mains():
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts") if ep.name.startswith("vssid-")}
    assert scripts == {"vssid-scan": "vssid_id.cli:main", "vssid-serve": "vssid_id.web.server:main"}
    for ep in entry_points(group="console_scripts"):
        if ep.name in scripts:
            assert callable(ep.load())


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "vssid_id.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and vssid_id.__version__ in result.stdout
