"""Word lists that tell a name from an ordinary word in Dutch news, and hint at its type.

Kept apart from the code that uses them so that a linguist can extend a list
without reading the span logic: `unknown_names.py` and `name_words.py` read them to
decide what a run of capitalised words is, `disambiguate.py` keeps its own context cues.
"""

from __future__ import annotations

from functools import lru_cache

ADJECTIVE_SUFFIXES = ("isch", "ische", "aans", "aanse", "ense", "ese", "ees", "se", "sche")
CONNECTORS = frozenset({"van", "de", "der", "den", "von", "voor", "het", "ter", "ten", "la", "le"})
ROMAN_NUMERALS = frozenset({"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"})
OPENERS = "\"'“”‘’«»„([{*•–—-"
SENTENCE_END = ".!?:;\n"
ORG_CUES = frozenset(
    {
        "zaken",
        "bank",
        "partij",
        "raad",
        "ministerie",
        "universiteit",
        "news",
        "times",
        "unie",
        "organisatie",
        "dienst",
        "fonds",
        "commissie",
        "agentschap",
        "federatie",
        "bond",
        "groep",
    }
)
PER_CUES = frozenset(
    {
        "burgemeester",
        "president",
        "minister",
        "premier",
        "onderhandelaar",
        "woordvoerder",
        "topman",
        "directeur",
        "ambtgenoot",
        "kanselier",
        "generaal",
        "commandant",
        "leider",
        "secretaris-generaal",
        "minister-president",
        "koning",
        "koningin",
        "journalist",
        "zei",
    }
)

# -- context cues for disambiguation (read by `context.py`; folded, lower case) ----------


def _split(words: str) -> list[str]:
    """Long word lists stay readable as one string of words."""
    return words.split()


#: Prepositions that put a place right after them ("in Zwolle", "uit Almelo").
LOC_PREPOSITIONS = frozenset(
    _split(
        """
        in uit naar vanuit richting nabij rond rondom te buiten
        """
    )
)

#: Words that name the kind of place that follows ("de provincie Luxemburg").
PLACE_KIND_WORDS = {
    **dict.fromkeys(
        _split("provincie buurprovincie staat deelstaat regio gewest departement district"),
        "region",
    ),
    **dict.fromkeys(
        _split("stad stadje hoofdstad havenstad kuststad grensstad dorp gemeente plaats"),
        "settlement",
    ),
    **dict.fromkeys(_split("woonplaats buurtschap"), "settlement"),
    **dict.fromkeys(_split("land groothertogdom koninkrijk republiek"), "country"),
    "eiland": "place",
}

#: Titles and roles before a person's name ("minister", "de heer", "Kamerlid").
PER_TITLES = frozenset(
    _split(
        """
        heer mevrouw meneer mr dr drs ir prof professor dokter president vicepresident
        premier minister staatssecretaris kanselier koning koningin prins prinses keizer
        keizerin kroonprins kroonprinses paus senator gouverneur burgemeester wethouder
        gedeputeerde commissaris informateur formateur kamerlid congreslid
        europarlementarier lijsttrekker fractieleider partijleider leider voorzitter topman
        topvrouw directeur ceo oprichter eigenaar woordvoerder woordvoerster hoogleraar
        onderzoeker econoom generaal commandant kolonel opperbevelhebber trainer coach
        bondscoach aanvoerder spits doelman verdediger middenvelder keeper coureur renner
        wielrenner schaatser schaatsster zanger zangeres rapper schrijver schrijfster
        regisseur acteur actrice kunstenaar journalist correspondent verslaggever advocaat
        rechter officier aanklager hoofdaanklager verdachte slachtoffer ambtgenoot collega
        partijgenoot gezant ambassadeur diplomaat moeder vader zoon dochter broer zus opa
        oma jarige boer huisarts arts viroloog bioloog conservator curator bisschop imam
        dominee
        """
    )
)

#: Endings of compound roles ("oud-minister", "partijvoorzitter", "melkveehouder").
PER_TITLE_SUFFIXES = tuple(
    _split(
        """
        minister voorzitter woordvoerder directeur trainer leider houder secretaris-generaal
        president burgemeester correspondent
        """
    )
)

