"""Synthetic records at scale, for benchmarks and for trying the site with a lot of data.

Everything it makes is marked: slugs start with ``demo-``, titles with "[Demo]" / "[예시]".
It never touches the Gwangju fixture, and refuses to add to a database that holds real
records unless told ``--force``. The same arguments always give the same records.
"""

import random
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from timeline.caching.version import content_changed
from timeline.models import MIN_YEAR, SUBJECT_MODELS, Milestone, Subject, Theme, Year

PREFIX = "demo-"
LAST_YEAR = 2030
MILESTONES_PER_YEAR = 160
MILESTONES_PER_SUBJECT = 4
THEME_COUNT = 12
BATCH = 1000

WORDS = [
    ("human rights", "인권"),
    ("city", "도시"),
    ("education", "교육"),
    ("forum", "포럼"),
    ("ordinance", "조례"),
    ("committee", "위원회"),
    ("centre", "센터"),
    ("citizens", "시민"),
    ("participation", "참여"),
    ("peace", "평화"),
    ("democracy", "민주주의"),
    ("healing", "치유"),
    ("solidarity", "연대"),
    ("survey", "실태조사"),
    ("charter", "헌장"),
    ("village", "마을"),
    ("training", "연수"),
    ("report", "보고서"),
]
ACTIONS = [
    ("Launch of", "출범"),
    ("Expansion of", "확대"),
    ("Publication of", "발간"),
    ("Establishment of", "설립"),
    ("Review of", "점검"),
    ("Co-hosting of", "공동 개최"),
]


def choice_values(model: type[Subject], name: str) -> list[str]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.choices is not None  # a field with choices
    return [value for value, _label in field.choices]


# Every kind of subject (the models' registry), with its type field and that field's values.
SUBJECT_TYPES = [
    (model, f"{kind}_type", choice_values(model, f"{kind}_type"))
    for kind, model in SUBJECT_MODELS.items()
]


