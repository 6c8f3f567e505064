"""Small ``make_*`` helpers: each makes one valid, published record unless told otherwise."""

import itertools

from timeline.models import (
    Citation,
    Evaluation,
    EvaluationAreaResult,
    IndexArea,
    Indicator,
    IndicatorSet,
    Initiative,
    Institution,
    Milestone,
    Observation,
    Outlet,
    Policy,
    Source,
    Theme,
    Year,
)

_counter = itertools.count(1)


def _next():
    return next(_counter)


def make_theme(**fields):
    n = _next()
    fields.setdefault("slug", f"theme-{n}")
    fields.setdefault("name_en", f"Theme {n}")
    fields.setdefault("name_ko", f"주제 {n}")
    return Theme.objects.create(**fields)


def make_year(year=2012, **fields):
    fields.setdefault("is_published", True)
    return Year.objects.get_or_create(year=year, defaults=fields)[0]


def _make_subject(model, type_field, type_value, themes=(), **fields):
    n = _next()
    fields.setdefault("slug", f"{model.KIND}-{n}")
    fields.setdefault("name_en", f"{model.KIND.title()} {n}")
    fields.setdefault("name_ko", f"주체 {n}")
    fields.setdefault("is_published", True)
    fields.setdefault(type_field, type_value)
    subject = model.objects.create(**fields)
    if themes:
        subject.themes.set(themes)
    return subject


def make_initiative(**fields):
    return _make_subject(Initiative, "initiative_type", Initiative.Type.FORUM, **fields)


def make_policy(**fields):
    return _make_subject(Policy, "policy_type", Policy.Type.ORDINANCE, **fields)


def make_institution(**fields):
    return _make_subject(Institution, "institution_type", Institution.Type.CITY_OFFICE, **fields)


def make_milestone(year=2012, subject=None, **fields):
    n = _next()
    if subject is None:
        subject = make_initiative()
    fields[subject.KIND] = subject
    fields.setdefault("year", year if isinstance(year, Year) else make_year(year))
    fields.setdefault("slug", f"milestone-{n}")
    fields.setdefault("title_en", f"Milestone {n}")
    fields.setdefault("title_ko", f"이정표 {n}")
    fields.setdefault("order", n)
    fields.setdefault("is_published", True)
    return Milestone.objects.create(**fields)


def make_outlet(**fields: object) -> Outlet:
    n = _next()
    fields.setdefault("slug", f"outlet-{n}")
    fields.setdefault("name_en", f"Outlet {n}")
    fields.setdefault("name_ko", f"발행처 {n}")
    return Outlet.objects.create(**fields)


def make_source(**fields: object) -> Source:
    n = _next()
    if "outlet" not in fields:
        fields["outlet"] = make_outlet()
    fields.setdefault("title", f"Source {n}")
    fields.setdefault("url", f"https://example.org/{n}")
    return Source.objects.create(**fields)


def cite(milestone: Milestone, source: Source | None = None, **fields: object) -> Citation:
    """``milestone`` cites ``source`` (a new one if not given) after its other sources."""
    if source is None:
        source = make_source()
    fields.setdefault("order", milestone.citations.count() + 1)
    return Citation.objects.create(milestone=milestone, source=source, **fields)


def with_em_dash(slug: str) -> Source:
    """The first source milestone ``slug`` cites, its title given an em dash (which CP949,
    the encoding Korean Excel saves in, cannot hold)."""
    source = Milestone.objects.get(slug=slug).citations.first().source
    source.title += " — 기사"
    source.save()
    return source


# --- The Human Rights Index ------------------------------------------------------------


def make_index_area(**fields: object) -> IndexArea:
    n = _next()
    fields.setdefault("slug", f"area-{n}")
    fields.setdefault("name_en", f"Area {n}")
    fields.setdefault("name_ko", f"영역 {n}")
    fields.setdefault("short_name_ko", f"영역{n}")
    fields.setdefault("order", n)
    fields.setdefault("is_published", True)
    return IndexArea.objects.create(**fields)


def make_indicator_set(**fields: object) -> IndicatorSet:
    n = _next()
    fields.setdefault("slug", f"set-{n}")
    fields.setdefault("name_en", f"Set {n}")
    fields.setdefault("name_ko", f"지표 묶음 {n}")
    fields.setdefault("stage", IndicatorSet.Stage.USED)
    fields.setdefault("year", 2018)
    fields.setdefault("indicator_count", 50)
    fields.setdefault("is_published", True)
    return IndicatorSet.objects.create(**fields)


def make_indicator(**fields: object) -> Indicator:
    n = _next()
    fields.setdefault("slug", f"indicator-{n}")
    fields.setdefault("name_en", f"Indicator {n}")
    fields.setdefault("name_ko", f"지표 {n}")
    fields.setdefault("unit", "percent")
    fields.setdefault("is_published", True)
    return Indicator.objects.create(**fields)


def make_evaluation(
    data_year: int = 2019, indicator_set: IndicatorSet | None = None, **fields: object
) -> Evaluation:
    n = _next()
    fields.setdefault("slug", f"evaluation-{n}")
    fields.setdefault("is_published", True)
    if fields.get("status") != Evaluation.Status.NOT_FOUND:
        fields.setdefault("indicator_set", indicator_set or make_indicator_set())
        fields.setdefault("indicators_evaluated", 73)
        fields.setdefault("improved", 61)
    return Evaluation.objects.create(data_year=data_year, **fields)


def make_area_result(
    evaluation: Evaluation, area: IndexArea, **fields: object
) -> EvaluationAreaResult:
    fields.setdefault("rate", "5.2")
    return EvaluationAreaResult.objects.create(evaluation=evaluation, area=area, **fields)


def make_observation(indicator: Indicator, year: int, value: str, **fields: object) -> Observation:
    n = _next()
    fields.setdefault("slug", f"observation-{n}")
    fields.setdefault("unit", indicator.unit or "percent")
    fields.setdefault("decimals", len(value.split(".")[1]) if "." in value else 0)
    fields.setdefault("is_published", True)
    return Observation.objects.create(indicator=indicator, year=year, value=value, **fields)


def cite_figure(record: object, source: Source | None = None, **fields: object) -> Citation:
    """An index figure (evaluation, observation or indicator set) cites ``source``."""
    link = {Evaluation: "evaluation", Observation: "observation", IndicatorSet: "indicator_set"}
    fields[link[type(record)]] = record
    return Citation.objects.create(source=source or make_source(), **fields)
