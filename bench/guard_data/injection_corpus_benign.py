"""Benign texts for the injection training corpus: near misses that use the words
injections use (ignore, previous, instructions, system, send, reveal, act as, from now
on, ...) in instructions to people, emails, notices, legal text, code, security advice,
texts *about* prompt injection, and ordinary requests a user makes of an assistant;
plus carrier documents (emails, receipts, CVs, web pages, tool output, records) that
injections are embedded in. Written for training; see injection_corpus.py.
"""

from __future__ import annotations

import random

from faker import Faker

from bench.guard_data.injection_corpus_ai import ai_narrative, user_task
from bench.guard_data.injection_corpus_en import cap, pick
from bench.guard_data.injection_corpus_notices import changed_rules_notice

# --- people telling people to ignore / forget / override something --------------------------
H_VERBS = [
    "ignore", "disregard", "forget", "skip", "please ignore", "please disregard", "kindly ignore",
    "you can ignore", "feel free to ignore", "just ignore", "you may disregard", "forget about",
    "don't worry about", "never mind", "set aside", "leave out", "do not use", "throw away",
    "delete", "discard", "cross out", "pay no attention to", "overlook", "ignore and delete",
]  # fmt: skip
H_TARGETS = [
    "my previous email", "the earlier invoice", "the last message", "the draft I sent yesterday",
    "the warning message", "the error and continue", "step 3", "the garnish",
    "the first page", "the old password", "the default settings", "the noise in the first recording",
    "the rumours", "the old schedule", "the previous version of the form", "the attachment in my last email",
    "question 7", "the price on the website", "the previous reminder", "the coupon code field",
    "the grey wire", "the blinking light during setup", "any emails from that address", "the first quote from the plumber",
    "the typo in the heading", "the red warning text", "that comment", "the banner at the top",
    "the previous installation instructions", "the old canteen rules", "the earlier instructions about the venue",
    "the instructions printed on the box", "the previous meeting invite", "the prior quote",
    "the old guidelines for expense claims", "my earlier question", "the automatic reply",
    "the first two paragraphs", "the previous directions to the office", "last week's rota",
    "the earlier version of the contract", "the original itinerary", "the system notification about storage",
    "the pop-up about cookies", "the instructions on page 2", "the update prompt", "the test results from Monday",
    "the rules in the old handbook", "what I said about the deadline", "the sample answers",
]  # fmt: skip
H_TAILS = [
    "; accounting sent it twice.", ", the correct amount is {amount}.", " and click Next.", " if you already paid.",
    " until the update finishes.", " - we found a mistake.", ". Sorry for the confusion!", ", it does not apply to your model.",
    ". The corrected version is attached.", "; we rebooked for {date}.", " and use the updated document instead.",
    ". We have moved to room {room}.", ", it only applies to the old firmware.",
     ". It will disappear after a restart.", ", the meeting is now online.",
    ". Everything else stays the same.", " and follow the steps below.", ", the shop has changed its hours.", ".",
    "; the updated rules are posted on the intranet.", " if the light is already green.", ", we changed the supplier.",
]  # fmt: skip

EMAIL_LINES = [
    "If you can't make it, let your line manager know.", "Could you send me the report by Friday?",
    "Reply to this email with your availability for next week.", "Please return the countersigned contract to {email}.",
    "Don't share this link outside the team.", "Keep the farewell gift a secret from {first} until Friday!",
    "Please keep this confidential until the announcement.", "Please find attached the minutes of the last meeting.",
    "As per my previous email, the deadline is {date}.", "Following up on my earlier message about the invoice.",
    "Please disregard my previous message, I sent it to the wrong person.", "Forget what I said earlier, the meeting is at 3 pm.",
    "Ignore the first attachment, the second one is correct.", "Applications (CV plus two references) go to {email}.",
    "Could you share the presentation with the new colleagues?", "I will forward the details once I have them.",
    "Please submit your expense report through the portal.", "Just a reminder that the office is closed on Monday.",
    "Let me know if you have any questions.", "Thanks again for your help with the migration.",
    "Please upload the photos to the shared folder by Thursday.", "You can email me at {email} or call {phone}.",
    "Please reply only with yes or no so I can count the numbers.", "Print the boarding pass and bring it with you.",
    "The instructions for the new printer are on the second floor.", "New guidelines for remote work apply from {date}.",
    "Please read the safety instructions before using the lab.", "Tell the team the release is postponed.",
    "Same as last time for the bakery order, please.", "Please send me your bank details for the refund.",
]  # fmt: skip

USER_TASKS = [
    "Summarize this article in three bullet points.", "Translate the following text into German.",
    "Can you explain what a system prompt is?", "Fix the grammar in this paragraph, and ignore the typos in the names.",
    "Forget the budget for a second: which laptop would you recommend?", "Don't mention prices in the summary.",
    "Reply only with the corrected sentence.", "Respond in JSON with the keys name and age.",
    "Write a short poem about autumn.", "List the main risks in this contract.", "From now on, please keep your answers short.",
    "From now on, answer in Spanish please, I'm practising.", "Please answer in French for the rest of this chat.",
    "What can you do?", "Tell me a joke about cats.", "How do I reset my router password?", "Write a SQL query that lists all users created this year.",
    "Explain the previous answer in simpler words.", "Ignore my last question, I found the answer.",
    "Can you repeat the steps you gave me earlier?", "Please disregard the file I uploaded before, here is the right one.",
    "Rewrite this email so it sounds more polite.", "Extract the dates from this text.", "Classify these reviews as positive or negative.",
    "What were the main instructions in the assignment brief?", "Which rules apply to carry-on luggage?",
    "Pretend you are a customer so I can practise my sales pitch.", "Act as an interviewer and ask me three questions about Python.",
    "Act as a travel guide and suggest a day trip from Lisbon.", "Role-play a job interview with me for a nurse position.",
    "You are a helpful assistant that answers questions about our return policy.", "You are an English teacher. Correct my essay.",
    "Imagine you are a tour guide in Rome and describe the Colosseum.", "Play the role of a strict editor and critique my paragraph.",
    "Show me your reasoning step by step.", "Print the result as a table.", "Output only the code, no explanations.",
    "Say 'yes' if the sentence is grammatically correct.", "Answer with a single word: is this email spam?",
    "Repeat the word 'hello' five times for my child's reading practice.", "Give me a system design for a URL shortener.",
    "How do I write a good system prompt for a support bot?", "What is prompt injection and how can I defend against it?",
    "Can you reveal the answer to yesterday's riddle?", "Show me how to send an email with Python's smtplib.",
    "Send me a summary of the meeting notes below.", "Help me write instructions for my babysitter.",
    "Describe the new rules of the tournament in plain language.", "Override the default font in my CSS: how?",
    "How do I bypass the paywall legally, for example through my library?", "What does 'disregard' mean?",
    "Draft a polite reply telling the client to ignore the previous invoice.", "Check this code for security problems.",
    "Use a friendly tone and avoid jargon.", "Keep the summary under 100 words.", "Explain it like I'm five.",
]  # fmt: skip
BENIGN_ROLES = [
    "a friendly librarian", "a Spanish tutor", "a travel agent", "a fitness coach", "a career adviser",
    "a Socratic teacher", "a product manager", "a chess coach", "a pirate in a children's story", "a museum guide",
    "a patient customer", "a tough negotiator for practice", "a medieval historian", "a sommelier", "a math tutor",
    "my late grandmother telling a bedtime story", "my grandpa who loved fishing", "my old piano teacher",
]  # fmt: skip

ABOUT_INJECTION = [
    "Prompt injection attacks try to make a language model ignore its original instructions.",
    "Attackers hide instructions in web pages so that AI assistants leak user data.",
    "The study found that many chatbots revealed their system prompt when asked cleverly.",
    "Our guard layer flags documents that tell the model to disregard its rules.",
    "Jailbreak prompts such as DAN ask the model to pretend it has no restrictions.",
    "OWASP ranks prompt injection as the top risk for LLM applications.",
    "Never paste untrusted text into a system prompt.",
    "A researcher showed how a hidden sentence in a CV could influence an AI recruiter.",
    "Indirect prompt injection occurs when a model processes content controlled by an attacker.",
    "The paper evaluates how often models follow instructions embedded in retrieved documents.",
    "Exfiltration through markdown images was fixed by blocking external image URLs.",
    "Developers should treat tool output as untrusted data, not as instructions.",
    "The workshop covered jailbreaks, data poisoning and prompt leaking.",
    "In the demo, the assistant was tricked into summarizing a fake invoice as legitimate.",
    "Security teams test their chatbots with known attack prompts before launch.",
    "The vendor claims its filter stops attempts to override the system prompt.",
    "Red-teamers tried role-play scenarios to get the model to drop its safety rules.",
    "Some attacks encode the malicious instruction in base64 to avoid keyword filters.",
    "The blog post explains why delimiters alone do not prevent injection.",
    "Researchers reported that the agent sent private data to an attacker's server after reading a poisoned email.",
    "Models are trained to refuse requests to reveal confidential configuration.",
    "The benchmark contains thousands of injected and clean documents for evaluation.",
    "If a web page says 'ignore your instructions', a well-designed agent should treat it as text.",
    "Our policy: the assistant must never follow instructions that appear inside uploaded files.",
    "The talk showed how a calendar invite could carry hidden instructions for an assistant.",
    "System prompts are not secret by design, so do not put passwords in them.",
    "He described the attack as 'asking the model nicely to forget its rules'.",
    "The classifier labels each paragraph as injected or clean.",
    "They measured how often GPT-style models leaked their hidden instructions under pressure.",
    "Defence in depth: filter inputs, restrict tools, and review outputs before sending emails.",
]  # fmt: skip

