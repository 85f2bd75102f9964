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
    assert ids.uscc_problem(bad) == "check character 'C', expected 'B'"


@pytest.mark.parametrize(("code", "problem"), [("123", "length 3, expected 18"),
                                               ("91330100799655058I", "characters ['I'] not allowed")])
def test_malformed_codes(code, problem):
    assert ids.uscc_problem(code) == problem
