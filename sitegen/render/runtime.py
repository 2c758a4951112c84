"""Jinja's runtime, made cheaper where the result is the same: how a template calls a
function, and how it escapes what it outputs.

Both are plugged into the theme's environments (``Theme._environment``); the templates'
compiled code is Jinja's own, so the compiled-template cache is unaffected.
"""

from __future__ import annotations

import types
from functools import cache, partial
from typing import Any

from markupsafe import Markup, escape

try:
    from markupsafe import _escape_inner  # MarkupSafe 3: the C code inside its escape()
except ImportError:  # MarkupSafe 2, whose escape() is C code: templates keep it as it is
    _escape_inner = None
_FASTER = _escape_inner is not None

# What a template may call that can carry no pass_context/pass_environment mark of its own
# (a function, bound method or partial carries it as an attribute, checked at each call).
_PLAIN = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, partial)


@cache
def context_class() -> type:
    """Jinja's template context, with a shorter path for calls to plain Python callables.

    Every call in a template (``link(…)``, ``urls.version(…)``, ``diff_describe(…)``: about
    fifty a page) goes through ``Context.call``, which looks twice for a mark asking for
    the context and pops two keyword arguments before calling; for a plain function,
    method or partial without a mark, this calls it at once, dropping the same two
    arguments, with the same result. Everything else takes Jinja's own path."""
    from jinja2.runtime import Context
    from jinja2.utils import internalcode

    class _Context(Context):
        @internalcode  # left out of template tracebacks, as Jinja's own call is
        def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            if type(__obj) not in _PLAIN or hasattr(__obj, "jinja_pass_arg"):
                return Context.call(__self, __obj, *args, **kwargs)
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")

    return _Context


def _escape_output(value: Any, _inner: Any = _escape_inner, _str: type = str,
                   _markup: type = Markup) -> str:
    """What ``{{ value }}`` writes in an autoescaped template: the text of
    ``markupsafe.escape(value)``, as a plain string.

    Jinja's compiled templates call ``escape`` only on what they output, and only join the
    result into the page (``yield escape(x)``, or a buffer joined and marked safe as a
    whole), so the ``Markup`` object that ``markupsafe.escape`` wraps each piece in is made
    and thrown away: about 65 times a page, 15.5 % of the instructions a page's template
    runs (counted with callgrind). A plain string is escaped by markupsafe's C code; an
    object with ``__html__`` gives its own text, made a ``Markup`` as there unless it is a
    string already (an ``__html__`` giving another such object, or no string, is unwrapped
    or refused as there); anything else (an undefined value included) is made a string and
    escaped. (Only ``render`` joins the pieces: ``generate`` and ``stream`` now yield plain
    strings where they yielded ``Markup``; sitegen calls neither.)
    """
    if type(value) is _str:
        return _inner(value)
    if hasattr(value, "__html__"):
        text = value.__html__()
        return text if type(text) is _str or type(text) is _markup else _markup(text)
    return _inner(_str(value))


# What templates escape their output with (markupsafe's own under MarkupSafe 2).
escape_output = _escape_output if _FASTER else escape


@cache
def template_class() -> type:
    """Jinja's ``Template``, whose compiled code finds :func:`escape_output` under the name
    ``escape``, which the code imports from ``jinja2.runtime`` when it is loaded. Every
    template is made through ``_from_namespace``, from fresh code or from the bytecode
    cache (tests/test_render.py checks that the name is replaced)."""
    import jinja2

    class _Template(jinja2.Template):
        @classmethod
        def _from_namespace(cls, environment: jinja2.Environment,
                            namespace: dict[str, Any], globals: Any) -> jinja2.Template:
            namespace["escape"] = escape_output
            return super()._from_namespace(environment, namespace, globals)

    return _Template
