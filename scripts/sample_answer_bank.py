"""Fragments for the SYNTHETIC open answers of scripts/make_sample_data.py.

Templates use {a|b|c} for alternatives (nestable) and [SLOT] for the slot lists
below. A bank entry is a template, or (template, [extra themes]) when the
fragment itself names a second theme. Everything here is invented: names,
e-mail addresses and phone numbers are fake.

These fragments make the sample; they must never be used to build the
hand-written evaluation answers in data/eval/ (see data/eval/README.md).
"""

from __future__ import annotations

import random

# --- slots ----------------------------------------------------------------------

_PARTNERS = [("Koudougou", "Burkina Faso"), ("Ouahigouya", "Burkina Faso"), ("Léo", "Burkina Faso"),
             ("Kaya", "Burkina Faso"), ("Banfora", "Burkina Faso"), ("Matagalpa", "Nicaragua"),
             ("San Juan de Limay", "Nicaragua"), ("Estelí", "Nicaragua"), ("Jinotega", "Nicaragua"),
             ("Tzaneen", "Zuid-Afrika"), ("Mangaung", "Zuid-Afrika"), ("Bohicon", "Benin"),
             ("Dassa-Zoumé", "Benin"), ("Cotacachi", "Ecuador"), ("Nabón", "Ecuador"),
             ("Kisantu", "Congo"), ("Huancané", "Peru"), ("Tiquipaya", "Bolivia"), ("Ngozi", "Burundi"),
             ("Mbale", "Oeganda"), ("Kindia", "Guinee"), ("Ziguinchor", "Senegal"), ("Mopti", "Mali")]


def _stedenband(rnd: random.Random) -> str:
    town, country = rnd.choice(_PARTNERS)
    return rnd.choice([f"{town} ({country})", f"{town} in {country}", f"{town}, {country}", town + f" in {country}",
                       f"onze partnergemeente {town}", f"{town} in {country}"])


SLOTS = {
    "STAD": _stedenband,
    "LAND": ["Burkina Faso", "Nicaragua", "Zuid-Afrika", "Benin", "Ecuador", "Senegal", "Guatemala", "Peru",
             "Congo", "Rwanda", "Mali", "Niger", "Marokko", "Bolivia", "Oeganda", "Tanzania", "Kenia",
             "de Filipijnen", "Burundi", "Palestina", "Colombia", "Guinee", "Cuba"],
    "ORG": ["11.11.11", "Oxfam", "de Wereldwinkel", "Oxfam-Wereldwinkel", "Broederlijk Delen", "Trias",
            "Rikolto", "Plan International", "Unicef", "Amnesty", "Djapo", "Studio Globo", "Join For Water",
            "WSM", "Dokters van de Wereld", "Via Don Bosco", "Kiyo", "Vredeseilanden", "FairTradeBelgium",
            "een lokale 4de pijler-vzw", "Wereldsolidariteit", "Caritas"],
    "RAAD": ["de GROS", "onze GROS", "de Gemeentelijke Raad voor Ontwikkelingssamenwerking",
             "de Noord-Zuidraad", "de mondiale raad", "de adviesraad voor internationale samenwerking",
             "de Raad voor Ontwikkelingssamenwerking", "de GROS (adviesraad)"],
    "SCHOOL": ["de lagere scholen", "de basisscholen", "het 5de en 6de leerjaar", "de secundaire scholen",
               "de jeugdbewegingen", "de Chiro en de scouts", "de academie", "de leerlingen van het 6de leerjaar",
               "alle scholen van de gemeente", "het jeugdhuis", "de kinderopvang"],
    "EVENT": ["het Wereldfeest", "de Mondiale Markt", "de solidariteitsmarkt", "de Wereldmarkt", "de Afrikadag",
              "de mondiale fietstocht", "het Feest van de Solidariteit", "het Wereldrestaurant",
              "de Mondiale Zondag", "de Dag van de Mondiale Solidariteit", "de Wereldweek", "de Noord-Zuiddag",
              "het Mondiaal Café"],
    "THEMA": ["de SDG's", "mensenrechten", "klimaat en water", "kinderrechten", "eerlijke handel",
              "klimaatrechtvaardigheid", "migratie", "vluchtelingen", "voedselverspilling", "fast fashion",
              "wereldburgerschap", "de 17 duurzame ontwikkelingsdoelen", "solidariteit", "de cacaoketen"],
    "BEDRAG": ["€ 2.500", "5000 euro", "€15.000", "1 euro per inwoner", "2500 EUR", "€ 10.000", "7.500 euro",
               "1,5 euro per inwoner", "€ 25.000", "een klein bedrag", "3000€"],
    "JAAR": [str(y) for y in range(2005, 2025)],
    "VTE": ["0,1", "0,2", "0,05", "een halve", "1/5", "0,25", "een paar uur per week", "amper 0,1"],
    "PROV": ["Oost-Vlaanderen", "Antwerpen", "Limburg", "Vlaams-Brabant", "West-Vlaanderen"],
    "SDGN": ["2", "3", "5", "6", "7", "11", "12", "13", "16", "17"],
    "ONDERWERP": ["armoede", "mobiliteit", "ruimtelijke ordening", "jeugd", "lokale economie", "wonen",
                  "zorg", "onderwijs", "energie", "biodiversiteit", "voedsel"],
    "NAAM": ["Els", "Bart", "Sofie", "Koen", "Lies", "Wim", "Griet", "Tom", "Hanne", "Joris"],
}

# --- LMB ------------------------------------------------------------------------

