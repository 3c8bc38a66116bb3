"""Card numbers: 16 digits, a Luhn check digit that catches typos, random and never sequential."""

import itertools

from violeta.card import numbers
from violeta.card.tests import factories


def test_luhn_known_values():
    assert numbers.luhn_valid("79927398713")
    assert not numbers.luhn_valid("79927398710")
    assert numbers.luhn_check_digit("7992739871") == "3"
    assert numbers.luhn_valid("4539578763621486")


def test_new_numbers_have_16_digits_and_a_valid_check_digit():
    for _ in range(200):
        number = numbers.new_card_number()
        assert len(number) == 16 and number.isdigit() and number[0] != "0"
        assert numbers.luhn_valid(number)


def test_a_single_mistyped_digit_is_caught():
    number = numbers.new_card_number()
    for position in range(16):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1 :]
                assert not numbers.luhn_valid(typo)


def test_issued_numbers_are_unique_and_not_sequential(card_office):
    cards = [
        factories.issued_card(card_office, first_surname=surname)
        for surname in ("Loya", "Baeza", "Ruiz", "Soto", "Peña", "Mora", "Ortiz", "Gil")
    ]
    values = [int(card.number) for card in cards]
    assert len(set(values)) == len(values)
    steps = {b - a for a, b in itertools.pairwise(values)}
    assert len(steps) > 1  # not an arithmetic progression
    assert all(abs(step) > 1000 for step in steps)  # and not neighbours either
    tokens = {card.verify_token for card in cards} | {card.holder_token for card in cards}
    assert len(tokens) == 2 * len(cards) and all(len(t) >= 32 for t in tokens)
