"""Build hook: compiles the line model's C speed-up (`cleaner/search/_linefast.c`) and the HTML line
hints' (`cleaner/io/_treefast.c`, against lxml's public C API: lxml is a build requirement) into the
wheel, or in place for an editable install (`pip install -e .`).

Without a working C compiler (or Python headers) the package still installs, pure Python, and cleans
the same, only slower: the hook says so on stderr and goes on. `CLEANER_REQUIRE_COMPILED=1` makes a
failed build an error instead (CI sets it, so the compiled code is what its tests run).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "cleaner/search/_linefast.c"
MODULE = "cleaner.search._linefast"
TREE_SOURCE = "cleaner/io/_treefast.c"
TREE_MODULE = "cleaner.io._treefast"


class CompiledSpeedups(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        built = [path for path in (self._try(self._compile), self._try(self._compile_tree)) if path is not None]
        if not built or version == "editable":
            return  # built in the source tree, which an editable install imports from
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(self.root).as_posix()

    def _try(self, compile_one: Callable[[], Path]) -> Path | None:
        try:
            return compile_one()
        except Exception as exc:  # noqa: BLE001 - any failure means that module's pure-Python code
            if os.environ.get("CLEANER_REQUIRE_COMPILED"):
                raise
            print(f"cleaner: not compiling a C speed-up ({exc}); installing the pure-Python code, which is slower",
                  file=sys.stderr)
            return None

    def _compile(self) -> Path:
        # No fused multiply-add: the C code must give the reference's floats bit for bit.
        flags = [] if sys.platform == "win32" else ["-O2", "-ffp-contract=off"]
        return self._build(MODULE, SOURCE, flags, [])

    def _compile_tree(self) -> Path:
        import lxml  # its headers: the element's libxml2 node (lxml/etree.h) and libxml2's node layout

        return self._build(TREE_MODULE, TREE_SOURCE, [] if sys.platform == "win32" else ["-O2"], lxml.get_include())

    def _build(self, module: str, source: str, flags: list[str], include_dirs: list[str]) -> Path:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        here = os.getcwd()
        os.chdir(self.root)
        try:
            extension = Extension(module, [source], extra_compile_args=flags, include_dirs=include_dirs)
            dist = Distribution({"name": "cleaner", "ext_modules": [extension]})
            command = build_ext(dist)
            command.inplace = True
            command.ensure_finalized()
            command.run()
            return Path(self.root, command.get_ext_fullpath(module))
        finally:
            os.chdir(here)