#: Words for a company, party, club or body right before its name ("supermarkt Dirk"),
#: with the kind of body they name ('' = any kind of organisation).
ORG_WORD_KIND = {
    **dict.fromkeys(
        _split(
            """
            bedrijf concern multinational fabrikant bank verzekeraar supermarkt keten winkel
            warenhuis retailer merk vervoerder rederij uitgeverij netbeheerder provider
            webwinkel startup energieleverancier energieleveranciers netbeheerders
            zorgverzekeraars baggeraar distributeur moederbedrijf dochterbedrijf attractiepark
            """
        ),
        "company",
    ),
    "partij": "party",
    **dict.fromkeys(_split("club ploeg team"), "team"),
    **dict.fromkeys(
        _split(
            """
            vakbond organisatie toezichthouder omroep krant dagblad zender denktank agentschap
            instituut universiteit ziekenhuis stichting vereniging federatie brancheorganisatie
            koepel gezelschap toneelgroep popzaal
            """
        ),
        "organisation",
    ),
    **dict.fromkeys(_split("concurrent concurrenten"), ""),
}
ORG_WORDS = frozenset(ORG_WORD_KIND)

#: Endings of compound organisation words ("techbedrijf", "supermarktketen"), with kinds.
ORG_SUFFIX_KIND = {
    **dict.fromkeys(
        _split(
            """
            bedrijf concern fabrikant keten verzekeraar provider leverancier beheerder winkel
            rederij bank maatschappij
            """
        ),
        "company",
    ),
    "partij": "party",
    "club": "team",
    **dict.fromkeys(
        _split("organisatie bond vereniging omroep coöperatie cooperatie bureau koepel"),
        "organisation",
    ),
}
ORG_WORD_SUFFIXES = tuple(ORG_SUFFIX_KIND)

#: Cue words that are also common verbs or other words ("staat de PVV op kop"): they
#: name a kind only after an article or an inflected adjective ("de Amerikaanse staat").
NOUN_NEEDS_DETERMINER = frozenset(_split("staat plaats land"))
DETERMINERS = frozenset(_split("de het een deze die dit dat elke iedere"))

#: Words that may stand between a title and the name ("minister van Financiën X").
RUN_UP_WORDS = frozenset(
    _split(
        """
        van de het der den voor een oud voormalige nieuwe -
        """
    )
)

#: Verbs right after a name that a place does not do ("Wilders zei").
SPEECH_VERBS = frozenset(
    _split(
        """
        zei zegt vertelt vertelde noemde noemt sprak reageerde schreef
        """
    )
)

#: Words that cannot follow a Saxon genitive. "Poetins leger", "Oekraïnes grens": a
#: genitive "s" stands before the noun phrase it owns, so in "Olaf Koens zei", "Donald
#: Pols van Milieudefensie" or "Bos." the "s" is part of the name, not a genitive.
NOT_AFTER_GENITIVE = frozenset(
    _split(
        """
        de het een en of maar dat die dan als want omdat toen terwijl
        van in op uit met aan bij voor door naar over tegen onder om tot na sinds zonder
        tussen via per te is was zijn waren wordt werd worden heeft had hebben kan kon
        zal zou moet moest wil wilde gaat ging komt kwam blijft bleef staat stond
        ook nog al niet wel nu er hier daar zelf hij zij ze we wij ik u jij je
        """
    )
)
#: Words that make a text a match report (two of them, or a score like 2-1).
SPORT_DOC_WORDS = frozenset(
    _split(
        """
        ploeg trainer bondscoach doelpunt scoorde wedstrijd competitie eredivisie elftal
        stadion supporters kampioen koploper finale strafschoppen interland topper
        gelijkgespeeld doelman spits beker bekerfinale voetbal hockey hockeysters wielrenner
        honkbal honkbalclub voetbalclub seizoen seizoenen toernooi clubgeschiedenis werper
        """
    )
)

#: Words in a match report's sentence that make a place name a team ("achter Liverpool").
SPORT_SENTENCE_WORDS = frozenset(
    _split(
        """
        won wint winnen gewonnen verslagen versloeg verloor verliest verloren gelijk
        gelijkgespeeld speelt speelde tegen topper finale finales kampioen groep bovenaan
        punt punten scoorde uitgeschakeld achter ploeg beker strafschoppen thuis uit
        seizoen eindigde laatste derde
        """
    )
)


@lru_cache(maxsize=16384)
def org_kind(word: str) -> str | None:
    """The kind an organisation word names ('' any), or None if `word` is no such word."""
    if word in ORG_WORD_KIND:
        return ORG_WORD_KIND[word]
    best = max((suffix for suffix in ORG_SUFFIX_KIND if word.endswith(suffix)), key=len, default="")
    return ORG_SUFFIX_KIND[best] if best else None
