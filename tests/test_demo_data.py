import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from timeline.management.commands import generate_demo_data
from timeline.models import MAX_YEAR, MIN_YEAR, Initiative, Milestone, Policy, Year

from .factories import make_milestone

pytestmark = pytest.mark.django_db


def generate(*args):
    call_command("generate_demo_data", *args, stdout=io.StringIO())


def snapshot():
    return list(
        Milestone.objects.order_by("slug").values_list(
            "slug", "title_en", "year", "initiative__slug", "policy__slug"
        )
    )


def test_makes_the_requested_number_of_marked_public_milestones():
    generate("--milestones", "300")
    assert Milestone.objects.published().count() == 300
    assert not Milestone.objects.exclude(slug__startswith="demo-").exists()
    assert not Milestone.objects.exclude(title_en__startswith="[Demo]").exists()
    assert Initiative.objects.exists() and Policy.objects.exists()
    assert Initiative.objects.filter(themes__isnull=False).exists()


def test_same_arguments_give_the_same_records():
    generate("--milestones", "120", "--seed", "7")
    first = snapshot()
    generate("--milestones", "120", "--seed", "7")
    assert snapshot() == first


def test_refuses_to_mix_with_real_records_unless_forced():
    real = make_milestone(slug="real-record")
    with pytest.raises(CommandError, match="real records"):
        generate("--milestones", "10")
    assert list(Milestone.objects.all()) == [real]

    generate("--milestones", "10", "--force")
    assert Milestone.objects.count() == 11
    assert Milestone.objects.filter(slug="real-record").exists()


def test_more_milestones_than_the_years_hold_at_the_usual_rate_share_the_sane_range(monkeypatch):
    # 100,000 milestones at 160 a year would need years before 1900, which the year
    # constraint refuses; scaled down here (4 a year) to stay quick.
    monkeypatch.setattr(generate_demo_data, "MILESTONES_PER_YEAR", 4)
    monkeypatch.setattr(generate_demo_data, "BATCH", 100)
    generate("--milestones", "1000")

    assert Milestone.objects.published().count() == 1000
    years = Year.objects.values_list("year", flat=True)
    assert min(years) >= MIN_YEAR and max(years) <= MAX_YEAR
    assert len(years) == generate_demo_data.LAST_YEAR - MIN_YEAR + 1
