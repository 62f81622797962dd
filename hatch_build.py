"""Build hook: compiles the line model's C speed-up (`cleaner/search/_linefast.c`) into the wheel, or in
place for an editable install (`pip install -e .`).

Without a working C compiler (or Python headers) the package still installs, pure Python, and cleans
the same, only slower: the hook says so on stderr and goes on. `CLEANER_REQUIRE_COMPILED=1` makes a
failed build an error instead (CI sets it, so the compiled code is what its tests run).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "cleaner/search/_linefast.c"
MODULE = "cleaner.search._linefast"


class CompiledSpeedups(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        try:
            built = self._compile()
        except Exception as exc:  # noqa: BLE001 - any failure means the pure-Python install
            if os.environ.get("CLEANER_REQUIRE_COMPILED"):
                raise
            print(f"cleaner: not compiling {SOURCE} ({exc}); installing the pure-Python code, which is slower",
                  file=sys.stderr)
            return
        if version == "editable":
            return  # built in the source tree, which an editable install imports from
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"][str(built)] = built.relative_to(self.root).as_posix()

    def _compile(self) -> Path:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        # No fused multiply-add: the C code must give the reference's floats bit for bit.
        flags = [] if sys.platform == "win32" else ["-O2", "-ffp-contract=off"]
        here = os.getcwd()
        os.chdir(self.root)
        try:
            dist = Distribution({"name": "cleaner", "ext_modules": [Extension(MODULE, [SOURCE],
                                                                              extra_compile_args=flags)]})
            command = build_ext(dist)
            command.inplace = True
            command.ensure_finalized()
            command.run()
            return Path(self.root, command.get_ext_fullpath(MODULE))
        finally:
            os.chdir(here)
