"""Partials compiled into the templates that include them.

Jinja runs every ``{% include "partial.html" %}`` at render time: it looks the partial up,
copies the page's variables into a new context and passes each piece of the partial's
output through a loop of its own. A page includes four or five partials (a list page one
per item), which cost an eighth of the time spent in templates (5.72 ms of template
time an article against 5.00 put in, measured on the benchmark's archive). This environment
instead puts the partial's parsed body in place of the include, in a scope of its own (what
the partial sets stays in it, as with an include), so the page's compiled code holds it.

Only what an include can show the same way is put in: a partial named by a constant string,
found, parsed without error, included with the context, holding nothing that works
differently when moved (blocks, ``extends``, macros, imports, ``{% autoescape %}``,
``self``, ``loop``), calling no global, filter or test that reads the context, and reading
no name the page might not have set yet, nor one it sets itself while the page has it too
(see ``_Inliner``). Includes in a page with ``{% autoescape %}`` blocks, and those outside
the blocks of a child template, stay as they are. Everything else stays an include. An
independent review found each of these cases rendering differently before it was ruled
out; tests/test_includes.py holds them.

One thing changes, and the theme deals with it: an error inside a put-in partial would be
reported with the page's file name, so a page that fails is rendered again by a plain
environment, which reports the partial's own file and line (``Theme.render``).
"""

from __future__ import annotations

import jinja2
from jinja2 import nodes
from jinja2.parser import Parser

# Nodes whose meaning depends on the template they are in.
_KEPT_APART = (nodes.Extends, nodes.Block, nodes.Macro, nodes.CallBlock, nodes.Import,
               nodes.FromImport, nodes.EvalContextModifier)
# Names an include does not pass on, or that mean something else in another template.
_OWN_NAMES = frozenset({"loop", "self", "super", "caller", "varargs", "kwargs"})
Names = frozenset[str]


class InliningEnvironment(jinja2.Environment):
    """A Jinja environment that compiles eligible partials into the pages including them."""

    # Jinja's internal parse step, which ``compile`` (so ``get_template``) goes through in
    # 3.x; were it no longer called, pages would only be slower (a test fails then).
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = Parser(self, source, name, filename).parse()
        _Inliner(self, (name,), tree).put_in(tree, frozenset())
        return tree


