"""Realistic records in bulk for benchmarks: what `manage.py generate_bench_data` writes.

Everything is drawn from one `random.Random(seed)` in a fixed order, so a seed always gives the
same cases, people, names, titles and dates; only the automatic timestamps differ. Records are
written with `bulk_create`, which skips save(): search keys are filled by `bulk_search_keys` first,
and no django-simple-history rows are written (nobody edited these records: they have no history).
Version and archive fields keep their defaults.

The relatives' side (relatives, kinships, organisations, participations) belongs to `campaigns`,
which `detentions` never imports; it is reached through the app registry, and left out when that
app is not installed.
"""

import calendar
import datetime
import itertools
import random
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.text import slugify

from detentions.dates import DatePrecision
from detentions.models import (
    AccessAttempt,
    AccessOutcome,
    CampaignAction,
    Case,
    CaseStatus,
    Charge,
    Citation,
    ConsularVisit,
    Detainee,
    DetaineeStatus,
    Event,
    EventKind,
    Facility,
    Institution,
    LegalProceeding,
    NameDisplay,
    Official,
    OfficialContact,
    ReportedFigure,
    Source,
    StatusChange,
)
from detentions.models.searchable import bulk_search_keys

# Nothing is dated after this day, whenever the command runs: the same seed gives the same dates.
LAST_DAY = datetime.date(2025, 12, 31)
FIRST_YEAR = 2005

# Rows per bulk_create statement, and events (with their details, citations and links) written
# per transaction.
BATCH = 2000
CHUNK = 10_000

# The first case's share of all events, at the least: the benchmark's "longest timeline".
LONGEST_SHARE = 0.025


def table(weights: dict) -> tuple[list, list[int]]:
    """Options and cumulative weights, computed once, for `Random.choices`."""
    return list(weights), list(itertools.accumulate(weights.values()))


# --- Places, names and bodies. ---


@dataclass(frozen=True)
class Place:
    town: str
    original: str  # how the town is written locally, where that is another script
    region: str


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    adjective: str
    name_styles: dict[str, int]
    places: tuple[Place, ...]
    detaining: int  # weight as the detaining country
    home: int = 0  # weight as the detainees' country
    home_regions: tuple[str, ...] = ()
    post_soviet: bool = False

    @property
    def capital(self) -> Place:
        return self.places[0]


COUNTRIES = [
    Country(
        "KZ",
        "Kazakhstan",
        "Kazakh",
        {"kazakh": 80, "russian": 20},
        (
            Place("Astana", "Астана", "Astana"),
            Place("Aktobe", "Ақтөбе", "Aktobe region"),
            Place("Almaty", "Алматы", "Almaty"),
            Place("Atyrau", "Атырау", "Atyrau region"),
            Place("Aktau", "Ақтау", "Mangistau region"),
            Place("Shymkent", "Шымкент", "Shymkent"),
        ),
        detaining=3,
        home=70,
        home_regions=(
            "Aktobe region",
            "Mangistau region",
            "Atyrau region",
            "West Kazakhstan region",
            "Kyzylorda region",
            "Turkestan region",
            "Almaty region",
            "Zhambyl region",
            "Karaganda region",
            "Pavlodar region",
            "East Kazakhstan region",
            "Kostanay region",
            "Almaty",
            "Shymkent",
            "Astana",
        ),
        post_soviet=True,
    ),
    Country(
        "UZ",
        "Uzbekistan",
        "Uzbek",
        {"uzbek": 90, "russian": 10},
        (
            Place("Tashkent", "Ташкент", "Tashkent"),
            Place("Nukus", "Нукус", "Karakalpakstan"),
            Place("Samarkand", "Самарканд", "Samarkand region"),
            Place("Bukhara", "Бухара", "Bukhara region"),
            Place("Urgench", "Ургенч", "Khorezm region"),
            Place("Termez", "Термез", "Surkhandarya region"),
            Place("Andijan", "Андижан", "Andijan region"),
        ),
        detaining=25,
        home=8,
        home_regions=(
            "Karakalpakstan",
            "Khorezm region",
            "Tashkent region",
            "Fergana region",
            "Samarkand region",
            "Kashkadarya region",
        ),
        post_soviet=True,
    ),
    Country(
        "RU",
        "Russia",
        "Russian",
        {"russian": 80, "kazakh": 20},
        (
            Place("Moscow", "Москва", "Moscow"),
            Place("Orenburg", "Оренбург", "Orenburg region"),
            Place("Astrakhan", "Астрахань", "Astrakhan region"),
            Place("Omsk", "Омск", "Omsk region"),
            Place("Novosibirsk", "Новосибирск", "Novosibirsk region"),
            Place("Chelyabinsk", "Челябинск", "Chelyabinsk region"),
            Place("Saratov", "Саратов", "Saratov region"),
            Place("Samara", "Самара", "Samara region"),
        ),
        detaining=20,
        home=6,
        home_regions=("Orenburg region", "Astrakhan region", "Omsk region", "Altai region"),
        post_soviet=True,
    ),
    Country(
        "CN",
        "China",
        "Chinese",
        {"chinese": 100},
        (
            Place("Urumqi", "乌鲁木齐", "Xinjiang"),
            Place("Ghulja", "伊宁", "Xinjiang"),
            Place("Khorgos", "霍尔果斯", "Xinjiang"),
            Place("Kashgar", "喀什", "Xinjiang"),
            Place("Tacheng", "塔城", "Xinjiang"),
        ),
        detaining=14,
    ),
    Country(
        "KG",
        "Kyrgyzstan",
        "Kyrgyz",
        {"kyrgyz": 85, "russian": 15},
        (
            Place("Bishkek", "Бишкек", "Chuy region"),
            Place("Osh", "Ош", "Osh region"),
            Place("Karakol", "Каракол", "Issyk-Kul region"),
            Place("Jalal-Abad", "Жалал-Абад", "Jalal-Abad region"),
        ),
        detaining=7,
        home=7,
        home_regions=("Chuy region", "Osh region", "Batken region", "Naryn region"),
        post_soviet=True,
    ),
    Country(
        "TM",
        "Turkmenistan",
        "Turkmen",
        {"turkmen": 100},
        (
            Place("Ashgabat", "Ашхабад", "Ahal region"),
            Place("Dashoguz", "Дашогуз", "Dashoguz region"),
            Place("Turkmenbashi", "Туркменбаши", "Balkan region"),
            Place("Turkmenabat", "Туркменабат", "Lebap region"),
        ),
        detaining=6,
        post_soviet=True,
    ),
    Country(
        "TJ",
        "Tajikistan",
        "Tajik",
        {"tajik": 95, "uzbek": 5},
        (
            Place("Dushanbe", "Душанбе", "Dushanbe"),
            Place("Khujand", "Худжанд", "Sughd region"),
            Place("Kulob", "Куляб", "Khatlon region"),
        ),
        detaining=4,
        home=5,
        home_regions=("Sughd region", "Khatlon region", "Dushanbe"),
        post_soviet=True,
    ),
    Country(
        "TR",
        "Turkey",
        "Turkish",
        {"turkish": 100},
        (
            Place("Ankara", "", "Ankara province"),
            Place("Istanbul", "", "Istanbul province"),
            Place("Antalya", "", "Antalya province"),
        ),
        detaining=6,
    ),
    Country(
        "AE",
        "the United Arab Emirates",
        "Emirati",
        {"arabic": 100},
        (
            Place("Abu Dhabi", "أبو ظبي", "Abu Dhabi"),
            Place("Dubai", "دبي", "Dubai"),
            Place("Sharjah", "الشارقة", "Sharjah"),
        ),
        detaining=5,
    ),
    Country(
        "AF",
        "Afghanistan",
        "Afghan",
        {"persian": 100},
        (
            Place("Kabul", "کابل", "Kabul province"),
            Place("Mazar-i-Sharif", "مزار شریف", "Balkh province"),
        ),
        detaining=2,
    ),
    Country(
        "IR",
        "Iran",
        "Iranian",
        {"persian": 100},
        (
            Place("Tehran", "تهران", "Tehran province"),
            Place("Mashhad", "مشهد", "Razavi Khorasan"),
            Place("Bandar Anzali", "بندر انزلی", "Gilan province"),
        ),
        detaining=3,
    ),
    Country(
        "AZ",
        "Azerbaijan",
        "Azerbaijani",
        {"azerbaijani": 100},
        (Place("Baku", "Bakı", "Absheron"), Place("Astara", "Astara", "Astara district")),
        detaining=2,
    ),
    Country(
        "GE",
        "Georgia",
        "Georgian",
        {"georgian": 100},
        (Place("Tbilisi", "თბილისი", "Tbilisi"), Place("Batumi", "ბათუმი", "Adjara")),
        detaining=2,
    ),
]
BY_CODE = {country.code: country for country in COUNTRIES}
DETAINING = table({c.code: c.detaining for c in COUNTRIES if c.detaining})
HOME = table({c.code: c.home for c in COUNTRIES if c.home})


@dataclass(frozen=True)
class NameStyle:
    """Names as pairs (Latin, Cyrillic). Surnames in the male form; `-a` makes the female one."""

    male: tuple[tuple[str, str], ...]
    female: tuple[tuple[str, str], ...]
    surnames: tuple[tuple[str, str], ...]
    patronymics: bool = True


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(pair.split("/")) for pair in text.split())


