"""Mutation testing of the formulas: does some test fail when the code is subtly wrong?

    python -m benchmarks.mutation [--module points] [--limit N]

A small AST mutator (mutmut and cosmic-ray restart Python per mutant; on this laptop that
is ~15 s each). Every mutation point inside a function body (an operator swapped, a
comparison loosened or tightened, `and`/`or` swapped, a `not` dropped, a number moved by
one, `min`/`max` swapped, True/False flipped) becomes one mutant: the module is compiled
with that one change and the mutated function's code object is swapped into the live
function, so every `from … import` reference runs the mutant. The module's tests then
run in this same process (pytest.main, ~1 s after the first run). A mutant is *killed*
when a test fails, *survives* when all pass. Prints one line per module and the survivors
(file:line and the change); equivalent mutants (same behaviour) survive too and are
listed so a reader can judge them.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import io
import signal
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# module → the tests that specify it (fast ones; the whole suite would be hours).
TARGETS: dict[str, list[str]] = {
    "workshop.voting.consensus": [
        "tests/domain/test_consensus.py",
        "tests/voting/test_decision_rules.py",
    ],
    "workshop.service_log.points": [
        "tests/records/test_points.py",
        "tests/records/test_service_log.py",
    ],
    "workshop.voting.casting": [
        "tests/voting/test_voting.py",
        "tests/voting/test_moderation.py",
        "tests/domain/test_meeting.py",
    ],
    "workshop.audit.payloads": [
        "tests/ballots/test_verify.py",
        "tests/ballots/test_verify_bundle.py",
        "tests/ballots/test_record.py",
    ],
    "workshop.audit.checks": [
        "tests/ballots/test_verify.py",
        "tests/ballots/test_verify_bundle.py",
        "tests/ballots/test_record.py",
    ],
}
TIMEOUT_S = 120  # a mutant that loops forever counts as killed

BINOPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
BINOPS |= {ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult}
CMPOPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
CMPOPS |= {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}
CMPOPS |= {ast.Is: ast.IsNot, ast.IsNot: ast.Is}
SWAPPED_CALLS = {"min": "max", "max": "min", "any": "all", "all": "any"}


@dataclass(frozen=True)
class Mutant:
    module: str
    function: str  # qualified name of the top-level function or method to swap
    line: int
    change: str
    index: int  # which mutation point, in AST walk order


def _label(op: ast.AST) -> str:
    return type(op).__name__


def _points(node: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Yield (node, description) for every mutation this node offers."""
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        yield node, f"{_label(node.op)} -> {BINOPS[type(node.op)].__name__}"
    elif isinstance(node, ast.AugAssign) and type(node.op) in BINOPS:
        yield node, f"{_label(node.op)}= -> {BINOPS[type(node.op)].__name__}="
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in CMPOPS:
                yield node, f"compare[{i}] {_label(op)} -> {CMPOPS[type(op)].__name__}"
    elif isinstance(node, ast.BoolOp):
        yield node, "and -> or" if isinstance(node.op, ast.And) else "or -> and"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield node, "drop not"
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        if isinstance(node.value, bool):
            yield node, f"{node.value} -> {not node.value}"
        else:
            yield node, f"{node.value!r} -> {node.value + 1!r}"
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in SWAPPED_CALLS
    ):
        yield node, f"{node.func.id}() -> {SWAPPED_CALLS[node.func.id]}()"


def _apply(node: ast.AST, change: str) -> None:
    if isinstance(node, ast.BinOp | ast.AugAssign):
        node.op = BINOPS[type(node.op)]()
    elif isinstance(node, ast.Compare):
        i = int(change.split("]")[0].split("[")[1])
        node.ops[i] = CMPOPS[type(node.ops[i])]()
    elif isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif isinstance(node, ast.UnaryOp):
        node.op = ast.UAdd()  # `+x` keeps the node's shape; only bools and numbers get here
        node.operand = ast.Call(ast.Name("bool", ast.Load()), [node.operand], [])
    elif isinstance(node, ast.Constant):
        node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
    elif isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        node.func.id = SWAPPED_CALLS[node.func.id]


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Top-level functions and methods of top-level classes, by qualified name."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{node.name}.{item.name}", item