class _Inliner:
    """Puts partials in place of the includes of one template (``tree``).

    An include passes the partial the page's variables that are set at that moment, and
    the partial looks every other name up in the page's context. Put in, the partial reads
    the page's variables directly, so a name the page sets somewhere but has not set yet
    (later on, or in a branch not taken) would be undefined instead of the context's. So a
    partial is put in only if each name it reads is either never set by the page, or set
    for certain on the way to the include: by an enclosing ``for`` or ``with``, or by a
    ``set`` before it in the same or an enclosing body. And a name the partial sets is, in
    an include, undefined until then, in its loops too; put in, the page's variable of
    that name would show through: so the partial must not read a name it sets that the
    page mentions at all.
    """

    def __init__(self, environment: jinja2.Environment, within: tuple[str | None, ...],
                 tree: nodes.Template):
        self.environment = environment
        self.within = within  # the templates being put together, to stop at a cycle
        self.stored = _names(tree, stored_only=True)
        self.named = _names(tree, stored_only=False)
        # A child template's output outside its blocks is dropped, but not its includes';
        # a put-in partial takes the escaping of the page's {% autoescape %} blocks.
        self.child = any(True for _ in tree.find_all(nodes.Extends))
        self.off = not isinstance(environment.autoescape, bool) or any(
            True for _ in tree.find_all(nodes.EvalContextModifier))

    def put_in(self, node: nodes.Node, bound: Names, in_block: bool = False) -> None:
        """Put partials in for the includes under ``node``; ``bound``: the names surely set
        at this point."""
        if self.off:
            return
        in_block = in_block or isinstance(node, nodes.Block)
        for field, value in node.iter_fields():
            inner = _bound_inside(node, field, bound)
            if isinstance(value, nodes.Node):
                self.put_in(value, inner, in_block)
            elif isinstance(value, list):
                known = inner
                for n, child in enumerate(value):
                    if isinstance(child, nodes.Include):
                        body = None if self.child and not in_block else self._body(child, known)
                        if body is not None:
                            value[n] = nodes.Scope(body, lineno=child.lineno)
                    elif isinstance(child, nodes.Node):
                        self.put_in(child, known, in_block)
                    if isinstance(child, nodes.Assign | nodes.AssignBlock):
                        known = known | _targets(child.target)

    def _body(self, node: nodes.Include, bound: Names) -> list[nodes.Node] | None:
        target = node.template
        if (node.ignore_missing or not node.with_context or not isinstance(target, nodes.Const)
                or not isinstance(target.value, str)):
            return None
        env = self.environment
        name = env.join_path(target.value, self.within[-1] or "")
        if name in self.within or env.loader is None:
            return None
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = Parser(env, source, name, filename).parse()
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
            return None  # left to the include, which fails (or not) where Jinja's would
        if any(True for _ in tree.find_all(_KEPT_APART)):
            return None
        _Inliner(env, (*self.within, name), tree).put_in(tree, frozenset())
        free = _free(tree, frozenset())
        # A name the partial sets is undefined in it until then (and in its inner loops
        # and withs), even where the page has it; put in, the page's would show through.
        sets = frozenset().union(*(_targets(n.target) for n in tree.find_all(
            (nodes.Assign, nodes.AssignBlock))))
        if (free & _OWN_NAMES or (free & self.stored) - bound or free & sets & self.named
                or self._reads_context(tree, free)):
            return None
        return list(tree.body)

    def _reads_context(self, tree: nodes.Template, free: Names) -> bool:
        """Whether the partial calls a global, filter or test that reads the context: an
        include gives it a context of its own (the page's, its variables set so far, and
        what the partial sets), which a put-in partial does not have. (Callables given
        in a page's variables are not seen here: sitegen's pages pass data.)"""
        env = self.environment
        used = [env.globals.get(name) for name in free]
        used += [env.filters.get(n.name) for n in tree.find_all(nodes.Filter)]
        used += [env.tests.get(n.name) for n in tree.find_all(nodes.Test)]
        return any(getattr(f, "jinja_pass_arg", None) is _CONTEXT for f in used)


_CONTEXT = jinja2.pass_context(lambda: None).jinja_pass_arg  # type: ignore[attr-defined]


def _names(tree: nodes.Node, *, stored_only: bool) -> set[str]:
    """The names a template sets (for, with, set, macro arguments, macros, imports), and
    with ``stored_only`` false also those it reads."""
    found = {n.name for n in tree.find_all(nodes.Name) if not stored_only or n.ctx != "load"}
    found |= {n.name for n in tree.find_all(nodes.Macro)}
    found |= {n.target for n in tree.find_all(nodes.Import)}
    for node in tree.find_all(nodes.FromImport):
        found |= {alias if isinstance(alias, str) else alias[-1] for alias in node.names}
    return found


def _targets(node: nodes.Node) -> Names:
    return frozenset(n.name for n in [node, *node.find_all(nodes.Name)]
                     if isinstance(n, nodes.Name))


def _bound_inside(node: nodes.Node, field: str, bound: Names) -> Names:
    """The names surely set inside ``node``'s ``field``, given those set at ``node``."""
    if isinstance(node, nodes.For) and field in ("body", "test"):
        return bound | _targets(node.target)
    if isinstance(node, nodes.With) and field == "body":
        return bound.union(*(_targets(t) for t in node.targets))
    if isinstance(node, nodes.Block | nodes.Macro | nodes.CallBlock):
        return frozenset()  # a frame of its own, which sees the context, not these
    return bound


def _free(node: nodes.Node, bound: Names) -> Names:
    """The names ``node`` reads that nothing inside it sets first (its loops' and withs'
    own names are set first; a ``set`` is not counted: the name may be read before it)."""
    if isinstance(node, nodes.Name):
        return frozenset({node.name}) if node.ctx == "load" and node.name not in bound else (
            frozenset())
    found: set[str] = set()
    for field, value in node.iter_fields():
        inner = _bound_inside(node, field, bound)
        if isinstance(node, nodes.For) and field == "body":
            inner = inner | {"loop"}
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, nodes.Node):
                found |= _free(child, inner)
    return frozenset(found)