LMB_TROTS = {
    "financiele_steun": [
        "onze stedenband met [STAD]",
        "de stedenband met [STAD]{, die al sinds [JAAR] loopt|, die al meer dan {10|15|20} jaar bestaat|}",
        "{we|wij} {steunen|ondersteunen} {jaarlijks|elk jaar|al jaren} {een aantal|enkele|een 10-tal} projecten "
        "van [ORG] {in het Zuiden|in [LAND]|}{ met [BEDRAG]|}",
        "noodhulp na {de aardbeving in Turkije en Syrië|de overstromingen in Pakistan|de oorlog in Oekraïne|"
        "de cycloon in Mozambique|de aardbeving in Marokko}: {we hebben|het college heeft} {snel|meteen|direct} "
        "[BEDRAG] vrijgemaakt",
        "de uitwisseling met {onze partnergemeente|onze partnerstad} in [LAND] rond {afvalbeheer|waterbeheer|"
        "lokale economie|de burgerlijke stand|jeugdwerk|lokale belastingen}",
        "samen met [ORG] een {waterproject|drinkwaterproject} in [LAND] {gefinancierd|mee betaald}: "
        "{een waterput|drinkwater} voor {een dorp|drie dorpen|een school}",
        "{het|ons} materiaal dat we {verzamelen|inzamelen} voor {ziekenhuizen|scholen|de brandweer} in [LAND] "
        "({brandweermateriaal|rolstoelen|computers|schoolbanken}, ...)",
        "de stedenband met [STAD]: {vorig jaar|in 2023|dit jaar} kwam er een delegatie {op bezoek|naar hier} en "
        "{dat was echt plezant|dat gaf veel energie|dat was zeer leerrijk|dat heeft veel losgemaakt}",
        "{financiële|de financiële} ondersteuning van een lokale {organisatie|NGO|coöperatie} in [LAND] rond "
        "{onderwijs voor meisjes|landbouw en voedselzekerheid|gezondheidszorg|vrouwenrechten|koffieteelt}",
        "{een|het} {partnerschap|samenwerkingsakkoord} met [STAD] {rond|over} {klimaatadaptatie|afval|"
        "drinkwater|lokaal bestuur}{, met steun van de federale overheid|}",
        "de {projectsubsidies|werkingssubsidies} {die we geven aan|voor} {lokale|kleine} vzw's "
        "{die projecten in [LAND] steunen|met projecten in [LAND]}",
        "{dat|} {we|wij} {na|na al die jaren} {nog altijd|nog steeds} {trouw|} [ORG] {steunen|sponsoren} "
        "met [BEDRAG] per jaar",
        "ons {nieuwe|} {klimaatfonds|noodfonds} {voor|rond} {projecten in het Zuiden|partnergemeenten}",
    ],
    "sensibilisering": [
        "de {workshops|lessen|klasbezoeken} over [THEMA] in [SCHOOL]",
        "{een|onze} {tentoonstelling|expo|fototentoonstelling} in de bib over [THEMA]",
        "de {lezing|infoavond|filmavond|debatavond} {over|rond} [THEMA] {met een spreker uit [LAND]|samen met [ORG]|"
        "in het cultuurcentrum|in de bib}",
        "{het|ons} {wereldburgerschapsproject|project rond wereldburgerschap} {met|voor} [SCHOOL]",
        "we {laten|lieten} {kinderen|jongeren|gezinnen} {op een speelse manier|efkes} nadenken over [THEMA]",
        "de SDG-{wandeling|fietsroute|zoektocht} {doorheen de gemeente|langs 17 borden|in het park} "
        "{voor gezinnen|voor jong en oud|}",
        "de {jongeren|leerlingen} die {we|wij} {op inleefreis|op uitwisseling} {sturen|stuurden} naar [LAND]"
        "{, die nadien getuigen in hun klas|, ze komen veranderd terug|}",
        "{sensibilisering|bewustmaking} rond {solidariteit|vluchtelingen en migratie|klimaatrechtvaardigheid|"
        "mensenrechten} {bij|voor} {onze inwoners|jong en oud|de jeugd}",
        "een {vertelvoorstelling|theatervoorstelling|poppenkast} {voor de kleuters|voor de lagere school} "
        "{van|met} [ORG] over [THEMA]",
        "{de|onze} {lespakketten|educatieve koffers|spelkoffers} {rond|over} [THEMA] die de scholen {gratis|} "
        "kunnen ontlenen",
        "{het|ons} {leesproject|boekenproject} in de bib {rond|met} verhalen uit [LAND]",
        "de {campagne|actie} {rond|tegen} {fast fashion|voedselverspilling|kinderarbeid} {in|met} [SCHOOL]",
        "{een|de} {gespreksavond|dialoogtafel} met {nieuwkomers|mensen met roots in [LAND]} over [THEMA]",
    ],
    "evenementen": [
        "[EVENT]{, elk jaar|, jaarlijks|}{ op de markt| in het park| in het GC| op het dorpsplein|}",
        "[EVENT] {met|waar} {een 20-tal|meer dan 30|een hele reeks} {standjes|verenigingen|organisaties} "
        "{aanwezig waren|meededen}",
        "{de|onze} {sponsorloop|benefietloop|wereldloop} {met|voor} [SCHOOL] {ten voordele van|voor} [ORG]",
        "[EVENT] met {muziek|eten|dans} uit {alle windstreken|verschillende landen}, {echt|heel} "
        "{plezant|gezellig|tof}",
        "{de|onze} {fietstocht|wandeling|zoektocht} met {verschillende|een aantal} {posten|stops} rond [THEMA]",
        "{een concert|een filmfestival|een kookworkshop|de wereldkeuken} met {gerechten uit [LAND]|artiesten uit [LAND]}",
        "de 11.11.11-actie met {onze|de} {vrijwilligers|ploeg vrijwilligers} {die langs de deuren gaan|"
        "aan de supermarkten|op de markt}",
        "{het|ons} {Mondiaal Café|Wereldcafé|praatcafé} {elke maand|elk kwartaal|} {in het jeugdhuis|in de bib|}",
        "de {opening|inhuldiging} van {het|onze} {Wereldbos|Mondiale Tuin|SDG-bank} met {een feestje|"
        "een receptie|de scholen erbij}",
        "{ons mondiaal buurtfeest|het internationaal straatfestival|onze mondiale picknick} {op zondag|in september|"
        "tijdens de Week van de Solidariteit}{ met {meer dan 500|een 300-tal} bezoekers|}",
        "{het voetbaltornooi|een sporttornooi|de sportdag} {voor|met} {nieuwkomers|jongeren} {ten voordele van|voor} "
        "[ORG]",
    ],
    "beleid": [
        "{ons|het} nieuwe subsidiereglement {voor|rond} {ontwikkelingssamenwerking|4de pijler|internationale "
        "solidariteit}{ dat in [JAAR] is goedgekeurd|}",
        "{de|onze} {GROS|adviesraad} die {opnieuw|terug} {actief|op de rails} is{ met {een pak|veel|een aantal} "
        "nieuwe leden|}",
        "dat {we|wij} lokaal mondiaal beleid {eindelijk|voor het eerst|} {in het MJP|in het meerjarenplan} "
        "{hebben gekregen|opgenomen hebben|hebben staan}{ met een eigen actieplan| met een eigen budget|}",
        "{een|een eigen} budgetlijn {van|voor} [BEDRAG] {voor ontwikkelingssamenwerking|voor mondiale projecten}"
        "{ in het nieuwe MJP|}",
        "de {opmaak|uitwerking} van een {visienota|beleidsnota} mondiaal beleid {samen met|in overleg met} [RAAD]",
        "{het college|de schepen} heeft {zich geëngageerd|beslist} om {0,7% van de werkingsmiddelen|"
        "1 euro per inwoner} naar {OS|ontwikkelingssamenwerking} te laten gaan",
        "het feit dat er nu een {aparte|volwaardige} {schepen|ambtenaar} {voor|bevoegd voor} "
        "{internationale samenwerking|mondiaal beleid} is",
        ("via ons subsidiereglement {steunen|ondersteunen} we {lokale|kleine} {vzw's|4de pijlers} die projecten "
         "in [LAND] {doen|trekken}", ["financiele_steun"]),
        "{de|onze} {hervorming|vernieuwing} van [RAAD] {naar|tot} een {open|breed} {netwerk|platform} "
        "{met|voor} alle {vrijwilligers|verenigingen}",
        "{de|een} {advies|adviezen} van [RAAD] {die|dat} {mee|effectief} {in|het} {het bestuursakkoord|"
        "het meerjarenplan} {terechtkwam|terechtkwamen|is opgenomen}",
        "{het|ons} {reglement|kader} voor {noodhulp|humanitaire hulp} zodat we {snel|sneller} kunnen "
        "{reageren|schakelen}",
    ],
    "fairtrade": [
        "{we|wij} {zijn|werden} {sinds [JAAR]|in [JAAR]|opnieuw} {Fairtrade Gemeente|FairTradeGemeente|"
        "Fair Trade Gemeente}{ en we {behielden|verlengden} de titel|}",
        "{de|onze} titel van {Faire Gemeente|Fairtrade Gemeente}{, we zitten nu aan {niveau|level} {2|3|4}|}",
        ("het {fairtrade|fair trade|eerlijk} ontbijt {met|samen met} de Wereldwinkel{ in het GC| op zondag|}",
         ["evenementen"]),
        "{eerlijke|fairtrade} koffie {en thee|} {in alle gemeentelijke diensten|op elke vergadering|"
        "in het gemeentehuis}{, ook op de personeelsfeesten|}",
        "de {campagne|actie} {Week van de Fair Trade|Fairtrade@Work} {met|bij} {lokale handelaars|de scholen|"
        "de personeelsleden}",
        "{alle|de} {geschenken|relatiegeschenken|geschenkmanden} van de gemeente zijn {fairtrade|eerlijke handel}",
        "{de|een} {samenwerking|partnerschap} met {de Wereldwinkel|Oxfam-Wereldwinkel} {voor|rond} "
        "{fairtradeproducten|eerlijke producten} in {het cultuurcentrum|de cafetaria|de scholen|de sporthal}",
        "{onze|de} {lokale|eigen} {fairtradechocolade|fairtradewijn|fairtrade-koffie} {met|op basis van} "
        "{cacao|koffie} uit [LAND]",
        "{het|de} {fairtrade|FairTrade}{-|}{parcours|wandeling} {langs|met} {handelaars|horeca} die "
        "{fairtradeproducten|eerlijke producten} {verkopen|gebruiken}",
        "{de|onze} {Faire|Fairtrade} {scholen|jeugdbewegingen}: {al|intussen} {5|7|12} {scholen|organisaties} "
        "{doen mee|zijn mee}",
    ],
    "geen_project": [
        "{ik ben nog maar|pas} {sinds|vanaf} {januari|een paar maanden|kort} {in dienst|bevoegd voor LMB}"
        "{, dus ik kan hier nog niet veel over zeggen|, nog geen zicht op projecten|}",
        "{nog|momenteel nog} geen {concreet|specifiek} project, {we zijn|ons beleid is} {nog|volop} "
        "{aan het opstarten|in opbouw}",
        "er {is|loopt} {op dit moment|voorlopig} {nog niets|niet echt iets} concreet{, wordt hopelijk vervolgd|"
        ", misschien volgend jaar|}",
        "moeilijk te zeggen, {het beleid|de werking} {moet nog vorm krijgen|staat nog in de kinderschoenen|"
        "wordt opnieuw opgebouwd na de fusie}",
        "{geen|nog geen} {project|initiatief} om echt trots op te zijn eerlijk gezegd{, we starten pas|}",
        "{na de fusie|sinds de fusie} {moeten we|moet alles} {eerst|nog} {alles op een rij zetten|herbekeken "
        "worden}, {dus|daarom} nog niets {concreets|concreet}",
        "{de werking|LMB} ligt {al een tijd|sinds de verkiezingen} stil{, dus niets om te vermelden|}",
    ],
}

