"""Fail on any import cycle among the project's modules that Python meets at import time.

    python tools/import_cycles.py accounts offers review config

An import runs at import time unless it sits in a function: at module level, and inside a
class, an `if`, a `try` or a `with`. An import inside a function runs later, when every module
is loaded, so it may close a cycle; ruff's PLC0415 asks each of those for a one-line reason.

Why our own code: import-linter (grimp) and `ruff analyze graph` count the imports inside
functions too, and import-linter's acyclic contract compares packages, not modules. What we
forbid is narrower and exact: a cycle of modules that Python would run into while importing.
"""

import ast
import sys
from pathlib import Path

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def find_modules(root, packages):
    """{dotted name: path} of every module in these packages, under `root`."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def import_time_nodes(node):
    """The import statements of `node` that run when it runs, not those inside functions."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif not isinstance(child, FUNCTIONS):
            yield from import_time_nodes(child)


def imported_names(node, module, is_package):
    """The dotted names an import statement in `module` loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        anchor = ".".join(package[: len(package) - node.level + 1])
        base = f"{anchor}.{base}" if base else anchor
    # `from package import name` loads the package, and the submodule `name` if there is one.
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def ancestors(name):
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts))}


def dependencies(module, path, modules):
    """{imported module: first line} for the project's modules `module` loads at import time.
    Its own parent packages are left out: Python has them running already."""
    found = {}
    own = ancestors(module)
    for node in import_time_nodes(ast.parse(path.read_text(), str(path))):
        for name in imported_names(node, module, path.name == "__init__.py"):
            for target in ancestors(name) | {name}:
                if target in modules and target not in own and target != module:
                    found.setdefault(target, node.lineno)
    return found


def build_graph(root, packages):
    modules = find_modules(root, packages)
    return {module: dependencies(module, path, modules) for module, path in modules.items()}


def strongly_connected(graph):
    """Tarjan's algorithm: the groups of modules that can each reach the others."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def cycles(graph):
    """Each group of modules that import each other at import time, with the imports that
    close the loop: [[(importer, imported, line), ...], ...]."""
    return [
        [
            (importer, imported, line)
            for importer in group
            for imported, line in sorted(graph[importer].items())
            if imported in group
        ]
        for group in strongly_connected(graph)
        if len(group) > 1
    ]


def main(argv):
    packages = argv[1:] or [
        "accounts",
        "api",
        "offers",
        "organisations",
        "review",
        "webhooks",
        "config",
    ]
    found = cycles(build_graph(Path.cwd(), packages))
    for number, imports in enumerate(found, start=1):
        print(f"Import cycle {number}:")
        for importer, imported, line in imports:
            print(f"  {importer} (line {line}) imports {imported}")
    if found:
        print("Move the shared piece down a layer, or import late in a function with a reason.")
        return 1
    print(f"No import cycles at import time in {', '.join(packages)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
