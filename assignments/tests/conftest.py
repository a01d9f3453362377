import shutil
from pathlib import Path

import pytest
from django.conf import settings

from .fakes import FakeGenerator


@pytest.fixture(autouse=True)
def empty_material_storage():
    root = Path(settings.STORAGES["materials"]["OPTIONS"]["location"])
    shutil.rmtree(root, ignore_errors=True)
    yield


@pytest.fixture
def fake_generator(monkeypatch):
    """``generate`` replaced by a FakeGenerator the test can configure."""
    fake = FakeGenerator()
    monkeypatch.setattr("assignments.tasks.generate", fake)
    return fake