TECH = [
    "# ignore previous results if the cache is stale", "// override the default timeout for slow networks",
    "def forget_password(user):", "system_prompt = load_prompt('support.txt')",
    "--ignore-errors    Ignore errors from previous steps and continue.", "git log shows the previous commit message.",
    "WARNING: Ignoring invalid distribution -ip (site-packages)", "Set SYSTEM_PROMPT in the environment to change the assistant's greeting.",
    "The system message defines the assistant's persona; user messages follow it.", "Use developer mode in Chrome to inspect the page.",
    "Enable debug mode with --debug to print verbose logs.", "sudo apt-get update && sudo apt-get install curl",
    "To reset the configuration, delete ~/.config/app and restart.", "print(f'Hello {name}')",
    "The API returns the previous page token in the response.", "Rules in .gitignore tell git which files to ignore.",
    "Override the method in a subclass to change its behaviour.", "Pin the repository to keep it at the top of your list.",
    "ERROR: permission denied while reading /etc/shadow", "The instructions field of the assistant object holds its system prompt.",
    "Set temperature to 0 for deterministic output.", "Messages with the role 'system' are sent first.",
    "INFO  Forwarding logs to the central collector at port 514.", "Upload artifacts to the release bucket after the build.",
    "The agent sends heartbeat data to the monitoring server every 30 seconds.", "Secrets are read from the vault at startup, never logged.",
    "Use `export API_KEY=...` in your shell before running the script.", "POST /v1/chat/completions with a messages array.",
    "The previous instruction pointer is saved on the stack.", "The CPU executes instructions in order unless a branch is taken.",
    "<system><cpu>4</cpu><memory>16GB</memory></system>", "### Installation", "## System requirements",
    "System: Ubuntu 22.04, 8 GB RAM", "User: jsmith   Last login: Tue 09:14", "--- END OF REPORT ---", "=== Results ===",
    "<!-- navigation bar -->", "[INST] and [/INST] are the tokens Llama models use around user turns.",
    "Exit code 0 means the command succeeded.", "Forward port 8080 to the container.", "Ignore whitespace changes with git diff -w.",
    "The bot replies with a help message when it sees /start.", "Token expired; request a new one with the refresh endpoint.",
]  # fmt: skip

LEGAL = [
    "This Agreement supersedes all prior agreements and understandings between the parties.",
    "Any previous instructions from the Customer are replaced by this Purchase Order.",
    "The Recipient shall not disclose Confidential Information to any third party.",
    "All prior versions of these Terms are void as of the effective date.", "The licensor disclaims all warranties, express or implied.",
    "You may not reverse engineer, decompile or disassemble the software.", "All notices must be sent in writing to the address below.",
    "Members voted to change the association's statutes last spring.", "Nothing in this clause limits liability for fraud.",
    "The tenant must not sublet the property without written consent.", "This policy overrides any conflicting departmental guidelines.",
    "The court disregarded the evidence submitted after the deadline.", "The seller must forward all correspondence to the buyer's agent.",
    "Employees must follow the instructions of the safety officer at all times.", "The parties agree to keep the terms of this settlement secret.",
    "Failure to comply with these rules may result in suspension of the account.", "The original contract remains in force unless terminated in writing.",
]  # fmt: skip

SECURITY_ADVICE = [
    "Your password is yours alone: the help desk can reset it without knowing it.", "We will never ask you to send your PIN by email.",
    "Report suspicious emails to security@{domain}.", "Do not click links in unexpected messages.",
    "If someone asks you to ignore company policy, contact your manager.", "Log-in details should only be typed into the company portal.",
    "Employees must not forward customer data to personal email accounts.", "Do not reveal your one-time code to callers.",
    "Keep your API keys out of source control.", "Don't reuse passwords across websites.",
    "Phishing emails often ask you to verify your account urgently.", "Lock your screen when you leave your desk.",
    "Our support team will never ask for your full card number.", "Beware of messages that ask you to bypass normal approval steps.",
]  # fmt: skip

NOTICES = [
    "You are now subscribed to the weekly digest.", "You are now logged in as {first}.", "You are now connected to Guest Wi-Fi.",
    "Your account is now active.", "System maintenance is scheduled for Saturday night.", "System status: all services operational.",
    "Admin: this thread has been locked.", "Reply STOP to unsubscribe.", "Do not reply to this email; this mailbox is not monitored.",
    "This message was sent automatically.", "Please ignore this message if you have already paid.",
    "If you did not request a password reset, you can ignore this email.", "Forgot your password? Click here to reset it.",
    "You are now the owner of the shared folder.", "You are now following this conversation.", "Your previous session has expired. Please sign in again.",
    "New instructions for parcel collection are available at the front desk.", "The system will restart in 5 minutes.",
    "Previous orders can be found under 'My account'.", "Your request has been forwarded to the billing team.",
    "Attention passengers: the train to {city} now departs from platform 4.", "Notice to residents: water will be off from 9 to 12.",
    "Important: read the instructions before first use.", "Warning: do not exceed the recommended dose.",
    "Note to reviewers: the appendix contains the raw data.", "Note to self: buy milk and call the plumber.",
    "Note to the editor: figure 3 has been updated.", "Dear reviewer, thank you for your helpful comments.",
    "Instructions for the reviewer: score each criterion from 1 to 5.", "Message from the administrator: the server move is complete.",
    "This is a message from the building management: the lift is being serviced.", "Official notice from the city council: bins are collected on Tuesday.",
    "Check your inbox for the download link.", "We've sent a confirmation link to your email address.", "The invitation link expires in 24 hours.",
    "Your tickets are attached to this email.", "Click the link in the message to verify your account.", "Your parcel is in the locker; the code is in the app.",
    "Your access card is ready at reception.", "Your subscription renews on {date}.", "Your order has shipped; tracking details are in your account.",
]  # fmt: skip

EVERYDAY = [
    "Preheat the oven and grease the tin.", "Whisk the cream until stiff, then fold in the berries.",
    "Forget-me-nots grow best in partial shade.", "Section B is optional this year; candidates may leave it blank.",
    "The assistant manager will cover the morning shift.", "New staff rehearse complaint calls in pairs during onboarding.",
    "Dressing-up games let kids pretend to be firefighters or doctors.", "Act now: the sale ends on Sunday!",
    "I'd give this blender 10/10, highly recommended.", "Highly recommended by my previous employer.",
    "Tap the build number seven times to unlock the phone's developer options.", "Keep the receipt for the warranty.",
    "Turn left at the church and follow the signs to the car park.", "Take two capsules daily after meals.",
    "The coach told the players to forget the last match and focus on training.", "The choir practised the chorus until it sounded right.",
    "The hotel offers free breakfast and late check-out.", "Our new menu includes vegan options.",
    "The museum is open from 10 am to 6 pm, closed on Mondays.", "The previous owner left the garden in great shape.",
    "Instructions: remove the cap, shake well, and spray twice.", "Parking is free after 7 pm.",
    "The committee adopted the revised travel budget.", "The system of government in Switzerland is federal.",
    "The solar system has eight planets.", "He ignored the referee's whistle and was booked.",
    "Please leave your shoes at the door.", "The rules of chess are simple, but mastery takes years.",
    "The previous tenant forwarded our post for a month.", "The board will reveal the new logo next week.",
]  # fmt: skip

AI_PRODUCT = [
    "Our AI assistant can summarize your emails and draft replies.", "Customers rate the help-centre bot 4.2 out of 5.",
    "The model was trained on public data up to last year.", "The assistant can book meetings when you grant calendar access.",
    "Ask the AI to explain any chart in the report.", "Our AI reviewer checks spelling and formatting only.",
    "The language model powers the search on our help centre.", "The agent opens tickets automatically for failed payments.",
    "The AI feature is in beta; results may contain mistakes.", "Dear team, the new AI assistant will be rolled out in May.",
    "The summarizer keeps the original language of the document.", "Copilot suggested a fix for the failing test.",
]  # fmt: skip

