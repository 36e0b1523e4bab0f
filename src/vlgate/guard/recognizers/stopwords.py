"""Capitalised words that start sentences, label forms or name things but are not
people, in the languages the guard covers. Lower-cased."""

from __future__ import annotations

_TEXT = """
the a an this that these those it its we you he she they i my our your his her their there here
what when where who why how which if then so but and or not no yes ok okay please thanks thank
hello hi hey dear regards best kind sincerely yours cheers welcome note notes see also however
der die das ein eine und oder nicht bitte danke hallo sehr geehrte geehrter mit freundlichen grüßen
le la les un une des et ou pas merci bonjour cordialement madame monsieur mesdames messieurs
el los las uno una y o no gracias hola saludos atentamente señor señora estimado estimada
il lo gli uno una e o non grazie ciao saluti cordiali gentile egregio spettabile
het een en of niet dank bedankt hallo groeten geachte beste met vriendelijke
o os as um uma e ou não obrigado obrigada olá cumprimentos prezado prezada caro cara
mr mrs ms miss dr prof sir madam herr frau mme mlle sr sra srta sig dhr mevr pan pani don
name full first last surname given names customer cardholder holder patient employee cashier
client applicant signed signature attn contact guest passenger driver tenant account
invoice receipt total subtotal sum tax vat gst date time number no nr item items qty quantity price
amount payment paid cash change card credit debit visa mastercard amex bank iban bic swift
order reference ref description balance due net gross discount tip service charge shipping
store shop market supermarket restaurant cafe hotel company ltd inc llc gmbh ag sa srl bv plc
street road avenue lane drive boulevard way court place square st rd ave blvd
address phone telephone tel mobile fax email e-mail web website www
form section page document copy original application request report statement summary
passport license licence driver's driving permit id identity national insurance social security
birth born nationality citizenship sex gender male female expiry expires expiration issue issued
valid until authority country city state province region zip postal postcode code
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz mai juni juli
oktober dezember lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril
juin juillet août septembre octobre novembre décembre lunes martes miércoles jueves viernes
sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre
diciembre lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio aprile
maggio giugno luglio settembre ottobre dicembre maandag dinsdag woensdag donderdag vrijdag
zaterdag zondag januari februari maart mei augustus
rechnung quittung beleg summe gesamt gesamtbetrag betrag datum uhrzeit kasse bar karte kunde
kundin kundennummer steuer mwst netto brutto anschrift adresse straße telefon geburtsdatum
geburtsort staatsangehörigkeit ausweis personalausweis reisepass kennzeichen fahrzeug
facture reçu ticket montant prix quantité client cliente adresse téléphone naissance nationalité
carte identité passeport permis immatriculation véhicule nom prénom signature
factura recibo importe precio cantidad cliente dirección teléfono nacimiento nacionalidad
documento pasaporte matrícula vehículo nombre apellido apellidos firma total iva
fattura ricevuta scontrino importo prezzo quantità indirizzo telefono nascita nazionalità
carta passaporto patente targa veicolo nome cognome firma totale
factuur bon bonnetje bedrag prijs aantal klant adres telefoon geboortedatum nationaliteit
paspoort rijbewijs kenteken voertuig naam voornaam achternaam handtekening totaal btw
fatura recibo valor preço quantidade morada endereço nascimento nacionalidade passaporte
user assistant system model answer question image photo picture text chat message
kyc onboarding verification verified approved pending rejected status type category
euro eur usd gbp chf dollar dollars pound pounds
visa debit thank thanks
"""

STOPWORDS: frozenset[str] = frozenset(_TEXT.split())
