"""Enterprise names reduced to a key, so that spellings of one company are noticed as duplicates."""

import re
import unicodedata

# Legal forms, longest first: 股份有限公司 must go before 有限公司 is tried.
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司")

PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
CITIES = ("十堰", "武汉", "襄阳", "宜昌", "荆州", "黄石", "孝感", "随州", "恩施", "深圳", "广州", "东莞", "佛山",
          "珠海", "惠州", "杭州", "宁波", "温州", "嘉兴", "绍兴", "金华", "台州", "湖州", "苏州", "南京", "无锡",
          "常州", "南通", "扬州", "徐州", "昆山", "合肥", "芜湖", "成都", "绵阳", "西安", "郑州", "洛阳", "长沙",
          "株洲", "南昌", "赣州", "福州", "厦门", "泉州", "济南", "青岛", "烟台", "潍坊", "石家庄", "唐山", "保定",
          "太原", "沈阳", "大连", "长春", "哈尔滨", "昆明", "贵阳", "南宁", "柳州", "兰州", "银川", "西宁", "乌鲁木齐",
          "呼和浩特", "拉萨", "海口", "三亚")
REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "")
PLACE_PREFIX = re.compile(
    "^(?:(?:" + "|".join(sorted(PROVINCES + CITIES, key=len, reverse=True)) + ")(?:"
    + "|".join(s for s in REGION_SUFFIXES if s) + ")?)+")
# After NFKC, （） and ［］ are ASCII; 【】 and 〔〕 have no narrow form.
BRACKETED = re.compile(r"[(\[【〔][^()\[\]【】〔〕]{0,12}[)\]】〕]")
# A place is the trade name itself (北京银行, 青岛啤酒) when no more than this is left without it.
MIN_REST = 3
GROUP = "集团"


def fold(text: str) -> str:
    """Fold width, case and spaces, so that text compares as people read it."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def normalise_name(name: str) -> str:
    """Reduce a company name to the key its spellings share.

    Full-width becomes half-width, spaces, case and punctuation go, bracketed parts such as
    （上海） go, then the legal form (有限公司…) and leading place names (上海市、湖北省十堰市…)
    unless the place is the trade name (北京银行 and 上海银行 stay apart).
    """
    key = BRACKETED.sub("", fold(name))
    key = "".join(char for char in key if not unicodedata.category(char).startswith("P")) or fold(name)
    for form in LEGAL_FORMS:
        if key.endswith(form) and len(key) > len(form):
            key = key[: -len(form)]
            break
    rest = PLACE_PREFIX.sub("", key)
    if len(rest.removesuffix(GROUP)) < MIN_REST:
        return key  # a name that is little or nothing but a place keeps it
    return rest