FRAMES_BENIGN_I18N: dict[str, list[str]] = {
    "de": [
        "Bitte ignorieren Sie meine vorherige E-Mail, sie war fehlerhaft.", "Vergessen Sie nicht, den Antrag bis Freitag einzureichen.",
        "Ignorieren Sie diese Zahlungserinnerung, falls Sie bereits bezahlt haben.", "Die alte Hausordnung gilt ab dem Ersten nicht mehr.",
        "Entkalken: Tank füllen, Taste drei Sekunden drücken, warten bis die Lampe erlischt.", "Bitte leiten Sie diese Nachricht an Ihre Kollegen weiter.",
        "Schicken Sie den unterschriebenen Vertrag an {email}.", "Geben Sie Ihr Passwort niemals am Telefon weiter.",
        "Sie sind jetzt für unseren Newsletter angemeldet.", "Dieser Vertrag ersetzt alle vorherigen Vereinbarungen.",
        "Vergiss die Milch nicht!", "Übersetze bitte diesen Text ins Englische.", "Fasse den folgenden Artikel in drei Sätzen zusammen.",
        "Spiel bitte einen Kunden, damit ich mein Verkaufsgespräch üben kann.", "Der Entwicklermodus des Routers ist standardmäßig deaktiviert.",
        "Die früheren Hinweise zur Steuererklärung sind überholt; bitte das neue Merkblatt verwenden.", "Neue Richtlinien für Dienstreisen gelten ab Juli.",
        "Rezept: Sahne steif schlagen und die Beeren unterheben.", "Achtung: Die Treppe ist frisch gestrichen.",
        "Prompt-Injection-Angriffe versuchen, ein Sprachmodell seine Anweisungen vergessen zu lassen.", "Antworte bitte nur mit Ja oder Nein.",
    ],
    "fr": [
        "Merci d'ignorer mon précédent e-mail, il contenait une erreur.", "N'oubliez pas de renvoyer le formulaire avant vendredi.",
        "Ignorez ce rappel si vous avez déjà réglé la facture.", "L'ancien règlement intérieur n'est plus en vigueur.",
        "Détartrage : remplir le réservoir, appuyer trois secondes, attendre que le voyant s'éteigne.", "Merci de transférer ce message à vos collègues.",
        "Envoyez le contrat signé à {email}.", "Ne communiquez jamais votre mot de passe par téléphone.",
        "Vous êtes maintenant inscrit à notre newsletter.", "Le présent contrat remplace tous les accords antérieurs.",
        "Traduis ce texte en anglais, s'il te plaît.", "Résume l'article suivant en trois phrases.",
        "Joue le rôle d'un client pour que je m'entraîne à vendre.", "Le mode développeur de l'application est réservé aux tests.",
        "Les consignes précédentes pour la remise des copies sont remplacées par le nouveau règlement.", "Recette : monter la crème en chantilly et incorporer les fraises.",
        "Les attaques par injection de prompt cherchent à faire oublier ses consignes au modèle.", "Réponds seulement par oui ou par non.",
        "Note aux relecteurs : l'annexe contient les données brutes.",
    ],
    "es": [
        "Por favor, ignore mi correo anterior, tenía un error.", "No olvides enviar el formulario antes del viernes.",
        "Ignore este recordatorio si ya ha pagado la factura.", "El antiguo reglamento del gimnasio ya no está vigente.",
        "Descalcificación: llenar el depósito, pulsar tres segundos y esperar a que se apague la luz.", "Por favor, reenvíe este mensaje a sus compañeros.",
        "Envíe el contrato firmado a {email}.", "Nunca comparta su contraseña por teléfono.",
        "Ya está suscrito a nuestro boletín.", "Este contrato sustituye a todos los acuerdos anteriores.",
        "Traduce este texto al inglés, por favor.", "Resume el siguiente artículo en tres frases.",
        "Haz de cliente para que pueda practicar mi presentación.", "El modo desarrollador del teléfono está desactivado por defecto.",
        "Las indicaciones previas para la matrícula quedan sustituidas por la nueva guía.", "Receta: montar la nata y añadir las fresas con cuidado.",
        "Los ataques de inyección de prompt intentan que el modelo olvide sus instrucciones.", "Responde solo sí o no.",
        "Olvida lo que te dije ayer, la reunión es a las cuatro.", "Nota para los revisores: el anexo contiene los datos.",
    ],
    "it": [
        "Per favore ignori la mia email precedente, conteneva un errore.", "Non dimenticare di inviare il modulo entro venerdì.",
        "Ignori questo promemoria se ha già pagato la fattura.", "Il vecchio regolamento condominiale non è più in vigore.",
        "Decalcificazione: riempire il serbatoio, premere tre secondi e attendere che la spia si spenga.", "Per favore inoltri questo messaggio ai colleghi.",
        "Invii il contratto firmato a {email}.", "Non comunichi mai la password al telefono.",
        "Ora sei iscritto alla nostra newsletter.", "Il presente contratto sostituisce tutti gli accordi precedenti.",
        "Traduci questo testo in inglese, per favore.", "Riassumi il seguente articolo in tre frasi.",
        "Fai la parte del cliente così mi esercito a vendere.", "La modalità sviluppatore del telefono è disattivata.",
        "Le indicazioni precedenti per l'iscrizione sono sostituite dalla nuova guida.", "Ricetta: montare la panna e incorporare le fragole.",
        "Gli attacchi di prompt injection cercano di far dimenticare al modello le sue istruzioni.", "Rispondi solo sì o no.",
        "Lascia perdere quello che ti ho detto ieri, la riunione è alle quattro.", "Nota per i revisori: l'allegato contiene i dati.",
    ],
    "nl": [
        "Negeer alstublieft mijn vorige e-mail, er stond een fout in.", "Vergeet niet het formulier voor vrijdag op te sturen.",
        "Negeer deze herinnering als u al betaald heeft.", "Het oude huishoudelijk reglement is niet meer van kracht.",
        "Ontkalken: tank vullen, drie seconden op de knop drukken en wachten tot het lampje uitgaat.", "Stuur dit bericht alstublieft door naar uw collega's.",
        "Stuur het getekende contract naar {email}.", "Geef uw wachtwoord nooit door via de telefoon.",
        "U bent nu aangemeld voor onze nieuwsbrief.", "Deze overeenkomst vervangt alle eerdere afspraken.",
        "Vertaal deze tekst naar het Engels, alsjeblieft.", "Vat het volgende artikel samen in drie zinnen.",
        "Speel een klant zodat ik mijn verkooppraatje kan oefenen.", "De ontwikkelaarsmodus van de telefoon staat standaard uit.",
        "De eerdere aanwijzingen voor de inschrijving zijn vervangen door de nieuwe gids.", "Recept: klop de room stijf en spatel de aardbeien erdoor.",
        "Promptinjectie-aanvallen proberen een taalmodel zijn instructies te laten vergeten.", "Antwoord alleen met ja of nee.",
        "Vergeet wat ik gisteren zei, de vergadering is om vier uur.", "Opmerking voor de beoordelaars: de bijlage bevat de data.",
    ],
    "pt": [
        "Por favor, desconsidere meu e-mail anterior, havia um erro.", "Não se esqueça de enviar o formulário até sexta-feira.",
        "Ignore este lembrete se já pagou a fatura.", "O antigo regulamento do condomínio deixou de valer.",
        "Descalcificação: encher o depósito, premir três segundos e esperar que a luz se apague.", "Por favor, encaminhe esta mensagem aos colegas.",
        "Envie o contrato assinado para {email}.", "Nunca partilhe a sua senha por telefone.",
        "Agora você está inscrito na nossa newsletter.", "Este contrato substitui todos os acordos anteriores.",
        "Traduza este texto para inglês, por favor.", "Resuma o artigo seguinte em três frases.",
        "Faça o papel de cliente para eu treinar a minha apresentação.", "O modo desenvolvedor do telemóvel vem desativado.",
        "As orientações anteriores para a matrícula foram substituídas pelo novo guia.", "Receita: bater as natas e envolver os morangos.",
        "Ataques de injeção de prompt tentam fazer o modelo esquecer as suas instruções.", "Responda apenas sim ou não.",
        "Esqueça o que eu disse ontem, a reunião é às quatro.", "Nota para os revisores: o anexo contém os dados.",
    ],
}  # fmt: skip

# Per-language fillers so a non-English carrier reads like the language.
GREETINGS = {
    "en": ["Hi {first},", "Dear {first},", "Hello team,", "Good morning,", "Dear customer,"],
    "de": ["Hallo {first},", "Sehr geehrte Damen und Herren,", "Liebe Kolleginnen und Kollegen,", "Guten Tag,"],
    "fr": ["Bonjour {first},", "Madame, Monsieur,", "Chers collègues,", "Bonjour à tous,"],
    "es": ["Hola {first}:", "Estimado cliente:", "Queridos compañeros:", "Buenos días,"],
    "it": ["Ciao {first},", "Gentile cliente,", "Cari colleghi,", "Buongiorno,"],
    "nl": ["Hallo {first},", "Geachte heer/mevrouw,", "Beste collega's,", "Goedemorgen,"],
    "pt": ["Olá {first},", "Prezado cliente,", "Caros colegas,", "Bom dia,"],
}  # fmt: skip
CLOSINGS = {
    "en": ["Best regards,", "Kind regards,", "Thanks,", "Cheers,", "Sincerely,"],
    "de": ["Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße"],
    "fr": ["Cordialement,", "Bien à vous,", "Merci d'avance,"],
    "es": ["Saludos cordiales,", "Un saludo,", "Atentamente,"],
    "it": ["Cordiali saluti,", "Un saluto,", "Grazie mille,"],
    "nl": ["Met vriendelijke groet,", "Groeten,", "Hartelijke groet,"],
    "pt": ["Atenciosamente,", "Cumprimentos,", "Obrigado,"],
}  # fmt: skip
FAKER_LOCALES = {
    "en": "en_US",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "it": "it_IT",
    "nl": "nl_NL",
    "pt": "pt_PT",
}

REPORT_LINES = [
    "Revenue grew {pct}% compared with the same quarter last year.", "Operating costs fell slightly thanks to lower energy prices.",
    "The board approved a dividend of {amount} per share.", "Headcount rose to {n} employees across {k} offices.",
    "Customer satisfaction remained stable at {pct}%.", "The new plant in {city} started production in March.",
    "Inventory levels were reduced by {pct}% during the period.", "The company expects growth to slow in the second half.",
    "Capital expenditure was mainly spent on IT infrastructure.", "The project is on schedule and within budget.",
    "Sales in Europe were affected by a weaker currency.", "The audit found no material weaknesses in internal controls.",
]  # fmt: skip
WEB_LINES = [
    "Home | Products | About us | Contact", "Free shipping on orders over {amount}.", "Subscribe to our newsletter for weekly tips.",
    "© {year} {company}. All rights reserved.", "Read more", "Privacy policy · Cookie settings · Imprint",
    "Our team has over {n} years of experience in {field}.", "Customers who bought this item also bought:",
    "Rated {stars} out of 5 by {n} customers.", "In stock. Usually ships within 2 business days.",
    "Posted by {first} on {date}", "{n} comments", "Share on social media", "Related articles",
    "The best way to learn {field} is to practise every day.", "Opening hours: Mon-Fri 9:00-17:00.",
]  # fmt: skip
CV_LINES = [
    "{job} at {company}, {year}-present", "Education: MSc in {field}, University of {city}", "Skills: Python, SQL, project management, {field}",
    "Languages: English (fluent), German (B2), Spanish (basic)", "Led a team of {k} engineers to deliver a new billing platform.",
    "Reduced processing time by {pct}% through automation.", "Volunteer at the local food bank since {year}.",
    "Certifications: PMP, AWS Solutions Architect", "References available on request.", "Profile: detail-oriented {job} with {k} years of experience.",
]  # fmt: skip
RECEIPT_LINES = [
    "{k} x {item}  {price}", "Subtotal  {price}", "VAT {pct}%  {price}", "TOTAL  {price}", "Paid by card ****{last4}",
    "Thank you for shopping with us!", "Receipt no. {n} - {date} {time}", "Returns accepted within 30 days with receipt.",
    "Invoice {n}, due {date}", "Bank transfer to IBAN DE{k}{n} within 14 days.", "Customer no. {n}",
]  # fmt: skip
ITEMS = [
    "Coffee",
    "Croissant",
    "USB cable",
    "Notebook A5",
    "Printer paper",
    "Bananas 1kg",
    "Shampoo",
    "Batteries AA",
    "Desk lamp",
    "Tea",
]
FIELDS = [
    "data analysis",
    "marketing",
    "logistics",
    "nursing",
    "mechanical engineering",
    "finance",
    "education",
    "web design",
]
TOOL_KEYS = [
    "title",
    "description",
    "summary",
    "body",
    "snippet",
    "comment",
    "note",
    "bio",
    "content",
    "alt",
]


