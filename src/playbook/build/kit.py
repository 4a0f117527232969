"""The kit of one motion: which files it holds, its manifest and its zip.

A kit is what a partner downloads: the PDF playbook, the HTML page, the
summary, the email copy and every partner-audience file asset, plus
`kit.json` listing each file with its size and sha256. The zip holds the
same files with sorted entries, fixed times and modes, and no compression,
so its bytes never depend on the machine's zlib.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import PurePosixPath

from playbook import __version__
from playbook.model import Asset, Motion

MANIFEST = "kit.json"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ZIP_MODE = 0o100644 << 16  # a regular file, rw-r--r--


def asset_names(motion: Motion) -> dict[str, str]:
    """Where each partner file asset goes in the kit: source path -> kit path.

    Files keep their own name under `assets/`; when two share a name, the
    later ones get their position in the asset list as a prefix.
    """
    placed: dict[str, str] = {}
    taken: set[str] = set()
    for index, asset in enumerate(motion.partner_assets, start=1):
        if not asset.file or asset.file in placed:
            continue
        name = f"assets/{PurePosixPath(asset.file).name}"
        if name in taken:
            name = f"assets/{index}-{PurePosixPath(asset.file).name}"
        placed[asset.file] = name
        taken.add(name)
    return placed


def kit_path(motion: Motion, asset: Asset) -> str:
    """The kit-relative path of a partner asset: its file place or its URL."""
    return asset_names(motion).get(asset.file, asset.url)


def sha256(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def manifest(
    motion: Motion, files: dict[str, bytes], source_commit: str | None
) -> bytes:
    """`kit.json`: the motion, the tool and every file with size and checksum."""
    entries = [
        {"path": name, "size": len(data), "sha256": sha256(data)}
        for name, data in sorted(files.items())
    ]
    payload = {
        "motion": motion.id,
        "name": motion.name,
        "version": motion.version,
        "status": motion.status,
        "source_commit": source_commit,
        "generator": f"playbook {__version__}",
        "files": entries,
    }
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def zip_bytes(files: dict[str, bytes], folder: str) -> bytes:
    """A reproducible zip of `files`, each under `folder/` inside the archive."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_ZIP_TIME)
            info.external_attr = _ZIP_MODE
            info.create_system = 3  # Unix, whatever the building machine is
            archive.writestr(info, files[name])
    return buffer.getvalue()
