"""Text of the sample web: niche sentences, titles, names, and link sentences around anchors.

The niche is home coffee roasting and specialty coffee equipment. Every function takes the
``random.Random`` of the page it writes for, so a page's text depends only on the seed and its
URL.
"""

from __future__ import annotations

import random

ORIGINS = ("Ethiopia Yirgacheffe", "Kenya Nyeri", "Colombia Huila", "Guatemala Antigua",
           "Brazil Cerrado", "Costa Rica Tarrazú", "Sumatra Mandheling", "Rwanda Nyamasheke",
           "Panama Boquete", "Peru Cajamarca")
PROCESSES = ("washed", "natural", "honey-processed", "anaerobic", "wet-hulled")
ROASTS = ("light", "city", "city-plus", "full city", "medium-dark", "Vienna")
GEAR = ("drum roaster", "fluid-bed roaster", "popcorn popper", "burr grinder", "hand grinder",
        "pour-over kettle", "scale with a timer", "espresso machine", "cupping spoon",
        "green bean scale", "cooling tray", "chaff collector")
NOTES = ("blueberry", "jasmine", "dark chocolate", "stone fruit", "caramel", "bergamot",
         "toasted almond", "red currant", "brown sugar", "cedar")
TOPICS = ("first crack", "development time", "rate of rise", "charge temperature",
          "green bean storage", "degassing", "cupping", "grind size", "extraction yield",
          "water chemistry", "roast logging", "chaff handling")
FIRST = ("Jane", "Marco", "Aiko", "Lars", "Priya", "Tomás", "Helen", "Kwame", "Sofia", "Dmitri",
         "Nina", "Oliver", "Mei", "Rafael", "Greta", "Samuel")
LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Brennan", "Kowalski", "Haddad",
        "Fischer", "Nakamura", "Osei", "Duarte")

_SENTENCES = (
    "A {roast} roast of {origin} brings out {note} and {note2} without any bitterness.",
    "Most beginners rush {topic}, and the cup tastes flat because of it.",
    "I keep a notebook next to the {gear} and write down every batch.",
    "The {process} lots from {origin} forgive small mistakes better than you might expect.",
    "If the beans smell grassy after cooling, stretch {topic} by thirty seconds.",
    "Rest the beans for two or three days before brewing; {topic} matters more than gear.",
    "A cheap {gear} will get you started, but consistency is what you pay for later.",
    "We cupped six batches side by side and the {roast} one won on {note}.",
    "Buying green coffee in five-pound bags keeps the cost per cup surprisingly low.",
    "Ventilation is the part nobody mentions until the smoke alarm goes off.",
    "Our readers asked how {topic} changes with altitude, so we ran a small test.",
    "The difference between a {roast} and a {roast2} roast is easy to taste in a pour-over.",
    "Write down the charge temperature, the time of {topic} and the drop temperature.",
    "A good {gear} pays for itself within a year if you drink two cups a day.",
    "{origin} is a classic first bean because it is sweet across a wide range of roasts.",
    "Keep green coffee in a cool, dark place and it will stay fresh for months.",
)

_LINK_SENTENCES = (
    ("When I finally upgraded my setup, ", " made hearing first crack far easier."),
    ("For a deeper walkthrough, see ", ", which covers the whole process step by step."),
    ("I bought my machine from ", " after comparing three other shops."),
    ("The best explanation of roast curves I have found is at ", "."),
    ("If you are shopping for gear, ", " has a good range for beginners."),
    ("Several readers recommended ", " and after a month of use I agree with them."),
    ("Full specifications are listed on ", " if you want to compare numbers."),
    ("Before you buy anything, read ", " and decide what batch size you actually need."),
)


def _fill(template: str, rng: random.Random) -> str:
    roasts = rng.sample(ROASTS, 2)
    notes = rng.sample(NOTES, 2)
    return template.format(
        roast=roasts[0], roast2=roasts[1], note=notes[0], note2=notes[1],
        origin=rng.choice(ORIGINS), process=rng.choice(PROCESSES), gear=rng.choice(GEAR),
        topic=rng.choice(TOPICS),
    )


def sentence(rng: random.Random) -> str:
    """One niche sentence."""
    return _fill(rng.choice(_SENTENCES), rng)


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    """A paragraph of niche sentences (plain text, not escaped)."""
    return " ".join(sentence(rng) for _ in range(sentences))


def link_sentence(rng: random.Random) -> tuple[str, str]:
    """Text to put before and after an editorial anchor so it reads like a real sentence."""
    return rng.choice(_LINK_SENTENCES)


def person(rng: random.Random) -> str:
    """A full name."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def article_title(rng: random.Random) -> str:
    """A blog or news headline."""
    forms = (
        "How to Roast {origin} at Home",
        "{topic_t}: What Changed My Roasts",
        "Choosing a {gear_t} for Your Kitchen",
        "Why Your {roast_t} Roast Tastes Sour",
        "A Week with a {gear_t}",
        "{n} Mistakes Every New Home Roaster Makes",
        "Cupping {origin} Three Ways",
        "The Beginner's Guide to {topic_t}",
    )
    return rng.choice(forms).format(
        origin=rng.choice(ORIGINS), topic_t=rng.choice(TOPICS).title(),
        gear_t=rng.choice(GEAR).title(), roast_t=rng.choice(ROASTS).title(),
        n=rng.choice((5, 7, 9, 11)),
    )


def slug(title: str) -> str:
    """A URL slug for a title."""
    keep = "".join(c.lower() if c.isalnum() else "-" for c in title)
    return "-".join(p for p in keep.split("-") if p)[:60].rstrip("-")


def comment(rng: random.Random) -> str:
    """A short reader comment."""
    return rng.choice((
        "Great write-up, I had the same problem with my first batches.",
        "Thanks! Tried this on a natural Ethiopian and it worked.",
        "What charge temperature do you use for decaf?",
        "I disagree about resting time, mine taste best on day one.",
        "Bookmarked. The part about ventilation saved my kitchen.",
        "Nice post. I wrote about a similar experiment on my own site.",
    ))


RUSSIAN = (
    "Купить кофе недорого с доставкой по всей России. Лучшие цены на зерновой кофе и "
    "кофемолки. Обжарка кофе дома — это просто! Скидки каждый день, звоните прямо сейчас. "
    "Наш магазин предлагает оборудование для обжарки, ростеры и аксессуары по самым низким "
    "ценам. Гарантия качества, быстрая доставка, оплата при получении."
)
CHINESE = (
    "咖啡烘焙机批发，价格最低，全国包邮。家用咖啡豆烘焙，专业设备，质量保证。"
    "立即购买享受八折优惠，点击下方链接了解更多信息。咖啡研磨机、手冲壶、电子秤一站式采购。"
)
