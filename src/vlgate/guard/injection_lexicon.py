"""Concept classes for the learned injection classifier: words (and word stems, marked
``*``) in English, German, French, Spanish, Italian, Dutch and Portuguese that play a
role in injected instructions. A segment's classes and class pairs become features
("an override verb and an instruction noun", "a leak verb and a secret", "an AI
addressee and a second-person imperative"), so a paraphrase with a new synonym still
lands on weights the classifier learned from others. Whether a combination counts, and
how much, is learned from the training corpus; the classes only say which words are
alike. Lower-case, accent-folded forms (as ``injection_model.tokens`` produces them).
"""

from __future__ import annotations

CLASSES: dict[str, str] = {
    # override / ignore / cancel
    "OVR": """ignor* disregard* forget* forgot* skip* overrid* overrul* bypass* discard* abandon*
        neglect* overlook* cancel* void nullif* invalidat* dismiss* ditch* scrap* erase* wipe* unlearn*
        supersed* rescind* revok* revoke* obsolete deprecated aside obey* disobey* nevermind
        vergiss* vergess* missacht* uebergeh* verwirf* verwerf* aufgehoben ungueltig hinfaellig nichtig
        oublie* oubli* ecarte* annule* caduc* outre desobei*
        olvid* omit* descart* anul* desobedec* caso
        dimentic* scarta* trascur* annulla* aggira*
        negeer* vergeet* vergeten negeren omzeil* schrap* vervallen ingetrokken ongeldig
        esquec* desconsider* descarte* anule* contorn*""",
    # earlier / above / original
    "PRIOR": """previous* prior earlier preceding above foregoing original* initial* former before
        beforehand first-hand upstream old existing default given baseline
        vorherig* obig* bisherig* frueher* urspruenglich* vorangegangen* alten
        precedent* anterieur* ci-dessus initia* origine* ancien*
        anterior* previa* previo* arriba inicial* original
        precedent* sopra iniziali origina* vecchi*
        vorige eerdere bovenstaande oorspronkelijk* oude
        anterior* acima iniciais antig*""",
    # instructions / rules / prompt
    "INSTR": """instruct* direction* rule* guideline* guidance directive* order* command* prompt*
        constraint* restriction* polic* programming configuration config context briefing brief
        mission objective* setup task assignment commandment* protocol* safeguard* guardrail*
        anweisung* regel* vorgabe* instruktion* richtlini* befehl* auftrag* aufgabe*
        consigne* regle* directive* instruction* ordre* tache mission
        instruccion* regla* indicacion* directriz* directrices orden* tarea*
        istruzion* regol* indicazion* diretti* ordin* compito
        instructie* opdracht* richtlijn* taak
        instruc* regra* diretriz* ordem* ordens tarefa*""",
    # system / developer / operator
    "SYS": """system systems sys systemprompt systeemprompt system-prompt pre-prompt preprompt developer*
        operator* sistema systeme systeem entwickler* betreiber* developpeur* desarrollador* sviluppator*
        ontwikkelaar* desenvolvedor* metaprompt meta""",
    # the model as addressee
    "AI": """ai a.i llm llms chatbot* bot bots gpt chatgpt claude gemini copilot qwen assistant* agent*
        model models language-model ki ia sprachmodell* modele modelo modello taalmodel* summari*
        reviewer screener* automated automat* machine* robot* neural""",
    "YOU": """you your yours yourself du dein* dich dir tu toi ton ta tes vous votre vos tus te usted su
        sei tuo tua tuoi tue ti je jij jou jouw uw je voce seu sua seus suas""",
    # reveal / repeat / print
    "LEAK": """reveal* show* print* output* display* repeat* recit* dump* disclos* leak* expos* spell
        paste* echo* verbatim word-for-word quote* transcrib* reproduc* regurgitat* unveil* tell
        zeig* gib wiederhol* verrat* drucke* ausgeben nenne
        affich* montre* repete* revele* recopie* donne
        muestra* muestre* ensena* repit* revela* dame
        mostra* ripeti* rivela* dammi
        toon laat herhaal* onthul* geef
        mostre* repita* revele* mostra""",
    # secrets and private data
    "SECRET": """password* passwort* passwoerter credential* secret* api key keys token* cookie* history
        histories log logs private confidential hidden internal* envs environment ssh aws iban card
        wachtwoord* zugangsdaten* geheim* vertraulich* identifiant* motdepasse contrasena* credencial*
        secreto* oculto* credenzial* segret* nascost* inloggegevens verborgen senha* oculta* chave
        historial cronologia historico geschiedenis verlauf chatverlauf conversation* conversa* chat
        messages nachrichten mensajes messaggi berichten mensagens personal persoonlijk* persoenlich*""",
    # send somewhere
    "EXFIL": """send* forward* email* e-mail* mail* post upload* transmit* exfiltrat* submit* relay*
        webhook* beacon* append* embed* attach* exfil* curl wget fetch request
        schick* sende* send* leite* uebermittl* lade hochlad*
        envoie* envoy* transmet* televers* transfere*
        envia* envie* manda* reenvia* sube
        invia* inoltr* carica*
        stuur* verstuur* upload*
        envie* mande* encaminh* carregue""",
    "DEST": "<url> <urlq> <email>",
    # personas and jailbreak modes
    "PERSONA": """pretend* roleplay* role-play role persona* character* simulat* imagine* become
        jailbreak* jailbroken unrestricted unfiltered uncensored unaligned evil
        rogue amoral unlimited liberated freed mode modus modo modalita modus
        stell spiel verhalte fais joue comporte finge haz interpreta speel gedraag doe finja faca""",
    # restrictions being lifted
    "UNRESTR": """without no none restriction* filter* limit* limitation* censor* safety ethic* moral*
        guardrail* refus* anything everything free forbidden allowed permitted
        ohne keine einschraenkung* zensur* sans aucun* aucune sin ningun* ninguna senza nessun*
        zonder geen beperking* sem nenhum* nenhuma""",
    # from now on / henceforth
    "NOW": """now henceforth onward onwards forward forth hereafter jetzt sofort ab nun desormais
        dorenavant maintenant ahora adelante ora poi innanzi nu voortaan vanaf agora diante""",
    # hide from the user
    "HIDE": """secretly silently quietly covertly discreetly stealthily unnoticed invisible hidden hide
        heimlich unauffaellig discretement secretement secreto discrecion nascosto discrezione
        stiekem ongemerkt secretamente discretamente""",
    # claims of authority
    "AUTH": """administrator* admin* root sudo superuser openai anthropic alibaba official authori*
        verified priority override urgent important attention notice warning critical mandatory
        wichtig achtung hinweis important attention urgent importante atencion attenzione
        belangrijk let importante atencao""",
    # replacement / novelty
    "NEW": """new real actual true updated only instead sole rather neue neuen wirklich* stattdessen nouvelle
        nouveau vraie plutot nueva nuevo verdadera lugar nuova nuovo vera invece nieuwe echte plaats
        nova novo verdadeira vez""",
    # user / human as third party
    "USER": """user users human humans customer reader operator person nutzer benutzer kunde
        utilisateur usuario utente gebruiker usuario""",
    # answer / respond / reply verbs (the output being steered)
    "REPLY": """respond* reply* replies answer* say says write output responses antwort* sag schreib
        reponds repondez reponse dis ecris responde responda contesta di scrivi rispondi antwoord*
        zeg schrijf responda diga escreva""",
    # fake conversation markers
    "DELIM": """<|im_start|> <|im_end|> <|endoftext|> <|system|> <|user|> <|assistant|> [inst] [/inst]
        <<sys>> <</sys>> ### ===""",
}
PAIRS = {  # two-word concepts
    ("set", "aside"): "OVR", ("put", "aside"): "OVR", ("pay", "attention"): "OVR",
    ("no", "longer"): "OVR", ("never", "mind"): "OVR", ("not", "follow"): "OVR",
    ("stop", "following"): "OVR", ("don't", "follow"): "OVR", ("do", "not"): "NEG",
    ("don't", "tell"): "HIDE", ("not", "tell"): "HIDE", ("not", "mention"): "HIDE",
    ("from", "now"): "NOW", ("from", "here"): "NOW", ("this", "point"): "NOW",
    ("system", "prompt"): "SYS", ("developer", "mode"): "PERSONA", ("debug", "mode"): "PERSONA",
    ("act", "as"): "PERSONA", ("you", "are"): "PERSONA", ("du", "bist"): "PERSONA",
    ("tu", "es"): "PERSONA", ("eres", "ahora"): "PERSONA", ("je", "bent"): "PERSONA",
    ("word", "for"): "LEAK", ("mot", "pour"): "LEAK", ("palabra", "por"): "LEAK",
    ("mot", "de"): "SECRET", ("end", "of"): "DELIM",
}  # fmt: skip


def _parse() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    exact: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    for cls, words in CLASSES.items():
        for w in words.split():
            table = stems if w.endswith("*") else exact
            table.setdefault(w.rstrip("*"), set()).add(cls)
    return (
        {k: frozenset(v) for k, v in exact.items()},
        {k: frozenset(v) for k, v in stems.items()},
    )


EXACT, STEMS = _parse()
STEM_LENGTHS = sorted({len(s) for s in STEMS}, reverse=True)


def classes(token: str) -> frozenset[str]:
    """Concept classes of one token (exact word, or the longest matching stem)."""
    found = EXACT.get(token)
    out = set(found) if found else set()
    for n in STEM_LENGTHS:
        if n <= len(token):
            hit = STEMS.get(token[:n])
            if hit:
                out |= hit
                break
    return frozenset(out)
