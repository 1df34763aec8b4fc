"""Fixtures shared by the unit, AppTest and browser tests: hostile and broken data folders."""

from __future__ import annotations

import pytest
from datafactory import DataFolders, HostileData, make_broken_data, make_hostile_data


@pytest.fixture(scope="session")
def hostile_data(tmp_path_factory) -> HostileData:
    return make_hostile_data(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def broken_data(tmp_path_factory) -> DataFolders:
    return make_broken_data(tmp_path_factory.mktemp("broken"))