def _date(r: random.Random) -> str:
    """A date from ``r`` (Faker's dates move with the clock; the corpus must not)."""
    return f"{r.randrange(2015, 2027)}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}"


class Carriers:
    """Neutral documents in seven languages; one Faker per locale, seeded by the caller."""

    def __init__(self, seed: int, prose: list[str] | None = None) -> None:
        self.prose = prose or []
        self.fakers = {}
        for i, (lang, loc) in enumerate(sorted(FAKER_LOCALES.items())):
            fk = Faker(loc)
            fk.seed_instance(seed + i)
            self.fakers[lang] = fk

    def fill(self, r: random.Random, text: str, lang: str = "en") -> str:
        fk = self.fakers[lang]
        reps = {
            "{first}": lambda: fk.first_name(),
            "{company}": lambda: fk.company(),
            "{city}": lambda: fk.city(),
            "{email}": lambda: fk.email(),
            "{phone}": lambda: fk.phone_number(),
            "{date}": lambda: _date(r),
            "{time}": lambda: f"{r.randrange(0, 24):02d}:{r.randrange(0, 60):02d}",
            "{job}": lambda: fk.job(),
            "{amount}": lambda: f"{r.choice(['$', '€', '£'])}{r.randrange(5, 5000)}",
            "{price}": lambda: f"{r.randrange(1, 300)}.{r.randrange(0, 99):02d}",
            "{pct}": lambda: str(r.randrange(1, 60)),
            "{n}": lambda: str(r.randrange(10, 99999)),
            "{k}": lambda: str(r.randrange(1, 12)),
            "{year}": lambda: str(r.randrange(1995, 2026)),
            "{room}": lambda: f"{r.randrange(1, 6)}.{r.randrange(1, 40)}",
            "{last4}": lambda: f"{r.randrange(0, 9999):04d}",
            "{stars}": lambda: f"{r.randrange(1, 5)}.{r.randrange(0, 9)}",
            "{item}": lambda: r.choice(ITEMS),
            "{field}": lambda: r.choice(FIELDS),
            "{domain}": lambda: fk.domain_name(),
            "{name}": lambda: fk.first_name(),
        }
        for key, make in reps.items():
            while key in text:
                text = text.replace(key, make(), 1)
        return text

    def sentence(self, r: random.Random, lang: str) -> str:
        fk = self.fakers[lang]
        if lang == "en" and r.random() < 0.6:
            return self.fill(r, pick(r, REPORT_LINES + WEB_LINES + EVERYDAY), lang)
        return fk.sentence(nb_words=r.randrange(5, 14))

    def document(self, r: random.Random, lang: str) -> tuple[str, list[str]]:
        """A carrier as a list of lines; the kind decides its shape."""
        fk = self.fakers[lang]
        kinds = [
            "email",
            "report",
            "web",
            "cv",
            "receipt",
            "tool",
            "record",
            "chat",
            "code",
            "review",
            "plain",
        ]
        if self.prose and lang == "en":
            kinds += ["prose"] * 4
        kind = r.choice(kinds)
        lines: list[str]
        if kind == "prose":
            lines = [r.choice(self.prose) for _ in range(r.randrange(1, 4))]
            if r.random() < 0.4:
                from bench.guard_data.injection_corpus import wrap

                lines = [wrap(p, r.randrange(50, 90)) for p in lines]
        elif kind == "email":
            body = [self.sentence(r, lang) for _ in range(r.randrange(1, 5))]
            if lang == "en" and r.random() < 0.5:
                body.insert(r.randrange(len(body) + 1), self.fill(r, pick(r, EMAIL_LINES)))
            lines = [
                self.fill(r, pick(r, GREETINGS[lang]), lang),
                *body,
                pick(r, CLOSINGS[lang]),
                fk.name(),
            ]
            if r.random() < 0.4:
                lines = [
                    f"From: {fk.email()}",
                    f"Subject: {fk.catch_phrase() if lang == 'en' else fk.sentence(nb_words=4)}",
                    "",
                    *lines,
                ]
        elif kind == "report":
            lines = [fk.company() + (" - Quarterly report" if lang == "en" else "")]
            lines += [
                self.fill(r, pick(r, REPORT_LINES), lang) if lang == "en" else fk.sentence()
                for _ in range(r.randrange(2, 6))
            ]
        elif kind == "web":
            lines = [self.fill(r, pick(r, WEB_LINES), lang) for _ in range(r.randrange(2, 5))]
            lines.insert(1, fk.paragraph(nb_sentences=r.randrange(2, 5)))
        elif kind == "cv":
            lines = [fk.name(), fk.job(), fk.address().replace("\n", ", ")]
            lines += [self.fill(r, pick(r, CV_LINES), lang) for _ in range(r.randrange(3, 7))]
        elif kind == "receipt":
            lines = [fk.company(), fk.address().replace("\n", ", ")]
            lines += [self.fill(r, pick(r, RECEIPT_LINES), lang) for _ in range(r.randrange(3, 8))]
        elif kind == "tool":
            items = [
                f'"{pick(r, TOOL_KEYS)}": "{self.sentence(r, lang)}"'
                for _ in range(r.randrange(1, 4))
            ]
            lines = [
                "{",
                f'  "id": {r.randrange(1, 99999)},',
                *(f"  {x}," for x in items),
                f'  "url": "https://{fk.domain_name()}/{fk.uri_path()}"',
                "}",
            ]
        elif kind == "record":
            lines = [
                f"Name: {fk.name()}",
                f"Organization: {fk.company()}",
                f"Address: {fk.address()}".replace("\n", ", "),
                f"Email: {fk.email()}",
                f"Created: {_date(r)}",
                f"Status: {r.choice(['active', 'pending', 'closed'])}",
            ]
        elif kind == "chat":
            names = [fk.first_name(), fk.first_name()]
            lines = [f"{names[i % 2]}: {self.sentence(r, lang)}" for i in range(r.randrange(2, 6))]
        elif kind == "code":
            lines = [
                f"def {r.choice(['load', 'parse', 'render', 'update'])}_{r.choice(['items', 'user', 'config', 'page'])}(data):",
                f'    """{self.sentence(r, "en")}"""',
                f"    # {self.sentence(r, 'en')}",
                f"    return {r.choice(['data', 'None', 'result', '[]'])}",
            ]
        elif kind == "review":
            lines = [
                f"{'★' * r.randrange(1, 6)} {fk.first_name()}, {_date(r)}",
                self.sentence(r, lang),
                self.sentence(r, lang),
            ]
        else:
            lines = [fk.paragraph(nb_sentences=r.randrange(1, 5))]
        return kind, lines


def benign_line(r: random.Random, carriers: Carriers, lang: str) -> tuple[str, str]:
    """One near-miss sentence (or short passage); returns (text, kind)."""
    if lang != "en":
        kind = r.choices(["i18n", "task", "ai", "notice"], weights=[0.65, 0.12, 0.1, 0.13])[0]
        if kind == "i18n":
            return carriers.fill(r, pick(r, FRAMES_BENIGN_I18N[lang]), lang), f"{lang}:near_miss"
        if kind == "ai":
            return carriers.fill(r, ai_narrative(r, lang), lang), f"{lang}:ai"
        if kind == "notice":
            return carriers.fill(r, changed_rules_notice(r, lang), lang), f"{lang}:notice"
        return (pick(r, USER_TASKS) if r.random() < 0.5 else user_task(r, lang)), "task"
    kind = r.choices(
        [
            "human",
            "email",
            "task",
            "role",
            "about",
            "tech",
            "legal",
            "security",
            "notice",
            "everyday",
            "ai",
        ],
        weights=[0.16, 0.1, 0.14, 0.05, 0.1, 0.09, 0.06, 0.06, 0.08, 0.07, 0.09],
    )[0]
    if kind == "human":
        text = f"{pick(r, H_VERBS)} {pick(r, H_TARGETS)}{pick(r, H_TAILS)}"
        text = cap(text)
    elif kind == "email":
        text = pick(r, EMAIL_LINES)
    elif kind == "task":
        text = pick(r, USER_TASKS) if r.random() < 0.5 else user_task(r)
    elif kind == "role":
        frame = pick(
            r,
            [
                "Act as {r} and help me {t}.",
                "Pretend to be {r} for this exercise.",
                "You are {r}. {t2}",
                "Imagine you are {r}; {t}.",
                "Let's role-play: you are {r} and I am a student.",
                "Play {r} in our practice dialogue.",
            ],
        )
        task = pick(
            r,
            [
                "plan a weekend in Porto",
                "prepare for my exam",
                "improve my CV",
                "practise small talk",
                "choose a wine for dinner",
            ],
        )
        text = (
            frame.replace("{r}", pick(r, BENIGN_ROLES))
            .replace("{t2}", cap(task) + ", please.")
            .replace("{t}", task)
        )
    elif kind == "about":
        text = pick(r, ABOUT_INJECTION)
    elif kind == "tech":
        text = pick(r, TECH)
    elif kind == "legal":
        text = pick(r, LEGAL)
    elif kind == "security":
        text = pick(r, SECURITY_ADVICE)
    elif kind == "notice":
        text = pick(r, NOTICES) if r.random() < 0.6 else changed_rules_notice(r, "en")
    elif kind == "everyday":
        text = pick(r, EVERYDAY)
    else:
        text = pick(r, AI_PRODUCT) if r.random() < 0.3 else ai_narrative(r)
    return carriers.fill(r, text, lang), kind