NAME_STYLES = {
    "kazakh": NameStyle(
        male=_pairs(
            "Nurlan/Нурлан Yerlan/Ерлан Baurzhan/Бауыржан Aibek/Айбек Daulet/Дәулет Serik/Серік "
            "Marat/Марат Askar/Асқар Dauren/Дәурен Zhanibek/Жәнібек Almas/Алмас Bolat/Болат "
            "Galym/Ғалым Kairat/Қайрат Timur/Тимур Ruslan/Руслан Arman/Арман Azamat/Азамат "
            "Berik/Берік Yerzhan/Ержан Kanat/Қанат Murat/Мұрат Nurzhan/Нұржан Talgat/Талғат "
            "Yerbol/Ербол Asylbek/Асылбек Zhandos/Жандос Beibit/Бейбіт Samat/Самат Adilet/Әділет"
        ),
        female=_pairs(
            "Aigul/Айгүл Gulnara/Гүлнара Zhanar/Жанар Dinara/Динара Saule/Сәуле Aizhan/Айжан "
            "Madina/Мадина Ainur/Айнұр Zhibek/Жібек Shynar/Шынар Aliya/Әлия Gaukhar/Гауһар"
        ),
        surnames=_pairs(
            "Abenov/Абенов Nurpeisov/Нұрпейісов Zhakupov/Жақыпов Kassymov/Қасымов Omarov/Омаров "
            "Ismailov/Исмаилов Sultanov/Сұлтанов Baimukhanov/Баймұханов Dzhaksybekov/Жақсыбеков "
            "Akhmetov/Ахметов Serikbayev/Серікбаев Abdrakhmanov/Абдрахманов Mukanov/Мұқанов "
            "Suleimenov/Сүлейменов Zhumabayev/Жұмабаев Kenzhebekov/Кенжебеков Utegenov/Өтегенов "
            "Tulegenov/Төлегенов Yesenov/Есенов Sarsenbayev/Сәрсенбаев Myrzakhmetov/Мырзахметов "
            "Dzhumagaliyev/Жұмағалиев Kuanyshev/Қуанышев Orazbayev/Оразбаев Tokhtarov/Тоқтаров "
            "Shaikenov/Шайкенов Yermekov/Ермеков Amanzholov/Аманжолов Baizhanov/Байжанов "
            "Keukenov/Кеукенов Zhayanov/Жаянов Kulegenov/Күлегенов Ibrayev/Ибраев"
        ),
    ),
    "russian": NameStyle(
        male=_pairs(
            "Sergei/Сергей Aleksandr/Александр Dmitry/Дмитрий Andrei/Андрей Nikolai/Николай "
            "Vladimir/Владимир Igor/Игорь Oleg/Олег Yevgeny/Евгений Mikhail/Михаил Viktor/Виктор "
            "Yuri/Юрий Pavel/Павел Anatoly/Анатолий Vitaly/Виталий Ivan/Иван Roman/Роман"
        ),
        female=_pairs(
            "Olga/Ольга Tatyana/Татьяна Natalya/Наталья Svetlana/Светлана Yelena/Елена "
            "Irina/Ирина Lyudmila/Людмила"
        ),
        surnames=_pairs(
            "Ivanov/Иванов Petrov/Петров Smirnov/Смирнов Kuznetsov/Кузнецов Popov/Попов "
            "Sokolov/Соколов Volkov/Волков Morozov/Морозов Novikov/Новиков Fyodorov/Фёдоров "
            "Shchukin/Щукин Zaitsev/Зайцев Pavlov/Павлов Semyonov/Семёнов Golubev/Голубев "
            "Vinogradov/Виноградов Belov/Белов Tarasov/Тарасов Zhukov/Жуков Gusev/Гусев "
            "Kiselyov/Киселёв Tkachenko/Ткаченко Shevchenko/Шевченко"
        ),
    ),
    "uzbek": NameStyle(
        male=_pairs(
            "Rustam/Рустам Bakhtiyor/Бахтиёр Dilshod/Дилшод Jasur/Жасур Sherzod/Шерзод "
            "Farrukh/Фаррух Otabek/Отабек Ulugbek/Улугбек Akmal/Акмал Sardor/Сардор Bobur/Бобур "
            "Javlon/Жавлон Shukhrat/Шухрат Alisher/Алишер Nodir/Нодир Jamshid/Жамшид "
            "Abdulaziz/Абдулазиз Ravshan/Равшан"
        ),
        female=_pairs(
            "Dilnoza/Дилноза Nilufar/Нилуфар Gulnoza/Гулноза Malika/Малика Feruza/Феруза "
            "Mukhlisa/Мухлиса"
        ),
        surnames=_pairs(
            "Karimov/Каримов Yusupov/Юсупов Rakhimov/Рахимов Tursunov/Турсунов "
            "Abdullayev/Абдуллаев Khodjayev/Ходжаев Mirzayev/Мирзаев Nazarov/Назаров "
            "Usmonov/Усмонов Ergashev/Эргашев Saidov/Саидов Khamidov/Хамидов Yuldashev/Юлдашев "
            "Sharipov/Шарипов Alimov/Алимов Kadyrov/Кадыров Ismoilov/Исмоилов Umarov/Умаров "
            "Matyakubov/Матякубов Kurbanov/Курбанов"
        ),
    ),
    "kyrgyz": NameStyle(
        male=_pairs(
            "Almazbek/Алмазбек Bakyt/Бакыт Nurbek/Нурбек Kubanychbek/Кубанычбек Tilek/Тилек "
            "Ermek/Эрмек Chingiz/Чингиз Aidar/Айдар Azamat/Азамат Emil/Эмиль Temirlan/Темирлан"
        ),
        female=_pairs("Aizada/Айзада Cholpon/Чолпон Aigerim/Айгерим Begimai/Бегимай Nurzat/Нурзат"),
        surnames=_pairs(
            "Asanov/Асанов Mamytov/Мамытов Toktogulov/Токтогулов Osmonaliyev/Осмоналиев "
            "Sadyrov/Садыров Beishenaliyev/Бейшеналиев Dzhumabekov/Джумабеков "
            "Abdyldayev/Абдылдаев Kasymaliyev/Касымалиев Sooronbayev/Сооронбаев"
        ),
    ),
    "tajik": NameStyle(
        male=_pairs(
            "Firdavs/Фирдавс Jamshed/Джамшед Sukhrob/Сухроб Farkhod/Фарход Rustam/Рустам "
            "Bakhrom/Бахром Davron/Даврон Mirzo/Мирзо Saidali/Саидали"
        ),
        female=_pairs("Mehrangez/Мехрангез Zarina/Зарина Tahmina/Тахмина Gulchehra/Гулчехра"),
        surnames=_pairs(
            "Rakhmonov/Рахмонов Nazarov/Назаров Sharipov/Шарипов Davlatov/Давлатов "
            "Safarov/Сафаров Kurbonov/Курбонов Sattorov/Сатторов Odinayev/Одинаев "
            "Khudoiberdiyev/Худойбердиев"
        ),
        patronymics=False,
    ),
}


def gendered(surname: tuple[str, str], *, female: bool) -> tuple[str, str]:
    """Abenov, Abenova; Shevchenko stays Shevchenko."""
    if female and surname[0][-1] in "vn":
        return surname[0] + "a", surname[1] + "а"
    return surname


# Who campaigns for a detainee, and whether the name is a woman's.
KIN = [
    ("wife", True),
    ("mother", True),
    ("sister", True),
    ("daughter", True),
    ("brother", False),
    ("father", False),
    ("son", False),
]
RELATIVE_DISPLAYS = table({"full": 35, "given_name": 20, "initials": 10, "withheld": 35})

# Officials of countries whose people are not among the detainees: whole names, local script.
OFFICIAL_NAMES = {
    "chinese": [
        ("Wang Wei", "王伟"),
        ("Li Qiang", "李强"),
        ("Zhang Min", "张敏"),
        ("Liu Yang", "刘洋"),
        ("Chen Jie", "陈杰"),
        ("Yang Fan", "杨帆"),
        ("Zhao Lei", "赵磊"),
        ("Huang Tao", "黄涛"),
    ],
    "turkmen": [
        ("Berdimyrat Annayev", "Бердымырат Аннаев"),
        ("Serdar Orazov", "Сердар Оразов"),
        ("Dovlet Charyyev", "Довлет Чарыев"),
        ("Merdan Gurbanov", "Мердан Гурбанов"),
        ("Batyr Atayev", "Батыр Атаев"),
        ("Rustam Muhammedov", "Рустам Мухаммедов"),
    ],
    "turkish": [
        ("Mehmet Yılmaz", ""),
        ("Ahmet Kaya", ""),
        ("Mustafa Demir", ""),
        ("Ali Şahin", ""),
        ("Emre Çelik", ""),
        ("Ayşe Arslan", ""),
    ],
    "arabic": [
        ("Ahmed Al Mansoori", "أحمد المنصوري"),
        ("Khalid Al Nuaimi", "خالد النعيمي"),
        ("Saeed Al Shamsi", "سعيد الشامسي"),
        ("Omar Al Hashimi", "عمر الهاشمي"),
        ("Fatima Al Mazrouei", "فاطمة المزروعي"),
    ],
    "persian": [
        ("Mohammad Rezaei", "محمد رضایی"),
        ("Ali Hosseini", "علی حسینی"),
        ("Hamid Ahmadi", "حمید احمدی"),
        ("Abdul Rahimi", "عبدالرحیمی"),
        ("Mahmoud Karimi", "محمود کریمی"),
    ],
    "azerbaijani": [
        ("Elchin Mammadov", "Elçin Məmmədov"),
        ("Rashad Aliyev", "Rəşad Əliyev"),
        ("Vugar Huseynov", "Vüqar Hüseynov"),
        ("Leyla Hasanova", "Leyla Həsənova"),
    ],
    "georgian": [
        ("Giorgi Beridze", "გიორგი ბერიძე"),
        ("Davit Kapanadze", "დავით კაპანაძე"),
        ("Nino Gelashvili", "ნინო გელაშვილი"),
        ("Levan Maisuradze", "ლევან მაისურაძე"),
    ],
}

# Other ways a Latin name reaches us: another romanisation, a French-style spelling, a typo.
SPELLING_VARIANTS = [
    ("Zh", "J"),
    ("zh", "j"),
    ("Dzh", "J"),
    ("dzh", "j"),
    ("kh", "h"),
    ("Kh", "H"),
    ("yev", "ev"),
    ("ayev", "aev"),
    ("Ye", "E"),
    ("ss", "s"),
    ("u", "ou"),
    ("y", "i"),
    ("sh", "ch"),
    ("ov", "off"),
]

Kind = Institution.Kind

# (kind, name, short name) of each country's national bodies; {c} is the country, {a} its adjective.
NATIONAL_BODIES = [
    ("president", Kind.HEAD_OF_STATE, "Office of the President of {c}", "Presidential office"),
    ("mfa", Kind.MINISTRY, "Ministry of Foreign Affairs of {c}", "{a} Foreign Ministry"),
    ("interior", Kind.POLICE, "Ministry of Internal Affairs of {c}", "{a} Interior Ministry"),
    ("prosecutor", Kind.PROSECUTOR, "Prosecutor General's Office of {c}", "{a} prosecutors"),
    ("security", Kind.SECURITY_SERVICE, "State Security Service of {c}", ""),
    ("border", Kind.BORDER_SERVICE, "Border Service of {c}", "{a} border guards"),
    ("migration", Kind.MIGRATION, "Migration Service of {c}", ""),
    ("supreme_court", Kind.COURT, "Supreme Court of {c}", ""),
    ("parliament", Kind.PARLIAMENT, "Parliament of {c}", ""),
    ("ombudsman", Kind.OTHER, "Human Rights Commissioner of {c}", "{a} ombudsman"),
]

NGOS = [
    ("Bureau for Citizens Abroad", "BCA", "KZ"),
    ("Families of the Detained", "", "KZ"),
    ("Aktobe Legal Aid Centre", "", "KZ"),
    ("Caspian Rights Monitor", "", "KZ"),
    ("Open Border Initiative", "", "KZ"),
    ("Steppe Lawyers' Association", "", "KZ"),
    ("Voice of Relatives", "", "KZ"),
    ("Centre for Migrants' Rights", "", "KG"),
    ("Tashkent Legal Clinic", "", "UZ"),
    ("Dushanbe Human Rights Circle", "", "TJ"),
    ("Committee for Prisoners' Families", "", "RU"),
    ("Central Asia Detention Watch", "CADW", ""),
]

INTERNATIONAL_BODIES = [
    ("UN Working Group on Arbitrary Detention", "WGAD"),
    ("OSCE Office for Democratic Institutions and Human Rights", "ODIHR"),
    ("International Committee of the Red Cross", "ICRC"),
    ("UN Special Rapporteur on Torture", ""),
]

MEDIA_NAMES = [
    "{town} Herald",
    "{town} Today",
    "{a} News Agency",
    "{a} Daily",
    "Radio {town}",
]
INTERNATIONAL_MEDIA = [
    "Central Asia Report",
    "Eurasia Wire",
    "Caspian Times",
    "Steppe Post",
    "Silk Road Review",
    "Border Lines",
]

