"""Packaging hook: the wheel carries the schema and the default templates.

`schemas/` and `templates/` live at the top of the repository, where authors
see and edit them. When a wheel is built they are copied into
`playbook/data/`, so an installed `playbook` works outside this repository.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
BUNDLED = ("schemas", "templates")


class BuildWithData(build_py):
    """Copy the bundled folders into the package while building."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "playbook" / "data"
        for name in BUNDLED:
            if (HERE / name).is_dir():
                shutil.copytree(HERE / name, target / name, dirs_exist_ok=True)


# setuptools would write to build/, which is where the kits go: keep it apart.
setup(cmdclass={"build_py": BuildWithData}, options={"build": {"build_base": ".wheel-build"}})
