"""Card numbers and tokens: random (CSPRNG), never sequential, with a Luhn check digit to catch typos."""

import secrets


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn test (ISO/IEC 7812)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:  # these are doubled once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return len(number) >= 2 and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def new_card_number() -> str:
    """16 digits: a non-zero first digit, 14 random digits, the Luhn check digit (9×10^14 possible numbers)."""
    body = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(14))
    return body + luhn_check_digit(body)


def compact_number(value: str) -> str:
    """What a cashier typed, without spaces or dashes."""
    return "".join(ch for ch in (value or "") if ch.isdigit())


def new_token() -> str:
    return secrets.token_urlsafe(24)