class Command(BaseCommand):
    help = "Create synthetic, clearly marked demo records (default 10,000 milestones)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--milestones", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2011)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add demo records even though the database holds real (non-demo) records.",
        )

    def handle(self, *args: Any, milestones: int, seed: int, force: bool, **options: Any) -> None:
        if milestones < 1:
            raise CommandError("--milestones must be at least 1.")
        record_models: list[type[Theme] | type[Subject] | type[Milestone]]
        record_models = [Theme, *SUBJECT_MODELS.values(), Milestone]
        real = [
            model._meta.verbose_name_plural
            for model in record_models
            if model.objects.exclude(slug__startswith=PREFIX).exists()
        ]
        if real and not force:
            raise CommandError(
                f"This database holds real records ({', '.join(map(str, real))}). Demo data is "
                "for empty or demo databases; use --force to add it anyway."
            )
        rng = random.Random(seed)
        with transaction.atomic():
            self.remove_previous_demo()
            themes = self.make_themes()
            years = self.make_years(milestones)
            subjects = self.make_subjects(rng, themes, max(3, milestones // MILESTONES_PER_SUBJECT))
            self.make_milestones(rng, years, subjects, milestones)
            # bulk_create sends no signals: retire cached public pages here (timeline/caching/version.py).
            content_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {milestones} demo milestones, {len(subjects)} subjects, "
                f"{len(themes)} themes in {len(years)} years (seed {seed})."
            )
        )

    def remove_previous_demo(self) -> None:
        Milestone.objects.filter(slug__startswith=PREFIX).delete()
        for model in SUBJECT_MODELS.values():
            model.objects.filter(slug__startswith=PREFIX).delete()
        Theme.objects.filter(slug__startswith=PREFIX).delete()
        Year.objects.filter(milestones__isnull=True, headline_en__startswith="[Demo]").delete()

    def make_themes(self) -> list[Theme]:
        themes = [
            Theme(
                slug=f"{PREFIX}theme-{n}",
                name_en=f"[Demo] {WORDS[n % len(WORDS)][0].title()} {n}",
                name_ko=f"[예시] {WORDS[n % len(WORDS)][1]} {n}",
                name=f"[예시] {WORDS[n % len(WORDS)][1]} {n}",
                order=100 + n,
            )
            for n in range(1, THEME_COUNT + 1)
        ]
        return Theme.objects.bulk_create(themes)

    def make_years(self, milestones: int) -> list[int]:
        # Past what the sane range of years holds at MILESTONES_PER_YEAR, each year gets more.
        count = min(max(1, -(-milestones // MILESTONES_PER_YEAR)), LAST_YEAR - MIN_YEAR + 1)
        numbers = range(LAST_YEAR - count + 1, LAST_YEAR + 1)
        existing = set(Year.objects.filter(year__in=numbers).values_list("year", flat=True))
        Year.objects.bulk_create(
            Year(
                year=number,
                headline_en=f"[Demo] {number}",
                headline_ko=f"[예시] {number}년",
                headline=f"[예시] {number}년",
            )
            for number in numbers
            if number not in existing
        )
        return list(numbers)

    def make_subjects(self, rng: random.Random, themes: list[Theme], count: int) -> list[Subject]:
        subjects = []
        for n in range(count):
            model, type_field, types = SUBJECT_TYPES[n % len(SUBJECT_TYPES)]
            en, ko = rng.choice(WORDS)
            subjects.append(
                # name_en, name_ko, ... are added by modeltranslation when the app loads; the
                # django-stubs plugin knows only the fields the model declares.
                model(  # type: ignore[misc]
                    slug=f"{PREFIX}{model.KIND}-{n}",
                    name_en=f"[Demo] Gwangju {en} {model.KIND} {n}",
                    name_ko=f"[예시] 광주 {ko} {n}",
                    name=f"[예시] 광주 {ko} {n}",
                    summary_en=f"A synthetic {model.KIND} about {en}, for testing at scale.",
                    summary_ko=f"대규모 시험을 위한 가상의 {ko} 관련 항목입니다.",
                    is_published=True,
                    **{type_field: rng.choice(types)},
                )
            )
        created = []
        for model in SUBJECT_MODELS.values():
            batch = [subject for subject in subjects if isinstance(subject, model)]
            created += model.objects.bulk_create(batch, batch_size=1000)
            through = model.themes.through
            fk = f"{model._meta.model_name}_id"
            through._default_manager.bulk_create(
                (
                    through(**{fk: subject.pk, "theme_id": theme.pk})
                    for subject in batch
                    for theme in rng.sample(themes, 2)
                ),
                batch_size=2000,
            )
        return created

    def make_milestones(
        self, rng: random.Random, years: list[int], subjects: list[Subject], count: int
    ) -> None:
        for start in range(0, count, BATCH):
            # A batch at a time: memory stays flat however many are asked for.
            Milestone.objects.bulk_create(
                self.milestone(rng, years, subjects, n)
                for n in range(start, min(start + BATCH, count))
            )

    @staticmethod
    def milestone(
        rng: random.Random, years: list[int], subjects: list[Subject], n: int
    ) -> Milestone:
        subject = subjects[n % len(subjects)]
        action_en, action_ko = rng.choice(ACTIONS)
        en, ko = rng.choice(WORDS)
        return Milestone(
            year_id=years[n % len(years)],
            slug=f"{PREFIX}milestone-{n}",
            order=n // len(years),
            title_en=f"[Demo] {action_en} the {en} programme {n}",
            title_ko=f"[예시] {ko} 사업 {action_ko} {n}",
            title=f"[예시] {ko} 사업 {action_ko} {n}",
            summary_en=f"Synthetic milestone {n} about {en}.",
            summary_ko=f"{ko}에 관한 가상의 이정표 {n}.",
            is_published=True,
            **{subject.KIND: subject},
        )
