import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from timeline.models import Milestone, Theme

from .factories import make_initiative, make_milestone, make_policy, make_year

pytestmark = pytest.mark.django_db


def test_milestone_without_subject_is_refused_by_the_database():
    year = make_year(2012)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(year=year, slug="orphan", title_en="Orphan")


def test_milestone_with_two_subjects_is_refused_by_the_database():
    year = make_year(2012)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(
            year=year,
            slug="twice",
            title_en="Twice",
            initiative=make_initiative(),
            policy=make_policy(),
        )


def test_milestone_with_two_subjects_is_refused_by_validation_with_a_message():
    milestone = Milestone(
        year=make_year(2012),
        slug="twice",
        title_en="Twice",
        initiative=make_initiative(),
        policy=make_policy(),
    )
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    with translation.override("en"):  # Korean is the default language
        assert "exactly one subject" in str(error.value)


def test_record_needs_a_name_in_some_language():
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(slug="nameless")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(slug="blank", name_ko="", name_en="")


def test_kind_and_subject_follow_the_one_subject():
    policy = make_policy()
    milestone = make_milestone(subject=policy)
    assert milestone.kind == "policy"
    assert milestone.subject == policy


def test_published_hides_milestones_of_unpublished_subjects_and_years():
    visible = make_milestone()
    make_milestone(subject=make_initiative(is_published=False))
    make_milestone(is_published=False)
    make_milestone(year=make_year(2013, is_published=False))
    assert list(Milestone.objects.published()) == [visible]


def test_date_and_precision_go_together():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_milestone(date_precision="month")
