#!/usr/bin/env python3
"""Checks that docs and source comments name only files that exist in the repository.

A cited name counts when it looks like a project path (`src/api/gate.h`, `http/server.cpp`,
`bench/auth_load.sh`) or a document (`DESIGN.md`). It resolves against the repository root,
`src/` and `docs/`; a bare file name (`session_cache.cpp`) resolves anywhere in the tree.
Exits 1 listing every name that resolves nowhere. Usage: scripts/check_docs.py [repo root]
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
# Names that are examples or belong to other projects, not files of ours.
NOT_OURS = {"index-BxK3a9fZ.js", "HRANA_3_SPEC.md", "HTTP_V2_SPEC.md", "foo.cpp", "foo_test.cpp", "mysql.h", "compile_commands.json", "libmariadb.pc"}
EXT = r"(?:h|cpp|md|sh|py|sql|proto|lua|cmake|html|js|ts|tsx|css)"
DOC_NAME = re.compile(r"`([A-Za-z0-9_./-]+\." + EXT + r")`")
COMMENT_NAME = re.compile(r"(?<![\w/.<\"-])((?:[a-z0-9_]+/)+[a-z0-9_]+\." + EXT + r"|[A-Z][A-Z_]+\.md)\b")


def tracked_files():
    skip = {"build", ".tools", ".git", "node_modules", "data"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def main():
    files = tracked_files()
    basenames = {p.name for p in files}
    relative = {str(p.relative_to(ROOT)) for p in files}

    def exists(name):
        if name in NOT_OURS or name.startswith("/"):  # an example, or a URL path
            return True
        if "/" not in name:
            return name in basenames
        return any(prefix + name in relative for prefix in ("", "src/", "docs/", "tests/"))

    missing = []
    for doc in list(ROOT.glob("docs/*.md")) + [ROOT / "README.md"]:
        for n, line in enumerate(doc.read_text().splitlines(), 1):
            missing += [(doc, n, m) for m in DOC_NAME.findall(line) if not exists(m)]
    for src in ROOT.glob("src/**/*"):
        if src.suffix not in (".h", ".cpp"):
            continue
        for n, line in enumerate(src.read_text(errors="replace").splitlines(), 1):
            if "//" not in line:
                continue
            comment = line[line.index("//"):]
            missing += [(src, n, m) for m in COMMENT_NAME.findall(comment) if not exists(m)]
    for path, n, name in missing:
        print(f"{path.relative_to(ROOT)}:{n}: names {name}, which is not in the repository")
    print(f"check_docs: {len(missing)} missing name(s)")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
