import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal.accounts.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    is_valid_credit_code,
    is_valid_id_number,
    validate_credit_code,
    validate_phone,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_published_credit_codes_are_valid(code):
    validate_credit_code(code)
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y44", "credit_code_check"),  # last character changed
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M0001O0Y43", "credit_code_alphabet"),  # letter O is not in the alphabet
        ("91350100m000100y43", "credit_code_alphabet"),  # lower case
        ("", "credit_code_length"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.error_list[0].code == error_code


def test_check_character_message_is_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y44")
    assert "校验" in str(exc.value.messages[0])


@given(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17))
def test_any_body_with_its_check_character_is_valid_and_any_other_is_not(body):
    check = credit_code_check_character(body)
    assert is_valid_credit_code(body + check)
    for other in CREDIT_CODE_ALPHABET.replace(check, "")[:5]:
        assert not is_valid_credit_code(body + other)


def test_id_numbers():
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("1101051949123100")


@pytest.mark.parametrize("phone", ["13800138000", "020-83331234", "0755-86001234", "02083331234"])
def test_phones_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "83331234", "abc", "020-83331234x"])
def test_phones_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)
