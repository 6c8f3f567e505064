"""What a server's master process loads before forking its workers (hrcity/process.py)."""

from pathlib import Path

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from hrcity.process import prepare_process, template_names


def test_the_master_loads_the_public_templates_without_touching_the_database():
    """No ``django_db`` mark: any query would fail this test. A connection opened before the
    fork would be shared by every worker."""
    loader = engines["django"].engine.template_loaders[0]
    assert isinstance(loader, CachedLoader)  # production's, as DEBUG is off
    loader.reset()  # as in a process that has rendered nothing yet
    prepare_process()
    for name in ("base.html", "timeline/timeline.html", "includes/milestone_card.html"):
        assert name in loader.get_template_cache, name


def test_the_admin_templates_are_left_to_load_when_staff_use_them(settings):
    names = template_names(Path(settings.TEMPLATES[0]["DIRS"][0]))
    assert "timeline/home.html" in names and "base.html" in names
    assert not [name for name in names if name.startswith("admin/")]
