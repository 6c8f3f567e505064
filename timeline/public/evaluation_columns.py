"""The data dictionary of the index's evaluations download (``evaluation_download.py``),
as the open-data page shows it: every column in file order, named and described in Korean
and English (written out, as ``opendata.MILESTONE_COLUMNS`` is). A test keeps it equal to
the file's columns."""

from timeline.public.opendata import SLUG, TEXT, Column

WHOLE = ("정수", "whole number")
NUMBER = ("숫자(예: 22.9, -5.5)", "number (e.g. 22.9, -5.5)")

EVALUATION_COLUMNS = (
    Column(
        "data_year",
        "자료 연도",
        "Data year",
        "YYYY",
        "YYYY",
        "평가한 자료의 연도입니다(평가 결과는 보통 다음 해에 발표됩니다). 한 평가에는 영역마다 "
        "한 행이 있습니다.",
        "The year whose values were evaluated (results are usually published the year after). "
        "Each evaluation has one row per area.",
    ),
    Column(
        "evaluation",
        "평가",
        "Evaluation",
        *SLUG,
        "평가의 식별자입니다. 같은 평가의 행은 이 값이 같습니다.",
        "The evaluation’s identifier: the rows of one evaluation share it.",
    ),
    Column(
        "status",
        "결과 상태",
        "Status",
        "reported | not_found",
        "reported | not_found",
        "reported는 공개 출처가 결과를 전한 평가이고, not_found는 그해 자료의 결과를 공개 "
        "출처에서 찾지 못한 해입니다. not_found인 행의 수치는 모두 비어 있으며, 0이 아닙니다.",
        "reported: public sources report the evaluation’s results. not_found: no public results "
        "were found for that data year; every figure of its rows is empty, never zero.",
    ),
    Column(
        "indicator_set",
        "지표 체계",
        "Indicator set",
        *SLUG,
        "평가가 쓴 지표 체계의 식별자입니다. 지표 체계가 여러 번 바뀌었으므로 수치는 같은 평가 "
        "안에서만 비교할 수 있습니다.",
        "The indicator set the evaluation used. The sets changed several times, so figures "
        "are comparable only within one evaluation.",
    ),
    Column(
        "published_on",
        "발표일",
        "Publication date",
        "ISO 8601 (YYYY-MM-DD)",
        "ISO 8601 (YYYY-MM-DD)",
        "결과가 발표된 날짜입니다. date_precision과 함께 읽습니다.",
        "When the results were reported; read it with date_precision.",
    ),
    Column(
        "date_precision",
        "발표일 정밀도",
        "Date precision",
        "year | month | day",
        "year | month | day",
        "발표일을 어디까지 아는지(연도·월·일)를 나타냅니다.",
        "How much of the publication date is known (year, month or day).",
    ),
    Column(
        "indicators_evaluated",
        "평가한 지표 수",
        "Indicators evaluated",
        *WHOLE,
        "평가한 지표(또는 세부지표)의 수입니다.",
        "How many indicators (or sub-indicators) were evaluated.",
    ),
    Column(
        "improved",
        "개선 지표 수",
        "Improved",
        *WHOLE,
        "전년보다 개선된 지표의 수입니다.",
        "How many indicators improved on the year before.",
    ),
    Column(
        "worsened",
        "하락 지표 수",
        "Fell",
        *WHOLE,
        "전년보다 하락한 지표의 수입니다.",
        "How many indicators fell on the year before.",
    ),
    Column(
        "improved_percent",
        "개선 비율(%)",
        "Improved (%)",
        *NUMBER,
        "개선된 지표의 비율로, 출처가 적은 값입니다.",
        "The share of indicators that improved, as the source prints it.",
    ),
    Column(
        "overall_rate",
        "평균 개선율(%)",
        "Average improvement rate (%)",
        *NUMBER,
        "평가 전체의 평균 개선율입니다.",
        "The evaluation’s average improvement rate.",
    ),
    Column(
        "areas_improved",
        "개선 영역 수",
        "Areas improved",
        *WHOLE,
        "다섯 영역 가운데 개선된 영역의 수입니다.",
        "How many of the five areas improved.",
    ),
    Column(
        "area",
        "영역",
        "Area",
        *SLUG,
        "이 행의 영역 식별자입니다. 영역을 평가하지 않는 시민 설문조사의 행에서는 비어 있습니다.",
        "The area of this row; empty on the row of the citizen survey, which rates no area.",
    ),
    Column(
        "area_name_ko",
        "영역 이름(국문)",
        "Area name (Korean)",
        *TEXT,
        "영역의 국문 이름입니다.",
        "The area’s name in Korean.",
    ),
    Column(
        "area_name_en",
        "영역 이름(영문)",
        "Area name (English)",
        *TEXT,
        "영역의 영문 이름입니다.",
        "The area’s name in English.",
    ),
    Column(
        "area_result",
        "영역 결과",
        "Area result",
        "reported | not_reported | not_found",
        "reported | not_reported | not_found",
        "reported는 출처가 이 영역의 개선율이나 개선 지표 수를 전한 경우, not_reported는 이 "
        "평가의 출처가 이 영역의 수치를 전하지 않은 경우, not_found는 그해 결과를 찾지 못한 "
        "경우입니다. 수치가 비어 있는 이유를 말해 줍니다.",
        "reported: the sources give this area’s rate and/or how many of its indicators "
        "improved. not_reported: the evaluation’s sources give no figure for this area. "
        "not_found: no public results were found for the year. It says why figures are empty.",
    ),
    Column(
        "area_rate",
        "영역 개선율(%)",
        "Area improvement rate (%)",
        *NUMBER,
        "이 영역의 개선율입니다. 음수는 나빠졌다는 뜻입니다.",
        "The area’s improvement rate; negative when it fell.",
    ),
    Column(
        "area_improved",
        "영역 개선 지표 수",
        "Area indicators improved",
        *WHOLE,
        "이 영역에서 개선된 지표의 수입니다.",
        "How many of the area’s indicators improved.",
    ),
    Column(
        "area_indicator_count",
        "영역 지표 수",
        "Area indicators",
        *WHOLE,
        "이 영역에서 평가한 지표의 수로, 출처가 밝히지 않으면 비어 있습니다.",
        "How many of the area’s indicators were evaluated; empty when the sources do not say.",
    ),
    Column(
        "area_note_ko",
        "영역 비고(국문)",
        "Area note (Korean)",
        *TEXT,
        "출처가 이 영역 결과에 붙인 설명(예: 가장 높음)입니다.",
        "What the sources say of this area’s result (e.g. highest), in Korean.",
    ),
    Column(
        "area_note_en",
        "영역 비고(영문)",
        "Area note (English)",
        *TEXT,
        "출처가 이 영역 결과에 붙인 설명의 영문입니다.",
        "What the sources say of this area’s result, in English.",
    ),
    Column(
        "note_ko",
        "평가 비고(국문)",
        "Evaluation note (Korean)",
        *TEXT,
        "평가에 관한 설명(예: 결과를 찾지 못한 까닭)입니다.",
        "A note on the evaluation (e.g. why no results were found), in Korean.",
    ),
    Column(
        "note_en",
        "평가 비고(영문)",
        "Evaluation note (English)",
        *TEXT,
        "평가에 관한 설명의 영문입니다.",
        "A note on the evaluation, in English.",
    ),
    Column(
        "sources",
        "출처",
        "Sources",
        "CSV: 제목 <URL> | 제목 <URL> · JSON: 객체 목록",
        "CSV: title <URL> | title <URL> · JSON: list of objects",
        "이 평가의 수치와 영역 결과를 전한 출처로, 형식은 연혁 파일의 sources 열과 같습니다.",
        "The sources of the evaluation’s figures and area results, in the form of the "
        "milestone file’s sources column.",
    ),
    Column(
        "url",
        "누리집 주소",
        "Page URL",
        "URL",
        "URL",
        "인권지표 페이지에서 이 평가가 있는 곳의 주소입니다.",
        "Where the evaluation is on the index page of this site.",
    ),
)
