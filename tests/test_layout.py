"""The layout holds: no module of the project imports, at import time, one that imports it back
(tools/import_cycles.py, which `make lint` runs too); templates ask the models about states
instead of spelling their values; one template renders a reviewer's reasons."""

import re
from pathlib import Path
from textwrap import dedent

import pytest

from offers.models import CheckKind, CheckStatus, EventKind, NotificationKind, OfferStatus
from tools import import_cycles

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["accounts", "api", "offers", "organisations", "review", "webhooks", "config"]


def write_package(root, files):
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(source))


def cycles_in(root, files):
    write_package(root, files)
    return import_cycles.cycles(import_cycles.build_graph(root, ["shop"]))


def test_the_project_has_no_import_cycle_at_import_time():
    assert import_cycles.cycles(import_cycles.build_graph(ROOT, PACKAGES)) == []


@pytest.fixture(scope="module")
def graph():
    return import_cycles.build_graph(ROOT, PACKAGES)


def reachable(graph, module):
    """Every module `module` loads at import time, directly or not."""
    seen, todo = set(), [module]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_workflow_loads_none_of_the_services_checks_or_reviews_that_call_it(graph):
    loaded = reachable(graph, "offers.workflow")

    assert sorted(loaded) == [
        # The models' choice labels; the project's package loads its Celery app, as any
        # process of the project has before it reaches the workflow.
        "config",
        "config.celery",
        "config.labels",
        # The package itself, loaded from outside it (webhooks.services reads offers.models).
        "offers",
        "offers.broker",
        "offers.checks",
        "offers.checks.messages",
        "offers.models",
        "offers.notifications",
        "offers.requirements",
        # Whose members hear about a status change.
        "organisations",
        "organisations.models",
        # Which webhooks it makes (sent by webhooks.delivery, which only tasks load).
        "webhooks",
        "webhooks.models",
        "webhooks.services",
    ]


def test_only_entry_points_import_the_tasks(graph):
    importers = sorted(module for module, targets in graph.items() if "offers.tasks" in targets)

    # The code that queues a task does it through offers.broker, which imports them late.
    assert importers == ["offers.management.commands.clean_orphaned_uploads"]


def test_a_module_level_cycle_is_reported_with_the_lines_that_close_it(tmp_path):
    found = cycles_in(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders.py": "import os\nfrom shop import billing\n",
            "shop/billing.py": "from shop.orders import Order\n",
        },
    )

    assert found == [[("shop.billing", "shop.orders", 1), ("shop.orders", "shop.billing", 2)]]


def test_a_cycle_through_three_modules_is_one_group(tmp_path):
    found = cycles_in(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/a.py": "from shop import b\n",
            "shop/b.py": "from shop import c\n",
            "shop/c.py": "import shop.a\n",
        },
    )

    assert found == [[("shop.a", "shop.b", 1), ("shop.b", "shop.c", 1), ("shop.c", "shop.a", 1)]]


def test_an_import_inside_a_function_runs_later_and_is_no_cycle(tmp_path):
    found = cycles_in(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders.py": "from shop import billing\n",
            "shop/billing.py": "def total():\n    from shop import orders\n",
        },
    )

    assert found == []


@pytest.mark.parametrize(
    "late",
    [
        "class Invoice:\n    from shop import orders\n",
        "try:\n    from shop import orders\nexcept ImportError:\n    pass\n",
        "if True:\n    from . import orders\n",
    ],
)
def test_imports_in_classes_blocks_and_relative_ones_run_at_import_time(tmp_path, late):
    found = cycles_in(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders.py": "from shop import billing\n",
            "shop/billing.py": late,
        },
    )

    assert [[(a, b) for a, b, _line in group] for group in found] == [
        [("shop.billing", "shop.orders"), ("shop.orders", "shop.billing")]
    ]


def test_a_package_that_re_exports_its_submodule_is_no_cycle(tmp_path):
    found = cycles_in(
        tmp_path,
        {
            "shop/__init__.py": "from shop.orders import Order\n",
            "shop/orders.py": "from shop.billing import total\n",
            "shop/billing.py": "total = 0\n",
        },
    )

    assert found == []


def test_the_command_names_each_cycle_and_fails(tmp_path, monkeypatch, capsys):
    write_package(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/orders.py": "from shop import billing\n",
            "shop/billing.py": "from shop import orders\n",
        },
    )
    monkeypatch.chdir(tmp_path)

    assert import_cycles.main(["import_cycles.py", "shop"]) == 1
    assert capsys.readouterr().out.splitlines()[:3] == [
        "Import cycle 1:",
        "  shop.billing (line 1) imports shop.orders",
        "  shop.orders (line 1) imports shop.billing",
    ]


def test_the_command_passes_a_tree_without_cycles(tmp_path, monkeypatch, capsys):
    write_package(tmp_path, {"shop/__init__.py": "", "shop/orders.py": "import os\n"})
    monkeypatch.chdir(tmp_path)

    assert import_cycles.main(["import_cycles.py", "shop"]) == 0
    assert capsys.readouterr().out == "No import cycles at import time in shop.\n"


TEMPLATES = ROOT / "templates"
ENUMS = (OfferStatus, CheckStatus, CheckKind, EventKind, NotificationKind)


def _templates():
    return {str(path.relative_to(TEMPLATES)): path.read_text() for path in TEMPLATES.rglob("*.*")}


def test_no_template_compares_with_the_literal_value_of_a_state_or_kind():
    values = "|".join(sorted({choice.value for enum in ENUMS for choice in enum}))
    literal = re.compile(rf"""(==|!=|\bin)\s*["']({values})["']""")

    found = {name: literal.findall(source) for name, source in _templates().items()}

    assert {name: hits for name, hits in found.items() if hits} == {}


def test_one_template_renders_a_list_of_reasons():
    renderers = sorted(name for name, source in _templates().items() if "reason.comment" in source)

    assert renderers == ["includes/reasons.html"]
