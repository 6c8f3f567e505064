"""Open data: the licence, its attribution text, and the milestone export's data dictionary.

One place for what the public pages, the open-data page and the CSV/JSON downloads say
about reuse, so they cannot drift apart. The attribution is written out in both languages
(not translated through gettext): a download carries both, whatever page it came from.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone, translation

from timeline.models import Milestone

# Korea Open Government License (공공누리), Type 1: use for any purpose, with attribution.
KOGL_URL = "https://www.kogl.or.kr/info/license.do#05-tab"
KOGL_NAME = {
    "ko": "공공누리 제1유형: 출처표시",
    "en": "Korea Open Government License (KOGL) Type 1: Source Indication",
}
KOGL_ATTRIBUTION = {
    "ko": (
        "광주광역시가 작성한 ‘인권도시 광주’ 기록은 공공누리 제1유형(출처표시) 조건에 따라 "
        "자유롭게 이용할 수 있습니다. 이용할 때는 출처를 ‘광주광역시, 인권도시 광주’로 "
        "표시해 주십시오."
    ),
    "en": (
        "The ‘Human Rights City Gwangju’ record, produced by Gwangju Metropolitan City, may be "
        "used freely under the Korea Open Government License (KOGL) Type 1: Source Indication. "
        "Please credit it as ‘Gwangju Metropolitan City, Human Rights City Gwangju’."
    ),
}


def _active() -> str:
    return (translation.get_language() or "ko")[:2]


def kogl_attribution(lang: str | None = None) -> str:
    """The attribution in ``lang`` (default: the active language; Korean if unknown)."""
    return KOGL_ATTRIBUTION.get(lang or _active(), KOGL_ATTRIBUTION["ko"])


def kogl_name(lang: str | None = None) -> str:
    return KOGL_NAME.get(lang or _active(), KOGL_NAME["ko"])


@dataclass(frozen=True)
class Column:
    """One column of the milestone export, as the open-data page documents it.

    A data dictionary names and describes each column in both languages (항목명 국문/영문),
    so both are written here rather than translated; ``description`` and ``format`` give
    the active language's.
    """

    name: str  # the header in the file
    name_ko: str
    name_en: str
    format_ko: str
    format_en: str
    description_ko: str
    description_en: str

    @property
    def description(self) -> str:
        return self.description_en if _active() == "en" else self.description_ko

    @property
    def format(self) -> str:
        return self.format_en if _active() == "en" else self.format_ko


TEXT = ("텍스트", "text")
SLUG = ("식별자", "identifier")

# Same order and names as timeline.transfer.resources.MilestoneResource (a test keeps them equal).
MILESTONE_COLUMNS = (
    Column(
        "year",
        "연도",
        "Year",
        "YYYY",
        "YYYY",
        "원문이 이 연혁을 분류한 연도입니다.",
        "The year the source lists the milestone under.",
    ),
    Column(
        "order",
        "순서",
        "Order",
        "정수",
        "whole number",
        "같은 연도 안에서 원문의 순서입니다(작은 수가 먼저).",
        "Position within its year, in the source’s order (lower first).",
    ),
    Column(
        "slug",
        "식별자",
        "Identifier",
        *SLUG,
        "연혁마다 바뀌지 않는 식별자(영문 소문자·숫자·하이픈)로, 누리집 주소의 일부입니다. "
        "사업·정책·기관 열도 같은 형식의 식별자를 씁니다.",
        "The milestone’s stable identifier (lower-case letters, digits and hyphens); part of "
        "its web address. The initiative, policy and institution columns use identifiers of "
        "the same form.",
    ),
    Column(
        "date",
        "일자",
        "Date",
        "ISO 8601 (YYYY-MM-DD)",
        "ISO 8601 (YYYY-MM-DD)",
        "출처가 밝힌 날짜이며, 없으면 비어 있습니다. date_precision과 함께 읽습니다. "
        "월까지만 알려진 경우 일은 01, 연도만 알려진 경우 월·일은 01-01입니다.",
        "The stated date, if the sources give one; empty otherwise. Read it with "
        "date_precision: when only the month is known the day is 01, when only the year is "
        "known the month and day are 01-01.",
    ),
    Column(
        "date_precision",
        "일자 정밀도",
        "Date precision",
        "year | month | day",
        "year | month | day",
        "날짜를 어디까지 아는지(연도·월·일)를 나타냅니다. 날짜가 없으면 비어 있습니다.",
        "How much of the date is known (year, month or day); empty when there is no date.",
    ),
    Column(
        "title_ko", "제목(국문)", "Title (Korean)", *TEXT, "국문 제목입니다.", "Title in Korean."
    ),
    Column(
        "title_en", "제목(영문)", "Title (English)", *TEXT, "영문 제목입니다.", "Title in English."
    ),
    Column(
        "summary_ko",
        "요약(국문)",
        "Summary (Korean)",
        *TEXT,
        "국문 요약입니다.",
        "Summary in Korean.",
    ),
    Column(
        "summary_en",
        "요약(영문)",
        "Summary (English)",
        *TEXT,
        "영문 요약입니다.",
        "Summary in English.",
    ),
    Column(
        "note_ko",
        "비고(국문)",
        "Note (Korean)",
        *TEXT,
        "공개 출처마다 날짜나 수치가 다를 때 그 내용을 국문으로 적습니다.",
        "Where public sources disagree on a date or a figure, in Korean.",
    ),
    Column(
        "note_en",
        "비고(영문)",
        "Note (English)",
        *TEXT,
        "공개 출처마다 날짜나 수치가 다를 때 그 내용을 영문으로 적습니다.",
        "Where public sources disagree on a date or a figure, in English.",
    ),
    Column(
        "initiative",
        "사업",
        "Initiative",
        *SLUG,
        "이 연혁이 다루는 사업의 식별자입니다. initiative·policy·institution 중 하나만 채워집니다.",
        "The initiative the milestone is about. Exactly one of initiative, policy and "
        "institution is filled in.",
    ),
    Column(
        "policy",
        "정책",
        "Policy",
        *SLUG,
        "이 연혁이 다루는 정책의 식별자입니다.",
        "The policy the milestone is about.",
    ),
    Column(
        "institution",
        "기관",
        "Institution",
        *SLUG,
        "이 연혁이 다루는 기관의 식별자입니다.",
        "The institution the milestone is about.",
    ),
    Column(
        "sources",
        "출처",
        "Sources",
        "이름 <URL> | 이름 <URL>",
        "label <URL> | label <URL>",
        "공개 출처 목록입니다. 여러 개는 |로 나누고, 온라인 출처는 이름 뒤 꺾쇠괄호 안에 주소를 적습니다.",
        "Public sources, separated by |; an online source has its address in angle brackets "
        "after its label.",
    ),
    Column(
        "is_published",
        "공개 여부",
        "Published",
        "true | false",
        "true | false",
        "공개 내려받기에는 공개된 기록만 담기므로 언제나 true입니다.",
        "Always true in the public downloads, which hold published records only.",
    ),
)


def reference_date() -> datetime.date | None:
    """The data's reference date (기준일자): when the newest published milestone was updated.

    A date in the site's time zone, or None while nothing is published.
    """
    newest = Milestone.objects.published().aggregate(newest=Max("updated"))["newest"]
    return timezone.localdate(newest) if newest else None
