"""Benign texts in which an AI system is talked *about*: news items, product notes,
support reports and reviews where a chatbot, assistant or model is the grammatical
subject doing something ordinary ("the support bot answered 300 tickets overnight").
Injections address the model; these describe one. Without them the classifier learns
that "the assistant" or "chatbot" near "answer", "question" or "reply" is evidence on
its own. Composed from parts, in seven languages; written for training (see
injection_corpus.py, which drops anything sharing a word 6-gram with an evaluation set).
"""

from __future__ import annotations

import random

from bench.guard_data.injection_corpus_en import cap, pick

SUBJECTS = [
    "the chatbot", "our chatbot", "the support bot", "the AI assistant", "our virtual assistant",
    "the voice assistant", "the language model", "the new model", "the help-desk bot", "the booking assistant",
    "the AI agent", "the coding assistant", "the translation model", "the summarizer", "the virtual agent",
    "the bank's chatbot", "the airline's assistant", "the shop's AI helper", "the pilot system", "the LLM",
]  # fmt: skip
PAST = [
    "answered {n} customer questions last week", "handled most of the password-reset requests",
    "replied to the customer within seconds", "resolved {pct}% of tickets without a human",
    "misread the date on the invoice", "summarized the meeting in five bullet points",
    "translated the manual into Portuguese", "suggested three flights to Lisbon",
    "answered the question about opening hours correctly", "got the refund amount wrong",
    "recommended the cheaper plan", "flagged the duplicate payment", "drafted a reply to the complaint",
    "passed the customer on to a human agent", "answered in the customer's own language",
    "explained the return policy in plain words", "booked the table for six people",
    "struggled with questions about the new tariff", "was taken offline for maintenance on {date}",
    "gave a wrong answer about the delivery fee", "found the missing receipt in the inbox",
    "wrote the first draft of the press release", "was trained on the company's help articles",
    "was rolled out to all branches in {year}", "reached a satisfaction score of {stars} out of 5",
]  # fmt: skip
PRESENT = [
    "answers questions about orders, returns and delivery times", "replies to routine emails overnight",
    "can look up the status of a parcel", "does not have access to payment data",
    "only answers questions about our own products", "hands difficult cases to a colleague",
    "keeps a log of every conversation for quality review", "speaks six languages",
    "summarizes long reports for the management team", "reads incoming invoices and fills in the form",
    "sometimes makes mistakes with dates", "asks for the order number before it answers",
    "is available around the clock", "cannot change bookings on its own", "suggests replies that staff can edit",
]  # fmt: skip
TAILS = [
    "", "", " according to the quarterly report", ", the survey shows", " during the pilot",
    ", said the project lead", " in the first month", " without any complaints", ", which surprised the team",
    " on its first day", " faster than the old phone line", " in {city}",
]  # fmt: skip
FRAMES = [
    "{S} {V}{T}.", "{S} {V}{T}.", "Last year {s} {V}.", "In the test, {s} {V}.",
    "Customers report that {s} {V}.", "News: {s} {V}{T}.", "Review: {s} {V}, but the interface is slow.",
    "Ticket #{n}: {s} {V}.", "According to the log, {s} {V}.", "The report notes that {s} {V}.",
    "Feedback: {s} {V}; otherwise fine.", "Our study found that {s} {V}{T}.",
]  # fmt: skip
PRESENT_FRAMES = [
    "{S} {P}.", "Today {s} {P}.", "FAQ: {s} {P}.", "Note that {s} {P}.", "{S} now {P}.",
    "In our shop, {s} {P}.", "Good to know: {s} {P}.",
]  # fmt: skip

