"""Values as official documents write them."""

from __future__ import annotations

import math
import re

EMPTY = "—"

# The text width of the GB/T 9704 page (A4, 28 + 26 mm margins: 156 mm) in points.
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72
TITLE_SIZE_PT = 22.0  # 二号

# Where a title line may well end (after these) or begin (with these): 词意完整.
_GOOD_END = set("的、和与及，")
_GOOD_START = ("的通知", "的函", "的公告", "的决定", "的批复", "的报告", "的请示")
# Never at the start of a line (closing punctuation) or at its end (opening punctuation).
_NO_START = set("，。、；：？！）》」』”’〕】")
_NO_END = set("（《「『“‘〔【")


def cn_date(value) -> str:
    """``2022年7月10日``: the way dates are written in official documents (成文日期)."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    """``2026年11月23日 14:05`` in Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    local = timezone.localtime(value, ZoneInfo("Asia/Shanghai"))
    return f"{cn_date(local)} {local:%H:%M}"


def cn_period(start, end) -> str:
    """``2026年11月23日至2026年11月27日``; empty unless both days are known."""
    if not start or not end:
        return ""
    return f"{cn_date(start)}至{cn_date(end)}"


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped: the paragraphs of a body typed in a form."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_BATCH = re.compile(r"[（(]\s*(第[一二三四五六七八九十百零〇0-9]+批)\s*[）)]$")


def call_subject(call_title: str) -> str:
    """What a call is about, from its title, as documents name it: ``第二批广东省数字服务出口基地申报`` →
    ``第二批广东省数字服务出口基地``; ``国家数字服务出口基地申报（第一批）`` → ``第一批国家数字服务出口基地``;
    ``关于组织申报…的通知`` → ``…``."""
    subject = (call_title or "").strip()
    batch = ""
    match = _BATCH.search(subject)
    if match:
        batch, subject = match.group(1), subject[:match.start()].rstrip()
    subject = subject.removeprefix("关于")
    for prefix in ("组织开展", "组织", "开展", "申报"):
        subject = subject.removeprefix(prefix)
    for suffix in ("的通知", "通知", "工作", "申报"):
        subject = subject.removesuffix(suffix)
    subject = subject.strip()
    if batch and batch not in subject:
        subject = batch + subject
    return subject or (call_title or "").strip()


def cite_call(call) -> str:
    """How a body cites the call it follows (``根据…要求``): its title when that is the notice's title, else its
    issuers and number. ``call`` has ``title``, ``document_number``, ``issuer_list`` and ``organiser.name``."""
    title = (call.title or "").strip()
    number = (call.document_number or "").strip()
    if title.startswith("关于") and title.endswith("通知"):
        return f"《{title}》（{number}）" if number else f"《{title}》"
    issuers = call.issuer_list
    by = f"{issuers[0]}等部门" if len(issuers) > 1 else (issuers[0] if issuers else call.organiser.name)
    return f"{by}通知（{number}）" if number else f"{by}通知"


def chars_per_line(size_pt: float = TITLE_SIZE_PT, width_pt: float = TEXT_WIDTH_PT) -> int:
    """How many full-width characters of ``size_pt`` fit the text width."""
    return max(2, int(width_pt // size_pt))


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _break_cost(text: str, at: int) -> float:
    """The cost of breaking ``text`` before index ``at``."""
    before, after = text[at - 1], text[at]
    if before in _NO_END or after in _NO_START or (_is_word(before) and _is_word(after)):
        return 1000.0
    if before in _GOOD_END or text.startswith(_GOOD_START, at) or text[:at].endswith("关于"):
        return 0.0
    return 2.0


def title_lines(title: str, per_line: int | None = None) -> list[str]:
    """The title in lines that fit ``per_line`` characters, as GB/T 9704 arranges them: as few lines
    as fit, of balanced length (梯形或菱形), broken where the words allow, and never a line of one
    character (the designation title used to end "…通 / 知")."""
    title = " ".join((title or "").split())
    per_line = per_line or chars_per_line()
    if len(title) <= per_line:
        return [title] if title else []
    n_lines = math.ceil(len(title) / per_line)
    ideal = len(title) / n_lines
    # best[i][k]: the least cost of laying text[:i] out in k lines; prev for the path.
    inf = float("inf")
    best = [[inf] * (n_lines + 1) for _ in range(len(title) + 1)]
    prev = [[0] * (n_lines + 1) for _ in range(len(title) + 1)]
    best[0][0] = 0.0
    for k in range(1, n_lines + 1):
        for i in range(2, len(title) + 1):
            for j in range(max(0, i - per_line), i - 1):  # the line text[j:i], 2 ≤ length ≤ per_line
                if best[j][k - 1] == inf:
                    continue
                cost = best[j][k - 1] + (i - j - ideal) ** 2
                if i < len(title):
                    cost += _break_cost(title, i)
                if cost < best[i][k]:
                    best[i][k], prev[i][k] = cost, j
    if best[len(title)][n_lines] == inf:  # cannot happen with per_line ≥ 2; keep the title whole
        return [title]
    lines, i = [], len(title)
    for k in range(n_lines, 0, -1):
        j = prev[i][k]
        lines.append(title[j:i])
        i = j
    return lines[::-1]
