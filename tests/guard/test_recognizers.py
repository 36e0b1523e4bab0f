from __future__ import annotations

import pytest

from vlgate.guard import Guards

POSITIVE = [
    ("Mail me at jane.doe+x@example.co.uk today", "email", "jane.doe+x@example.co.uk"),
    ("Call +44 20 7946 0958 now", "phone", "+44 20 7946 0958"),
    ("Ruf an: 030 12345678 bitte", "phone", "030 12345678"),
    ("Card 4111 1111 1111 1111 used", "card", "4111 1111 1111 1111"),
    ("IBAN DE89 3704 0044 0532 0130 00 please", "iban", "DE89 3704 0044 0532 0130 00"),
    ("SSN 123-45-6789 on file", "ssn", "123-45-6789"),
    ("DNI 12345678Z del titular", "national_id", "12345678Z"),
    ("Codice fiscale RSSMRA85T10A562S ok", "national_id", "RSSMRA85T10A562S"),
    ("BSN 111222333 van de klant", "national_id", "111222333"),
    ("VAT DE136695976 on the invoice", "tax_id", "DE136695976"),
    ("Passport No: X1234567 issued", "passport", "X1234567"),
    ("born on 12 March 1990 in Leeds", "dob", "12 March 1990"),
    ("Geburtsdatum: 01.02.1985", "dob", "01.02.1985"),
    ("plate AB-123-CD seen", "plate", "AB-123-CD"),
    ("the car LM21 XYZ was parked", "plate", "LM21 XYZ"),
    ("login from 192.168.1.20.", "ip", "192.168.1.20"),
    ("v6 2001:db8::8a2e:370:7334 seen", "ip", "2001:db8::8a2e:370:7334"),
    ("lives at 221B Baker Street, London NW1 6XE.", "address", "221B Baker Street, London NW1 6XE"),
    ("Wohnt in der Lindenstraße 12, 10115 Berlin", "address", "Lindenstraße 12, 10115 Berlin"),
    ("Dear Mr. Johnson, thanks", "person", "Johnson"),
    ("Contact John Smith tomorrow", "person", "John Smith"),
    ("Nombre: Ximena Quispe Huamán\n", "person", "Ximena Quispe Huamán"),
]


@pytest.mark.parametrize(("text", "entity", "value"), POSITIVE)
def test_recognises(guards: Guards, text: str, entity: str, value: str) -> None:
    found = [(s.entity, s.value) for s in guards.engine().detect(text)]
    assert (entity, value) in found


NEGATIVE = [
    "Card 4111 1111 1111 1112 failed the Luhn check",
    "IBAN DE89 3704 0044 0532 0130 01 has a bad check digit",
    "SSN 000-12-3456 is not allocated",
    "The total was 3960.00 EUR on 2024-03-01 at 14:30.",
    "Order 48213 shipped; version 1.2.3 released.",
    "Thank You for shopping at Green Market.",
    "The Quarterly Report shows revenue grew in March.",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_does_not_flag(guards: Guards, text: str) -> None:
    assert guards.engine().detect(text) == []