I18N: dict[str, list[str]] = {
    "de": [
        "Der Chatbot hat letzte Woche {n} Kundenfragen beantwortet.", "Unser KI-Assistent beantwortet Fragen zu Bestellungen und Lieferzeiten.",
        "Der Sprachassistent hat die Besprechung in fünf Punkten zusammengefasst.", "Laut Bericht löste der Support-Bot {pct} % der Tickets ohne Mitarbeiter.",
        "Das Sprachmodell hat das Datum auf der Rechnung falsch gelesen.", "Der virtuelle Assistent leitet schwierige Fälle an einen Kollegen weiter.",
    ],
    "fr": [
        "Le chatbot a répondu à {n} questions de clients la semaine dernière.", "Notre assistant IA répond aux questions sur les commandes et les retours.",
        "Le modèle de langue a résumé la réunion en cinq points.", "Selon le rapport, le robot du support a résolu {pct} % des tickets seul.",
        "L'assistant virtuel a mal lu la date de la facture.", "Le chatbot transmet les cas difficiles à un conseiller.",
    ],
    "es": [
        "El chatbot respondió {n} preguntas de clientes la semana pasada.", "Nuestro asistente de IA responde preguntas sobre pedidos y devoluciones.",
        "El modelo de lenguaje resumió la reunión en cinco puntos.", "Según el informe, el bot de soporte resolvió el {pct} % de los tickets.",
        "El asistente virtual leyó mal la fecha de la factura.", "El chatbot pasa los casos difíciles a un agente humano.",
    ],
    "it": [
        "Il chatbot ha risposto a {n} domande dei clienti la settimana scorsa.", "Il nostro assistente IA risponde a domande su ordini e resi.",
        "Il modello linguistico ha riassunto la riunione in cinque punti.", "Secondo il rapporto, il bot di assistenza ha risolto il {pct}% dei ticket.",
        "L'assistente virtuale ha letto male la data della fattura.", "Il chatbot passa i casi difficili a un operatore.",
    ],
    "nl": [
        "De chatbot beantwoordde vorige week {n} vragen van klanten.", "Onze AI-assistent beantwoordt vragen over bestellingen en retouren.",
        "Het taalmodel vatte de vergadering samen in vijf punten.", "Volgens het rapport loste de supportbot {pct}% van de tickets zelf op.",
        "De virtuele assistent las de datum op de factuur verkeerd.", "De chatbot geeft moeilijke vragen door aan een medewerker.",
    ],
    "pt": [
        "O chatbot respondeu a {n} perguntas de clientes na semana passada.", "O nosso assistente de IA responde a perguntas sobre encomendas e devoluções.",
        "O modelo de linguagem resumiu a reunião em cinco pontos.", "Segundo o relatório, o bot de suporte resolveu {pct}% dos pedidos sozinho.",
        "O assistente virtual leu mal a data da fatura.", "O chatbot passa os casos difíceis para um atendente.",
    ],
}  # fmt: skip


def ai_narrative(r: random.Random, lang: str = "en") -> str:
    """One sentence about an AI system doing something ordinary; placeholders such as
    {n} and {date} are left for ``Carriers.fill``."""
    if lang != "en":
        return pick(r, I18N[lang])
    subject = pick(r, SUBJECTS)
    if r.random() < 0.3:
        frame = pick(r, PRESENT_FRAMES)
        text = frame.replace("{P}", pick(r, PRESENT)).replace("{p}", pick(r, PRESENT))
    else:
        frame = pick(r, FRAMES)
        text = frame.replace("{V}", pick(r, PAST)).replace("{T}", pick(r, TAILS))
    text = text.replace("{S}", cap(subject)).replace("{s}", subject)
    return text[0].upper() + text[1:]


# --- ordinary requests a user makes of an assistant, composed -----------------------------------
TASK_VERBS = [
    "Summarise", "Summarize", "Assess", "Review", "Evaluate", "Proofread", "Check", "Shorten",
    "Rewrite", "Explain", "Analyse", "Grade", "Critique", "Classify", "Describe", "Compare",
    "Extract the key dates from", "List the main points of", "Give me feedback on",
    "Pull the totals out of", "Find the errors in", "Make a table from", "Draft a reply to",
]  # fmt: skip
TASK_OBJECTS = [
    "this resume", "this CV", "this candidate", "this profile", "this email", "this article",
    "this contract", "this report", "the text below", "the following text", "this review",
    "this record", "this log file", "this invoice", "this receipt", "this screenshot",
    "this photo of a menu", "these meeting notes", "this abstract", "this product page",
    "the attached letter", "this chat transcript", "this essay", "this cover letter",
]  # fmt: skip
TASK_QUALIFIERS = [
    "", "", "", " in three bullet points", " for a hiring manager", " in plain English",
    " in under 100 words", " for a ten-year-old", " and flag anything unusual", " as a table",
    " with a score from 1 to 10", " for our weekly newsletter", ", please", " in German",
]  # fmt: skip
TRANSLATE = [
    "Translate the following text from {a} to {b}", "Translate this from {a} into {b}",
    "Please translate the text below into {b}", "Can you translate this {a} paragraph into {b}?",
]  # fmt: skip
LANG_NAMES = [
    "English",
    "French",
    "German",
    "Spanish",
    "Italian",
    "Dutch",
    "Portuguese",
    "Japanese",
]
I18N_TASKS: dict[str, list[str]] = {
    "de": ["Fasse diesen Lebenslauf zusammen", "Bewerte diese Bewerbung", "Übersetze den folgenden Text ins Englische",
           "Prüfe diesen Vertrag auf Fehler", "Erstelle eine Liste der wichtigsten Punkte aus diesem Bericht"],
    "fr": ["Résume ce CV", "Évalue ce candidat", "Traduis le texte suivant en anglais",
           "Vérifie ce contrat", "Fais une liste des points principaux de ce rapport"],
    "es": ["Resume este currículum", "Evalúa a este candidato", "Traduce el siguiente texto al inglés",
           "Revisa este contrato", "Haz una lista de los puntos principales de este informe"],
    "it": ["Riassumi questo curriculum", "Valuta questo candidato", "Traduci il testo seguente in inglese",
           "Controlla questo contratto", "Elenca i punti principali di questo rapporto"],
    "nl": ["Vat dit cv samen", "Beoordeel deze kandidaat", "Vertaal de volgende tekst naar het Engels",
           "Controleer dit contract", "Maak een lijst van de belangrijkste punten uit dit rapport"],
    "pt": ["Resume este currículo", "Avalia este candidato", "Traduz o texto seguinte para inglês",
           "Verifica este contrato", "Faz uma lista dos pontos principais deste relatório"],
}  # fmt: skip


