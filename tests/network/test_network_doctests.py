"""The examples in the docstrings of `network` are run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import network

MODULES = sorted(m.name for m in pkgutil.iter_modules(network.__path__, "network."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