LMB_NODEN = {
    "verankering": [
        "hulp om LMB {beter|sterker|structureel} te verankeren {in het meerjarenplan|in het MJP|"
        "binnen de organisatie}",
        "{argumenten|een argumentarium|cijfers} om {het college|de schepen|het managementteam} te overtuigen "
        "{van het belang van|om te investeren in} {internationale samenwerking|LMB}",
        "{ondersteuning|begeleiding} bij {de opmaak|het schrijven} van {een visie|een beleidsplan|actieplannen} "
        "{voor|rond} mondiaal beleid{ in het nieuwe MJP| voor deze legislatuur|}",
        "{een|} {vormingsmoment|infosessie} voor {nieuwe|de nieuwe} {schepenen|mandatarissen|raadsleden} over "
        "{wat LMB is|lokaal mondiaal beleid}",
        "{het is|het blijft} {moeilijk|ambetant} om {mondiaal beleid|LMB} {op de agenda te krijgen|"
        "op de politieke agenda te houden}{, graag meer steun daarin|, hier kunnen jullie helpen|}",
        "{hoe|tips om} {LMB|mondiaal beleid} {transversaal|doorheen alle diensten} {te verankeren|in te bedden}, "
        "niet enkel bij {welzijn|cultuur|de dienst OS}",
        "{een|} {modeltekst|sjabloon} voor {beleidsdoelstellingen|acties} {rond|voor} LMB in het MJP",
    ],
    "kleine_besturen": [
        "{praktische|concrete|kant-en-klare} {tools|draaiboeken|sjablonen} voor kleine besturen{ met weinig "
        "capaciteit| waar LMB er maar bij komt|}",
        "wij zijn een kleine gemeente {met|en hebben} {maar|amper} [VTE] VTE{ voor LMB|}, dus "
        "{alles wat kant-en-klaar is|zaken die snel inzetbaar zijn} {is welkom|helpt}",
        "{eenvoudige|laagdrempelige} {voorbeelden|acties} die {ook|zelfs} {een kleine gemeente|een klein bestuur} "
        "kan uitvoeren{ zonder veel budget| met weinig tijd|}",
        "als {enige|enigste} ambtenaar die dit erbij doet heb ik {nood aan|vooral baat bij} "
        "{tijdsbesparende|praktische} {ondersteuning|tools}",
        "{een|} {toolbox|checklist} {om snel te starten|om op korte tijd een actie op te zetten}{ in een "
        "kleine gemeente|}",
        "{rekening houden met|denk aan} de kleine {gemeenten|besturen}: {wij|we} hebben niet "
        "{dezelfde|de} {capaciteit|mankracht} als {Gent of Antwerpen|de centrumsteden}",
    ],
    "uitwisseling": [
        "{meer|} {intervisie|uitwisseling} met {collega's|andere gemeenten|andere LMB-ambtenaren}{ uit de regio| "
        "in dezelfde situatie|}",
        "{een|het} lerend netwerk {rond|over} {stedenbanden|fair trade|wereldburgerschap|subsidiereglementen}",
        "{goede|inspirerende} praktijken van andere {gemeenten|besturen} {delen|leren kennen}{, bv. via een "
        "{inspiratiecatalogus|databank}|}",
        "{regionale|provinciale} {netwerkmomenten|overlegmomenten} {waar we eens kunnen|waar ge efkes kunt|zodat we eens kunnen} "
        "{bijpraten|ideeën uitwisselen} met {collega's|andere besturen}",
        "weten hoe {andere gemeenten|collega's} het aanpakken {met|bij} {hun GROS|hun stedenband|de subsidies}",
        "{een|} {buddysysteem|peterschap} {tussen|met} {ervaren|andere} LMB-ambtenaren",
    ],
    "wereldburgerschap": [
        "{ideeën|ondersteuning} {rond|voor} {wereldburgerschap|wereldburgerschapseducatie} {in onze gemeente|"
        "bij onze inwoners|}",
        "{hoe|manieren om} {burgers|inwoners|jongeren} {meer|actiever} te betrekken bij {ons mondiaal beleid|"
        "LMB|de GROS}",
        "{tips|methodieken} voor {burgerparticipatie|participatie} {rond|bij} mondiale thema's",
        "{een|} aanbod om {nieuwe doelgroepen|inwoners met migratieachtergrond|diaspora-organisaties} "
        "{te bereiken|te betrekken}",
        "{samenwerken met|hulp om samen te werken met} het OCMW {om|zodat we} {kwetsbare inwoners|mensen in armoede} "
        "{te betrekken|mee te nemen} in {ons mondiaal verhaal|de mondiale werking}",
        "{hoe|hoe kunnen we} {jongeren|de jeugd} {warm maken|enthousiasmeren} voor {internationale solidariteit|"
        "wereldburgerschap}{, de GROS vergrijst|}",
    ],
    "themadagen": [
        "{een|meer} {themadag|studiedag} over {migratie|mensenrechten|internationale samenwerking|"
        "klimaatrechtvaardigheid|de rol van gemeenten in een veranderende wereld}",
        "{vorming|een vorming} over {mondiale beleidskeuzes|de Vlaamse visie op internationale samenwerking|"
        "dekolonisering|handelsakkoorden en lokale besturen}",
        "{graag opnieuw|graag meer} {themadagen|inhoudelijke dagen} {zoals|als} {die over mensenrechten|"
        "die over migratie}{ van vorig jaar| in [JAAR]|}",
        "{inhoudelijke|thematische} {verdieping|sessies} {rond|over} {migratie en ontwikkeling|mensenrechten "
        "en lokale besturen|de klimaatcrisis in het Zuiden}",
    ],
    "zichtbaarheid": [
        "{het aanbod|jullie aanbod} is {niet altijd|soms niet} {even zichtbaar|duidelijk}{, een overzicht zou "
        "helpen|, ik vind niet altijd de weg|}",
        "{betere|meer} afstemming met {11.11.11|andere ondersteunende organisaties|de koepel van NGO's} "
        "{zodat we niet drie keer dezelfde vraag krijgen|want we zien soms door de bomen het bos niet meer}",
        "{een|} {centraal|duidelijk} overzicht van {wie wat aanbiedt|alle ondersteuning}{ rond LMB| voor lokale "
        "besturen|}",
        "{communiceer|communiceren} {meer|duidelijker} over {jullie|het} aanbod {via|in} de nieuwsbrief"
        "{, ik wist niet dat dit bestond|}",
        "{het|de} {aanbod|werking} van {de vereniging|VVSG} en {11.11.11|de provincie} {overlapt|loopt door "
        "elkaar}{, stem dat beter af|}",
    ],
}

