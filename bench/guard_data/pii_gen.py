"""Seeded generator of labelled PII documents (receipts, KYC forms, ID cards, invoices,
chat, letters, bank transfers) in six languages, with OCR-style noise.

Held out from tuning: a third of the person names come from Faker locales the
gazetteer does not contain (``HELD_OUT_LOCALES``); street names, cities and layouts
here are written for the evaluation and are not the test fixtures.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from faker import Faker
from stdnum import luhn
from stdnum.es import dni
from stdnum.nl import bsn

from bench.guard_data.build_gazetteer import GAZETTEER_LOCALES, HELD_OUT_LOCALES

LANGS = ("en", "de", "fr", "es", "it", "nl")
LOCALE = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT", "nl": "nl_NL"}
REGION = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL"}
LABELS = {  # name, email, phone, address, dob, iban, card, total, date, passport, plate
    "en": ("Name", "Email", "Phone", "Address", "Date of birth", "IBAN", "Card", "Total", "Date", "Passport No.", "Licence plate"),
    "de": ("Name", "E-Mail", "Telefon", "Anschrift", "Geburtsdatum", "IBAN", "Karte", "Summe", "Datum", "Reisepass Nr.", "Kennzeichen"),
    "fr": ("Nom", "E-mail", "Téléphone", "Adresse", "Date de naissance", "IBAN", "Carte", "Total", "Date", "Passeport n°", "Immatriculation"),
    "es": ("Nombre", "Correo", "Teléfono", "Dirección", "Fecha de nacimiento", "IBAN", "Tarjeta", "Total", "Fecha", "Pasaporte nº", "Matrícula"),
    "it": ("Nome", "Email", "Telefono", "Indirizzo", "Data di nascita", "IBAN", "Carta", "Totale", "Data", "Passaporto n.", "Targa"),
    "nl": ("Naam", "E-mail", "Telefoon", "Adres", "Geboortedatum", "IBAN", "Kaart", "Totaal", "Datum", "Paspoort nr.", "Kenteken"),
}  # fmt: skip
STREETS = {
    "en": ["{n} {s} {t}", ["Maple", "Oak", "Harbor", "Mill", "Church", "Elm", "Station", "Queens"], ["Street", "Road", "Avenue", "Lane", "Drive"]],
    "de": ["{s}{t} {n}", ["Linden", "Berg", "Garten", "Schiller", "Rosen", "Kirch"], ["straße", "weg", "allee", "platz"]],
    "fr": ["{n} {t} {s}", ["de la République", "Victor Hugo", "des Lilas", "du Moulin", "Pasteur"], ["rue", "avenue", "boulevard", "place"]],
    "es": ["{t} {s} {n}", ["Mayor", "de Alcalá", "del Sol", "de la Paz", "Real"], ["Calle", "Avenida", "Plaza", "Paseo"]],
    "it": ["{t} {s} {n}", ["Garibaldi", "Roma", "dei Mille", "Mazzini", "Verdi"], ["Via", "Viale", "Piazza", "Corso"]],
    "nl": ["{s}{t} {n}", ["Kerk", "Molen", "Linden", "Dorps", "Haven"], ["straat", "laan", "weg", "plein"]],
}  # fmt: skip
CITY = {
    "en": ("{c}, {st} {z}",),
    "de": ("{z} {c}",),
    "fr": ("{z} {c}",),
    "es": ("{z} {c}",),
    "it": ("{z} {c}",),
    "nl": ("{z} {c}",),
}
CITIES = {
    "en": ["Springfield", "Riverton", "Fairview", "Oakridge", "Milford", "Salem", "Clinton"],
    "de": ["Leipzig", "Bamberg", "Göttingen", "Kassel", "Rostock", "Freiburg"],
    "fr": ["Lyon", "Rennes", "Dijon", "Nantes", "Saint-Étienne", "Aix-en-Provence"],
    "es": ["Sevilla", "Zaragoza", "Málaga", "Bilbao", "Valladolid", "Alcalá de Henares"],
    "it": ["Bologna", "Torino", "Verona", "Perugia", "Lecce", "Reggio Emilia"],
    "nl": ["Utrecht", "Groningen", "Zwolle", "Leiden", "Den Bosch", "Alphen aan den Rijn"],
}
NOISE = {"O": "0", "l": "1", "I": "l", "S": "5", "e": "c", "rn": "m", "a": "o"}


@dataclass
class Doc:
    kind: str
    lang: str
    text: str = ""
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    held_out_name: bool = False


class Builder:
    def __init__(self, rng: random.Random, noise: float) -> None:
        self.rng, self.noise = rng, noise
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, str]] = []
        self.pos = 0

    def t(self, text: str) -> Builder:
        if self.noise and self.rng.random() < 0.5:
            text = "".join(NOISE.get(c, c) if self.rng.random() < self.noise else c for c in text)
        self.parts.append(text)
        self.pos += len(text)
        return self

    def e(self, value: str, entity: str) -> Builder:
        self.spans.append((self.pos, self.pos + len(value), entity))
        self.parts.append(value)
        self.pos += len(value)
        return self


class Values:
    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng, self.lang = rng, lang
        self.fk = Faker(LOCALE[lang])
        self.fk.seed_instance(rng.randrange(1 << 30))
        self.held_out = rng.random() < 1 / 3
        pool = HELD_OUT_LOCALES if self.held_out else GAZETTEER_LOCALES
        self.nf = Faker(rng.choice(pool))
        self.nf.seed_instance(rng.randrange(1 << 30))

    def name(self) -> str:
        name = f"{self.nf.first_name()} {self.nf.last_name()}"
        return name.upper() if self.rng.random() < 0.15 else name

    def email(self) -> str:
        user = (
            "".join(c for c in self.nf.first_name().lower() if c in string.ascii_lowercase)
            or "info"
        )
        return f"{user}.{self.rng.randrange(10, 99)}@{self.rng.choice(['mail', 'post', 'example', 'kunden'])}.{self.rng.choice(['com', 'de', 'fr', 'es', 'it', 'nl', 'org'])}"

    def phone(self) -> str:
        region = (
            REGION[self.lang]
            if self.rng.random() < 0.7
            else self.rng.choice(["GB", "DE", "US", "FR", "CH"])
        )
        base = phonenumbers.example_number_for_type(
            region,
            self.rng.choice(
                [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
            ),
        )
        assert base is not None
        digits = phonenumbers.national_significant_number(base)
        cand = base
        for _ in range(50):
            trial = phonenumbers.parse(
                f"+{base.country_code}{digits[:-4]}{self.rng.randrange(10000):04d}"
            )
            if phonenumbers.is_valid_number(trial):
                cand = trial
                break
        fmt = self.rng.choice(
            [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164]
            + ([phonenumbers.PhoneNumberFormat.NATIONAL] if region == REGION[self.lang] else [])
        )
        return phonenumbers.format_number(cand, fmt)

    def card(self) -> str:
        while True:
            num = self.fk.credit_card_number(
                card_type=self.rng.choice(["visa16", "mastercard", "amex", "discover"])
            )
            if luhn.is_valid(num):
                break
        if len(num) == 16 and self.rng.random() < 0.6:
            return " ".join(num[i : i + 4] for i in range(0, 16, 4))
        return num

    def iban(self) -> str:
        raw = self.fk.iban()
        return (
            " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
            if self.rng.random() < 0.6
            else raw
        )

    def national_id(self) -> tuple[str, str]:
        kind = self.rng.choice(["dni", "cf", "nir", "bsn", "ssn"])
        if kind == "dni":
            n = f"{self.rng.randrange(10**7, 10**8)}"
            return "DNI", n + dni.calc_check_digit(n)
        if kind == "cf":
            f = Faker("it_IT")
            f.seed_instance(self.rng.randrange(1 << 30))
            return "Codice fiscale", f.ssn()
        if kind == "nir":
            f = Faker("fr_FR")
            f.seed_instance(self.rng.randrange(1 << 30))
            return "N° de sécurité sociale", f.ssn()
        if kind == "bsn":
            while True:
                n = f"{self.rng.randrange(10**8, 10**9)}"
                if bsn.is_valid(n):
                    return "BSN", n
        f = Faker("en_US")
        f.seed_instance(self.rng.randrange(1 << 30))
        return "SSN", f.ssn()

    def dob(self) -> str:
        d = self.fk.date_between(date(1935, 1, 1), date(2006, 12, 31))
        return self.rng.choice([d.strftime("%d.%m.%Y"), d.strftime("%d/%m/%Y"), d.isoformat()])

    def plate(self) -> str:
        L, D = string.ascii_uppercase, string.digits
        c = self.rng.choice
        forms = {
            "en": lambda: f"{c(L)}{c(L)}{c(D)}{c(D)} {c(L)}{c(L)}{c(L)}",
            "de": lambda: (
                f"{c(['B', 'M', 'HH', 'K', 'F'])}-{c(L)}{c(L)} {self.rng.randrange(1, 9999)}"
            ),
            "fr": lambda: f"{c(L)}{c(L)}-{self.rng.randrange(100, 999)}-{c(L)}{c(L)}",
            "es": lambda: (
                f"{self.rng.randrange(1000, 9999)} {''.join(c('BCDFGHJKLMNPRSTVWXYZ') for _ in range(3))}"
            ),
            "it": lambda: f"{c(L)}{c(L)} {self.rng.randrange(100, 999)}{c(L)}{c(L)}",
            "nl": lambda: f"{self.rng.randrange(10, 99)}-{c(L)}{c(L)}{c(L)}-{c(D)}",
        }
        return forms[self.lang]()

    def address(self) -> str:
        form, names, types = STREETS[self.lang]
        street = form.format(
            n=self.rng.randrange(1, 250), s=self.rng.choice(names), t=self.rng.choice(types)
        )
        city = self.rng.choice(CITIES[self.lang])
        zip_ = self.fk.postcode()
        line2 = CITY[self.lang][0].format(
            c=city, z=zip_, st=self.fk.state_abbr() if self.lang == "en" else ""
        )
        return f"{street}, {line2}"

    def passport(self) -> str:
        return f"{self.rng.choice(string.ascii_uppercase)}{self.rng.randrange(10**6, 10**7)}{self.rng.randrange(10)}"


CHAT = {
    "en": ("Hi, this is {N}. ", "You can call me on {P} or write to {E}. ", "My car {PL} was towed yesterday. ", "Order 48213 arrived on 3 May, total 59.90."),
    "de": ("Hallo, hier ist {N}. ", "Sie erreichen mich unter {P} oder per Mail an {E}. ", "Mein Auto {PL} wurde gestern abgeschleppt. ", "Bestellung 48213 kam am 3. Mai, Summe 59,90."),
    "fr": ("Bonjour, c'est {N}. ", "Vous pouvez m'appeler au {P} ou écrire à {E}. ", "Ma voiture {PL} a été enlevée hier. ", "Commande 48213 reçue le 3 mai, total 59,90."),
    "es": ("Hola, soy {N}. ", "Puede llamarme al {P} o escribir a {E}. ", "Mi coche {PL} fue retirado ayer. ", "El pedido 48213 llegó el 3 de mayo, total 59,90."),
    "it": ("Ciao, sono {N}. ", "Potete chiamarmi al {P} o scrivere a {E}. ", "La mia auto {PL} è stata rimossa ieri. ", "Ordine 48213 arrivato il 3 maggio, totale 59,90."),
    "nl": ("Hallo, met {N}. ", "U kunt mij bellen op {P} of mailen naar {E}. ", "Mijn auto {PL} is gisteren weggesleept. ", "Bestelling 48213 kwam op 3 mei, totaal 59,90."),
}  # fmt: skip


def _fill(b: Builder, template: str, values: dict[str, tuple[str, str]]) -> None:
    import re

    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        b.t(template[pos : m.start()])
        value, entity = values[m.group(1)]
        b.e(value, entity)
        pos = m.end()
    b.t(template[pos:])


def chat(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    vals = {
        "N": (v.name(), "person"),
        "P": (v.phone(), "phone"),
        "E": (v.email(), "email"),
        "PL": (v.plate(), "plate"),
    }
    for sentence in CHAT[v.lang]:
        _fill(b, sentence, vals)


def receipt(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    b.t(f"{v.fk.company().upper()}\n").e(v.address(), "address").t(
        f"\n{lab[8]}: {v.fk.date_between(date(2019, 1, 1), date(2025, 12, 31))} 14:{v.rng.randrange(10, 59)}\n"
    )
    for _ in range(v.rng.randrange(2, 5)):
        b.t(
            f"{v.fk.word().capitalize()} x{v.rng.randrange(1, 4)}   {v.rng.randrange(1, 99)},{v.rng.randrange(10, 99)}\n"
        )
    b.t(f"{lab[7]}: {v.rng.randrange(10, 300)},{v.rng.randrange(10, 99)} EUR\n{lab[6]}: ").e(
        v.card(), "card"
    )
    b.t("\nCashier: " if v.lang == "en" else "\n").e(v.name(), "person").t(
        "\nTerminal 0042  Ref 88412093\n"
    )


def kyc(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    kind, nid = v.national_id()
    b.t("KYC / Onboarding\n").t(f"{lab[0]}: ").e(v.name(), "person").t(f"\n{lab[4]}: ").e(
        v.dob(), "dob"
    )
    b.t(f"\n{lab[3]}: ").e(v.address(), "address").t(f"\n{lab[2]}: ").e(v.phone(), "phone")
    b.t(f"\n{lab[1]}: ").e(v.email(), "email").t(f"\n{kind}: ").e(
        nid, "ssn" if kind == "SSN" else "national_id"
    )
    b.t(f"\n{lab[9]} ").e(v.passport(), "passport").t(
        f"\n{lab[8]}: {v.fk.date_between(date(2019, 1, 1), date(2025, 12, 31))}\n"
    )


def id_card(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    b.t(f"{v.fk.country().upper()}\n{lab[9]} ").e(v.passport(), "passport").t(f"\n{lab[0]}: ").e(
        v.name(), "person"
    )
    b.t(f"\n{lab[4]}: ").e(v.dob(), "dob").t(
        f"\nExpiry: {v.fk.date_between(date(2026, 1, 1), date(2035, 12, 31))}  Authority: {v.rng.choice(CITIES[v.lang])}\n"
    )


def invoice(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    b.t(f"INVOICE {v.rng.randrange(2020, 2026)}-{v.rng.randrange(1000, 9999)}\n{v.fk.company()}\n")
    b.t(f"{lab[8]}: {v.fk.date_between(date(2019, 1, 1), date(2025, 12, 31))}\nBill to: ").e(
        v.name(), "person"
    ).t("\n").e(v.address(), "address")
    b.t(
        f"\n{v.rng.randrange(1, 9)} x Consulting hours  {v.rng.randrange(100, 999)}.00\n{lab[7]}: {v.rng.randrange(100, 9000)}.00 EUR\n"
    )
    b.t(f"{lab[5]}: ").e(v.iban(), "iban").t(f"\n{lab[1]}: ").e(v.email(), "email").t("\n")


def transfer(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    b.t("Transfer confirmation\nBeneficiary: ").e(v.name(), "person").t(f"\n{lab[5]}: ").e(
        v.iban(), "iban"
    )
    b.t(
        f"\nAmount: {v.rng.randrange(10, 5000)}.{v.rng.randrange(10, 99)} EUR  Ref INV-{v.rng.randrange(10000, 99999)}\n"
    )
    b.t("Login from ").e(v.fk.ipv4_public(), "ip").t(
        f" at {v.rng.randrange(10, 23)}:{v.rng.randrange(10, 59)}\n"
    )
    b.t(f"{lab[10]}: ").e(v.plate(), "plate").t("\n")


def letter(b: Builder, v: Values, lab: tuple[str, ...]) -> None:
    b.t("Dear ").e(v.name(), "person").t(",\nwe confirm the change of address to ").e(
        v.address(), "address"
    )
    b.t(". Your card ending in the number ").e(v.card(), "card").t(
        " stays valid. Questions? Call "
    ).e(v.phone(), "phone")
    b.t(".\nKind regards,\n").e(v.name(), "person").t("\n")


TEMPLATES = {
    "chat": chat,
    "receipt": receipt,
    "kyc": kyc,
    "id_card": id_card,
    "invoice": invoice,
    "transfer": transfer,
    "letter": letter,
}


def generate(n: int, seed: int = 1234, noise: float = 0.02) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(n):
        kind = list(TEMPLATES)[i % len(TEMPLATES)]
        lang = rng.choice(LANGS)
        values = Values(rng, lang)
        b = Builder(rng, noise)
        TEMPLATES[kind](b, values, LABELS[lang])
        docs.append(Doc(kind, lang, "".join(b.parts), b.spans, values.held_out))
    return docs
