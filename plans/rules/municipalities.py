"""Municipalities: the national local-government code (全国地方公共団体コード) and known names.

The code is five digits (prefecture, municipality) and a check digit: the weighted sum
6,5,4,3,2 of the five digits modulo 11, subtracted from 11, its last digit (JIS X 0401 rules).
"""

KNOWN_MUNICIPALITIES = {
    # name: (five-digit code, kana, romaji)
    "久留米市": ("40203", "くるめし", "Kurume"),
    "大川市": ("40207", "おおかわし", "Okawa"),
    "小郡市": ("40216", "おごおりし", "Ogori"),
    "うきは市": ("40225", "うきはし", "Ukiha"),
    "大刀洗町": ("40503", "たちあらいまち", "Tachiarai"),
    "大木町": ("40522", "おおきまち", "Oki"),
}


def check_digit(code5: str) -> str:
    """The check digit of a five-digit local-government code: check_digit("40203") == "6"."""
    if len(code5) != 5 or not code5.isdigit():
        raise ValueError(f"「{code5}」は5桁の団体コードではありません。")
    total = sum(int(digit) * weight for digit, weight in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def full_code(code5: str) -> str:
    """The six-digit code with its check digit: full_code("40203") == "402036"."""
    return code5 + check_digit(code5)


def is_valid_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and check_digit(code[:5]) == code[5]


def known(name: str) -> dict:
    """Code, kana and romaji for a known municipality name, else only the name."""
    if name not in KNOWN_MUNICIPALITIES:
        return {"name": name}
    code5, kana, romaji = KNOWN_MUNICIPALITIES[name]
    return {"name": name, "code": full_code(code5), "name_kana": kana, "name_romaji": romaji}
