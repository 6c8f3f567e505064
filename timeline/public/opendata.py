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

# The public download's columns in file order (timeline/public/download.py): the staff
# export's, without is_published, then read-only ones. A test keeps them equal.
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
        "CSV: 제목 <URL> | 제목 <URL> · JSON: 객체 목록",
        "CSV: title <URL> | title <URL> · JSON: list of objects",
        "이 연혁이 인용한 출처입니다. CSV에서는 한 칸에 제목과 꺾쇠괄호 안의 주소를 |로 나누어 "
        "적습니다(관리자 내보내기와 같은 형식). JSON에서는 출처마다 outlet(발행처), title(제목), "
        "title_is_label(제목이 없는 자료라 저희가 붙인 설명인지 여부), date(발행일, 아는 만큼), "
        "date_precision, url을 담은 객체의 목록입니다. 출처 목록 페이지에서 발행처별로 볼 수 "
        "있습니다.",
        "The sources the milestone cites. In the CSV, one cell: each title with its address "
        "in angle brackets, separated by | (the staff export’s form). In JSON, a list of "
        "objects, one per source: outlet, title, title_is_label (true when the page gives no "
        "title and the title is our description), date (publication date, as far as known), "
        "date_precision and url. The sources page lists them by outlet.",
    ),
    Column(
        "kind",
        "종류",
        "Kind",
        "initiative | policy | institution",
        "initiative | policy | institution",
        "이 연혁이 다루는 대상의 종류(사업·정책·기관)입니다. 읽기 전용 열입니다.",
        "The kind of subject the milestone is about. Read-only.",
    ),
    Column(
        "subject_name_ko",
        "대상 이름(국문)",
        "Subject name (Korean)",
        *TEXT,
        "이 연혁이 다루는 사업·정책·기관의 국문 이름입니다. 읽기 전용 열입니다.",
        "The Korean name of the initiative, policy or institution. Read-only.",
    ),
    Column(
        "subject_name_en",
        "대상 이름(영문)",
        "Subject name (English)",
        *TEXT,
        "이 연혁이 다루는 사업·정책·기관의 영문 이름입니다. 읽기 전용 열입니다.",
        "The English name of the initiative, policy or institution. Read-only.",
    ),
    Column(
        "themes",
        "주제",
        "Themes",
        "CSV: 식별자|식별자 · JSON: 목록",
        "CSV: identifier|identifier · JSON: list",
        "대상에 붙은 주제의 식별자입니다. CSV에서는 |로 나누고, JSON에서는 목록입니다. "
        "읽기 전용 열입니다.",
        "The identifiers of the subject’s themes: separated by | in the CSV, a list in JSON. "
        "Read-only.",
    ),
    Column(
        "url",
        "누리집 주소",
        "Page URL",
        "URL",
        "URL",
        "이 연혁의 누리집 페이지 주소로, 내려받은 주소의 언어(/ko/ 또는 /en/)를 따릅니다. "
        "읽기 전용 열입니다.",
        "The milestone’s page on this site, in the language of the download’s address (/ko/ "
        "or /en/). Read-only.",
    ),
    Column(
        "images",
        "사진",
        "Images",
        "CSV: URL|URL · JSON: 객체 목록",
        "CSV: URL|URL · JSON: list of objects",
        "이 연혁의 사진 파일 주소입니다. CSV에서는 |로 나누고, JSON에서는 사진마다 url, width·"
        "height(픽셀), alt_text_ko·alt_text_en(대체 텍스트), caption_ko·caption_en(설명), "
        "credit(저작자), licence(이용 조건: kogl-1~kogl-4, cc-by 등, all-rights-reserved)를 "
        "담은 객체입니다. 사진마다 이용 조건이 다를 수 있습니다. 읽기 전용 열입니다.",
        "The addresses of the milestone’s images: separated by | in the CSV; in JSON, one "
        "object per image with url, width and height (pixels), alt_text_ko and alt_text_en "
        "(alternative text), caption_ko and caption_en, credit and licence (kogl-1 to kogl-4, "
        "cc-by and the like, all-rights-reserved). Each image may have its own licence. "
        "Read-only.",
    ),
    Column(
        "documents",
        "문서",
        "Documents",
        "CSV: URL|URL · JSON: 객체 목록",
        "CSV: URL|URL · JSON: list of objects",
        "이 연혁에 첨부된 PDF 문서의 주소입니다. JSON에서는 문서마다 url, format, bytes(크기), "
        "title_ko·title_en, credit, licence를 담은 객체입니다. 읽기 전용 열입니다.",
        "The addresses of the PDF documents attached to the milestone; in JSON, one object per "
        "document with url, format, bytes (size), title_ko and title_en, credit and licence. "
        "Read-only.",
    ),
)


def reference_date() -> datetime.date | None:
    """The data's reference date (기준일자): when the newest published milestone was updated.

    A date in the site's time zone, or None while nothing is published.
    """
    newest = Milestone.objects.published().aggregate(newest=Max("updated"))["newest"]
    return timezone.localdate(newest) if newest else None