OFFICIAL_ROLES = {
    Kind.EMBASSY: ["Ambassador", "Consul", "Consul", "Vice-consul", "Consul general"],
    Kind.MINISTRY: ["Minister", "Deputy minister", "Spokesperson", "Head of consular affairs"],
    Kind.PROSECUTOR: ["Prosecutor", "Deputy prosecutor", "Senior investigator"],
    Kind.COURT: ["Judge", "Presiding judge", "Chairman of the court"],
    Kind.REGIONAL_GOVERNMENT: ["Governor (akim)", "Deputy governor"],
    Kind.PARLIAMENT: ["Member of parliament", "Member of parliament", "Speaker"],
    Kind.SECURITY_SERVICE: ["Head of the regional department", "Spokesperson"],
    Kind.POLICE: ["Head of police", "Investigator"],
    Kind.HEAD_OF_STATE: ["Head of the presidential administration", "Adviser"],
    Kind.OTHER: ["Commissioner", "Deputy commissioner"],
    Kind.BORDER_SERVICE: ["Commander", "Spokesperson"],
    Kind.MIGRATION: ["Head of the service", "Inspector"],
}

# --- What happened: the kinds of detention a case describes. ---


@dataclass(frozen=True)
class Scenario:
    titles: tuple[str, ...]  # {n} people, {home} their country, {town}, {country}, {adj}
    single_titles: tuple[str, ...]
    summary: str
    by: str  # who detained them, after the detaining country's adjective
    charges: tuple[str, ...]
    occupations: tuple[str, ...]
    countries: tuple[str, ...] = ()  # where it happens; any country when empty


SCENARIOS = {
    Scenario(
        titles=(
            "{n} {home} citizens held in {town}, {country}",
            "{n} men from {home} detained after crossing into {country}",
        ),
        single_titles=("{home_adj} driver held after crossing into {country}",),
        summary="In {when} {group} travelling near the border lost their way and crossed into "
        "{region}, {country}. {adj} border guards stopped them; relatives learned of it days "
        "later. The families have since asked for consular access and for news of where "
        "{they} {are} held.",
        by="border guards",
        charges=("Illegal crossing of the state border", "Evading customs", "Smuggling"),
        occupations=("driver", "seasonal worker", "builder", "herder", "mechanic"),
    ): 30,
    Scenario(
        titles=("{n} {home_adj} labour migrants detained in {town}",),
        single_titles=("{home_adj} labour migrant held in {town}",),
        summary="Police raided a building site in {town}, {country}, in {when} and detained "
        "{group} who had gone there to work. They are accused of breaking migration rules; "
        "the families say their papers were in order.",
        by="police",
        charges=("Breach of migration rules", "Illegal employment", "Forged documents"),
        occupations=("builder", "labourer", "welder", "cook", "market trader", "cleaner"),
        countries=("RU", "TR", "AE", "KZ", "KG"),
    ): 20,
    Scenario(
        titles=("{home_adj} lorry drivers held at the border of {country}",),
        single_titles=("{home_adj} lorry driver held at the border of {country}",),
        summary="{group_cap} driving freight through {region} were stopped at a checkpoint "
        "in {when}. Their lorries were impounded and they were taken to {town}. Customs "
        "officers say the loads were not declared.",
        by="customs officers",
        charges=("Smuggling", "Evading customs", "False declaration of goods"),
        occupations=("lorry driver", "freight forwarder"),
    ): 10,
    Scenario(
        titles=("{n} {home} citizens accused of extremism in {country}",),
        single_titles=("{home_adj} citizen accused of extremism in {country}",),
        summary="In {when} the security service detained {group} in {town} and accused them "
        "of membership of a banned religious group. Relatives say the only evidence is "
        "books found in their rooms.",
        by="security service officers",
        charges=(
            "Membership of a banned organisation",
            "Possession of prohibited religious literature",
            "Extremism",
        ),
        occupations=("student", "imam", "shop assistant", "teacher", "taxi driver"),
    ): 10,
    Scenario(
        titles=("{n} fishermen from {home} held in {country}",),
        single_titles=("Fisherman from {home} held in {country}",),
        summary="{group_cap} fishing in the Caspian Sea were detained by the {adj} coast "
        "guard in {when} and taken to {town}. They are accused of crossing the maritime "
        "border; their boats were seized.",
        by="coast guards",
        charges=("Illegal fishing", "Violation of the maritime border"),
        occupations=("fisherman", "boat mechanic"),
        countries=("RU", "IR", "AZ", "TM"),
    ): 6,
    Scenario(
        titles=("{home_adj} business partners held in {town} over a contract",),
        single_titles=("{home_adj} businessman held in {town} over a contract dispute",),
        summary="{group_cap} went to {town} in {when} to settle a dispute with a local "
        "partner and were arrested on fraud charges. Their families believe the case is a "
        "way to take over the business.",
        by="police",
        charges=("Fraud", "Tax evasion", "Bribery"),
        occupations=("businessman", "accountant", "trader"),
    ): 8,
    Scenario(
        titles=("{home_adj} journalists detained while reporting in {country}",),
        single_titles=("{home_adj} journalist detained in {town}",),
        summary="{group_cap} travelled to {town} in {when} to report on the region and were "
        "detained by the {adj} security service. They are accused of espionage.",
        by="security service officers",
        charges=("Espionage", "Spreading false information"),
        occupations=("journalist", "camera operator", "blogger"),
    ): 5,
    Scenario(
        titles=("{n} students from {home} detained in {town}",),
        single_titles=("Student from {home} detained in {town}",),
        summary="{group_cap} studying in {town} were detained in {when} after a raid on "
        "their hostel. Their families were told of charges only weeks later.",
        by="police",
        charges=("Hooliganism", "Drug possession", "Breach of residence rules"),
        occupations=("student",),
        countries=("CN", "RU", "TR", "UZ", "KG"),
    ): 6,
    Scenario(
        titles=("{n} {home} citizens held in {town} on an extradition request",),
        single_titles=("{home_adj} citizen held in {town} on an extradition request",),
        summary="{group_cap} were detained in {town} in {when} at the request of another "
        "state, which wants them extradited. Lawyers say they would face torture if sent "
        "back.",
        by="police",
        charges=("Subject of an extradition request",),
        occupations=("businessman", "engineer", "activist", "blogger"),
        countries=("RU", "TR", "AE", "KG", "UZ"),
    ): 5,
}

GENERAL_OCCUPATIONS = ("unemployed", "farmer", "electrician", "driver", "teacher", "nurse", "")

# --- Timeline vocabulary. ---

PROGRESSION = [CaseStatus.DETAINED, CaseStatus.CHARGED, CaseStatus.ON_TRIAL, CaseStatus.VERDICT]
ENDINGS = table({CaseStatus.RELEASED: 45, CaseStatus.DEPORTED: 35, CaseStatus.RETURNED_HOME: 20})
ENDED_PEOPLE = {
    CaseStatus.RELEASED: DetaineeStatus.RELEASED,
    CaseStatus.DEPORTED: DetaineeStatus.DEPORTED,
    CaseStatus.RETURNED_HOME: DetaineeStatus.RETURNED_HOME,
}

