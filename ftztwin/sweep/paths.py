"""Dotted paths for sweep factors: the one path syntax of :mod:`ftz_spec.paths`.

Kept under this name so that sweep code and its users import paths where they always did;
the grammar itself lives in the specification layer, which sources and diffs also use.
"""

from ftz_spec.paths import PathSyntaxError, Step, apply, get_path, parse_path, set_path

__all__ = ["PathSyntaxError", "Step", "apply", "get_path", "parse_path", "set_path"]
