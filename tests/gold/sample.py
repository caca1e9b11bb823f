"""Draws the gold-set samples from the real files (seeded, so it reproduces). Labels are added by hand.

Usage: python3 tests/gold/sample.py ../shared/data
Prints two TSVs (Top 10 titles, then videos) without labels on stdout.
"""
import csv
import random
import re
import sys
import unicodedata
from collections import defaultdict

data = sys.argv[1]
rng = random.Random(15)


def letters(text):
    text = unicodedata.normalize("NFKD", text).lower()
    return "".join(c for c in text if c.isalnum())


def tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]


kind_of = lambda category: "film" if category.startswith("Films") else "series"
first_week = {}
for row in tsv(f"{data}/netflix-top10/all-weeks-global.tsv") + tsv(f"{data}/netflix-top10/all-weeks-countries.tsv"):
    key = (row["show_title"], kind_of(row["category"]))
    first_week[key] = min(first_week.get(key, "9999"), row["week"])
global_titles = {(r["show_title"], kind_of(r["category"])) for r in tsv(f"{data}/netflix-top10/all-weeks-global.tsv")}

with open(f"{data}/catalog/netflix_titles.csv", encoding="utf-8") as f:
    catalog_letters = {letters(r["title"]) for r in csv.DictReader(f)}

# Strata: the titles a 2021 catalog can hold are few, so they are over-sampled.
early = sorted(k for k in global_titles if first_week[k] <= "2021-09-26")
late_named = sorted(k for k in global_titles if first_week[k] > "2021-09-26" and letters(k[0]) in catalog_letters)
late_other = sorted(k for k in global_titles if first_week[k] > "2021-09-26" and letters(k[0]) not in catalog_letters)
country_only = sorted(k for k in first_week if k not in global_titles)
strata = [("early", early, 60), ("late_same_name", late_named, 40), ("late_other", late_other, 30),
          ("country_only", country_only, 30)]
print("stratum\tshow_title\tkind\tfirst_week")
for name, population, n in strata:
    for title, kind in rng.sample(population, n):
        print(f"{name}\t{title}\t{kind}\t{first_week[(title, kind)]}")

segments = defaultdict(list)
with open(f"{data}/youtube/netflix-india/video_title_keyword.csv", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        segments[row["video_id"]].append(row["title_list"])
print()
print("video_id\ttitle")
for video in rng.sample(sorted(segments), 80):
    print(f"{video}\t{' | '.join(segments[video])}")
