import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def empty_material_storage():
    """Each test starts with no material files on disk, so it can assert what it stored."""
    root = Path(settings.STORAGES["materials"]["OPTIONS"]["location"])
    shutil.rmtree(root, ignore_errors=True)
    yield
