import pytest

from geo import ids

# Published codes of well-known companies (business licences are public).
REAL = ["91330100799655058B", "9144030071526726XG", "914403001922038216"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_are_valid(code):
    assert ids.is_valid_uscc(code)
    assert ids.uscc_check_char(code[:17]) == code[17]


def test_a_wrong_check_character_is_named():
    bad = REAL[0][:17] + "C"
    assert ids.uscc_problem(bad).text("en") == "check character C, expected B"
    assert ids.uscc_problem(bad).text("zh") == "校验位为 C，应为 B"


@pytest.mark.parametrize(("code", "en", "zh"), [
    ("123", "length 3, expected 18", "长度为 3 位，应为 18 位"),
    ("91330100799655058I", "characters I not allowed", "含不允许的字符 I（信用代码不用 I、O、S、V、Z）")])
def test_malformed_codes(code, en, zh):
    assert ids.uscc_problem(code).text("en") == en
    assert ids.uscc_problem(code).text("zh") == zh
