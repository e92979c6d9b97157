"""Numeric settings: a value outside its range, NaN or text is refused with the variable's name."""

import pytest

from app.settings import Settings, SettingsError


@pytest.mark.parametrize("raw", ["abc", "nan", "-1", "61", "0", "inf"])
def test_a_storage_timeout_outside_0_to_60_seconds_is_refused(raw):
    with pytest.raises(SettingsError, match=r"WFO_STORAGE_TIMEOUT_SECONDS must be a number of seconds from 0 to 60"):
        Settings.from_env({"WFO_STORAGE_TIMEOUT_SECONDS": raw})


def test_a_drain_of_zero_seconds_is_allowed_where_zero_means_skip():
    assert Settings.from_env({"WFO_SHUTDOWN_DRAIN_SECONDS": "0"}).shutdown_drain_seconds == 0


@pytest.mark.parametrize("raw", ["nan", "-0.5", "x"])
def test_a_rate_limit_that_is_not_a_rate_is_refused(raw):
    with pytest.raises(SettingsError, match=r"WFO_RATE_LIMIT_PER_SECOND must be a number of requests per second"):
        Settings.from_env({"WFO_RATE_LIMIT_PER_SECOND": raw})


def test_a_rate_limit_of_zero_turns_fair_use_off_and_is_allowed():
    assert Settings.from_env({"WFO_RATE_LIMIT_PER_SECOND": "0"}).rate_limit_per_second == 0


def test_the_body_cache_holds_16_mib_unless_told_and_0_turns_it_off():
    assert Settings.from_env({}).body_cache_bytes == 16 * 1024 * 1024
    assert Settings.from_env({"WFO_BODY_CACHE_BYTES": "0"}).body_cache_bytes == 0
    assert Settings.from_env({"WFO_BODY_CACHE_BYTES": "1048576"}).body_cache_bytes == 1024 * 1024


@pytest.mark.parametrize("raw", ["-1", "x", "1.5", "", "1073741825"])
def test_a_body_cache_size_that_is_not_a_whole_number_of_bytes_up_to_1_gib_is_refused(raw):
    with pytest.raises(SettingsError, match=r"WFO_BODY_CACHE_BYTES must be a whole number from 0 to 1073741824"):
        Settings.from_env({"WFO_BODY_CACHE_BYTES": raw})
