"""ISO 6346 container numbers: check digit, validation, round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.gate import (
    ContainerNumberError,
    check_digit,
    is_valid_container_number,
    with_check_digit,
)

owner = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
category = st.sampled_from("UJZ")
serial = st.text("0123456789", min_size=6, max_size=6)


@pytest.mark.parametrize("number", ["CSQU3054383", "MSKU9070323"])
def test_published_container_numbers_check(number):
    assert is_valid_container_number(number)


def test_a_container_number_tolerates_spaces_and_lower_case():
    assert is_valid_container_number("csqu 305438-3")


@pytest.mark.parametrize("number", ["CSQU3054384", "CSQ3054383", "CSQX3054383", "", "CSQU30543A3"])
def test_a_wrong_digit_or_layout_does_not_check(number):
    assert not is_valid_container_number(number)


def test_check_digit_of_a_malformed_number_names_it():
    with pytest.raises(ContainerNumberError, match="CSQ1"):
        check_digit("CSQ1")


@given(owner, category, serial)
def test_iso_6346_check_digit_of_a_valid_number_round_trips(o, c, s):
    number = with_check_digit(o + c + s)
    assert is_valid_container_number(number)
    assert int(number[-1]) == check_digit(number[:10])


@given(owner, category, serial, st.integers(0, 9))
def test_any_other_check_digit_fails(o, c, s, digit):
    number = with_check_digit(o + c + s)
    if str(digit) != number[-1]:
        assert not is_valid_container_number(number[:10] + str(digit))
