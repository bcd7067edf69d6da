"""Settings: the contract's defaults; every bad value named with its range, none clipped."""

from __future__ import annotations

import pytest

from looplab_instrument import RANGES, Settings, SettingsError, settings_from_env
from looplab_instrument._contract import CONTRACT


def test_defaults_are_the_contracts() -> None:
    defaults = CONTRACT["defaults"]
    settings = settings_from_env({})
    assert settings == Settings()
    assert settings.stall_threshold_ms == defaults["LOOPLAB_STALL_THRESHOLD_MS"] == 50
    assert settings.stall_sample_interval_ms == defaults["LOOPLAB_STALL_SAMPLE_INTERVAL_MS"] == 5
    assert settings.attribution is (defaults["LOOPLAB_ATTRIBUTION"] == "on")


def test_values_and_empty_strings() -> None:
    settings = settings_from_env(
        {
            "LOOPLAB_ATTRIBUTION": "off",
            "LOOPLAB_STALL_THRESHOLD_MS": "60000",
            "LOOPLAB_STALL_SAMPLE_INTERVAL_MS": "",
        }
    )
    assert (settings.attribution, settings.stall_threshold_ms) == (False, 60000)
    assert settings.stall_sample_interval_ms == 5


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LOOPLAB_STALL_THRESHOLD_MS", "0", "must be between 1 and 60000"),
        ("LOOPLAB_STALL_THRESHOLD_MS", "60001", "must be between 1 and 60000"),
        ("LOOPLAB_STALL_THRESHOLD_MS", "2.5", "must be a decimal integer"),
        ("LOOPLAB_STALL_SAMPLE_INTERVAL_MS", "1001", "must be between 1 and 1000"),
        ("LOOPLAB_ATTRIBUTION", "yes", "must be one of on|off"),
    ],
)
def test_a_bad_value_is_an_error_naming_the_variable_and_the_rule(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_env({variable: value})
    assert caught.value.problems == [f'{variable}="{value}": {message}']


def test_every_bad_value_is_reported() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_env({"LOOPLAB_STALL_THRESHOLD_MS": "0", "LOOPLAB_EVENT_LOOP_WINDOW_S": "x"})
    assert len(caught.value.problems) == 2


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(SettingsError, match=r"stall_threshold_ms=0 \(LOOPLAB_STALL_THRESHOLD_MS\)"):
        Settings(stall_threshold_ms=0)
    assert RANGES["LOOPLAB_STALL_THRESHOLD_MS"] == (1, 60_000)
