"""No GUI class hides a Qt method under an attribute: `self.window = main_window` made `widget.window()` raise
"'MainWindow' object is not callable" in the presentation key filter (issue 16)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

from PySide6.QtCore import QObject

import aeviewer.gui


def _assigned_attributes(cls: type) -> set[str]:
    """Names assigned as `self.NAME = ...` (or annotated, or unpacked) anywhere in the class body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    names: set[str] = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) and part.value.id == "self":
                    names.add(part.attr)
    return names


def _source_names(cls: type) -> str:
    try:
        return inspect.getsource(cls)
    except (OSError, TypeError):
        return ""


def _gui_qobject_classes() -> list[type]:
    classes = []
    for info in pkgutil.walk_packages(aeviewer.gui.__path__, "aeviewer.gui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, QObject):
                classes.append(cls)
    return classes


def _library_method(cls: type, name: str) -> str | None:
    """The Qt or pyqtgraph base class whose method `name` would be hidden, if any. An attribute pyqtgraph
    itself assigns over a Qt method (TargetItem's `self.scale`) is pyqtgraph's own choice, not ours."""
    library_own = any(_assigned_attributes(base) >= {name} for base in cls.__mro__[1:]
                      if base.__module__.startswith("pyqtgraph") and name in _source_names(base))
    if library_own:
        return None
    for base in cls.__mro__[1:]:
        if base.__module__.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph") and callable(
                base.__dict__.get(name)):
            return f"{base.__module__}.{base.__qualname__}.{name}"
    return None


def test_no_gui_class_assigns_over_a_qt_method():
    classes = _gui_qobject_classes()
    assert len(classes) > 20  # the walk found the GUI (a walk that finds nothing cannot fail)
    hidden = [f"{cls.__module__}.{cls.__qualname__}: self.{name} hides {method}"
              for cls in classes for name in sorted(_assigned_attributes(cls))
              if (method := _library_method(cls, name)) is not None]
    assert not hidden, "\n".join(hidden)


def test_the_check_catches_the_original_bug():
    from PySide6.QtWidgets import QWidget

    class Panel(QWidget):
        def __init__(self, window: object) -> None:
            super().__init__()
            self.window = window  # type: ignore[assignment,method-assign]

    assert "window" in _assigned_attributes(Panel)
    assert _library_method(Panel, "window") == "PySide6.QtWidgets.QWidget.window"