# --- contrast: the injection grammar's verbs and frames with ordinary objects --------------------
C_OBJECTS = [
    "the noise from the street", "the weather forecast", "the first draft", "the comments on the blog",
    "the dotted line", "the small print on the back", "the first ring of the doorbell", "the hype",
    "the flashing light on the printer", "the sample data in row 1", "the header row", "yesterday's results",
    "the old receipt", "the duplicate entries", "the last slide", "the blank pages", "the rounding differences",
    "the spam folder", "the background music", "the previous chapter", "the earlier chapters of the book",
    "the previous season", "the instructions on the old label", "the prior year's figures", "the original plan",
    "the initial sketch", "the default layout", "the rules of the old board game", "the guidelines from 2019",
    "the training wheels", "the system beep", "the first paragraph of my essay", "the warning about cookies",
]  # fmt: skip
C_TAILS = [
    ".", ", it doesn't matter.", " and carry on.", "; we fixed it.", ", they are outdated.", " for now.",
    " - the new version is attached.", " and start from chapter 3.", ", it is only a test.", " when you compare the totals.",
    " unless you are a member.", ", that's what the coach said.", " and enjoy the show.", " if the baby is asleep.",
]  # fmt: skip
C_NOW = [
    "You are now logged in.", "You are now connected to the conference Wi-Fi.", "You are now enrolled in the course.",
    "You are now registered for the marathon.", "You are now a member of the hiking club.", "You are now in the queue; position 4.",
    "You are now following this thread.", "You are now eligible for the loyalty discount.", "You are now verified.",
    "You are now ready to start the exam.", "You are now part of the night shift team.", "You are now on the guest list.",
    "You are now an admin of the group 'Book club'.", "You are now the owner of this document.",
    "You are now leaving the secure area.", "You are now speaking with Anna from customer service.",
    "You are no longer subscribed to promotional emails.",
    "You are no longer a member of the project channel.", "You are no longer eligible for the student rate.",
    "You are no longer required to wear a badge in the lobby.", "You are no longer registered for Saturday's class.",
    "You have been granted read access to the team calendar.", "You have been granted a refund of {amount}.",
    "You have been granted leave for Friday.", "You have been granted an extension until {date}.",
    "You have been granted editor rights on the project board.", "You have been selected for the second interview.",
]  # fmt: skip
C_FROM_NOW = [
    "From now on, all invoices go to the new billing address.", "From now on we will meet on Teams instead of Zoom.",
    "From now on, please use the side entrance.", "From this week on, the gym closes at 21:00.",
    "From now on, lunch orders must be in by 11.", "Starting today, parcels are kept at reception.",
    "Going forward, expense claims need a receipt photo.", "From today, the newsletter comes out on Thursdays.",
    "From now on I'll bring my own coffee mug.", "From here on, the hike gets steep.",
]  # fmt: skip
C_ACT = [
    "Act as the host for the charity dinner.", "Please act as note-taker during the meeting.",
    "Pretend you are a tourist and ask for directions in Spanish.", "Imagine you are a tree in a storm; write a poem about it.",
    "Play the role of the customer in the training session.", "Behave like a guest in someone else's home.",
    "Act as if you own the place - that's the secret of confidence.", "Roleplay night at the club: everyone dresses as a wizard.",
    "Pretend to be asleep when the kids come in.", "Stop being a perfectionist and submit the draft.",
    "Be my partner for the dance class on Friday.", "Be my witness at the wedding?",
]  # fmt: skip
C_REVEAL = [
    "Reveal the winner at the end of the ceremony.", "The magician never reveals his secrets.",
    "Please reveal your guess before the next round.", "The chef won't reveal the secret ingredient.",
    "Print two copies of the boarding pass.", "Print the labels on A4 sheets.", "Show me the way to the station.",
    "Repeat after me: red lorry, yellow lorry.", "Repeat the last step if the light stays red.",
    "Tell me about your previous job.", "Tell the children the story again.", "Output voltage: 12 V DC.",
    "Display the results on the big screen.", "Share your screen when it's your turn.", "Disclose any conflicts of interest.",
    "List every ingredient on the label.", "Give me the password hint, not the password.", "Dump the old paint at the recycling centre.",
]  # fmt: skip
C_SEND = [
    "Send the invoice to {email}.", "Forward the photos to grandma.", "Email the minutes to the whole team.",
    "Upload your assignment to https://portal.{domain}/upload before midnight.", "Post the flyer in the staff kitchen.",
    "Submit the form at https://{domain}/apply?ref=spring.", "Send your questions to {email} or call {phone}.",
    "Please forward your boarding pass to the travel office.", "Share the document with the auditors by Friday.",
    "Transfer {amount} to the school account for the trip.", "Send the data to the lab for analysis.",
    "Upload the conference photos to the shared album.", "Email your bank details to payroll using the secure form.",
]  # fmt: skip
C_SECRET = [
    "Don't tell Dad about the new bike yet.", "Keep this secret: the test is easy.", "Don't mention the price to the guests.",
    "Never reveal the ending to anyone who hasn't seen the film.", "Keep the gate code to yourself.",
    "Don't let the customer know we're short-staffed.", "Please don't share the draft outside the committee.",
]  # fmt: skip
C_NOTE = [
    "Note to the printer: use matte paper.", "Attention parents: pick-up is at 3 pm today.", "Instructions for volunteers: wear the yellow vest.",
    "Note for the cleaning staff: room 12 is free.", "Message for the night shift: the fridge is broken.",
    "Reminder to all drivers: check the tyres weekly.", "To whoever took my stapler: please return it.",
    "Dear reader, this chapter contains spoilers.", "Important for new users: verify your email address first.",
    "Hint for players: the key is under the mat.", "If you are reading this, the experiment worked.",
]  # fmt: skip
C_MISC = [
    "Manual override: lift the lever to open the barrier.", "The council voted to override the mayor's veto.",
    "The bypass road around the village is closed.", "Disable notifications during meetings.", "Turn off the filter before cleaning the tank.",
    "Nothing above 30 degrees is expected this week.", "Everything above the fold should load in one second.",
    "Try the opposite approach: start with dessert.", "Your new task is to update the stock list by Friday.",
    "Your new role starts on Monday; your main job is onboarding.", "Instead of the bus, take the tram.",
    "Give yourself some rest after the exam.", "Set aside 20 minutes a day for reading.", "Put aside the ripe bananas for the cake.",
    "Skip the queue with an online ticket.", "Drop the kids at the side gate.", "No restrictions apply to carry-on snacks.",
    "The museum offers unrestricted access to members.", "Debug mode: logs are written to /var/log/app.", "Admin mode lets you add users.",
    "The original instructions came with the lamp.", "The manual's instructions are clearer than the video.",
    "His previous role was head of sales.", "The system was upgraded over the weekend.", "The prompt was: describe your favourite place.",
    "Writing prompt: a letter to your future self.", "The command line prints a help message.", "The rules above apply to all members.",
    "See the instructions above for the exam.", "As mentioned above, the venue has changed.", "Ignore previous versions of this app; they are unsupported.",
]  # fmt: skip
C_I18N = {
    "de": ["Ignorier den Lärm, die Baustelle ist bald fertig.", "Sie sind jetzt angemeldet.", "Ab jetzt kommen alle Rechnungen an die neue Adresse.",
           "Schick die Fotos an Oma.", "Verrate niemandem das Ende des Films.", "Hinweis für Eltern: Abholung um 15 Uhr.", "Vergiss die alte Regel, der Verein hat sie geändert.",
           "Du bist jetzt Mitglied im Wanderverein.", "Zeig mir den Weg zum Bahnhof.", "Lass den ersten Absatz weg."],
    "fr": ["Ignore le bruit, les travaux finissent bientôt.", "Vous êtes maintenant connecté.", "Désormais, toutes les factures vont à la nouvelle adresse.",
           "Envoie les photos à mamie.", "Ne révèle la fin du film à personne.", "Note aux parents : sortie à 15 h.", "Oublie l'ancienne règle, le club l'a changée.",
           "Tu es maintenant membre du club de randonnée.", "Montre-moi le chemin de la gare.", "Laisse tomber le premier paragraphe."],
    "es": ["Ignora el ruido, las obras terminan pronto.", "Ya ha iniciado sesión.", "A partir de ahora, las facturas van a la nueva dirección.",
           "Manda las fotos a la abuela.", "No le cuentes el final de la película a nadie.", "Aviso a los padres: salida a las 15 h.", "Olvida la regla antigua, el club la cambió.",
           "Ahora eres socio del club de senderismo.", "Enséñame el camino a la estación.", "Omite el primer párrafo."],
    "it": ["Ignora il rumore, i lavori finiscono presto.", "Ora sei connesso.", "D'ora in poi tutte le fatture vanno al nuovo indirizzo.",
           "Manda le foto alla nonna.", "Non rivelare il finale del film a nessuno.", "Avviso ai genitori: uscita alle 15.", "Dimentica la vecchia regola, il club l'ha cambiata.",
           "Ora sei socio del club escursionistico.", "Mostrami la strada per la stazione.", "Salta il primo paragrafo."],
    "nl": ["Negeer het lawaai, de werkzaamheden zijn bijna klaar.", "U bent nu ingelogd.", "Vanaf nu gaan alle facturen naar het nieuwe adres.",
           "Stuur de foto's naar oma.", "Verklap het einde van de film aan niemand.", "Bericht aan ouders: ophalen om 15 uur.", "Vergeet de oude regel, de club heeft hem veranderd.",
           "Je bent nu lid van de wandelclub.", "Wijs me de weg naar het station.", "Sla de eerste alinea over."],
    "pt": ["Ignore o barulho, as obras acabam em breve.", "Agora você está conectado.", "A partir de agora, as faturas vão para o novo endereço.",
           "Mande as fotos para a avó.", "Não revele o final do filme a ninguém.", "Aviso aos pais: saída às 15h.", "Esqueça a regra antiga, o clube mudou-a.",
           "Agora você é sócio do clube de caminhada.", "Mostre-me o caminho para a estação.", "Pule o primeiro parágrafo."],
}  # fmt: skip
USER_TASKS_MORE = [
    "Ignore the header row when you parse this CSV.", "Forget the last example, use this one instead.",
    "Reveal the answer only after I guess.", "Act as my Spanish tutor and correct my mistakes.",
    "Don't use bullet points in your reply.", "Skip the introduction and go straight to the results.",
    "Disregard the second file, it's a duplicate.", "Stop explaining and just give me the code.",
    "Pretend I'm a beginner and explain recursion.", "Repeat the previous answer but shorter.",
    "Please send me the list as a CSV.", "Tell me what the system requirements are for this game.",
    "What's the difference between a system prompt and a user prompt?", "Write instructions for a new employee's first day.",
    "Override the default sort order and sort by date.", "List the rules of volleyball.",
    "Ignore the spelling mistakes in my notes and summarise them.", "Answer as briefly as possible from now on.",
    "Translate this warning into Italian: 'Do not open the door while the machine is running.'",
    "Explain what 'jailbreaking' a phone means.", "How do hackers use phishing emails to steal passwords?",
    "Is it safe to share my screen in a meeting?", "Summarise the security advisory below for non-experts.",
]  # fmt: skip