MIDDLE_KINDS = table(
    {
        EventKind.OFFICIAL_CONTACT: 26,
        EventKind.ACCESS_ATTEMPT: 14,
        EventKind.NOTE: 14,
        EventKind.CAMPAIGN_ACTION: 12,
        EventKind.LEGAL_PROCEEDING: 12,
        EventKind.CONSULAR_VISIT: 9,
        EventKind.REPORTED_FIGURE: 7,
        EventKind.STATUS_CHANGE: 6,
    }
)
EVENT_PRECISIONS = table(
    {
        DatePrecision.DAY: 55,
        DatePrecision.APPROXIMATE: 4,
        DatePrecision.EARLY_MONTH: 5,
        DatePrecision.MID_MONTH: 5,
        DatePrecision.LATE_MONTH: 6,
        DatePrecision.MONTH: 10,
        DatePrecision.YEAR: 3,
        DatePrecision.SPAN: 9,
        DatePrecision.UNKNOWN: 3,
    }
)
CASE_PRECISIONS = table(
    {
        DatePrecision.DAY: 55,
        DatePrecision.APPROXIMATE: 5,
        DatePrecision.EARLY_MONTH: 5,
        DatePrecision.MID_MONTH: 5,
        DatePrecision.LATE_MONTH: 5,
        DatePrecision.MONTH: 15,
        DatePrecision.YEAR: 8,
        DatePrecision.UNKNOWN: 2,
    }
)
PART_FIRST_DAY = {
    DatePrecision.EARLY_MONTH: 1,
    DatePrecision.MID_MONTH: 11,
    DatePrecision.LATE_MONTH: 21,
    DatePrecision.MONTH: 1,
}
NAME_DISPLAYS = table({NameDisplay.FULL: 60, NameDisplay.INITIALS: 15, NameDisplay.WITHHELD: 25})
CITATION_COUNTS = table({0: 10, 1: 60, 2: 25, 3: 5})
CONFIDENCES = table(
    {Citation.Confidence.HIGH: 30, Citation.Confidence.MEDIUM: 55, Citation.Confidence.LOW: 15}
)
SOURCE_KINDS = table(
    {
        Source.Kind.MEDIA: 45,
        Source.Kind.NGO: 15,
        Source.Kind.OFFICIAL: 15,
        Source.Kind.COURT: 10,
        Source.Kind.TESTIMONY: 10,
        Source.Kind.OTHER: 5,
    }
)
CHANNELS = table(
    {
        OfficialContact.Channel.LETTER: 40,
        OfficialContact.Channel.EMAIL: 15,
        OfficialContact.Channel.CALL: 15,
        OfficialContact.Channel.MEETING: 15,
        OfficialContact.Channel.PETITION: 8,
        OfficialContact.Channel.IN_PERSON: 7,
    }
)
CONTACT_OUTCOMES = table(
    {
        OfficialContact.Outcome.NO_RESPONSE: 25,
        OfficialContact.Outcome.AWAITING: 10,
        OfficialContact.Outcome.ACKNOWLEDGED: 18,
        OfficialContact.Outcome.ANSWERED: 15,
        OfficialContact.Outcome.REFUSED: 10,
        OfficialContact.Outcome.REFERRED: 8,
        OfficialContact.Outcome.MET: 8,
        OfficialContact.Outcome.PROMISED_ACTION: 6,
    }
)
# What the sender did, as (they do, she does).
CONTACT_VERBS = {
    OfficialContact.Channel.LETTER: ("write to", "writes to"),
    OfficialContact.Channel.EMAIL: ("e-mail", "e-mails"),
    OfficialContact.Channel.CALL: ("call", "calls"),
    OfficialContact.Channel.MEETING: ("meet", "meets"),
    OfficialContact.Channel.PETITION: ("petition", "petitions"),
    OfficialContact.Channel.IN_PERSON: ("go to", "goes to"),
}
CONTACT_ENDINGS = {
    OfficialContact.Outcome.NO_RESPONSE: ": no response",
    OfficialContact.Outcome.AWAITING: "",
    OfficialContact.Outcome.ACKNOWLEDGED: ": letter acknowledged",
    OfficialContact.Outcome.ANSWERED: ": answer received",
    OfficialContact.Outcome.REFUSED: ": request refused",
    OfficialContact.Outcome.REFERRED: ": referred elsewhere",
    OfficialContact.Outcome.MET: "",
    OfficialContact.Outcome.PROMISED_ACTION: ": action promised",
}
# Who wrote or went, and whether that is one person.
CONTACT_WHO = [
    ("Relatives", False),
    ("The families", False),
    ("Campaigners", False),
    ("The families' lawyer", True),
    ("A detainee's wife", True),
]
REQUESTS = [
    "Where the men are held and on what charges.",
    "Consular access to the detainees.",
    "Help in getting the detainees released.",
    "Permission for the families to visit.",
    "A copy of the charges and the case file.",
    "Transfer of the detainees to serve their sentence at home.",
    "Medical care for a detainee who is ill.",
    "An explanation of why letters are not passed on.",
]
ANSWERS = [
    "The matter is under the jurisdiction of another state.",
    "The embassy has been instructed to follow the case.",
    "The request has been forwarded to the competent authority.",
    "The detainees are in good health and have legal representation.",
    "No information can be given while the investigation continues.",
    "A note verbale has been sent asking for consular access.",
]
LEGAL_BASES = [
    "Constitution, article 11 (protection of citizens abroad)",
    "Vienna Convention on Consular Relations, article 36",
    "Law on appeals of individuals and legal entities",
    "Convention against Torture, article 2",
]
ACCESS_OUTCOMES = table(
    {
        AccessOutcome.REFUSED: 40,
        AccessOutcome.GRANTED: 30,
        AccessOutcome.PARTIAL: 12,
        AccessOutcome.NO_RESPONSE: 18,
    }
)
VISIT_OUTCOMES = table(
    {AccessOutcome.GRANTED: 55, AccessOutcome.PARTIAL: 15, AccessOutcome.REFUSED: 30}
)
ATTEMPTERS = table(
    {
        AccessAttempt.AttemptedBy.RELATIVE: 45,
        AccessAttempt.AttemptedBy.LAWYER: 30,
        AccessAttempt.AttemptedBy.CONSUL: 10,
        AccessAttempt.AttemptedBy.NGO: 10,
        AccessAttempt.AttemptedBy.OTHER: 5,
    }
)
ATTEMPTER_WORDS = {
    AccessAttempt.AttemptedBy.RELATIVE: "Relatives",
    AccessAttempt.AttemptedBy.LAWYER: "The lawyer",
    AccessAttempt.AttemptedBy.CONSUL: "The consul",
    AccessAttempt.AttemptedBy.NGO: "Monitors",
    AccessAttempt.AttemptedBy.OTHER: "A former cellmate's family",
}
ACCESS_TYPE_WORDS = {
    AccessAttempt.AccessType.VISIT: "visit",
    AccessAttempt.AccessType.PARCEL: "parcel",
    AccessAttempt.AccessType.LEGAL: "legal visit",
    AccessAttempt.AccessType.CALL: "phone call",
    AccessAttempt.AccessType.LETTER: "letter",
}
ACCESS_OUTCOME_WORDS = {
    AccessOutcome.GRANTED: "allowed",
    AccessOutcome.PARTIAL: "partly allowed",
    AccessOutcome.REFUSED: "refused",
    AccessOutcome.NO_RESPONSE: "unanswered",
}
REFUSALS = [
    "The investigation is not finished.",
    "Only a local lawyer may see the detainees.",
    "Visits are suspended for quarantine.",
    "The detainee does not want to see anyone, staff said.",
    "No reason was given.",
    "The paperwork was not in order.",
]
ACTIONS = table(
    {
        CampaignAction.ActionType.APPEAL: 25,
        CampaignAction.ActionType.MEDIA_COVERAGE: 25,
        CampaignAction.ActionType.DEMONSTRATION: 15,
        CampaignAction.ActionType.PETITION: 15,
        CampaignAction.ActionType.PRESS_CONFERENCE: 10,
        CampaignAction.ActionType.OTHER: 10,
    }
)
MEASURES = table(
    {
        ReportedFigure.Measure.DETAINED: 35,
        ReportedFigure.Measure.LOCATED: 20,
        ReportedFigure.Measure.WHEREABOUTS_UNKNOWN: 15,
        ReportedFigure.Measure.RELEASED: 15,
        ReportedFigure.Measure.ESCAPED: 8,
        ReportedFigure.Measure.OTHER: 7,
    }
)
FIGURE_TITLES = {
    ReportedFigure.Measure.DETAINED: "{who}: {value} detained",
    ReportedFigure.Measure.LOCATED: "{who}: whereabouts confirmed for {value}",
    ReportedFigure.Measure.WHEREABOUTS_UNKNOWN: "{who}: whereabouts unknown for {value}",
    ReportedFigure.Measure.RELEASED: "{who}: {value} released",
    ReportedFigure.Measure.ESCAPED: "{who}: {value} got away before the arrests",
    ReportedFigure.Measure.OTHER: "{who}: {value} on hunger strike",
}
FIGURE_WHO = ["Relatives", "Lawyer", "Embassy", "Prosecutors", "Local media", "Monitors"]
PUBLIC_NOTES = [
    "Relatives say the detainees' health is getting worse",
    "Detainees moved to another facility, families told",
    "Families receive the first letters from the detainees",
    "Anniversary of the detention",
    "Detainees' belongings returned to the families",
    "A detainee's child born while he is held",
    "Detainees said to be on hunger strike",
]
INTERNAL_NOTES = [
    "Staff note: check the court's website for the next hearing",
    "Staff note: ask the family again about naming him publicly",
    "Unconfirmed: talk of a transfer to a colony",
    "Staff note: the lawyer's fees are overdue",
    "Unconfirmed: a detainee may have been beaten",
]
SENTENCES = ["three years", "five years", "seven years", "eight years", "ten years", "a fine"]

Draw = tuple[list, list[int]]


NUMBERS = [
    *("zero", "one", "two", "three", "four", "five", "six"),
    *("seven", "eight", "nine", "ten", "eleven", "twelve"),
]


def number(count: int) -> str:
    """Small numbers in words, as a report writes them."""
    return NUMBERS[count] if count < len(NUMBERS) else str(count)


def when_words(precision: str, day: datetime.date | None) -> str:
    """A date in a summary, no more precise than it is known."""
    if day is None:
        return "a month not yet known"
    month = f"{calendar.month_name[day.month]} {day.year}"
    return {
        DatePrecision.YEAR: str(day.year),
        DatePrecision.EARLY_MONTH: f"early {month}",
        DatePrecision.MID_MONTH: f"mid-{month}",
        DatePrecision.LATE_MONTH: f"late {month}",
    }.get(precision, month)


# --- The plan: how many people and events each case gets. ---


@dataclass(frozen=True)
class Plan:
    people: list[int]  # per case, in creation order
    events: list[int]

    @property
    def cases(self) -> int:
        return len(self.people)


