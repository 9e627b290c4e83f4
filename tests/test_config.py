from __future__ import annotations

import dataclasses

import pytest

from aggregator.config import Config
from aggregator.errors import ConfigError


def test_defaults_use_a_sqlite_file_in_the_working_folder_and_refuse_private_networks() -> None:
    config = Config.from_env({})
    assert config.database_url == "sqlite:///aggregator.db"
    assert config.allow_private_networks is False


def test_environment_variables_override_each_field_with_its_type() -> None:
    config = Config.from_env(
        {
            "AGGREGATOR_DATABASE_URL": "postgresql://db/x",
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "yes",
            "AGGREGATOR_FETCH_TIMEOUT": "2.5",
            "AGGREGATOR_FETCH_RETRIES": "0",
            "UNRELATED": "ignored",
        }
    )
    assert config.database_url == "postgresql://db/x"
    assert config.allow_private_networks is True
    assert config.fetch_timeout == 2.5
    assert config.fetch_retries == 0


@pytest.mark.parametrize(
    ("key", "value"), [("AGGREGATOR_FETCH_RETRIES", "two"), ("AGGREGATOR_OBEY_ROBOTS_TXT", "maybe")]
)
def test_a_bad_value_names_the_variable(key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=key):
        Config.from_env({key: value})


def test_config_is_frozen() -> None:
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.database_url = "x"  # type: ignore[misc]
    assert config.with_overrides(download_delay=0).download_delay == 0
    assert config.download_delay == 1.0