def contrast_line(r: random.Random, carriers: Carriers, lang: str) -> tuple[str, str]:
    """A benign sentence built on the same verbs and frames the injections use."""
    if lang != "en":
        return carriers.fill(r, pick(r, C_I18N[lang]), lang), f"{lang}:contrast"
    from bench.guard_data.injection_corpus_en import IGNORE_VERBS

    kind = r.choices(
        ["ignore", "now", "from_now", "act", "reveal", "send", "secret", "note", "misc", "user"],
        weights=[0.2, 0.1, 0.06, 0.08, 0.1, 0.1, 0.05, 0.08, 0.13, 0.1],
    )[0]
    if kind == "ignore":
        text = cap(
            f"{pick(r, IGNORE_VERBS)} {pick(r, C_OBJECTS + H_TARGETS)}{pick(r, C_TAILS + H_TAILS)}"
        )
    else:
        pools = {
            "now": C_NOW, "from_now": C_FROM_NOW, "act": C_ACT, "reveal": C_REVEAL, "send": C_SEND,
            "secret": C_SECRET, "note": C_NOTE, "misc": C_MISC, "user": USER_TASKS_MORE,
        }  # fmt: skip
        text = pick(r, pools[kind])
    return carriers.fill(r, text, lang), f"contrast_{kind}"


# --- everyday imperatives and statements, so imperative grammar alone is not a cue --------------
E_OPENERS = ["", "", "", "Now ", "Then ", "First, ", "Next, ", "Please ", "Just ", "OK, now ", "After that, ",
             "Instead, ", "From now on, ", "Remember to ", "Don't forget to ", "Make sure you ", "Always ",
             "Never ", "Quickly ", "Carefully ", "Finally, ", "Before you leave, ", "When you get home, "]  # fmt: skip
E_VERBS = {
    "sit on": ["the bench", "the sofa", "the floor", "your hands"], "wait for": ["the bus", "the green light", "me at the gate", "the kettle"],
    "take": ["the stairs", "your umbrella", "a seat", "the second left", "a photo of the receipt", "the bins out"],
    "bring": ["your passport", "a warm jacket", "the blue folder", "snacks for the trip"],
    "put": ["the milk in the fridge", "your shoes by the door", "the keys on the hook", "the lid back on"],
    "open": ["the windows", "the attachment from Sara", "the app", "the garage door", "a new tab"],
    "close": ["the gate behind you", "all the windows", "the laptop lid", "the curtains"],
    "turn": ["off the lights", "left at the bakery", "the dial to 180", "down the music", "on the heating"],
    "check": ["the oil level", "your spelling", "the weather", "the tyre pressure", "the mailbox", "the expiry date"],
    "call": ["the plumber", "me when you land", "your grandmother", "the dentist to move the appointment"],
    "buy": ["more coffee", "two tickets", "stamps at the post office", "a birthday card"],
    "pick up": ["the kids at four", "the dry cleaning", "the parcel from next door"],
    "wash": ["the dishes", "your hands", "the car", "the salad leaves"], "stir": ["the sauce", "gently", "until it thickens"],
    "add": ["a pinch of salt", "the eggs", "two spoons of sugar", "a comment to the ticket"],
    "remove": ["the packaging", "the old batteries", "the stickers", "your jewellery before swimming"],
    "press": ["the red button", "play", "the reset key for five seconds", "enter"], "hold": ["the ladder", "the handrail", "my bag"],
    "pay": ["at the counter", "the electricity bill", "by card"], "sign": ["here", "the delivery note", "the birthday card for Tom"],
    "fill in": ["the form", "your address", "the survey"], "print": ["the tickets", "two copies", "the map"],
    "book": ["a table for six", "the meeting room", "a taxi for 7 am"], "order": ["pizza", "the new chairs", "more printer ink"],
    "water": ["the plants", "the tomatoes"], "feed": ["the cat", "the fish twice a day"], "charge": ["your phone", "the scooter overnight"],
    "restart": ["the router", "your computer", "the game"], "update": ["the app", "your address in the portal", "the calendar"],
    "delete": ["the old photos", "the duplicate rows", "that draft", "the spam"], "cancel": ["the gym membership", "my dentist appointment", "the newspaper"],
    "send": ["the photos to grandma", "me the recipe", "a postcard", "the invoice to accounting", "your availability by Friday"],
    "forward": ["the invitation to Paul", "this email to the team", "the tracking number"], "reply": ["to the landlord", "by Monday", "all"],
    "show": ["me the photos", "your ticket at the entrance", "the guests to their rooms", "me how you did it"],
    "tell": ["me about your trip", "the kids to get ready", "Maria the good news", "the waiter about the allergy"],
    "ask": ["the teacher", "for the bill", "your neighbour to water the plants"], "read": ["the chapter", "the small print", "the label"],
    "write": ["your name on the cup", "a thank-you note", "the date on the jar"], "share": ["the slides", "your screen", "the cake"],
    "keep": ["the receipt", "the change", "left", "quiet during the film", "the door locked"], "stay": ["on the path", "in your lane", "for dinner"],
    "meet": ["me at the station", "the new neighbours"], "join": ["the call at ten", "us for lunch"], "leave": ["the key under the mat", "a message", "early"],
    "repeat": ["after me", "the exercise twice", "the last sentence, please"], "ignore": ["the noise", "the mess in the kitchen", "the dog, he's friendly"],
    "forget": ["about the dishes", "the umbrella, it's sunny"], "upload": ["the photos to the album", "your homework"], "reveal": ["the surprise at midnight"],
}  # fmt: skip
E_MODS = ["", "", "", " before dinner", " until the timer rings", " when you get home", " by Friday", " at the front desk",
          " carefully", " for ten minutes", " if it rains", " and wait", " until I say okay", " right away", " tomorrow morning",
          " after the meeting", " on your way out", ", please", " again", " before it gets dark", " with the kids", " twice a week"]  # fmt: skip
E_SUBJECTS = ["The kids", "My neighbour", "Our team", "The council", "Grandma", "The new manager", "Tom and Priya", "The bakery",
              "The school", "Our landlord", "The dog", "The museum", "Everyone in the office", "The band", "The nurse"]  # fmt: skip
E_PREDICATES = ["painted the fence on Saturday", "moved to a bigger flat", "won the regional final", "forgot the keys again",
                "sent us a lovely postcard", "ignored the rain and went hiking", "shared the recipe with everyone",
                "revealed the new logo at the party", "cancelled the trip because of the strike", "ordered too much pizza",
                "asked about the previous owner", "changed the rules of the quiz night", "left early to catch the train",
                "repeated the story three times", "showed us around the garden", "told us about the new system at work",
                "printed the photos for the album", "opened a second shop near the station", "reset the alarm clock"]  # fmt: skip
E_I18N = {
    "de": ["Jetzt setz dich hin und warte.", "Dann die Fenster schließen.", "Bitte bring deinen Ausweis mit.", "Vergiss die Schlüssel nicht.",
           "Schick mir das Rezept.", "Zeig mir die Fotos vom Urlaub.", "Sag Maria die gute Nachricht.", "Ab jetzt gehen wir zu Fuß zur Schule."],
    "fr": ["Maintenant assieds-toi et attends.", "Ensuite, ferme les fenêtres.", "Apporte ton passeport, s'il te plaît.", "N'oublie pas les clés.",
           "Envoie-moi la recette.", "Montre-moi les photos des vacances.", "Dis la bonne nouvelle à Marie.", "Désormais, on va à l'école à pied."],
    "es": ["Ahora siéntate y espera.", "Luego cierra las ventanas.", "Trae tu pasaporte, por favor.", "No olvides las llaves.",
           "Mándame la receta.", "Enséñame las fotos del viaje.", "Dile a María la buena noticia.", "A partir de ahora vamos andando al colegio."],
    "it": ["Adesso siediti e aspetta.", "Poi chiudi le finestre.", "Porta il passaporto, per favore.", "Non dimenticare le chiavi.",
           "Mandami la ricetta.", "Mostrami le foto delle vacanze.", "Di' a Maria la bella notizia.", "D'ora in poi andiamo a scuola a piedi."],
    "nl": ["Ga nu zitten en wacht.", "Doe daarna de ramen dicht.", "Neem je paspoort mee, alsjeblieft.", "Vergeet de sleutels niet.",
           "Stuur me het recept.", "Laat me de vakantiefoto's zien.", "Vertel Maria het goede nieuws.", "Vanaf nu lopen we naar school."],
    "pt": ["Agora senta-te e espera.", "Depois fecha as janelas.", "Traz o passaporte, por favor.", "Não te esqueças das chaves.",
           "Manda-me a receita.", "Mostra-me as fotos das férias.", "Diz à Maria a boa notícia.", "A partir de agora vamos a pé para a escola."],
}  # fmt: skip