LMB_WAT_WERKT = {
    "tools_publicaties": [
        "{de|jullie} {publicaties|brochures|handleidingen} {zoals|bv.} {de inspiratiegids|het draaiboek "
        "stedenbanden|de wegwijzer subsidiereglementen}",
        "{de toolbox die|de sjablonen die|het modelreglement dat} {we|wij} {konden|kunnen} {overnemen|aanpassen}",
        "{de|} {nieuwsbrief|website} met {veel|concrete} {voorbeelden|info}",
        "het {modelreglement|modelsubsidiereglement} {voor|rond} 4de pijlers, {heel|zeer} {bruikbaar|handig}",
        "{de|} {factsheets|infofiches} {over|rond} {stedenbanden|fair trade|LMB}",
    ],
    "vorming": [
        "{de|} {webinars|online vormingen} {zijn|waren} {heel|zeer} {handig|leerrijk|nuttig}",
        "{de studiedag|de jaarlijkse studiedag|de vormingen|het vormingsaanbod} {rond|over} LMB",
        "{de werkgroep|de werkgroepen} {rond|over} {stedenbanden|wereldburgerschap|fair trade}",
        "{de|} {opleiding|vorming} voor {nieuwe|startende} LMB-ambtenaren{, ideaal als starter|}",
        "{de vormingsreeks is|de opleidingen zijn} {altijd|steeds} {inhoudelijk sterk|to the point|goed "
        "voorbereid}",
    ],
    "netwerkmomenten": [
        "{de netwerkmomenten|de netwerkdag|het netwerkmoment} {waar je|waar ge} {collega's|andere gemeenten} {ontmoet|leert kennen}",
        "{collega's ontmoeten|uitwisseling met collega's} op {de|jullie} {netwerkmomenten|regionale overleggen}",
        "{het regionaal overleg|de regio-overleggen} {met|tussen} {de|} LMB-ambtenaren",
        "{ervaringen delen|zien dat ge niet alleen zijt} op de {netwerkdagen|netwerkmomenten}",
    ],
    "persoonlijk": [
        "{de|} {persoonlijke|individuele} {begeleiding|ondersteuning} door [NAAM]",
        "{snel|altijd} {een antwoord|antwoord} {op|bij} {vragen|mijn vragen}{, ook telefonisch|, per mail|}",
        "de bereikbaarheid {van|bij} {de|jullie} {stafmedewerker|medewerkers}{, echt top|}",
        "dat {je|ge} {altijd|zomaar} {kan|kunt} {bellen|mailen} {met|bij} {een vraag|vragen}",
        "{het|een} {bezoek|gesprek} {ter plaatse|bij ons op het gemeentehuis} {met|van} [NAAM]{, dat hielp "
        "enorm|}",
    ],
    "laagdrempelig": [
        "{het|jullie} aanbod is {laagdrempelig|toegankelijk} en {professioneel|deskundig}",
        "{gratis|kosteloos} en {dichtbij|in de regio}{, dus ook voor kleine gemeenten haalbaar|}",
        "{heel|zeer} {professionele|kwaliteitsvolle} {ondersteuning|werking}, {zonder poespas|to the point}",
        "{alles|het aanbod} is {laagdrempelig|eenvoudig} {en|,} {je|ge} {voelt je|voelt u} nooit dom als ge "
        "iets vraagt",
    ],
}

