"""Pipelines shared by the rule tests (tests/test_rule_*.py, tests/test_rules.py): loaded once a session."""

from __future__ import annotations

import pytest

from zhkg.ner.pipeline import load_pipeline


@pytest.fixture(scope="session")
def nlp():
    """The rules alone, no statistical model."""
    return load_pipeline("rules")


@pytest.fixture(scope="session")
def with_model():
    """The pipeline `zhkg build` runs, with the shipped model."""
    return load_pipeline()
