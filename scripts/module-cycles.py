#!/usr/bin/env python3
"""Import cycles between the top-level modules of a crate.

    scripts/module-cycles.py proxy/src [wire/src src ...]

A module's edges are the other top-level modules its files name with
`crate::<module>` (in `use` lines or paths). `lib.rs` and `main.rs` are the
crate root, not modules. Prints each crate's edges and any cycle, and exits 1
when there is one. make test runs it (scripts/test.sh, with the lints).
"""
import os
import re
import sys


def top_module(src, path):
    rel = os.path.relpath(path, src)
    first = rel.split(os.sep)[0]
    if first in ("lib.rs", "main.rs"):
        return None
    return first[:-3] if first.endswith(".rs") else first


def edges_of(src):
    modules = {top_module(src, os.path.join(src, f)) for f in os.listdir(src)} - {None}
    edges = {m: set() for m in modules}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            me = top_module(src, path)
            if me is None:
                continue
            text = open(path, encoding="utf-8").read()
            # Leave out comments: a doc link is not an import.
            text = re.sub(r"//[^\n]*", "", text)
            for m in re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text):
                if m in modules and m != me:
                    edges[me].add(m)
    return edges


def cycles(edges):
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(edges[n]):
            if state.get(m) == 1:
                found.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    return found


def main(srcs):
    bad = False
    for src in srcs:
        edges = edges_of(src)
        found = cycles(edges)
        print(f"{src}: {len(edges)} modules, {sum(len(v) for v in edges.values())} edges, {len(found)} cycles")
        for c in found:
            print("  cycle: " + " -> ".join(c))
            bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["proxy/src"]))