LMB_REDEN = {
    "politiek_draagvlak": [
        "{geen|weinig} {politiek draagvlak|politieke interesse|interesse bij het college}",
        "{het|ons} {college|bestuur} {ziet|heeft} {andere prioriteiten|het belang niet}{, lokale noden gaan voor|}",
        "{de|onze} {schepen|burgemeester} {vindt|zegt} dat {ontwikkelingssamenwerking|OS} {geen taak is van de "
        "gemeente|een federale bevoegdheid is}",
        "na de verkiezingen {is|werd} {LMB|de werking} {geschrapt|stopgezet} {door de nieuwe meerderheid|"
        "in het bestuursakkoord}",
        "{het|dit} {staat|stond} niet in het bestuursakkoord{, dus| en} {er is geen mandaat|niemand trekt eraan}",
    ],
    "budget": [
        "{geen|te weinig} {budget|middelen}{ door de besparingen| sinds het wegvallen van de Vlaamse subsidies| "
        "in het MJP|}",
        "{de|onze} financiële situatie is {krap|moeilijk}{, er wordt overal bespaard|}",
        "{sinds|na} het {stopzetten|wegvallen} van {het convenant|de Vlaamse subsidie} {is er geen geld meer|"
        "werd het budget geschrapt}",
        "{alle|de} {middelen|centen} gaan naar {andere|dringendere} {zaken|prioriteiten}{ zoals de fusie| zoals "
        "wegen en scholen|}",
    ],
    "personeel_capaciteit": [
        "{geen|te weinig} {personeel|mankracht|tijd}{ om dit op te nemen|, iedereen heeft al zijn handen vol|}",
        "{de|onze} {ambtenaar|medewerker} {is vertrokken|ging met pensioen} en {is|werd} niet vervangen",
        "{kleine|kleine landelijke} gemeente, {we hebben niet de capaciteit|er is geen capaciteit} {om|voor} "
        "{een apart beleid|dit beleidsdomein}",
        "{het|dit} {wordt|werd} {doorgeschoven|ondergebracht} bij {een collega|de dienst Welzijn|het OCMW|de sociale dienst} die {er geen "
        "tijd voor heeft|dit erbij doet}",
    ],
}

# --- SDG ------------------------------------------------------------------------

