"""Sixty-one challenge notes as a real room writes them (Danish, long words, a few duplicates),
for the shortlist screen's tests."""

from __future__ import annotations

# Three notes that say the same thing, and two pairs: the look-alike hints must find them.
FRIVILLIGE = (
    "For få frivillige i Maglehøj",
    "Der er for få frivillige i Maglehøj-området",
    "Mangel på frivillige, især i Maglehøj",
)
MANDAT = ("Mandatet i indsatsteamene er uklart", "Uklart mandat for indsatsteamene")
RAADGIVNING = (
    "Beboerne kender ikke den gratis økonomiske rådgivning",
    "Den gratis økonomiske rådgivning er ukendt for beboerne",
)

OTHERS = (
    "Skolerne mangler tid til samarbejdet med familierne",
    "Handlingskortene bliver ikke fulgt op, når møderne er slut",
    "Ad hoc-arbejdsgrupperne lever kun, så længe ildsjælene orker",
    "Kerneopgaven drukner i dokumentationskrav fra forvaltningen",
    "Fritidsjobbene forsvinder, når projektmidlerne slipper op i 2015",
    "Boligselskabets driftsfolk ved ikke, hvem de skal ringe til",
    "Udsættelsessagerne opdages for sent, først når huslejerestancen er stor",
    "Vi mangler et fælles journalsystem på tværs af forvaltningerne",
    "Tolkebistand er svær at få til forældremøderne",
    "Idrætsforeningerne vil gerne, men har ingen trænere til de ældste drenge",
    "Styregruppen ser kun tallene, ikke historierne bag dem",
    "Sundhedsplejerskerne er ikke med i indsatsteamene",
    "Beboerdemokratiet i Høje Tøpholm er svækket efter valget",
    "Ungdomsklubben lukker for tidligt om aftenen",
    "Misbrugsbehandlingen har lange ventelister",
    "Nye medarbejdere får ingen introduktion til det tværfaglige arbejde",
    "Lektiecaféen når ikke de børn, der har mest brug for den",
    "SSP-samarbejdet kører parallelt med indsatsteamene i stedet for sammen",
    "Kommunikationen til beboerne sker kun på dansk",
    "Der mangler mødesteder for kvinder i Degnebakken",
    "Jobcentret er for langt væk fra boligområderne",
    "Vi måler aktiviteter, ikke effekter",
    "Politiets nærbetjent skifter for ofte",
    "Forældrene oplever, at kommunen kun kommer, når noget er galt",
    "Budgettet for 2014 er endnu ikke på plads",
    "Tavshedspligten bruges som grund til ikke at dele viden",
    "Ældre beboere føler sig utrygge om aftenen",
    "Beboerprojekterne i Maglehøj er afhængige af én medarbejder",
    "Skolebestyrelsen kender ikke den boligsociale helhedsplan",
    "Børnehaverne mangler sprogstøtte til tosprogede børn",
    "Møderne i indsatsteamene bliver til orienteringsmøder",
    "Der er ingen fælles kalender for aktiviteterne i området",
    "Erhvervspraktikpladser er svære at skaffe lokalt",
    "Vi ved ikke, hvilke familier der allerede har en sagsbehandler",
    "Frivillighedsstrategien er ikke forankret i foreningerne",
    "Medarbejderne i driften føler sig ikke som en del af indsatsen",
    "Ungegruppen ved Degnebakken mødes i opgangene om natten",
    "Psykiatrien deltager ikke i koordineringsmøderne",
    "Boligsocial medarbejder og socialrådgiver laver det samme arbejde to gange",
    "Vi har ikke en plan for, hvad der sker efter projektperioden",
    "Beboerne bliver inviteret for sent ind i processen",
    "Hjemmesiden om helhedsplanen er forældet",
    "Der er ingen, der har overblikket over alle indsatserne",
    "Evalueringen kommer først, når pengene er brugt",
    "De unge kender ikke vejen til uddannelsesvejledningen",
    "Familiekonsulenterne har for mange sager hver",
    "Lokaleudlejningen i fælleshuset er for dyr for foreningerne",
    "Tryghedsvandringerne har ikke ført til ændringer",
    "Vi holder for mange møder og handler for lidt",
    "Den tværfaglige sparring afhænger af personlige relationer",
    "Samarbejdsaftalen med skolerne er ikke underskrevet",
    "Indsatsen for de 18-25-årige ligger mellem to forvaltninger",
    "Kvarterets gode historier når aldrig lokalavisen",
    "Boligafdelingernes bestyrelser føler sig overhørt",
)

NOTES: tuple[str, ...] = FRIVILLIGE + MANDAT + RAADGIVNING + OTHERS
assert len(NOTES) == 61, len(NOTES)
assert len(set(NOTES)) == len(NOTES)