def _sites(tree: ast.Module) -> Iterator[tuple[str, ast.AST, str]]:
    """Every (function, node, change) in function bodies (not annotations, decorators)."""
    for qualname, fn in _functions(tree):
        skip = [*fn.decorator_list, *([fn.returns] if fn.returns else [])]
        skip += [a.annotation for a in ast.walk(fn.args) if isinstance(a, ast.arg) and a.annotation]
        skipped = {id(n) for top in skip for n in ast.walk(top)}
        for node in ast.walk(fn):
            if id(node) not in skipped:
                for _node, change in _points(node):
                    yield qualname, node, change


def _source(module: str) -> tuple[str, ast.Module]:
    path = importlib.import_module(module).__file__ or ""
    return path, ast.parse(Path(path).read_text(encoding="utf-8"))


def mutants_of(module: str) -> list[Mutant]:
    _path, tree = _source(module)
    return [
        Mutant(module, qualname, getattr(node, "lineno", 0), change, index)
        for index, (qualname, node, change) in enumerate(_sites(tree))
    ]


def _mutated_code(mutant: Mutant) -> types.CodeType:
    path, tree = _source(mutant.module)
    for index, (_qualname, node, change) in enumerate(_sites(tree)):
        if index == mutant.index:
            _apply(node, change)
            code = compile(ast.fix_missing_locations(tree), path, "exec")
            return _find_code(code, mutant.function)
    raise LookupError(mutant)


def _find_code(code: types.CodeType, qualname: str) -> types.CodeType:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_qualname == qualname:
                return const
            with contextlib.suppress(LookupError):
                return _find_code(const, qualname)
    raise LookupError(qualname)


def _live_function(module: str, qualname: str) -> types.FunctionType:
    target: object = importlib.import_module(module)
    for part in qualname.split("."):
        target = vars(target)[part] if isinstance(target, type) else getattr(target, part)
    target = getattr(target, "fget", None) or getattr(target, "__func__", None) or target
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    assert isinstance(target, types.FunctionType), qualname
    return target


class _Timeout(Exception):
    pass


def _run_tests(tests: list[str]) -> bool:
    """Return True when every test passes (quietly, in this process)."""

    def expire(_signum: int, _frame: object) -> None:
        raise _Timeout

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(TIMEOUT_S)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = pytest.main(["-q", "-x", "-p", "no:cacheprovider", *tests])
    except _Timeout:
        return False
    finally:
        signal.alarm(0)
    return code == pytest.ExitCode.OK


def run(module: str, tests: list[str], limit: int | None) -> tuple[int, list[Mutant], float]:
    started = time.perf_counter()
    if not _run_tests(tests):
        raise SystemExit(f"{module}: the tests fail without any mutation")
    mutants = mutants_of(module)[:limit]
    survivors = []
    for mutant in mutants:
        live = _live_function(module, mutant.function)
        original = live.__code__
        try:
            live.__code__ = _mutated_code(mutant)
        except (ValueError, LookupError):  # the function's shape changed: not a mutant
            continue
        try:
            if _run_tests(tests):
                survivors.append(mutant)
                path = module.replace(".", "/") + ".py"  # as found: a long run shows progress
                print(f"  survived {path}:{mutant.line} {mutant.function}: {mutant.change}")
        finally:
            live.__code__ = original
    return len(mutants), survivors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", help="only modules whose name contains this")
    parser.add_argument("--limit", type=int, help="at most N mutants per module")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    total_survivors = 0
    for module, tests in TARGETS.items():
        if args.module and args.module not in module:
            continue
        count, survivors, seconds = run(module, tests, args.limit)
        total_survivors += len(survivors)
        print(
            f"{module}: {count} mutants, {count - len(survivors)} killed, "
            f"{len(survivors)} survived ({seconds:.0f} s)",
            flush=True,
        )
    print(f"surviving mutants: {total_survivors}")


if __name__ == "__main__":
    main()
