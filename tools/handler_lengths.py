#!/usr/bin/env python3
"""List HTTP handlers and their length in lines, longest first.

A handler is an `async fn` in `src/**/routes.rs`, `src/**/admin.rs` or `src/web/*.rs` that
takes an actix extractor (or a page's `Page`/`PageForm`). Its length counts from the `fn`
line to its closing brace (attributes and doc comments not included).

    python3 tools/handler_lengths.py [src] [--over N]
"""

import pathlib
import re
import sys

EXTRACTORS = re.compile(
    r"web::(Data|Path|Query|Json|Form|Payload|Bytes)|ApiJson|ApiQuery|AuthUser|MaybeUser|"
    r"HttpRequest|\bPage\b|PageForm|Multipart|Bytes"
)


def handlers(root):
    files = [p for p in root.rglob("*.rs") if p.name in ("routes.rs", "admin.rs")]
    files += sorted((root / "web").glob("*.rs"))
    for path in sorted(set(files)):
        lines = path.read_text().split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r"\s*(pub(\([^)]*\))?\s+)?async fn (\w+)", lines[i])
            if not m:
                i += 1
                continue
            start, depth, j, sig = i, 0, i, ""
            opened = False
            while j < len(lines):
                line = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j])
                line = line.split("//")[0]
                if not opened:
                    sig += line
                for ch in line:
                    if ch == "{":
                        depth += 1
                        opened = True
                    elif ch == "}":
                        depth -= 1
                if opened and depth == 0:
                    break
                j += 1
            if EXTRACTORS.search(sig.split("->")[0]):
                yield (j - start + 1, f"{path}:{start + 1}", m.group(3))
            i = j + 1


def main():
    args = sys.argv[1:]
    over = 0
    if "--over" in args:
        k = args.index("--over")
        over = int(args[k + 1])
        del args[k : k + 2]
    root = pathlib.Path(args[0] if args else "src")
    found = sorted(handlers(root), reverse=True)
    shown = [h for h in found if h[0] > over]
    for n, where, name in shown:
        print(f"{n:4} {name:32} {where}")
    print(f"{len(found)} handlers, {len(shown)} over {over} lines")


if __name__ == "__main__":
    main()
