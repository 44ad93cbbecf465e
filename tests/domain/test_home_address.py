"""The home-address guard for human assets (workshop/assets/address.py).

Positives: any home address, in the forms residents actually wrote, is refused, whatever
the skill text around it. Negatives: skill descriptions full of numbers (years, times,
counts, dates) and public places named after a building pass.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.assets.address import looks_like_home_address

# The forms a first meeting saw saved (issue 18) and the two it already refused.
SEEN_IN_A_MEETING = ["3号楼501", "幸福路12号", "12栋", "Unit 2, Room 501", "Flat 3B, Block 5"]
ALREADY_REFUSED = ["5栋2单元", "3-2-501"]

num = st.integers(min_value=1, max_value=999).map(str)
cn_num = st.sampled_from(["一", "二", "三", "五", "八", "十", "十二", "两"])
flat = st.integers(min_value=101, max_value=3208).map(str)
road = st.sampled_from(["幸福路", "人民大道", "学府街", "桃源巷", "解放碑步行街", "和平里", "老街"])
letter = st.sampled_from(["", "A", "B", "c"])

chinese_address = st.one_of(
    st.builds(lambda b, f: f"{b}号楼{f}", num, flat),
    st.builds(lambda b, f: f"{b}号楼{f}室", num, flat),
    st.builds(lambda b: f"{b}栋", num),
    st.builds(lambda b: f"{b}幢", num),
    st.builds(lambda b: f"{b}号楼", cn_num),
    st.builds(lambda b, u: f"{b}栋{u}单元", num, num),
    st.builds(lambda u: f"{u}单元", num),
    st.builds(lambda f: f"{f}室", flat),
    st.builds(lambda r, n: f"{r}{n}号", road, num),
    st.builds(lambda r, n, m: f"{r}{n}-{m}号", road, num, num),
    st.builds(lambda n: f"门牌号{n}", num),
    st.builds(lambda b, u, f: f"{b}-{u}-{f}", st.integers(1, 30), st.integers(1, 9), flat),
)
english_address = st.one_of(
    st.builds(
        lambda w, n, x: f"{w} {n}{x}",
        st.sampled_from(["Room", "Unit", "Flat", "Block"]),
        num,
        letter,
    ),
    st.builds(
        lambda w, n: f"{w}{n}", st.sampled_from(["room ", "UNIT ", "flat#", "Apt. ", "Rm "]), num
    ),
    st.builds(lambda n: f"No. {n}", num),
    st.builds(lambda n: f"No.{n}", num),
    st.builds(lambda n, m: f"Unit {n}, Room {m}", num, flat),
    st.builds(lambda n, m: f"Building {n}, Flat {m}", num, flat),
)
skill = st.sampled_from(
    ["修自行车", "教书法", "剪纸", "陪老人聊天", "fixing bikes", "choir practice", ""]
)
around = st.sampled_from(["", "，", " ", "。找我：", "，地址 ", " at ", "（", "\n"])


@pytest.mark.parametrize("text", SEEN_IN_A_MEETING + ALREADY_REFUSED)
def test_the_addresses_a_meeting_saved_are_refused(text):
    assert looks_like_home_address(text)


# English words need a separator from the text around them ("bikesNo. 1" is no address).
spaced = around.filter(bool)
address_in_text = st.one_of(
    st.tuples(around, chinese_address, around), st.tuples(spaced, english_address, spaced)
)


@given(skill, address_in_text, skill)
def test_an_address_anywhere_in_a_skill_text_is_refused(before, address, after):
    assert looks_like_home_address(before + "".join(address) + after)


# Numbers that belong to a skill: durations, counts, ages, prices, weekdays, times, dates.
count_word = st.sampled_from(
    ["年", "位志愿者", "岁", "元", "个人", "户", "次", "小时", "分钟", "天", "道菜", "首歌", "人"]
)
skill_number = st.one_of(
    st.builds(lambda n, w: f"{n}{w}", num, count_word),
    st.builds(lambda n: f"教书{n}年", num),
    st.builds(lambda d: f"每周{d}下午", st.sampled_from("一二三四五六日")),
    st.builds(lambda h, m: f"{h}:{m:02d}-{h + 2}:{m:02d}", st.integers(7, 19), st.integers(0, 59)),
    st.builds(lambda h: f"下午{h}点", st.integers(1, 6)),
    st.builds(lambda m, d: f"{m}月{d}号", st.integers(1, 12), st.integers(1, 28)),
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
        st.integers(2020, 2030),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
    st.builds(lambda n: f"{n} years of teaching", num),
    st.builds(lambda n: f"{n} volunteers", num),
    st.builds(lambda d, h: f"{d} {h}pm", st.sampled_from(["Tuesdays", "Sat"]), st.integers(1, 9)),
    st.builds(lambda n: f"room for {n} people", num),
    st.builds(lambda n: f"building {n} birdhouses", num),
)
# A building named as a public place: where something happens, not where someone lives.
public_place = st.one_of(
    st.sampled_from(["社区活动室", "第二活动室", "居委会会议室", "小区门口", "桃源溪边"]),
    st.builds(
        lambda b, kind, pos: f"{b}{kind}{pos}",
        st.one_of(num, cn_num),
        st.sampled_from(["号楼", "栋"]),
        st.sampled_from(["下的坝子", "门口", "前的空地", "旁边的凉亭", "楼下", "附近"]),
    ),
)


@given(skill, around, st.one_of(skill_number, public_place), around, skill_number)
def test_skills_with_numbers_and_public_places_pass(before, sep1, middle, sep2, after):
    assert not looks_like_home_address(f"{before}{sep1}{middle}{sep2}{after}")
