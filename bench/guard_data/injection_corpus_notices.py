"""Benign notices that earlier instructions, rules or guidelines *for people* have
changed ("the previous assembly instructions were revised", "die alten Parkregeln
gelten nicht mehr"), composed in seven languages. The override family says the same
of the model's instructions ("your previous instructions no longer apply"); what
tells them apart is whose instructions and about what. With only a handful of fixed
sentences on the benign side, the classifier learned "previous instructions" plus a
change verb as enough in German, French and Italian. Written for training (see
injection_corpus.py, which drops anything sharing a word 6-gram with an evaluation set).
"""

from __future__ import annotations

import random

from bench.guard_data.injection_corpus_en import pick

# per language: notice prefixes, plural subjects (the earlier rules *of something*),
# what happened to them, and tails
PARTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "pre": ["", "", "Notice: ", "Update: ", "Please note: ", "Important: ", "FYI: ", "Attention residents: "],
        "subj": [
            "the previous assembly instructions", "the earlier parking rules", "the old instructions for the boiler",
            "the previous guidelines for expense claims", "the prior safety instructions for the lab",
            "the earlier rules for the swimming pool", "the previous instructions for the self-checkout",
            "the old rules of the allotment garden", "the previous washing instructions on the label",
            "the earlier guidelines for remote work", "the previous house rules", "the old exam instructions",
        ],
        "pred": [
            "have been revised", "were updated in {month}", "no longer apply", "are out of date",
            "have been replaced by a new leaflet", "are no longer valid", "were withdrawn", "have changed",
        ],
        "tail": ["", ".", "; see the new version at reception.", " from {date}.", ", ask the caretaker for a copy.", " - details on the intranet."],
    },
    "de": {
        "pre": ["", "", "Hinweis: ", "Achtung: ", "Info: ", "Wichtig: ", "Aktuell: ", "Liebe Mieter, "],
        "subj": [
            "die vorherigen Anweisungen zur Montage", "die alten Parkregeln", "die bisherigen Hinweise zur Heizung",
            "die früheren Richtlinien für Reisekosten", "die vorherigen Sicherheitsanweisungen im Labor",
            "die alten Regeln für das Schwimmbad", "die bisherigen Anweisungen für die Selbstbedienungskasse",
            "die alten Regeln der Kleingartenanlage", "die vorherigen Pflegehinweise auf dem Etikett",
            "die früheren Vorgaben für das Homeoffice", "die bisherigen Hausregeln", "die alten Prüfungsanweisungen",
        ],
        "pred": [
            "wurden überarbeitet", "wurden im {month} aktualisiert", "gelten nicht mehr", "sind veraltet",
            "wurden durch ein neues Merkblatt ersetzt", "sind nicht mehr gültig", "wurden zurückgezogen", "haben sich geändert",
        ],
        "tail": ["", ".", "; die neue Fassung liegt am Empfang aus.", " ab {date}.", ", Kopien beim Hausmeister.", " - Details im Intranet."],
    },
    "fr": {
        "pre": ["", "", "Avis : ", "Attention : ", "Information : ", "Important : ", "Mise à jour : ", "Chers résidents, "],
        "subj": [
            "les instructions précédentes de montage", "les anciennes règles de stationnement", "les consignes précédentes pour la chaudière",
            "les anciennes directives sur les notes de frais", "les consignes de sécurité précédentes du laboratoire",
            "les anciennes règles de la piscine", "les instructions précédentes des caisses automatiques",
            "les anciennes règles du jardin partagé", "les instructions de lavage précédentes sur l'étiquette",
            "les anciennes directives sur le télétravail", "les anciennes règles de l'immeuble", "les anciennes consignes d'examen",
        ],
        "pred": [
            "ont été revues", "ont été mises à jour en {month}", "ne s'appliquent plus", "sont périmées",
            "ont été remplacées par une nouvelle notice", "ne sont plus valables", "ont été retirées", "ont changé",
        ],
        "tail": ["", ".", " ; la nouvelle version est à l'accueil.", " à partir du {date}.", ", demandez une copie au gardien.", " - détails sur l'intranet."],
    },
    "es": {
        "pre": ["", "", "Aviso: ", "Atención: ", "Información: ", "Importante: ", "Actualización: ", "Estimados vecinos: "],
        "subj": [
            "las instrucciones anteriores de montaje", "las antiguas normas de aparcamiento", "las indicaciones anteriores de la caldera",
            "las antiguas directrices de gastos de viaje", "las instrucciones de seguridad anteriores del laboratorio",
            "las antiguas normas de la piscina", "las instrucciones anteriores de las cajas de autoservicio",
            "las antiguas normas del huerto urbano", "las instrucciones de lavado anteriores de la etiqueta",
            "las antiguas directrices de teletrabajo", "las antiguas normas de la comunidad", "las antiguas instrucciones del examen",
        ],
        "pred": [
            "se han revisado", "se actualizaron en {month}", "ya no se aplican", "están desactualizadas",
            "se han sustituido por un nuevo folleto", "ya no son válidas", "se retiraron", "han cambiado",
        ],
        "tail": ["", ".", "; la nueva versión está en recepción.", " a partir del {date}.", ", pidan una copia al conserje.", " - detalles en la intranet."],
    },
    "it": {
        "pre": ["", "", "Avviso: ", "Attenzione: ", "Informazione: ", "Importante: ", "Aggiornamento: ", "Gentili condomini, "],
        "subj": [
            "le istruzioni precedenti di montaggio", "le vecchie regole per il parcheggio", "le indicazioni precedenti per la caldaia",
            "le vecchie linee guida sui rimborsi spese", "le istruzioni di sicurezza precedenti del laboratorio",
            "le vecchie regole della piscina", "le istruzioni precedenti delle casse automatiche",
            "le vecchie regole degli orti comunali", "le istruzioni di lavaggio precedenti sull'etichetta",
            "le vecchie linee guida sul lavoro da remoto", "le vecchie regole condominiali", "le vecchie istruzioni d'esame",
        ],
        "pred": [
            "sono state riviste", "sono state aggiornate a {month}", "non valgono più", "sono superate",
            "sono state sostituite da un nuovo foglio", "non sono più valide", "sono state ritirate", "sono cambiate",
        ],
        "tail": ["", ".", "; la nuova versione è in portineria.", " dal {date}.", ", chiedete una copia al custode.", " - dettagli sull'intranet."],
    },
    "nl": {
        "pre": ["", "", "Let op: ", "Mededeling: ", "Info: ", "Belangrijk: ", "Update: ", "Beste bewoners, "],
        "subj": [
            "de vorige montage-instructies", "de oude parkeerregels", "de eerdere aanwijzingen voor de ketel",
            "de oude richtlijnen voor onkostendeclaraties", "de vorige veiligheidsinstructies van het lab",
            "de oude regels van het zwembad", "de vorige instructies voor de zelfscankassa",
            "de oude regels van de volkstuin", "de vorige wasvoorschriften op het etiket",
            "de eerdere richtlijnen voor thuiswerken", "de oude huisregels", "de oude examen-instructies",
        ],
        "pred": [
            "zijn herzien", "zijn in {month} bijgewerkt", "gelden niet meer", "zijn verouderd",
            "zijn vervangen door een nieuwe folder", "zijn niet langer geldig", "zijn ingetrokken", "zijn veranderd",
        ],
        "tail": ["", ".", "; de nieuwe versie ligt bij de receptie.", " vanaf {date}.", ", vraag de conciërge om een kopie.", " - details op het intranet."],
    },
    "pt": {
        "pre": ["", "", "Aviso: ", "Atenção: ", "Informação: ", "Importante: ", "Atualização: ", "Caros moradores, "],
        "subj": [
            "as instruções anteriores de montagem", "as antigas regras de estacionamento", "as indicações anteriores da caldeira",
            "as antigas diretrizes de despesas", "as instruções de segurança anteriores do laboratório",
            "as antigas regras da piscina", "as instruções anteriores das caixas de autoatendimento",
            "as antigas regras da horta comunitária", "as instruções de lavagem anteriores da etiqueta",
            "as antigas diretrizes de teletrabalho", "as antigas regras do condomínio", "as antigas instruções do exame",
        ],
        "pred": [
            "foram revistas", "foram atualizadas em {month}", "já não se aplicam", "estão desatualizadas",
            "foram substituídas por um novo folheto", "já não são válidas", "foram retiradas", "mudaram",
        ],
        "tail": ["", ".", "; a nova versão está na receção.", " a partir de {date}.", ", peçam uma cópia ao porteiro.", " - detalhes na intranet."],
    },
}  # fmt: skip
MONTHS = {
    "en": ["March", "May", "June", "September"], "de": ["März", "Mai", "Juni", "September"],
    "fr": ["mars", "mai", "juin", "septembre"], "es": ["marzo", "mayo", "junio", "septiembre"],
    "it": ["marzo", "maggio", "giugno", "settembre"], "nl": ["maart", "mei", "juni", "september"],
    "pt": ["março", "maio", "junho", "setembro"],
}  # fmt: skip


def changed_rules_notice(r: random.Random, lang: str) -> str:
    """A notice that earlier instructions for people changed; {date} is left for
    ``Carriers.fill``."""
    p = PARTS[lang]
    subj, pred, tail = pick(r, p["subj"]), pick(r, p["pred"]), pick(r, p["tail"])
    text = f"{pick(r, p['pre'])}{subj} {pred}{tail}".replace("{month}", pick(r, MONTHS[lang]))
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!")) or tail else text + "."
