import pytest

from plans.rules.municipalities import check_digit, full_code, is_valid_code, known


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("久留米市", "402036"),
        ("大川市", "402079"),
        ("小郡市", "402168"),
        ("うきは市", "402257"),
        ("大刀洗町", "405035"),
        ("大木町", "405221"),
    ],
)
def test_known_codes_carry_their_check_digit(name, code):
    assert known(name)["code"] == code
    assert is_valid_code(code)


def test_check_digit():
    assert check_digit("40203") == "6"
    assert full_code("13101") == "131016"  # 千代田区
    assert not is_valid_code("402037")