def spread(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """`total` shared out in proportion to `weights`, at least `minimum` each where it goes round;
    what rounding leaves goes to the largest remainders."""
    floor = minimum if total >= minimum * len(weights) else 0
    rest = total - floor * len(weights)
    scale = rest / sum(weights)
    exact = [weight * scale for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return [floor + count for count in counts]


def make_plan(rng: random.Random, *, cases: int, people: int, events: int) -> Plan:
    # Most cases are one or a few people; a few are mass detentions.
    people_weights = [min(rng.paretovariate(1.2), 150.0) - 0.999 for _ in range(cases)]
    # Most timelines are a few hundred events; one case in a hundred runs to thousands.
    others = [
        rng.uniform(10, 20) if rng.random() < 0.01 else min(rng.lognormvariate(0, 0.9), 8.0)
        for _ in range(cases - 1)
    ]
    total_others = sum(others) or 1.0
    first = max(total_others * LONGEST_SHARE / (1 - LONGEST_SHARE), 1.3 * max(others, default=1.0))
    event_counts = spread(events, [first, *others], minimum=3)
    # Rounding must not let another case catch up with the first: it stays strictly the longest.
    longest = max(range(cases), key=lambda i: (event_counts[i], i))
    event_counts[0], event_counts[longest] = event_counts[longest], event_counts[0]
    for i in range(1, cases):
        if event_counts[i] == event_counts[0] and event_counts[i] > 0:
            event_counts[i] -= 1
            event_counts[0] += 1
    return Plan(people=spread(people, people_weights, minimum=1), events=event_counts)


# --- The records. ---


@dataclass
class CaseFacts:
    """What the timeline of one case draws on, kept as ids and small values."""

    index: int
    pk: int
    home: Country
    detaining: Country
    place: Place
    scenario: Scenario
    group: str  # "the men", "the detainee"
    start: int  # first day (ordinal) its events may fall on
    stop: int
    reached: int  # index in PROGRESSION of the furthest stage reached
    ending: str | None  # the status it ended in, if it did
    ended: int | None  # ordinal of that day
    people: int
    began: tuple[str, datetime.date | None, None]  # the case's own fuzzy date
    facilities: list[int] = field(default_factory=list)
    detainees: list[int] = field(default_factory=list)
    named: list[tuple[int, tuple[str, str], str]] = field(default_factory=list)
    charges: list[int] = field(default_factory=list)
    courts: list[int] = field(default_factory=list)
    deciders: list[int] = field(default_factory=list)
    addressees: list[int] = field(default_factory=list)
    embassy: int = 0
    consuls: list[int] = field(default_factory=list)
    outlets: list[int] = field(default_factory=list)
    source_days: list[int] = field(default_factory=list)  # the sources' days, in order
    sources: list[int] = field(default_factory=list)
    relatives: list[int] = field(default_factory=list)


class BenchData:
    """Writes one benchmark dataset. `log(message, level)`: level 1 per table, 2 per batch."""

    def __init__(self, *, rng: random.Random, log: Callable[[str, int], None]) -> None:
        # The generator that drew the plan: one sequence of draws from the seed to the last row.
        self.rng = rng
        self.log = log
        self.counts: Counter[str] = Counter()
        self.slugs: set[str] = set()
        self.names: dict[int, str] = {}  # institution pk -> name
        self.officials: dict[int, list[int]] = defaultdict(list)  # institution pk -> officials
        self.official_names: dict[int, str] = {}
        self.campaigns = apps.is_installed("campaigns")
        self.organisations: list[int] = []

    # Drawing.

    def pick(self, draw: Draw):
        options, cumulative = draw
        return self.rng.choices(options, cum_weights=cumulative)[0]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def slug(self, text: str, limit: int = 90) -> str:
        base = slugify(text)[:limit].strip("-") or "record"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug

    def person(self, style_name: str, *, female: bool = False) -> tuple[str, str, tuple[str, str]]:
        """A name in Latin letters, the same in Cyrillic, and the family's surname (male form)."""
        style = NAME_STYLES[style_name]
        rng = self.rng
        given = rng.choice(style.female if female else style.male)
        family = rng.choice(style.surnames)
        surname = gendered(family, female=female)
        latin = f"{given[0]} {surname[0]}"
        original = f"{given[1]} {surname[1]}"
        if style.patronymics and rng.random() < 0.4:
            father = rng.choice(style.male)[1]
            if father[-1] not in "йьяаи":
                ending = "овна" if female else "ович"
                if father[-1] in "жшчщц":
                    ending = "евна" if female else "евич"
                # The official order in Cyrillic documents: surname, given name, patronymic.
                original = f"{surname[1]} {given[1]} {father}{ending}"
        return latin, original, family

    def variants(self, latin: str) -> str:
        """Other spellings of a Latin name, one a line: another romanisation, word order."""
        found = []
        for old, new in self.rng.sample(SPELLING_VARIANTS, 4):
            if old in latin:
                found.append(latin.replace(old, new))
                break
        if self.rng.random() < 0.3:
            found.append(" ".join(reversed(latin.split())))
        return "\n".join(found)

    def official_name(self, country: Country) -> tuple[str, str]:
        style = max(country.name_styles, key=country.name_styles.get)
        if style in NAME_STYLES:
            latin, original, _surname = self.person(style, female=self.chance(0.15))
            return latin, original
        return self.rng.choice(OFFICIAL_NAMES[style])

    def day(self, start: int, stop: int) -> int:
        return self.rng.randint(start, max(start, stop))

    def fuzzy(
        self, ordinal: int, draw: Draw = EVENT_PRECISIONS
    ) -> tuple[str, datetime.date | None, datetime.date | None]:
        """(precision, first day, last day for spans) for a fact that happened on `ordinal`."""
        precision = self.pick(draw)
        if precision == DatePrecision.UNKNOWN:
            return precision, None, None
        day = datetime.date.fromordinal(ordinal)
        if precision in PART_FIRST_DAY:
            return precision, day.replace(day=PART_FIRST_DAY[precision]), None
        if precision == DatePrecision.YEAR:
            return precision, day.replace(month=1, day=1), None
        if precision == DatePrecision.SPAN:
            end = min(ordinal + self.rng.randint(1, 30), LAST_DAY.toordinal())
            if end > ordinal:
                return precision, day, datetime.date.fromordinal(end)
            return DatePrecision.DAY, day, None
        return precision, day, None

    def write(self, model: type[models.Model], rows: list) -> list:
        """bulk_create in batches, one transaction per table; one line per table."""
        started = time.monotonic()
        with transaction.atomic():
            for start in range(0, len(rows), BATCH):
                model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
        self.counted(model._meta.label, len(rows), started)
        return rows

    def counted(self, label: str, count: int, started: float) -> None:
        self.counts[label] += count
        self.log(f"{label}: {count:,} rows ({time.monotonic() - started:.1f} s)", 1)

    # The whole dataset.

    def generate(self, plan: Plan) -> Counter:
        self.registry()
        facts = self.cases(plan)
        self.people(facts)
        if self.campaigns:
            self.families(facts)
        self.sources(facts, plan)
        self.timelines(facts, plan)
        self.analyze()
        return self.counts

    def analyze(self) -> None:
        """Fresh planner statistics. Autovacuum would gather them some minutes later; until then
        PostgreSQL plans for near-empty tables, and a benchmark run straight after loading would
        measure plans that no real database gets (minutes instead of milliseconds).

        On PostgreSQL, outside a transaction (VACUUM cannot run in one, as in the tests), VACUUM
        too: it marks the new rows visible to all, as autovacuum would, so that counting a long
        timeline reads an index alone rather than every row it names."""
        started = time.monotonic()
        tables = sorted({apps.get_model(label)._meta.db_table for label in self.counts})
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
        with connection.cursor() as cursor:
            for name in tables:
                cursor.execute(f"{command} {connection.ops.quote_name(name)}")
        self.log(f"{command}: {len(tables)} tables ({time.monotonic() - started:.1f} s)", 1)

    # The shared registry: bodies, officials, facilities, media.

    def registry(self) -> None:
        rng = self.rng
        self.bodies: dict[tuple[str, str], Institution] = {}
        parents, children = [], []

        def body(key, parent=None, **values) -> Institution:
            values.setdefault("short_name", "")
            record = Institution(slug=self.slug(values["name"]), **values)
            # Parents are written first, so that children can point at their keys.
            if parent is None:
                parents.append(record)
            else:
                children.append((record, parent))
            self.bodies[key] = record
            return record

        for country in COUNTRIES:
            fill = {"c": country.name, "a": country.adjective}
            for key, kind, name, short in NATIONAL_BODIES:
                body(
                    (country.code, key),
                    name=name.format(**fill),
                    short_name=short.format(**fill),
                    kind=kind,
                    country=country.code,
                    website=f"https://{slugify(country.name)}-{key.replace('_', '-')}.example.org/",
                )
            for place in country.places:
                prosecutor = self.bodies[(country.code, "prosecutor")]
                body(
                    (country.code, f"prosecutor:{place.town}"),
                    prosecutor,
                    name=f"{place.region} prosecutor's office"
                    if place.region != place.town
                    else f"{place.town} city prosecutor's office",
                    kind=Kind.PROSECUTOR,
                    country=country.code,
                )
                body(
                    (country.code, f"court:{place.town}"),
                    name=f"{place.town} city court",
                    kind=Kind.COURT,
                    country=country.code,
                )
                body(
                    (country.code, f"regional_court:{place.town}"),
                    name=f"{place.region} court",
                    other_names=f"{place.region} regional court",
                    kind=Kind.COURT,
                    country=country.code,
                )
                body(
                    (country.code, f"police:{place.town}"),
                    self.bodies[(country.code, "interior")],
                    name=f"{place.town} police department",
                    kind=Kind.POLICE,
                    country=country.code,
                )
            for region in country.home_regions:
                body(
                    (country.code, f"region:{region}"),
                    name=f"{region} governor's office"
                    + (" (akimat)" if country.code == "KZ" else ""),
                    kind=Kind.REGIONAL_GOVERNMENT,
                    country=country.code,
                )
            for template in MEDIA_NAMES:
                place = rng.choice(country.places)
                name = template.format(town=place.town, a=country.adjective)
                body(
                    (country.code, f"media:{name}"),
                    name=name,
                    kind=Kind.MEDIA,
                    country=country.code,
                    website=f"https://{slugify(name)}.example.org/",
                )
        for home in (c for c in COUNTRIES if c.home):
            mfa = self.bodies[(home.code, "mfa")]
            for country in COUNTRIES:
                if country is home:
                    continue
                body(
                    (home.code, f"embassy:{country.code}"),
                    mfa,
                    name=f"Embassy of {home.name} in {country.name.removeprefix('the ')}",
                    short_name=f"{home.adjective} embassy, {country.capital.town}",
                    kind=Kind.EMBASSY,
                    country=home.code,
                )
                if len(country.places) > 3:
                    town = country.places[1].town
                    body(
                        (home.code, f"consulate:{country.code}"),
                        mfa,
                        name=f"Consulate General of {home.name} in {town}",
                        short_name=f"{home.adjective} consulate, {town}",
                        kind=Kind.EMBASSY,
                        country=home.code,
                    )
        for name, short, code in NGOS:
            body(
                ("ngo", name),
                name=name,
                short_name=short,
                kind=Kind.NGO,
                country=code,
                website=f"https://{slugify(name)}.example.org/",
            )
        for name, short in INTERNATIONAL_BODIES:
            body(("international", name), name=name, short_name=short, kind=Kind.INTERNATIONAL)
        for name in INTERNATIONAL_MEDIA:
            body(("media", name), name=name, kind=Kind.MEDIA)

        bulk_search_keys(parents)
        self.write(Institution, parents)
        for child, parent in children:
            child.parent = parent
        self.write(Institution, bulk_search_keys([child for child, _parent in children]))
        self.names = {record.pk: record.name for record in self.bodies.values()}
        self.media: dict[str, list[int]] = defaultdict(list)
        for (code, _key), record in self.bodies.items():
            if record.kind == Kind.MEDIA:
                self.media[code].append(record.pk)

        officials = []
        for (code, _key), record in self.bodies.items():
            roles = OFFICIAL_ROLES.get(record.kind)
            country = BY_CODE.get(code)
            if not roles or country is None:
                continue
            for _ in range(rng.randint(1, 4 if record.kind == Kind.EMBASSY else 2)):
                latin, original = self.official_name(country)
                since = None
                if self.chance(0.5):
                    since = datetime.date(rng.randint(FIRST_YEAR - 3, 2022), rng.randint(1, 12), 1)
                until = None
                if since and self.chance(0.3):
                    until = since + datetime.timedelta(days=rng.randint(200, 2000))
                    until = min(until, LAST_DAY)
                officials.append(
                    Official(
                        name=latin,
                        name_original=original,
                        other_names=self.variants(latin) if self.chance(0.2) else "",
                        institution=record,
                        role=rng.choice(roles),
                        in_office_from=since,
                        in_office_until=until,
                    )
                )
        self.write(Official, bulk_search_keys(officials))
        for official in officials:
            self.officials[official.institution_id].append(official.pk)
            self.official_names[official.pk] = official.name

        self.facilities: dict[str, list[tuple[Place, int, str]]] = defaultdict(list)
        facilities = []

        def facility(country: Country, place: Place, kind: str, name: str, other: str = ""):
            record = Facility(
                name=name,
                other_names=other,
                slug=self.slug(name),
                kind=kind,
                town=place.town,
                region=place.region,
                country=country.code,
            )
            facilities.append((country, place, record))

        for country in COUNTRIES:
            cyrillic = country.post_soviet
            for number, place in enumerate(country.places, start=1):
                if cyrillic:
                    facility(
                        country,
                        place,
                        Facility.Kind.PRETRIAL,
                        f"Pre-trial detention unit No. {number}, {place.town}",
                        f"СИЗО-{number} {place.original}\nSIZO-{number} {place.town}",
                    )
                    facility(
                        country,
                        place,
                        Facility.Kind.POLICE,
                        f"Temporary holding facility, {place.town} police",
                        f"ИВС {place.original}",
                    )
                else:
                    facility(country, place, Facility.Kind.PRETRIAL, f"{place.town} remand prison")
                    facility(
                        country, place, Facility.Kind.POLICE, f"{place.town} central police station"
                    )
                if country.code in ("RU", "TR", "AE", "KZ"):
                    facility(
                        country,
                        place,
                        Facility.Kind.IMMIGRATION,
                        f"Immigration detention centre, {place.town}",
                    )
            for _ in range(rng.randint(1, 3)):
                place = rng.choice(country.places)
                number = rng.randint(1, 80)
                if cyrillic:
                    name = f"Penal colony No. {number}, {place.region}"
                    other = f"ИК-{number}\nUYa-64/{number}" if country.code == "UZ" else ""
                else:
                    name, other = f"{place.region} prison No. {number}", ""
                facility(country, place, Facility.Kind.PRISON, name, other)
            capital = country.capital
            facility(
                country,
                capital,
                Facility.Kind.SECURITY_SERVICE,
                f"Security service detention facility, {capital.town}",
            )
            facility(country, capital, Facility.Kind.HOSPITAL, f"Prison hospital, {capital.town}")
            border = country.places[-1]
            facility(country, border, Facility.Kind.BORDER, f"Border post near {border.town}")

        records = [record for _country, _place, record in facilities]
        self.write(Facility, bulk_search_keys(records))
        for country, place, record in facilities:
            self.facilities[country.code].append((place, record.pk, record.kind))

    # Cases and charges.

    def cases(self, plan: Plan) -> list[CaseFacts]:
        rng = self.rng
        facts, cases, charges = [], [], []
        first_day = datetime.date(FIRST_YEAR, 1, 1).toordinal()
        last_day = LAST_DAY.toordinal()
        for index in range(plan.cases):
            detaining = BY_CODE[self.pick(DETAINING)]
            home = BY_CODE[self.pick(HOME)]
            if index == 0:
                # The longest timeline is about what the project is for: Kazakhstan's citizens.
                home = BY_CODE["KZ"]
            while home is detaining:
                detaining = BY_CODE[self.pick(DETAINING)]
            scenarios = [s for s in SCENARIOS if not s.countries or detaining.code in s.countries]
            scenario = rng.choices(scenarios, weights=[SCENARIOS[s] for s in scenarios])[0]
            place = rng.choice(detaining.places)
            count = plan.people[index]
            if index == 0:
                # The longest timeline runs for years: it began long ago and has not ended.
                began = self.day(first_day, datetime.date(2010, 12, 31).toordinal())
            else:
                began = self.day(first_day, last_day - 60)
            ended = None
            ending = None
            if index and self.chance(0.35):
                ended = min(began + rng.randint(30, 2500), last_day - 1)
                ending = self.pick(ENDINGS)
            reached = 3 if index == 0 else rng.choices(range(4), weights=(15, 25, 25, 35))[0]
            stop = min(ended + rng.randint(0, 180), last_day) if ended else last_day

            precision, began_on, _end = self.fuzzy(began, CASE_PRECISIONS)
            when = when_words(precision, began_on)
            group, they, are = "the detainee", "he", "is"
            words = self.case_words(home, detaining, place, count, when)
            if count > 1:
                group, they, are = "the men", "they", "are"
                title = rng.choice(scenario.titles).format(**words)
            else:
                title = rng.choice(scenario.single_titles).format(**words)
            title = title[0].upper() + title[1:]
            summary = scenario.summary.format(**words, they=they, are=are)
            cases.append(
                Case(
                    title=title,
                    slug=self.slug(title, 80),
                    summary=summary,
                    location=f"{place.town}, {place.region}, {detaining.name}"
                    if place.town != place.region
                    else f"{place.town}, {detaining.name}",
                    began_on=began_on,
                    began_on_precision=precision,
                    detaining_country=detaining.code,
                    detainees_country=home.code,
                    is_published=index == 0 or self.chance(0.9),
                    internal_notes=rng.choice(
                        [
                            "",
                            "",
                            "Family prefers phone calls in the evening.",
                            "Lawyer's contract to be renewed; ask the bureau.",
                            "Check with the embassy whether the consul changed.",
                        ]
                    ),
                )
            )
            facts.append(
                CaseFacts(
                    index=index,
                    pk=0,
                    home=home,
                    detaining=detaining,
                    place=place,
                    scenario=scenario,
                    group=group,
                    start=began,
                    stop=stop,
                    reached=reached,
                    ending=ending,
                    ended=ended,
                    people=count,
                    began=(precision, began_on, None),
                )
            )
        self.write(Case, bulk_search_keys(cases))

        for case, fact in zip(cases, facts, strict=True):
            fact.pk = case.pk
            offences = rng.sample(fact.scenario.charges, rng.randint(1, len(fact.scenario.charges)))
            for offence in offences:
                article = ""
                if self.chance(0.6):
                    article = (
                        f"Article {rng.randint(100, 350)} of the Criminal Code of "
                        f"{fact.detaining.name.removeprefix('the ')}"
                    )
                charges.append(
                    (fact, Charge(case_id=case.pk, offence=offence, legal_article=article))
                )
            self.case_registry(fact)
        self.write(Charge, [charge for _fact, charge in charges])
        for fact, charge in charges:
            fact.charges.append(charge.pk)
        return facts

    def case_words(
        self, home: Country, detaining: Country, place: Place, count: int, when: str
    ) -> dict[str, str]:
        group = (
            f"{number(count)} men from {home.name}" if count > 1 else f"a citizen of {home.name}"
        )
        return {
            "n": number(count),
            "home": home.name,
            "home_adj": home.adjective,
            "town": place.town,
            "region": place.region,
            "country": detaining.name,
            "adj": detaining.adjective,
            "when": when,
            "group": group,
            "group_cap": group[0].upper() + group[1:],
        }

    @staticmethod
    def month_words(ordinal: int) -> str:
        day = datetime.date.fromordinal(ordinal)
        return f"{calendar.month_name[day.month]} {day.year}"

    def case_registry(self, fact: CaseFacts) -> None:
        """The bodies, officials and places a case's events name."""
        rng, home, detaining = self.rng, fact.home.code, fact.detaining.code
        b = self.bodies
        town = fact.place.town
        fact.courts = [
            b[(detaining, f"court:{town}")].pk,
            b[(detaining, f"regional_court:{town}")].pk,
        ]
        fact.courts.append(b[(detaining, "supreme_court")].pk)
        fact.deciders = [
            b[(detaining, f"prosecutor:{town}")].pk,
            b[(detaining, "security")].pk,
            b[(detaining, f"police:{town}")].pk,
            b[(detaining, "prosecutor")].pk,
        ]
        embassy = b[(home, f"embassy:{detaining}")]
        fact.embassy = embassy.pk
        fact.consuls = list(self.officials[embassy.pk])
        consulate = b.get((home, f"consulate:{detaining}"))
        if consulate is not None:
            fact.consuls += self.officials[consulate.pk]
        region = rng.choice(fact.home.home_regions) if fact.home.home_regions else ""
        fact.addressees = [
            b[(home, "mfa")].pk,
            b[(home, "mfa")].pk,
            b[(home, "prosecutor")].pk,
            b[(home, "parliament")].pk,
            b[(home, "ombudsman")].pk,
            b[(home, "president")].pk,
            embassy.pk,
            embassy.pk,
            b[(detaining, "mfa")].pk,
            b[(detaining, f"prosecutor:{town}")].pk,
            *fact.courts[:2],
            b[("international", rng.choice(INTERNATIONAL_BODIES)[0])].pk,
        ]
        if region:
            fact.addressees.append(b[(home, f"region:{region}")].pk)
        fact.outlets = self.media[home] + self.media[detaining] + self.media["media"]
        here = [pk for place, pk, _kind in self.facilities[detaining] if place.town == town]
        elsewhere = [pk for _place, pk, _kind in self.facilities[detaining]]
        fact.facilities = here[:2] + rng.sample(elsewhere, min(2, len(elsewhere)))

    # People.

    def people(self, facts: list[CaseFacts]) -> None:
        started, written = time.monotonic(), 0
        pending: list[tuple[CaseFacts, Detainee, tuple[str, str] | None, str]] = []
        for fact in facts:
            width = max(2, len(str(fact.people)))
            occupations = fact.scenario.occupations
            unknown_share = 0.3 if fact.people > 30 else 0.08
            for number in range(1, fact.people + 1):
                detainee, surname, style = self.detainee(fact, number, width, occupations)
                if self.chance(unknown_share):
                    detainee.name_latin = detainee.name_original = detainee.other_names = ""
                    surname = None
                pending.append((fact, detainee, surname, style))
            if len(pending) >= CHUNK or fact is facts[-1]:
                records = [detainee for _fact, detainee, _surname, _style in pending]
                with transaction.atomic():
                    Detainee.objects.bulk_create(bulk_search_keys(records), batch_size=BATCH)
                for fact_, detainee, surname, style in pending:
                    fact_.detainees.append(detainee.pk)
                    if surname:
                        fact_.named.append((detainee.pk, surname, style))
                written += len(pending)
                self.log(f"{Detainee._meta.label}: {written:,} written", 2)
                pending = []
        self.counted(Detainee._meta.label, written, started)

    def detainee(
        self, fact: CaseFacts, number: int, width: int, occupations: Sequence[str]
    ) -> tuple[Detainee, tuple[str, str], str]:
        rng = self.rng
        styles = fact.home.name_styles
        style = rng.choices(list(styles), weights=list(styles.values()))[0]
        female = self.chance(0.08)
        latin, original, surname = self.person(style, female=female)
        status = self.person_status(fact)
        facility = None
        confirmed = None
        if status in (DetaineeStatus.DETAINED, DetaineeStatus.CONVICTED) and self.chance(0.7):
            facility = rng.choice(fact.facilities)
            if self.chance(0.6):
                confirmed = datetime.date.fromordinal(self.day(fact.start, fact.stop))
        age = rng.randint(18, 68) if self.chance(0.75) else None
        birth = None
        if age is not None and self.chance(0.4):
            year = datetime.date.fromordinal(fact.start).year - age
            birth = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        home_region = rng.choice(fact.home.home_regions) if self.chance(0.7) else ""
        return (
            Detainee(
                case_id=fact.pk,
                reference=f"{number:0{width}d}",
                name_latin=latin,
                name_original=original,
                other_names=self.variants(latin) if self.chance(0.35) else "",
                name_display=self.pick(NAME_DISPLAYS),
                home_region=home_region,
                birth_date=birth,
                age=age,
                occupation=rng.choice(occupations if self.chance(0.8) else GENERAL_OCCUPATIONS),
                status=status,
                facility_id=facility,
                whereabouts_confirmed_on=confirmed,
                internal_notes="The family asked us not to publish photos."
                if self.chance(0.05)
                else "",
            ),
            surname,
            style,
        )

    def person_status(self, fact: CaseFacts) -> str:
        roll = self.rng.random()
        if fact.ending:
            if roll < 0.85:
                return ENDED_PEOPLE[fact.ending]
            return DetaineeStatus.CONVICTED if roll < 0.95 else DetaineeStatus.MISSING
        if roll < 0.05:
            return DetaineeStatus.MISSING
        if roll < 0.09:
            return DetaineeStatus.ESCAPED
        if roll < 0.15:
            return DetaineeStatus.RELEASED
        if roll < 0.165:
            return DetaineeStatus.DIED
        if fact.reached == 3 and roll < 0.6:
            return DetaineeStatus.CONVICTED
        return DetaineeStatus.DETAINED

    # Relatives, their kinships and organisations (campaigns).

    def families(self, facts: list[CaseFacts]) -> None:
        Relative = apps.get_model("campaigns", "Relative")
        Kinship = apps.get_model("campaigns", "Kinship")
        Organisation = apps.get_model("campaigns", "Organisation")
        rng = self.rng
        relatives, links = [], []
        for fact in facts:
            # Not every family campaigns; mass cases have a few spokespeople.
            for detainee_pk, surname, style in fact.named[: max(2, len(fact.named) // 5)]:
                if not self.chance(0.6):
                    continue
                relationship, female = rng.choice(KIN)
                given = rng.choice(NAME_STYLES[style].female if female else NAME_STYLES[style].male)
                family = gendered(surname, female=female)
                relatives.append(
                    Relative(
                        given_name=given[0],
                        family_name=family[0] if self.chance(0.9) else "",
                        name_original=f"{given[1]} {family[1]}",
                        name_display=self.pick(RELATIVE_DISPLAYS),
                        phone=f"+7 7{rng.randint(0, 99):02d} {rng.randint(0, 999):03d} "
                        f"{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
                        email=f"{slugify(given[0])}.{slugify(family[0])}{rng.randint(1, 99)}"
                        "@example.org"
                        if self.chance(0.5)
                        else "",
                        preferred_language=rng.choice(["ru", "ru", "kk", "en"]),
                        consent_notes="Agreed by phone to the name shown; benchmark data.",
                    )
                )
                links.append((fact, detainee_pk, relationship))
        self.write(Relative, bulk_search_keys(relatives))
        kinships = []
        for relative, (fact, detainee_pk, relationship) in zip(relatives, links, strict=True):
            fact.relatives.append(relative.pk)
            kinships.append(
                Kinship(
                    relative_id=relative.pk,
                    case_id=fact.pk,
                    detainee_id=detainee_pk,
                    relationship=relationship,
                )
            )
        self.write(Kinship, kinships)

        organisations = [
            Organisation(
                name=name,
                slug=self.slug(f"organisation-{name}"),
                country=code,
                institution=self.bodies[("ngo", name)],
                website=self.bodies[("ngo", name)].website,
            )
            for name, _short, code in NGOS
        ]
        self.write(Organisation, organisations)
        self.organisations = [organisation.pk for organisation in organisations]
        through = Organisation.cases.through
        self.write(
            through,
            [
                through(organisation_id=rng.choice(self.organisations), case_id=fact.pk)
                for fact in facts
                if self.chance(0.4)
            ],
        )

    # Sources.

    def sources(self, facts: list[CaseFacts], plan: Plan) -> None:
        """A few sources per case, more for long timelines; each event cites from these."""
        started, written, pending = time.monotonic(), 0, []
        ngos = [self.bodies[("ngo", name)].pk for name, _short, _code in NGOS]
        for fact in facts:
            count = max(2, round(plan.events[fact.index] / 15))
            for _ in range(count):
                kind = self.pick(SOURCE_KINDS)
                day = self.day(fact.start, fact.stop)
                pending.append((fact, day, self.source(fact, kind, day, ngos)))
            if len(pending) >= CHUNK or fact is facts[-1]:
                # Sorted by day, so each event can cite what was published after it.
                pending.sort(key=lambda item: (item[0].index, item[1]))
                records = [source for _fact, _day, source in pending]
                with transaction.atomic():
                    Source.objects.bulk_create(records, batch_size=BATCH)
                for fact_, day, source in pending:
                    fact_.sources.append(source.pk)
                    fact_.source_days.append(day)
                written += len(pending)
                self.log(f"{Source._meta.label}: {written:,} written", 2)
                pending = []
        self.counted(Source._meta.label, written, started)

    def source(self, fact: CaseFacts, kind: str, day: int, ngos: list[int]) -> Source:
        rng = self.rng
        published = datetime.date.fromordinal(day) if self.chance(0.95) else None
        words = self.month_words(day)
        subject = f"{fact.home.name} citizens held in {fact.place.town}"
        outlet, url = None, ""
        if kind == Source.Kind.MEDIA:
            outlet = rng.choice(fact.outlets)
            title = (
                f"{self.names[outlet]}: {rng.choice(['', 'Update: ', 'Families say: '])}{subject}"
            )
            url = f"https://news.example.org/{day}/{slugify(subject)}-{rng.randint(1, 99999)}"
        elif kind == Source.Kind.NGO:
            outlet = rng.choice(ngos)
            title = f"{self.names[outlet]}, report on {subject} ({words})"
            url = f"https://ngo.example.org/reports/{day}-{rng.randint(1, 99999)}"
        elif kind == Source.Kind.OFFICIAL:
            outlet = rng.choice(fact.addressees)
            title = f"Statement of the {self.names[outlet]} ({words})"
        elif kind == Source.Kind.COURT:
            outlet = rng.choice(fact.courts)
            title = f"Decision of the {self.names[outlet]}, {words}"
        elif kind == Source.Kind.TESTIMONY:
            title = f"Testimony of a relative, recorded {words}"
        else:
            title = f"Letter from a detainee, received {words}"
        return Source(
            title=title,
            kind=kind,
            outlet_id=outlet,
            url=url,
            published_on=published,
            is_public=kind != Source.Kind.TESTIMONY and self.chance(0.92),
        )

    # Timelines.

    def timelines(self, facts: list[CaseFacts], plan: Plan) -> None:
        """Every case's events with their details, links, citations and participations, written
        CHUNK events to a transaction."""
        started = time.monotonic()
        self.batch = TimelineBatch()
        self.total_events = sum(plan.events)
        self.written_events = 0
        self.timeline_started = started
        for fact in facts:
            self.timeline(fact, plan.events[fact.index])
        self.flush()
        for label, count in self.batch.totals.items():
            self.counts[label] += count
        elapsed = time.monotonic() - started
        self.log(
            "events: "
            + ", ".join(f"{label} {count:,}" for label, count in self.batch.totals.items())
            + f" ({elapsed:.1f} s)",
            1,
        )

    def flush(self) -> None:
        if not self.batch.events:
            return
        self.written_events += self.batch.write()
        self.log(
            f"events: {self.written_events:,} of {self.total_events:,} written "
            f"({time.monotonic() - self.timeline_started:.1f} s)",
            2,
        )

    def timeline(self, fact: CaseFacts, count: int) -> None:
        if count == 0:
            return
        end_event = fact.ending is not None and count >= 2
        # The detention itself comes first, dated as precisely as the case.
        self.add(fact, EventKind.STATUS_CHANGE, fact.start, 0.0, opening=True)
        last = fact.ended if end_event else fact.stop
        for _ in range(count - 1 - end_event):
            kind = self.pick(MIDDLE_KINDS)
            if kind == EventKind.STATUS_CHANGE:
                # Phases change before the detention ends, never after.
                day = self.day(fact.start, (fact.ended or fact.stop) - 1)
            else:
                day = self.day(fact.start, fact.stop)
            self.add(fact, kind, day, (day - fact.start) / max(1, last - fact.start))
        if end_event:
            self.add(fact, EventKind.STATUS_CHANGE, fact.ended, 1.0, closing=True)
        if len(self.batch.events) >= CHUNK:
            self.flush()

    def add(
        self,
        fact: CaseFacts,
        kind: str,
        day: int,
        progress: float,
        *,
        opening: bool = False,
        closing: bool = False,
    ) -> None:
        rng = self.rng
        if opening:
            precision, start, end = fact.began
        elif closing:
            precision, start, end = DatePrecision.DAY, datetime.date.fromordinal(day), None
        else:
            precision, start, end = self.fuzzy(day)
        links: list[tuple[str, list[int]]] = []
        public = self.chance(0.88)
        verified = self.chance(0.9)
        if kind == EventKind.STATUS_CHANGE:
            title, description, detail, links = self.status_change(
                fact, progress, opening=opening, closing=closing
            )
            # Where a detention begins and ends is what the public page is about.
            public = public or opening or closing
            verified = verified or opening or closing
        elif kind == EventKind.LEGAL_PROCEEDING:
            title, description, detail, links = self.legal_proceeding(fact, progress, day)
        elif kind == EventKind.CONSULAR_VISIT:
            title, description, detail, links = self.consular_visit(fact)
        elif kind == EventKind.ACCESS_ATTEMPT:
            title, description, detail, links = self.access_attempt(fact)
        elif kind == EventKind.OFFICIAL_CONTACT:
            title, description, detail = self.official_contact(fact, day)
        elif kind == EventKind.CAMPAIGN_ACTION:
            title, description, detail = self.campaign_action(fact)
        elif kind == EventKind.REPORTED_FIGURE:
            title, description, detail = self.reported_figure(fact)
        else:
            public = self.chance(0.4)
            title = rng.choice(PUBLIC_NOTES if public else INTERNAL_NOTES)
            description = (
                "Relatives passed this on after a call with the detainees' lawyer."
                if public
                else "For staff only until it is confirmed."
            )
            detail = None
        event = Event(
            case_id=fact.pk,
            kind=kind,
            date_precision=precision,
            date_start=start,
            date_end=end,
            title=title,
            description=description,
            is_public=public,
            shared_with_family=self.chance(0.25),
            verification=Event.Verification.VERIFIED if verified else Event.Verification.REPORTED,
        )
        self.batch.add(
            event,
            detail,
            links,
            self.citations(fact, day),
            self.participations(fact, kind, detail),
        )

    def citations(self, fact: CaseFacts, day: int) -> list[tuple[int, str, str]]:
        rng = self.rng
        wanted = self.pick(CITATION_COUNTS)
        if not wanted or not fact.sources:
            return []
        # What was published on or after the day it happened, where there is such a source.
        first = bisect_left(fact.source_days, day)
        if first >= len(fact.sources) - wanted:
            first = 0
        chosen = rng.sample(range(first, len(fact.sources)), min(wanted, len(fact.sources) - first))
        return [
            (
                fact.sources[i],
                self.pick(CONFIDENCES),
                rng.choice(["", "", f"p. {rng.randint(1, 40)}", f"paragraph {rng.randint(1, 20)}"]),
            )
            for i in chosen
        ]

    def participations(self, fact: CaseFacts, kind: str, detail) -> list[tuple[str, int]]:
        if (
            kind
            not in (
                EventKind.OFFICIAL_CONTACT,
                EventKind.ACCESS_ATTEMPT,
                EventKind.CAMPAIGN_ACTION,
            )
            or not self.campaigns
        ):
            return []
        found = []
        if fact.relatives and self.chance(0.3):
            found.append(("relative", self.rng.choice(fact.relatives)))
        if self.organisations and self.chance(0.1):
            found.append(("organisation", self.rng.choice(self.organisations)))
        return found

    def some_people(self, fact: CaseFacts, share: float, most: int = 3) -> list[int]:
        if not fact.detainees or not self.chance(share):
            return []
        return self.rng.sample(fact.detainees, min(len(fact.detainees), self.rng.randint(1, most)))

    # One method per kind: (title, description, details[, links to detainees or charges]).

    def status_change(self, fact: CaseFacts, progress: float, *, opening: bool, closing: bool):
        rng = self.rng
        words = self.case_words(fact.home, fact.detaining, fact.place, fact.people, "")
        group = fact.group
        if opening:
            status = CaseStatus.DETAINED
            by = f"{fact.detaining.adjective} {fact.scenario.by}"
            if fact.people > 1:
                title = f"{by[0].upper()}{by[1:]} detain {words['group']}"
            else:
                title = f"{by[0].upper()}{by[1:]} detain {words['group']} in {fact.place.town}"
            description = (
                f"{words['group_cap']} detained by {by} near {fact.place.town}. "
                "The families heard of it from a fellow traveller days later."
            )
        elif closing:
            status = fact.ending
            title = {
                CaseStatus.RELEASED: f"{group.capitalize()} released",
                CaseStatus.DEPORTED: f"{group.capitalize()} deported to {fact.home.name}",
                CaseStatus.RETURNED_HOME: f"{group.capitalize()} back home in {fact.home.name}",
            }[status]
            description = "Relatives confirmed it the same day; the campaign thanked everyone."
        else:
            stage = min(int(progress * (fact.reached + 1)), fact.reached)
            status = PROGRESSION[stage]
            title = {
                CaseStatus.DETAINED: "Detention extended by the court",
                CaseStatus.CHARGED: f"{group.capitalize()} formally charged",
                CaseStatus.ON_TRIAL: f"Trial of {group} opens",
                CaseStatus.VERDICT: f"{group.capitalize()} found guilty",
            }[status]
            description = rng.choice(
                [
                    "The lawyer told the families after the hearing.",
                    "Confirmed by the court's press office.",
                    "The embassy informed the families by phone.",
                ]
            )
        detail = StatusChange(status=status)
        return title, description, detail, [("status", self.some_people(fact, 0.2))]

    def legal_proceeding(self, fact: CaseFacts, progress: float, day: int):
        rng = self.rng
        stages = LegalProceeding.Stage.values
        ceiling = 2 if fact.reached < 2 else len(stages) - 1
        stage = stages[min(ceiling, max(0, int(progress * 7 + rng.random() - 0.5)))]
        court = rng.choice(fact.courts if stage != "charge_filed" else fact.deciders[:1])
        name = self.names[court]
        title = {
            "charge_filed": f"Prosecutors file charges against {fact.group}",
            "trial_announced": f"Trial date set at the {name}",
            "hearing": rng.choice([f"Hearing at the {name}", f"Hearing postponed at the {name}"]),
            "trial": f"Trial session at the {name}",
            "verdict": f"Verdict delivered at the {name}",
            "sentence": f"Sentence: {rng.choice(SENTENCES)}",
            "appeal": f"Appeal heard by the {name}",
        }[stage]
        outcome = ""
        if stage in ("verdict", "sentence"):
            outcome = f"Found guilty; sentenced to {rng.choice(SENTENCES)}."
        elif stage == "appeal":
            outcome = rng.choice(["Appeal rejected.", "Sentence reduced by a year.", ""])
        next_hearing = None
        if stage in ("hearing", "trial", "trial_announced") and self.chance(0.4):
            next_hearing = datetime.date.fromordinal(day + rng.randint(7, 60))
        detail = LegalProceeding(
            stage=stage, court_id=court, outcome=outcome, next_hearing_on=next_hearing
        )
        charges = fact.charges if self.chance(0.5) else []
        links = [("proceeding_charges", charges), ("proceeding", self.some_people(fact, 0.25))]
        description = rng.choice(
            [
                "The families' lawyer attended; relatives were not let into the courtroom.",
                "The hearing lasted less than an hour, according to the lawyer.",
                "Diplomats from the embassy were present as observers.",
                "The court did not let the defence call its witnesses.",
            ]
        )
        return title, description, detail, links

    def consular_visit(self, fact: CaseFacts):
        rng = self.rng
        consul = rng.choice(fact.consuls) if fact.consuls and self.chance(0.8) else None
        consulate = fact.embassy if consul is None or self.chance(0.7) else None
        facility = rng.choice(fact.facilities) if self.chance(0.75) else None
        outcome = self.pick(VISIT_OUTCOMES)
        who = f"Consul {self.official_names[consul]}" if consul else "The consul"
        where = "the detainees" if fact.people > 1 else "the detainee"
        title = {
            AccessOutcome.GRANTED: f"{who} visits {where}",
            AccessOutcome.PARTIAL: f"{who} sees some of {where}",
            AccessOutcome.REFUSED: f"{who} refused access to {where}",
        }[outcome]
        seen = []
        count = None
        if outcome != AccessOutcome.REFUSED:
            seen = self.some_people(fact, 0.4, most=5)
            if not seen and self.chance(0.4):
                count = rng.randint(1, max(1, fact.people))
        detail = ConsularVisit(
            consul_id=consul,
            consulate_id=consulate,
            facility_id=facility,
            outcome=outcome,
            people_seen_count=count,
            consul_report=rng.choice(
                ["", "Told the families the men were well.", "Complaints about food and cold."]
            )
            if outcome != AccessOutcome.REFUSED
            else "",
            follow_up="A formal protest was lodged." if outcome == AccessOutcome.REFUSED else "",
        )
        return title, "The embassy told the families afterwards.", detail, [("visit", seen)]

    def access_attempt(self, fact: CaseFacts):
        rng = self.rng
        attempted_by = self.pick(ATTEMPTERS)
        access_type = rng.choice(AccessAttempt.AccessType.values)
        outcome = self.pick(ACCESS_OUTCOMES)
        title = (
            f"{ATTEMPTER_WORDS[attempted_by]}: {ACCESS_TYPE_WORDS[access_type]} "
            f"{ACCESS_OUTCOME_WORDS[outcome]}"
        )
        detail = AccessAttempt(
            attempted_by=attempted_by,
            access_type=access_type,
            facility_id=rng.choice(fact.facilities) if self.chance(0.7) else None,
            decided_by_id=rng.choice(fact.deciders) if self.chance(0.6) else None,
            outcome=outcome,
            reason_given=rng.choice(REFUSALS) if outcome == AccessOutcome.REFUSED else "",
        )
        description = rng.choice(
            [
                "They travelled for two days to get there.",
                "The request was made in writing a week before.",
                "Staff at the gate would not take the request.",
            ]
        )
        return title, description, detail, [("attempt", self.some_people(fact, 0.3))]

    def official_contact(self, fact: CaseFacts, day: int):
        rng = self.rng
        institution = rng.choice(fact.addressees) if self.chance(0.9) else None
        officials = self.officials.get(institution, []) if institution else []
        official = rng.choice(officials) if officials and self.chance(0.4) else None
        addressee = ""
        if institution is None:
            addressee = rng.choice(["the head of the regional office", "a deputy in parliament"])
        channel = self.pick(CHANNELS)
        outcome = self.pick(CONTACT_OUTCOMES)
        referred = None
        if outcome == OfficialContact.Outcome.REFERRED:
            referred = rng.choice(fact.addressees)
        to = f"the {self.names[institution]}" if institution else addressee
        who, one = rng.choice(CONTACT_WHO)
        title = f"{who} {CONTACT_VERBS[channel][one]} {to}"
        title = (title + CONTACT_ENDINGS[outcome])[:200]
        answered = outcome in OfficialContact.ANSWERED_OUTCOMES
        due = datetime.date.fromordinal(day + 30) if self.chance(0.4) else None
        replied = None
        if answered and self.chance(0.6):
            replied = datetime.date.fromordinal(min(day + rng.randint(3, 90), LAST_DAY.toordinal()))
        detail = OfficialContact(
            institution_id=institution,
            official_id=official,
            addressee_as_given=addressee,
            channel=channel,
            request=rng.choice(REQUESTS),
            legal_basis_cited=rng.choice(LEGAL_BASES) if self.chance(0.2) else "",
            outcome=outcome,
            reason_given=rng.choice(ANSWERS) if answered and self.chance(0.7) else "",
            referred_to_id=referred,
            reply_due_on=due,
            replied_on=replied,
        )
        description = f"Asked: {detail.request}"
        return title, description, detail

    def campaign_action(self, fact: CaseFacts):
        rng = self.rng
        action = self.pick(ACTIONS)
        target = rng.choice(fact.addressees) if self.chance(0.5) else None
        outlet = None
        if action in ("media_coverage", "press_conference"):
            outlet = rng.choice(fact.outlets)
        city = rng.choice(fact.home.places).town if fact.home.places else ""
        title = {
            "demonstration": f"Relatives protest in {city}",
            "appeal": "Public appeal for the detainees' release",
            "petition": f"Petition for {fact.group}: {rng.randint(200, 40000):,} signatures",
            "press_conference": f"Press conference of the families in {city}",
            "media_coverage": f"{self.names[outlet]} reports on the case" if outlet else "",
            "other": "Vigil on the anniversary of the detention",
        }[action]
        if target and action in ("demonstration", "appeal"):
            title = f"{title}, addressed to the {self.names[target]}"[:200]
        detail = CampaignAction(
            action_type=action,
            place=f"{city}, outside the {self.names[target]}"[:200]
            if target and action == "demonstration"
            else city,
            target_id=target,
            outlet_id=outlet,
            participants=rng.choice(["", "Relatives of the detainees", "Relatives and supporters"]),
            participant_count=rng.randint(3, 300) if self.chance(0.5) else None,
        )
        return title, "Shared widely on social media by the families.", detail

    def reported_figure(self, fact: CaseFacts):
        rng = self.rng
        measure = self.pick(MEASURES)
        # Sources disagree: the count of people detained is given give or take a few.
        value = max(1, fact.people + rng.randint(-3, 3))
        if measure != ReportedFigure.Measure.DETAINED:
            value = rng.randint(1, max(1, fact.people))
        who = rng.choice(FIGURE_WHO)
        title = FIGURE_TITLES[measure].format(who=who, value=value)
        detail = ReportedFigure(measure=measure, value=value, statement=f"{who} gave the figure.")
        return title, "Figures from different sources are kept side by side.", detail


# The through tables linking details to detainees and charges.
LINKS = {
    "status": StatusChange.detainees,
    "proceeding": LegalProceeding.detainees,
    "proceeding_charges": LegalProceeding.charges,
    "visit": ConsularVisit.detainees_seen,
    "attempt": AccessAttempt.detainees,
}


class TimelineBatch:
    """Events waiting to be written, with what hangs off each."""

    def __init__(self) -> None:
        self.totals: Counter[str] = Counter()
        self.clear()

    def clear(self) -> None:
        self.events: list[Event] = []
        self.extras: list[tuple] = []

    def add(self, event, detail, links, citations, participations) -> None:
        self.events.append(event)
        self.extras.append((detail, links, citations, participations))

    def write(self) -> int:
        count = len(self.events)
        details: dict[type, list] = defaultdict(list)
        linked: dict[str, list] = defaultdict(list)
        citations, participations = [], []
        with transaction.atomic():
            Event.objects.bulk_create(self.events, batch_size=BATCH)
            for event, (detail, links, cites, people) in zip(self.events, self.extras, strict=True):
                pk = event.pk
                if detail is not None:
                    detail.event_id = pk
                    details[type(detail)].append(detail)
                for name, ids in links:
                    for other in ids:
                        linked[name].append((pk, other))
                for source, confidence, locator in cites:
                    citations.append(
                        Citation(
                            event_id=pk, source_id=source, confidence=confidence, locator=locator
                        )
                    )
                for role, other in people:
                    participations.append((pk, role, other))
            for model, rows in details.items():
                model.objects.bulk_create(rows, batch_size=BATCH)
                self.totals[model._meta.label] += len(rows)
            for name, pairs in linked.items():
                descriptor = LINKS[name]
                through = descriptor.through
                source_field = descriptor.field.m2m_field_name() + "_id"
                target_field = descriptor.field.m2m_reverse_field_name() + "_id"
                through.objects.bulk_create(
                    [through(**{source_field: a, target_field: b}) for a, b in pairs],
                    batch_size=BATCH,
                )
                self.totals[through._meta.label] += len(pairs)
            Citation.objects.bulk_create(citations, batch_size=BATCH)
            if participations:
                Participation = apps.get_model("campaigns", "Participation")
                Participation.objects.bulk_create(
                    [
                        Participation(event_id=pk, **{f"{role}_id": other})
                        for pk, role, other in participations
                    ],
                    batch_size=BATCH,
                )
        self.totals[Event._meta.label] += count
        self.totals[Citation._meta.label] += len(citations)
        if participations:
            self.totals["campaigns.Participation"] += len(participations)
        self.clear()
        return count