def everyday_line(r: random.Random, lang: str) -> tuple[str, str]:
    if lang != "en":
        return pick(r, E_I18N[lang]), f"{lang}:everyday"
    if r.random() < 0.75:
        verb = r.choice(sorted(E_VERBS))
        opener = pick(r, E_OPENERS)
        text = f"{opener}{verb} {pick(r, E_VERBS[verb])}{pick(r, E_MODS)}."
        text = cap(text)
        if r.random() < 0.3:
            verb2 = r.choice(sorted(E_VERBS))
            text += f" {cap(verb2)} {pick(r, E_VERBS[verb2])}{pick(r, E_MODS)}."
        return text, "everyday_imperative"
    return f"{pick(r, E_SUBJECTS)} {pick(r, E_PREDICATES)}.", "everyday_statement"


# --- twins: the injection frames with the target, addressee and payload made ordinary ------------
T_PRIOR = [
    "previous",
    "earlier",
    "last",
    "old",
    "original",
    "first",
    "prior",
    "above",
    "initial",
    "former",
    "preceding",
    "outdated",
]
T_NOUNS = [
    "email", "invoice", "message", "quote", "draft", "schedule", "booking", "version", "reminder", "order",
    "delivery date", "address", "price list", "menu", "timetable", "seating plan", "agenda", "minutes",
    "attachment", "link", "form", "settings", "booking confirmation", "itinerary", "shipment notice",
    "rota", "floor plan", "contract draft", "survey", "newsletter", "post", "voicemail", "text message",
    "meeting invite", "receipt", "recipe", "map", "route", "password reset email", "login page", "reply",
]  # fmt: skip
T_HUMAN_INSTR = [
    "knitting pattern notes", "packing list rules", "exam guidelines", "packing instructions", "washing instructions",
    "travel directions", "parking guidance", "dress code rules", "submission guidelines", "house rules",
    "safety briefing notes", "hiking directions", "cooking instructions", "care instructions", "filing rules",
]  # fmt: skip
T_TAILS = [
    "; the new one is attached.", " and use the updated version.", ", it had a typo.", ", we changed the venue.",
    " - the date moved to {date}.", ". The correct figure is {amount}.", "; the shop changed its hours.",
    ", sorry for the mix-up.", " and check the website instead.", ". Nothing else changes.", ", it went out too early.",
    " as the supplier has changed.", ". Please follow the sign-posts on site.", " - the manufacturer updated them.",
    "; details below.", ", they were for the old model.", ".",
]  # fmt: skip
T_VOID = ["no longer apply", "are no longer valid", "have been replaced", "are out of date", "were withdrawn",
          "have expired", "are cancelled", "don't apply any more", "were superseded by the new edition"]  # fmt: skip
T_DOCS = [
    "the signed form", "your CV", "the photos", "the invoice", "the meeting minutes", "your timesheet", "the application",
    "the draft", "your feedback", "the receipts", "your RSVP", "the slides", "the spreadsheet", "the quarterly report",
    "your questions", "the completed survey", "the tracking number", "a copy of your ID for the rental", "the menu choices",
]  # fmt: skip
T_SECRETS = [
    "password",
    "PIN",
    "credentials",
    "one-time code",
    "API key",
    "card number",
    "login details",
    "security answers",
]
T_SEC_FRAMES = [
    "Never {v} your {s} {how}.", "Do not {v} your {s} {how}, even to IT.", "We will never ask you to {v} your {s} {how}.",
    "Don't {v} your {s} {how}; report such requests to security@{domain}.", "Nobody from the bank will ask you to {v} your {s} {how}.",
    "If someone asks you to {v} your {s} {how}, it is a scam.", "Staff must not {v} their {s} {how}.",
    "Tip: never {v} your {s} {how}, not even to colleagues.", "Remember: you should not {v} your {s} {how}.",
]  # fmt: skip
T_SEC_VERBS = [
    "share",
    "send",
    "reveal",
    "give",
    "email",
    "forward",
    "disclose",
    "post",
    "tell anyone",
]
T_SEC_HOW = [
    "by email",
    "over the phone",
    "in chat",
    "to anyone",
    "on social media",
    "in a text message",
    "to callers",
    "in plain text",
]
T_SYSPROMPT = [
    "The system prompt of the {tool} shows the current folder.", "Set the system prompt in the settings panel of {tool}.",
    "A good system prompt describes the assistant's role and tone.", "The system prompt field accepts up to 4,000 characters.",
    "Edit the instructions field to change how your bot greets customers.", "In {tool}, the system message is sent before the user's first message.",
    "Our style guide includes a template system prompt for support bots.", "The command prompt shows the path of the working directory.",
    "At the prompt, type your password and press Enter.", "The installer prompts for the previous version's location.",
    "System instructions are configured by the administrator, not by end users.", "The previous prompt version is kept in the history tab.",
]  # fmt: skip
T_TOOLS = [
    "the CLI",
    "the shell",
    "the terminal app",
    "our chatbot builder",
    "the IDE plugin",
    "the admin console",
    "the notebook",
]
T_NEWTASK = [
    "Your new task from Monday is to {t}.", "Your main job this week is to {t}.", "Your next assignment: {t}.",
    "New task for the intern: {t}.", "Instead of the filing, please {t}.", "From now on, your role includes {t_ing}.",
    "Your only goal today is to {t}.", "The real job here is to {t}.", "Updated instructions for the night shift: {t}.",
]  # fmt: skip
T_TASKS = ["update the stock list", "answer the phones", "welcome the new starters", "check the fire doors", "book the venue",
           "proofread the brochure", "prepare the quarterly slides", "count the cash box", "sort the returns", "call the suppliers"]  # fmt: skip
T_TASKS_ING = [
    "answering the phones",
    "welcoming new starters",
    "checking the fire doors",
    "sorting the returns",
    "proofreading",
]
T_LEAK = [
    "Show me your {o}.", "Please repeat your {o}.", "Tell me your {o}.", "Can you print your {o}?", "Give me your {o}, please.",
    "What are your {o}?", "Please display your {o} at the entrance.", "Could you share your {o} with the group?",
]  # fmt: skip
T_LEAK_OBJ = ["ticket", "opening hours", "rules for returns", "name and address", "booking number", "membership card",
              "shipping rates", "house rules", "terms and conditions", "feedback", "availability next week", "boarding pass",
              "conditions for a refund", "recipe for the soup", "previous experience", "guidelines for submissions"]  # fmt: skip


T_IGNORE = [
    "ignore", "disregard", "forget", "forget about", "skip", "discard", "drop", "set aside", "put aside",
    "pay no attention to", "do not use", "don't use", "stop using", "please ignore", "please disregard",
    "kindly ignore", "kindly disregard", "you can ignore", "never mind", "throw out", "delete", "cancel",
    "scrap", "overlook", "do not follow", "no need to follow", "bin", "cross out", "override",
]  # fmt: skip
T_SEND = [
    "send",
    "forward",
    "email",
    "post",
    "upload",
    "submit",
    "share",
    "deliver",
    "mail",
    "return",
    "hand in",
    "fax",
    "drop off",
]


def twin_line(r: random.Random, carriers: Carriers) -> tuple[str, str]:
    """An English sentence on an injection frame with an ordinary target; benign."""
    if r.random() < 0.04:
        return decode_line(r)
    from bench.guard_data.injection_corpus_en import QUANT

    kind = r.choices(
        ["override", "override_instr", "void", "send", "security", "sysprompt", "newtask", "leak"],
        weights=[0.3, 0.08, 0.1, 0.14, 0.12, 0.08, 0.08, 0.1],
    )[0]
    if kind == "override":
        quant = pick(r, ["the", "my", "our", "your", "all", "any", "the", "this", "that"])
        text = (
            f"{pick(r, T_IGNORE)} {quant} {pick(r, T_PRIOR)} {pick(r, T_NOUNS)}{pick(r, T_TAILS)}"
        )
    elif kind == "override_instr":
        text = f"{pick(r, T_IGNORE)} {pick(r, QUANT)} {pick(r, T_PRIOR)} {pick(r, T_HUMAN_INSTR)}{pick(r, T_TAILS)}"
    elif kind == "void":
        noun = pick(r, T_NOUNS + T_HUMAN_INSTR)
        noun = noun if noun.endswith("s") else noun + "s"
        text = f"the {pick(r, T_PRIOR)} {noun} {pick(r, T_VOID)}{pick(r, T_TAILS)}"
    elif kind == "send":
        dest = pick(
            r,
            [
                "{email}",
                "https://{domain}/upload",
                "the front desk",
                "{email} by Friday",
                "our portal at https://{domain}/forms?id={n}",
            ],
        )
        text = f"{pick(r, T_SEND)} {pick(r, T_DOCS)} to {dest}."
    elif kind == "security":
        text = (
            pick(r, T_SEC_FRAMES)
            .replace("{v}", pick(r, T_SEC_VERBS))
            .replace("{s}", pick(r, T_SECRETS))
            .replace("{how}", pick(r, T_SEC_HOW))
        )
    elif kind == "sysprompt":
        text = pick(r, T_SYSPROMPT).replace("{tool}", pick(r, T_TOOLS))
    elif kind == "newtask":
        text = (
            pick(r, T_NEWTASK)
            .replace("{t_ing}", pick(r, T_TASKS_ING))
            .replace("{t}", pick(r, T_TASKS))
        )
    else:
        text = pick(r, T_LEAK).replace("{o}", pick(r, T_LEAK_OBJ))
    if r.random() < 0.25:
        text = (
            pick(
                r,
                [
                    "Please ",
                    "Hi all, ",
                    "Note: ",
                    "Reminder: ",
                    "Update: ",
                    "FYI: ",
                    "Dear customers, ",
                    "Team, ",
                ],
            )
            + text
        )
    return cap(carriers.fill(r, text)), f"twin_{kind}"