SDG_TROTS = {
    "duurzaamheidsevenementen": [
        "{de|onze} {duurzaamheidsmarkt|klimaatmarkt|Dag van de Duurzaamheid|duurzame zondag}{ met {een 20-tal|veel} "
        "standen|}",
        "{een|ons} {klimaatfestival|SDG-festival|duurzaam feest} {in het park|op de markt|}",
        "{de|} {SDG-fietstocht|SDG-wandeling|autoloze zondag} {met|langs} {17|} {infoborden|posten}{ rond de SDG's|}",
        "{het|ons} {repaircafé|ruilcafé|weggeefmarkt} {dat|die} {elke maand|maandelijks} {plaatsvindt|doorgaat} "
        "{in het GC|in de bib|}",
        "{de|een} {duurzame|groene} {kerstmarkt|jaarmarkt} {zonder plastic|met herbruikbare bekers}",
    ],
    "participatie": [
        "{het|ons} {burgerpanel|burgerbudget|participatietraject} {rond|over} {duurzaamheid|de SDG's|het "
        "klimaatplan}",
        "{inwoners|burgers|jongeren} {mochten|konden} {mee|zelf} {beslissen|ideeën indienen} {over|voor} "
        "{duurzame projecten|de toekomst van de gemeente}",
        "{de|een} {jeugdraad|kinderraad|kindergemeenteraad} die {rond|met} de SDG's aan de slag {ging|gaat}",
        "{de|onze} {toekomstdialoog|buurtgesprekken|bevraging} {waarin|waar} {inwoners|burgers} {hun|} "
        "{prioriteiten|ideeën} {koppelden|linkten} aan de SDG's",
    ],
    "interne_werking": [
        "{de|onze} {SDG-werkgroep|interne werkgroep|stuurgroep} {met|over} {alle|verschillende} diensten{ heen|}",
        "{een|de} {vorming|opleiding|SDG-spel} voor {alle|het} {personeel|medewerkers|diensthoofden}",
        "{SDG-ambassadeurs|ambassadeurs} {in elke dienst|binnen de organisatie}{ die collega's warm maken|}",
        "{duurzame|SDG-}{criteria|checks} in {de collegenota's|het aankoopbeleid|de dagelijkse werking}",
        "{de|een} {SDG-quiz|personeelsdag|teambuilding} {rond|over} de SDG's {voor|met} {alle|de} {collega's|"
        "medewerkers}",
    ],
    "beleidsplanning": [
        "{de|} SDG's {zitten|zijn verwerkt} in {ons|het} {meerjarenplan|MJP}{ 2026-2031|, elke actie heeft een "
        "SDG-label|}",
        "{de|een} {SDG-screening|duurzaamheidstoets} van {het bestuursakkoord|de beleidsdoelstellingen}",
        "{onze|een} {omgevingsanalyse|VLR (Voluntary Local Review)|SDG-rapportage} {als basis voor|bij de opmaak "
        "van} het {nieuwe|} MJP",
        "{elke|iedere} {beleidsdoelstelling|actie} in het MJP {is gelinkt|werd gekoppeld} aan {een|de} SDG"
        "{, zo zie je waar de gaten zitten|}",
    ],
    "externe_communicatie": [
        "{de|een} {reeks|rubriek} {in het infoblad|op sociale media|in ons magazine} {over|rond} {één SDG per "
        "maand|de SDG's}",
        "{SDG-vlaggen|de SDG-vlag|SDG-logo's} {aan het gemeentehuis|op onze communicatie}",
        "{de|een} {campagne|website|video} {om|die} {inwoners|burgers} {uit te leggen|te tonen} {wat de SDG's "
        "zijn|wat de gemeente doet}",
        "{de|onze} {SDG-pictogrammen|SDG-iconen} {bij|op} {elk|ieder} {artikel|bericht} {in het infoblad|"
        "op de website}",
    ],
    "week_duurzame_gemeente": [
        "{de|onze deelname aan de} Week van de Duurzame Gemeente{ met een {wandeling|actie} rond SDG [SDGN]|}",
        "{elk jaar|jaarlijks} {doen we mee aan|zijn we partner van} de {Week van de Duurzame Gemeente|WvdDG}",
        "{tijdens|in} de Week van de Duurzame Gemeente {zetten we|zetten wij} {lokale|duurzame} "
        "{initiatieven|helden} in de kijker",
        ("{de|onze} {SDG-markt|infomarkt} {tijdens|in} de Week van de Duurzame Gemeente",
         ["duurzaamheidsevenementen"]),
    ],
}

SDG_TIPS = {
    "lokaal_vertalen": [
        "{help|helpen} {ons|gemeenten} om de {globale|17} {doelen|SDG's} {concreet|lokaal} te {vertalen|maken}",
        "de SDG's {blijven|zijn} {vaak|soms} {te abstract|ver van ons bed} {voor|bij} {collega's|burgers|politici}",
        "{concrete voorbeelden|voorbeelden} van wat een SDG {betekent|kan betekenen} {op lokaal niveau|"
        "voor een gemeente}",
        "{vertaal|vertalen} de {targets|subdoelen} naar {lokale|gemeentelijke} {doelen|bevoegdheden}",
    ],
    "op_maat": [
        "{een|} {aanbod|traject} {op maat|voor beginners en gevorderden}{, wij staan nog nergens|, wij zijn al "
        "ver|}",
        "{meterschap|peterschap|mentoring} {door|met} {ervaren|goede voorbeeld-} gemeenten",
        "{onderscheid maken|differentiëren} {tussen|naar} {starters|beginners} en {gevorderde|ervaren} "
        "{gemeenten|besturen}",
        "{begeleiding|coaching} {op maat|aangepast} aan {de grootte van|waar} {de gemeente|we staan}",
    ],
    "thematisch": [
        "{de|} link {leggen|tonen} {tussen|met} de SDG's en [ONDERWERP]",
        "{thematische|inhoudelijke} {sessies|vormingen} over [ONDERWERP] {vanuit|met} {de SDG-bril|een SDG-lens}",
        "{voorbeelden|inspiratie} {rond|over} [ONDERWERP] en [ONDERWERP] {gekoppeld aan|met} de SDG's",
    ],
    "praktische_tools": [
        "{praktische|handige} {tools|sjablonen|checklists} {zoals|bv.} {een SDG-screeningstool|een "
        "indicatorenset|een format voor collegenota's}",
        "{een|} {kant-en-klare|eenvoudige} {indicatorenlijst|monitoringstool|dashboard}",
        "{communicatiemateriaal dat|sjablonen die} we {zomaar|direct} kunnen {gebruiken|overnemen}",
        "{een|} {Excel|rekenblad|tool} om {acties|het MJP} aan {de|} SDG's te {koppelen|linken}",
    ],
    "communicatie_draagvlak": [
        "{hulp|ondersteuning} {bij|om} {het|} draagvlak te {creëren|vergroten} {bij|binnen} {het college|de "
        "politiek|de collega's}",
        "{hoe|tips om} {te communiceren|over de SDG's te praten} {zonder mensen af te schrikken|zodat het niet "
        "te zweverig wordt}",
        "{argumenten|een pitch} om {het MAT|het managementteam|de gemeenteraad} {te overtuigen|mee te krijgen}",
        "{de|} SDG's {aantrekkelijker|sexyer|begrijpelijker} {maken|communiceren} {voor|naar} {inwoners|het "
        "grote publiek}",
    ],
}