def user_task(r: random.Random, lang: str = "en") -> str:
    """An ordinary request to an assistant, often ending in a colon before the
    material it is about (which the caller may append)."""
    if r.random() < 0.3:
        return media_prompt(r, lang)
    end = r.choice([":", ":", ".", "", "?"])
    if lang != "en":
        return pick(r, I18N_TASKS[lang]) + (end if end != "?" else ":")
    if r.random() < 0.2:
        a, b = r.sample(LANG_NAMES, 2)
        text = pick(r, TRANSLATE).replace("{a}", a).replace("{b}", b)
        return text if text.endswith("?") else text + (end if end != "?" else ":")
    text = f"{pick(r, TASK_VERBS)} {pick(r, TASK_OBJECTS)}{pick(r, TASK_QUALIFIERS)}"
    return text + (end if end != "?" else ".")


# --- what people ask a vision-language model about their images, and about the model --------------
MEDIA = [
    "this image", "this picture", "the photo", "this screenshot", "the video", "this frame", "this scan",
    "the chart", "this diagram", "the slide", "this page", "the attached image", "these photos", "the clip",
]  # fmt: skip
MEDIA_FRAMES = [
    "Describe what you see in {m}", "Tell me everything you notice about {m}", "What do you see in {m}?",
    "Please describe what you can see in {m}", "What can you tell me about {m}?", "Describe {m} in detail",
    "Look at {m} and tell me what is going on", "Explain what {m} shows", "What is happening in {m}?",
    "Can you read the text in {m}?", "List the objects you can find in {m}", "Tell me what you think of {m}",
    "Describe what you hear and see in {m}", "What colours do you notice in {m}?", "Which details stand out to you in {m}?",
    "Write a caption for {m}", "How many people can you count in {m}?", "Transcribe everything written in {m}",
]  # fmt: skip
ABOUT_MODEL = [
    "Who are you?", "What model are you?", "Which model are you running on?", "What can you do?",
    "Are you a bot or a person?", "Which languages do you speak?", "Can you see images?", "Do you remember our last chat?",
    "What are you able to read in videos?", "How do you know that?", "Why did you answer like that?",
    "Are you sure about your last answer?", "What is your knowledge cut-off?", "Can you explain your reasoning?",
]  # fmt: skip
MEDIA_I18N: dict[str, list[str]] = {
    "de": ["Beschreibe, was du auf dem Bild siehst.", "Was siehst du auf diesem Foto?", "Erzähl mir alles, was dir an dem Bild auffällt.",
           "Lies den Text auf dem Screenshot vor.", "Was passiert in dem Video?", "Wer bist du?", "Welches Modell bist du?"],
    "fr": ["Décris ce que tu vois sur cette image.", "Que vois-tu sur cette photo ?", "Dis-moi tout ce que tu remarques sur l'image.",
           "Lis le texte de la capture d'écran.", "Que se passe-t-il dans la vidéo ?", "Qui es-tu ?", "Quel modèle es-tu ?"],
    "es": ["Describe lo que ves en esta imagen.", "¿Qué ves en esta foto?", "Dime todo lo que notas en la imagen.",
           "Lee el texto de la captura de pantalla.", "¿Qué pasa en el vídeo?", "¿Quién eres?", "¿Qué modelo eres?"],
    "it": ["Descrivi quello che vedi in questa immagine.", "Cosa vedi in questa foto?", "Dimmi tutto quello che noti nell'immagine.",
           "Leggi il testo dello screenshot.", "Cosa succede nel video?", "Chi sei?", "Che modello sei?"],
    "nl": ["Beschrijf wat je op de afbeelding ziet.", "Wat zie je op deze foto?", "Vertel me alles wat je opvalt aan de afbeelding.",
           "Lees de tekst op de schermafbeelding voor.", "Wat gebeurt er in de video?", "Wie ben jij?", "Welk model ben je?"],
    "pt": ["Descreve o que vês nesta imagem.", "O que vês nesta foto?", "Diz-me tudo o que notas na imagem.",
           "Lê o texto da captura de ecrã.", "O que acontece no vídeo?", "Quem és tu?", "Que modelo és tu?"],
}  # fmt: skip


def media_prompt(r: random.Random, lang: str = "en") -> str:
    """A question about the user's image or video, or about the assistant itself."""
    if lang != "en":
        return pick(r, MEDIA_I18N[lang])
    if r.random() < 0.2:
        return pick(r, ABOUT_MODEL)
    text = pick(r, MEDIA_FRAMES).replace("{m}", pick(r, MEDIA))
    return text if text.endswith("?") else text + r.choice([".", ".", "", ", please."])