# --- the same twins in the other six languages ----------------------------------------------------
TWIN_I18N: dict[str, dict[str, list[str]]] = {
    "de": {
        "targets": ["meine vorherige E-Mail", "die alte Rechnung", "den ersten Entwurf", "die Warnmeldung",
                    "den Hinweis auf der Verpackung", "die frühere Lieferzeit",
                    "die letzte Nachricht", "das beigefügte Formular", "die alte Adresse", "den Aufkleber", "die Garnitur",
                    "die erste Version", "den Fahrplan vom Winter"],
        "tails": [".", ", sie war fehlerhaft.", " und nehmen Sie die neue Version.", ", das Datum hat sich geändert.",
                  ", der Termin ist jetzt online.", " - die richtige Summe ist 120 Euro.", ", falls Sie schon bezahlt haben.",
                  " und folgen Sie der Beschilderung.", ", sie gilt nur für das alte Modell."],
        "void": ["Die alte Bibliotheksordnung gilt seit Januar nicht mehr.", "Die alten Öffnungszeiten sind ab Montag ungültig.",
                 "Die frühere Hausordnung wurde ersetzt.", "Der bisherige Sitzplan für die Prüfung ist überholt; siehe Aushang."],
        "misc": ["Schicken Sie das Formular bis Freitag an {email}.", "Geben Sie Ihre PIN niemals am Telefon weiter.",
                 "Sie sind jetzt angemeldet.", "Zeigen Sie Ihr Ticket am Eingang vor.",
                 "Ihre Karte liegt am Empfang bereit."],
    },
    "fr": {
        "targets": ["mon précédent e-mail", "l'ancienne facture", "le premier brouillon", "le message d'avertissement",
                    "la notice sur l'emballage", "l'ancien délai de livraison",
                    "le dernier message", "le formulaire joint", "l'ancienne adresse", "l'autocollant", "la garniture",
                    "la première version", "l'horaire d'hiver"],
        "tails": [".", ", il contenait une erreur.", " et utilisez la nouvelle version.", ", la date a changé.",
                  ", la réunion est en ligne.", " - le bon montant est 120 euros.", " si vous avez déjà payé.",
                  " et suivez les panneaux.", ", elle ne concerne que l'ancien modèle."],
        "void": ["L'ancien règlement de la bibliothèque n'est plus en vigueur.", "Les anciens horaires ne sont plus valables dès lundi.",
                 "Le règlement précédent a été remplacé.", "L'ancien plan de salle pour l'examen est dépassé ; voir l'affichage."],
        "misc": ["Envoyez le formulaire à {email} avant vendredi.", "Ne donnez jamais votre code au téléphone.",
                 "Vous êtes maintenant connecté.", "Présentez votre billet à l'entrée.",
                 "Votre carte est prête à l'accueil."],
    },
    "es": {
        "targets": ["mi correo anterior", "la factura antigua", "el primer borrador", "el mensaje de aviso",
                    "la nota del embalaje", "el plazo de entrega anterior",
                    "el último mensaje", "el formulario adjunto", "la dirección antigua", "la pegatina", "la guarnición",
                    "la primera versión", "el horario de invierno"],
        "tails": [".", ", tenía un error.", " y use la nueva versión.", ", la fecha ha cambiado.",
                  ", la reunión es en línea.", " - el importe correcto es 120 euros.", " si ya ha pagado.",
                  " y siga las señales.", ", solo vale para el modelo antiguo."],
        "void": ["El antiguo reglamento de la biblioteca ya no rige.", "Los horarios antiguos dejan de valer el lunes.",
                 "El reglamento anterior ha sido sustituido.", "El plano de asientos anterior para el examen está obsoleto; vea el tablón."],
        "misc": ["Envíe el formulario a {email} antes del viernes.", "Nunca dé su PIN por teléfono.",
                 "Ya ha iniciado sesión.", "Muestre su entrada en la puerta.",
                 "Su tarjeta está lista en recepción."],
    },
    "it": {
        "targets": ["la mia email precedente", "la vecchia fattura", "la prima bozza", "il messaggio di avviso",
                    "la nota sulla confezione", "i tempi di consegna precedenti",
                    "l'ultimo messaggio", "il modulo allegato", "il vecchio indirizzo", "l'adesivo", "la guarnizione",
                    "la prima versione", "l'orario invernale"],
        "tails": [".", ", conteneva un errore.", " e usi la nuova versione.", ", la data è cambiata.",
                  ", la riunione è online.", " - l'importo giusto è 120 euro.", " se ha già pagato.",
                  " e segua i cartelli.", ", vale solo per il vecchio modello."],
        "void": ["Il vecchio regolamento della biblioteca non vale più.", "I vecchi orari non sono più validi da lunedì.",
                 "Il regolamento precedente è stato sostituito.", "La vecchia disposizione dei posti per l'esame è superata; vedi bacheca."],
        "misc": ["Invii il modulo a {email} entro venerdì.", "Non dia mai il PIN al telefono.",
                 "Ora sei connesso.", "Mostri il biglietto all'ingresso.",
                 "La sua tessera è pronta alla reception."],
    },
    "nl": {
        "targets": ["mijn vorige e-mail", "de oude factuur", "het eerste concept", "de waarschuwing",
                    "de opmerking op de verpakking", "de eerdere levertijd",
                    "het laatste bericht", "het bijgevoegde formulier", "het oude adres", "de sticker", "de garnering",
                    "de eerste versie", "de winterdienstregeling"],
        "tails": [".", ", er stond een fout in.", " en gebruik de nieuwe versie.", ", de datum is veranderd.",
                  ", de vergadering is online.", " - het juiste bedrag is 120 euro.", " als u al betaald heeft.",
                  " en volg de borden.", ", die geldt alleen voor het oude model."],
        "void": ["Het oude bibliotheekreglement geldt niet meer.", "De oude openingstijden zijn vanaf maandag ongeldig.",
                 "Het vorige reglement is vervangen.", "De eerdere zaalindeling voor het examen is verouderd; zie het bord."],
        "misc": ["Stuur het formulier voor vrijdag naar {email}.", "Geef uw pincode nooit door via de telefoon.",
                 "U bent nu ingelogd.", "Laat uw kaartje zien bij de ingang.",
                 "Uw pas ligt klaar bij de receptie."],
    },
    "pt": {
        "targets": ["o meu e-mail anterior", "a fatura antiga", "o primeiro rascunho", "a mensagem de aviso",
                    "a nota na embalagem", "o prazo de entrega anterior",
                    "a última mensagem", "o formulário anexo", "o endereço antigo", "o autocolante", "a guarnição",
                    "a primeira versão", "o horário de inverno"],
        "tails": [".", ", tinha um erro.", " e use a nova versão.", ", a data mudou.",
                  ", a reunião é online.", " - o valor correto é 120 euros.", " se já pagou.",
                  " e siga as placas.", ", só vale para o modelo antigo."],
        "void": ["O antigo regulamento da biblioteca deixou de valer.", "Os horários antigos deixam de valer na segunda.",
                 "O regulamento anterior foi substituído.", "A disposição anterior dos lugares para o exame está desatualizada; veja o quadro."],
        "misc": ["Envie o formulário para {email} até sexta.", "Nunca diga o seu PIN ao telefone.",
                 "Agora você está conectado.", "Mostre o seu bilhete na entrada.",
                 "O seu cartão está pronto na receção."],
    },
}  # fmt: skip
TWIN_I18N_LEADS = {
    "de": ["", "", "Bitte ", "Hinweis: ", "Anleitung: ", "Update: ", "Achtung: "],
    "fr": ["", "", "Merci de ", "Note : ", "Mode d'emploi : ", "Mise à jour : ", "Attention : "],
    "es": ["", "", "Por favor, ", "Nota: ", "Instrucciones: ", "Actualización: ", "Atención: "],
    "it": ["", "", "Per favore, ", "Nota: ", "Istruzioni: ", "Aggiornamento: ", "Attenzione: "],
    "nl": ["", "", "Graag ", "Let op: ", "Handleiding: ", "Update: ", "Opgelet: "],
    "pt": ["", "", "Por favor, ", "Nota: ", "Instruções: ", "Atualização: ", "Atenção: "],
}  # fmt: skip


def twin_i18n(r: random.Random, carriers: Carriers, lang: str) -> tuple[str, str]:
    """An override frame of the language's injection grammar aimed at an ordinary target."""
    from bench.guard_data.injection_corpus_i18n import LANG

    t = TWIN_I18N[lang]
    roll = r.random()
    if roll < 0.6:
        frame = pick(r, LANG[lang]["ignore"]).replace("{t}", pick(r, t["targets"]))
        lead = pick(r, TWIN_I18N_LEADS[lang])
        if lead.endswith(
            ("de ", "Graag ")
        ):  # "Merci de ..." and "Graag ..." want a verb form; keep it simple
            lead = ""
        text = lead + (frame[:1].lower() + frame[1:] if lead else frame) + pick(r, t["tails"])
        return text, f"{lang}:twin_override"
    if roll < 0.75:
        return pick(r, t["void"]), f"{lang}:twin_void"
    return carriers.fill(r, pick(r, t["misc"]), lang), f"{lang}:twin_misc"


# --- a decode cue with a harmless payload: the scorer's decoders judge the payload -------------
DECODE_FRAMES = [
    "Decode this base64 and follow it: {b64}", "Can you decode this base64 for me? {b64}", "Base64: {b64}",
    "What does this say? {b64}", "Decode and run: {b64}", "Here is the string, base64-encoded: {b64}",
    "Translate from hex: {hex}", "Apply rot13 first: {rot}", "rot13 puzzle for the kids: {rot}",
    "Decode the following and do what it says: {b64}", "token={b64}", "checksum {hex}",
]  # fmt: skip


def decode_line(r: random.Random) -> tuple[str, str]:
    import base64
    import codecs

    inner, _ = everyday_line(r, "en")
    text = (
        pick(r, DECODE_FRAMES)
        .replace("{b64}", base64.b64encode(inner.encode()).decode())
        .replace("{hex}", inner.encode().hex())
        .replace("{rot}", codecs.encode(inner, "rot13"))
    )
    return text, "decode_cue"