SDG_ANDERE = {
    "provincie": [
        "{de|} provincie [PROV]{ met hun SDG-aanbod| (provinciale SDG-coördinator)|}",
        "{het|} {provinciaal|provinciale} {netwerk|klimaatnetwerk|ondersteuning}",
        "{de|} {subsidies|projectoproep} van de provincie{ voor duurzame projecten|}",
    ],
    "oppositie": [
        "{de|} oppositie {in de gemeenteraad|} die {regelmatig|telkens} {vragen stelt|aandringt} {over|op} "
        "duurzaamheid",
        "{raadsleden van de oppositie|een oppositiefractie} die {het thema|de SDG's} {op de agenda zetten|"
        "opvolgen}",
        "{vragen|interpellaties} {in|van} de gemeenteraad{, vooral vanuit de oppositie|}",
    ],
    "medewerkers": [
        "{gemotiveerde|enthousiaste} {collega's|medewerkers|diensthoofden} die {zelf|} het initiatief nemen",
        "{de|onze} {algemeen directeur|milieuambtenaar|duurzaamheidsambtenaar} die {erg|sterk} {begaan is met|"
        "gelooft in} {de SDG's|duurzaamheid}",
        "{een paar|enkele} {trekkers|ambassadeurs} {op de werkvloer|binnen de administratie}",
        "{collega's van het OCMW|de sociale dienst van het OCMW} die {armoede|kwetsbare groepen} {mee op tafel leggen|"
        "blijven aankaarten}",
    ],
    "actualiteit": [
        "de actualiteit: {klimaatcrisis|energiecrisis|de overstromingen|Oekraïne|de droogte}{ zorgde voor meer "
        "aandacht|}",
        "{het|} {maatschappelijk debat|nieuws} {over|rond} {klimaat|energie|armoede}",
        "{de|} {klimaatmarsen|klimaatbetogingen} {van de jongeren|}{ een paar jaar geleden|}",
    ],
}

BANKS = {
    "lmb": {"trots": LMB_TROTS, "noden": LMB_NODEN, "wat_werkt": LMB_WAT_WERKT, "reden_geen_lmb": LMB_REDEN},
    "sdg": {"trots": SDG_TROTS, "tips": SDG_TIPS, "andere_actoren": SDG_ANDERE},
}

# Theme shares per wave (weights when picking the themes of an answer).
THEME_WEIGHTS = {
    "lmb": {
        "trots": {"2025": {"financiele_steun": .30, "sensibilisering": .28, "evenementen": .22, "beleid": .14,
                           "fairtrade": .17, "geen_project": .08},
                  "2022": {"financiele_steun": .34, "sensibilisering": .24, "evenementen": .25, "beleid": .10,
                           "fairtrade": .27, "geen_project": .03}},
        "noden": {"2025": {"verankering": .32, "kleine_besturen": .18, "uitwisseling": .22,
                           "wereldburgerschap": .12, "themadagen": .12, "zichtbaarheid": .14},
                  "2022": {"verankering": .17, "kleine_besturen": .20, "uitwisseling": .27,
                           "wereldburgerschap": .16, "themadagen": .15, "zichtbaarheid": .11}},
        "wat_werkt": {"2025": {"tools_publicaties": .25, "vorming": .30, "netwerkmomenten": .20,
                               "persoonlijk": .30, "laagdrempelig": .15},
                      "2022": {"tools_publicaties": .31, "vorming": .24, "netwerkmomenten": .24,
                               "persoonlijk": .21, "laagdrempelig": .15}},
        "reden_geen_lmb": {"2025": {"politiek_draagvlak": .42, "budget": .33, "personeel_capaciteit": .40},
                           "2022": {"politiek_draagvlak": .28, "budget": .46, "personeel_capaciteit": .40}},
    },
    "sdg": {
        "trots": {"2025": {"duurzaamheidsevenementen": .24, "participatie": .15, "interne_werking": .18,
                           "beleidsplanning": .20, "externe_communicatie": .14, "week_duurzame_gemeente": .24},
                  "2022": {"duurzaamheidsevenementen": .30, "participatie": .15, "interne_werking": .12,
                           "beleidsplanning": .09, "externe_communicatie": .15, "week_duurzame_gemeente": .31}},
        "tips": {"2025": {"lokaal_vertalen": .22, "op_maat": .20, "thematisch": .18, "praktische_tools": .25,
                          "communicatie_draagvlak": .20},
                 "2022": {"lokaal_vertalen": .30, "op_maat": .14, "thematisch": .13, "praktische_tools": .26,
                          "communicatie_draagvlak": .21}},
        "andere_actoren": {"2025": {"provincie": .30, "oppositie": .15, "medewerkers": .35, "actualiteit": .24},
                           "2022": {"provincie": .36, "oppositie": .11, "medewerkers": .29, "actualiteit": .32}},
    },
}

# Share of empty cells, non-answers, answers in another language, answers with no theme.
OPEN_RATES = {
    "lmb": {"trots": dict(empty=.10, non_answer=.06, foreign=.02, overig=.05),
            "noden": dict(empty=.22, non_answer=.08, foreign=.02, overig=.06),
            "wat_werkt": dict(empty=.16, non_answer=.06, foreign=.02, overig=.05),
            "reden_geen_lmb": dict(empty=.08, non_answer=.05, foreign=.02, overig=.06)},
    "sdg": {"trots": dict(empty=.14, non_answer=.07, foreign=.03, overig=.05),
            "tips": dict(empty=.22, non_answer=.08, foreign=.03, overig=.06),
            "andere_actoren": dict(empty=.36, non_answer=.08, foreign=.02, overig=.07)},
}

NON_ANSWERS = ["nvt", "n.v.t.", "NVT", "Nvt.", "-", "/", "geen idee", "Geen idee", "geen idee eigenlijk",
               "weet ik niet", "x", "geen", "niets", "niet van toepassing", "?", "...", "idem", "zie hoger",
               "/ ", "--", "geen opmerkingen", "Geen.", "neen", "nihil", "niet gekend", "n/a", "pas", "0"]

OVERIG = {
    "lmb": {
        "trots": ["{Moeilijk|Lastig} om {één|1} project te kiezen, er gebeurt {veel|zoveel}",
                  "{Alles|Eigenlijk alles} wat we doen{, het is een mooi geheel|}",
                  "{De vraag|Deze vraag} is {niet zo duidelijk|wat vaag} voor mij",
                  "{Zie|Zie ook} {ons jaarverslag|de bijlage die ik mailde|onze website}",
                  "{Onze|De} {vrijwilligers|mensen op het terrein}, zonder hen {lukt niets|geen werking}",
                  "{Dat|Het} {verschilt|hangt af} van jaar tot jaar"],
        "noden": ["{Jullie doen|Ge doet} {goed|prima} werk{, ga zo door|}",
                  "{Momenteel|Op dit moment} {geen|niet direct} {extra|bijkomende} {noden|vragen}",
                  "{Nog geen zicht op|Moet ik nog over nadenken,} {onze noden|wat we nodig hebben}",
                  "{Meer|Minder} {enquêtes|bevragingen} {aub|alstublieft}{, deze was lang|}"],
        "wat_werkt": ["{Alles|Eigenlijk alles} {eigenlijk|wel}",
                      "{Ik ken het aanbod nog niet goed|Nog niet veel gebruik van gemaakt}",
                      "{Moeilijk te zeggen|Geen uitgesproken mening}"],
        "reden_geen_lmb": ["{Geen specifieke reden|Niet echt een reden}",
                           "{Dat is een politieke keuze, vraag het aan de burgemeester|Moet u aan het college vragen}",
                           "{Wordt bekeken|We bekijken het} {in de toekomst|na de fusie}"],
    },
    "sdg": {
        "trots": ["{Moeilijk|Lastig} om {één|1} initiatief te kiezen",
                  "{Alles|Eigenlijk alles}{, het is een mooi geheel|}",
                  "{Zie|Zie ook} {ons jaarverslag|onze website}",
                  "{Niet echt|Niks} specifiek {SDG|rond SDG}, {wel|maar} {veel|heel wat} rond duurzaamheid"],
        "tips": ["{Jullie doen|Ge doet} {goed|prima} werk{, ga zo door|}",
                 "{Op dit moment|Momenteel} geen {tips|opmerkingen}",
                 "{Deze|De} bevraging was {lang|te lang}"],
        "andere_actoren": ["{Niemand|Niemand anders} {eigenlijk|echt}",
                           "{Moeilijk te zeggen|Weet ik niet goed}",
                           "{Alles|Van alles} {een beetje|wat}"],
    },
}

FILLERS = {
    "lmb": {
        "trots": ["{Dat|Het} loopt {al een paar jaar|al sinds [JAAR]} en {het blijft groeien|"
                  "het wordt elk jaar beter}",
                  "{Echt|Zeker} een aanrader voor andere gemeenten",
                  "We krijgen er {veel|heel veel} positieve reacties op",
                  "Volgend jaar willen we dat {zeker|zeker en vast} herhalen",
                  "Klein maar fijn{!|}",
                  "Niet altijd evident{ met de fusie| naast al de rest|}, maar het lukt",
                  "Ik kan daar {gerust|altijd} meer over vertellen",
                  "{Iedereen|De mensen} {was|waren} {heel|super} enthousiast",
                  "{Dat|Het} gaf {veel|echt} goesting om verder te doen"],
        "noden": ["Alvast bedankt{!|}", "Merci!", "Dat zou ons echt helpen",
                  "{Succes|Veel succes} verder", "{Graag|Liefst} {in de regio|niet te ver rijden}"],
        "wat_werkt": ["Merci daarvoor{!|}", "{Doe zo verder|Blijven doen}", "Dat apprecieer ik {echt|enorm}"],
        "reden_geen_lmb": ["{Misschien|Hopelijk} {verandert dat|komt dat} {in de toekomst|na de fusie}",
                           "{Spijtig|Jammer} genoeg", "{Het|Dat} is {ambetant|spijtig} maar het is zo"],
    },
    "sdg": {
        "trots": ["{Dat|Het} loopt {al een paar jaar|al sinds [JAAR]}", "Veel positieve reacties gekregen",
                  "Volgend jaar {zeker|zeker en vast} opnieuw", "{Iedereen|De collega's} {was|waren} enthousiast"],
        "tips": ["Alvast bedankt{!|}", "Merci!", "{Succes|Veel succes} verder"],
        "andere_actoren": ["{Dat|Het} speelt zeker mee", "{Vooral|Zeker} de laatste jaren"],
    },
}

# A few answers in French or English: whole answers (text, themes), each used at most once per wave.
FOREIGN = {
    "lmb": {
        "trots": [("Our city partnership with Matagalpa, and the yearly fair trade breakfast with the Wereldwinkel.",
                   ["financiele_steun", "fairtrade", "evenementen"]),
                  ("Le partenariat avec notre commune jumelée au Bénin, très enrichissant pour les deux côtés.",
                   ["financiele_steun"]),
                  ("We organise workshops on human rights in the primary schools every spring.",
                   ["sensibilisering"]),
                  ("Notre marché mondial annuel sur la place, avec une trentaine d'associations.",
                   ["evenementen"])],
        "noden": [("More exchange with colleagues from other municipalities would help.", ["uitwisseling"]),
                  ("Des outils pratiques pour les petites communes, svp.", ["kleine_besturen"]),
                  ("Help to get global policy into the multi-year plan.", ["verankering"])],
        "wat_werkt": [("The webinars and the personal follow-up, always quick to answer.", ["vorming", "persoonlijk"]),
                      ("Les journées de réseau, pour rencontrer les collègues.", ["netwerkmomenten"])],
        "reden_geen_lmb": [("No budget and no staff, to be honest.", ["budget", "personeel_capaciteit"]),
                           ("Pas de volonté politique pour le moment.", ["politiek_draagvlak"])],
    },
    "sdg": {
        "trots": [("Our SDG week with a market and a bike tour along 17 stops.",
                   ["week_duurzame_gemeente", "duurzaamheidsevenementen"]),
                  ("Tous les objectifs du plan pluriannuel sont liés aux ODD.", ["beleidsplanning"]),
                  ("A citizens' panel on our climate plan, with 40 residents.", ["participatie"])],
        "tips": [("Make the goals concrete for local governments, with examples.", ["lokaal_vertalen"]),
                 ("Un accompagnement sur mesure pour les débutants.", ["op_maat"]),
                 ("Simple templates and an indicator list we can reuse.", ["praktische_tools"])],
        "andere_actoren": [("The province and its SDG network.", ["provincie"]),
                           ("L'actualité: la crise énergétique a tout accéléré.", ["actualiteit"])],
    },
}
