"""Closed-class words of Chinese news prose that the relation rules lean on.

These are grammar, not lexicons: punctuation, function words, the verbs that introduce a post, the
markers of time, the anaphors that point back to a unit. Open-class data (titles, surnames, unit
suffixes, places) comes from files in `ner/data` and the administrative-division package.
"""

from __future__ import annotations

import re

# Punctuation that ends a clause; `、` is kept apart because it joins coordinated titles and names.
CLAUSE_PUNCT = set("，,。．.；;：:！!？?\n\r\t“”\"‘’'「」『』《》〈〉【】[]（）()—…·|/\\")
LIST_SEP = "、"
SENTENCE_END = re.compile(r"[。！？!?\n]+")

# jieba part-of-speech flags that never occur inside an organization name.
STOP_FLAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "y", "e", "o", "x",
                        "t", "zg", "f", "i", "k"})

# Pronoun-like prefixes that stand for the article's own city or county ("我市公安局").
HOME_PREFIXES = ("我市", "本市", "全市", "我县", "本县", "全县", "我区", "本区", "全区")

# Anaphors that point to the unit last named with the same head ("该院" → the last 医院).
ANAPHOR = re.compile(r"(该|本|此)(院|局|所|站|队|厅|委|办|部|科|校|中心|公司|社区|街道|镇|乡|村|县|区|市|集团|支队|大队)")

# Words that introduce a post held by the subject of the clause.
POST_VERBS = ("兼任", "调任", "原任", "时任", "曾任", "历任", "现任", "新任", "拟任", "接任", "升任", "出任", "担任", "任职",
              "就任", "转任", "任")
# The status a verb or prefix gives to the post.
STATUS_OF = {
    "原任": "former", "时任": "former", "曾任": "former", "原": "former", "前": "former",
    "历任": "former", "新任": "new", "调任": "new", "升任": "new", "出任": "new", "就任": "new", "拟任": "new",
    "接任": "new", "转任": "new", "卸任": "former", "离任": "former",
}

# Units of the central state: they sit in no city.
NATIONAL_PREFIXES = ("中央", "国家", "全国", "国务院", "中共中央", "最高人民", "中国",
                     # the armed forces and the central ministries and councils of a state
                     "陆军", "海军", "空军", "国军", "解放军", "武警", "总统府", "行政院", "立法院", "司法院", "监察院",
                     "考试院", "内政部", "外交部", "国防部", "财政部", "教育部", "法务部", "经济部", "交通部", "公安部",
                     "司法部", "商务部", "民政部", "文化部", "卫生福利部", "劳动部", "警政署", "海巡署")
# A school's name that is whole before 校长 (六信高中校长, 台南一中校长, 实验小学校长; not 党校校长).
SCHOOL_ENDINGS = ("中", "小", "学", "院")
# Modal and light verbs that stand in no unit's name (领导班子|要|认真学习…): they end a unit chain.
LIGHT_VERBS = frozenset("要是有能应需让使")
# Words that may stand before a division inside a unit's name (中共忻州市委, 共青团山西省委).
STATE_PREFIXES = NATIONAL_PREFIXES + ("中共", "中国共产党", "共青团", "民革", "民盟", "民建", "民进", "农工党", "致公党",
                                      "九三学社", "台盟")

# Words that a unit name never runs across: the post verbs and the verbs of reporting.
CHAIN_BREAK = frozenset({"兼", *(v for v in POST_VERBS if len(v) == 2), "通报", "公开", "表示",
                         "指出", "强调", "介绍", "慰问", "看望", "会见", "陪同", "带领", "率领", "感谢", "卸任", "离任",
                         "欢迎", "邀请", "出席", "主持", "致词", "致辞", "前往", "接见", "召开", "举行", "举办", "开展"})

# One-character ranks written before a title the lexicon has only without them (副主任医师).
RANK_PREFIXES = frozenset({"副", "正", "总", "代"})

# Department words that also begin titles (科主任 = 科 + 主任): the unit, not the title, owns them.
DEPARTMENT_HEADS = frozenset("科室处部组股")

# Roles that are party membership or a kind of people, not a post in a unit.
NOT_POSTS = frozenset({"党员", "中共党员", "共产党员", "预备党员", "老党员", "群众", "同志", "居民", "村民",
                       "市民", "患者", "家属", "学生", "孩子", "代表", "嘉宾", "来宾", "贵宾", "大师", "太子", "公主",
                       # kinds of people, not posts
                       "雇主", "业者", "民众", "员工", "劳工", "厂商", "家长", "游客", "乘客", "旅客", "消费者",
                       "网友", "读者", "观众", "选手", "渔民", "农民", "主持"})

# Title words written after a name (习近平总书记, 张三同志); the rest of titles precede the name.
HONORIFIC_AFTER = ("同志", "先生", "女士")

# Credits in bylines and captions.
BYLINE_ROLES = ("本报记者", "本台记者", "本网记者", "特约记者", "见习记者", "摄影记者", "记者", "通讯员", "实习生",
                "摄影", "编辑", "责任编辑", "责编", "校对", "审核", "监制", "撰稿", "编审", "绘图")
# Names of news media that sign an article with a reporter's name on one line (…网站 陆丽环).
MEDIA_SUFFIXES = ("新闻网", "网站", "日报", "晚报", "报社", "电视台", "客户端", "融媒体中心", "网")
# Contact lines that close government releases (发稿人：…, 承办人：…, 新闻联络人：…).
CONTACT_ROLES = frozenset({"发稿人", "承办人", "联络人", "连络人", "联系人", "业务联络人", "业务连络人", "业务联系人",
                           "新闻联络人", "新闻连络人", "新闻联系人"})
# Contacts who write the release: without a unit of their own they belong to its issuing body.
RELEASE_AUTHORS = frozenset({"发稿人", "新闻联络人", "新闻连络人", "新闻联系人"})
# Labels of the line that names a release's issuing body.
ISSUER_LABELS = ("发稿单位", "发布单位", "发布机关", "供稿单位", "稿件来源", "来源", "稿源")
PHOTO_CREDIT = "摄"

# Party organs that sit inside a unit; "X党支部书记、主任" is secretary of X's branch and head of X.
PARTY_ORGANS = ("党总支", "党支部", "党工委", "党委", "党组", "工委", "总支", "支部")
PARTY_ROLES = frozenset({"书记", "副书记", "委员", "支部书记", "常委", "党委书记", "党支部书记", "第一书记"})

# Age and generation modifiers between a unit and a title: "派出所59岁的民警".
MODIFIER = re.compile(r"(\d{1,3}|[一二三四五六七八九十]{1,3})(岁|后)的?$|(年轻|年过半百|女|老)的?$")

# What may stand right before a name written before its title (方一峰议员): punctuation and the
# conjunctions and verbs that open a list item.
NAME_LEFT = frozenset("、，,。；;：:（(「『“”\" \u3000\t\n")
NAME_LEFT_WORDS = frozenset("及和与暨由请")
# Taiwanese villages and wards (三光里) end with 里, which no unit suffix list holds.
VILLAGE_WARD = ("里",)
# What may follow a list item's title: punctuation and the words that close or extend a list.
ITEM_END = frozenset("、，,。；;：:！!？?）)」』”\" \u3000\t\n等及和与暨")

# Posts of a whole country: no unit is read before them and they sit in no city (习近平总书记, 蔡英文总统).
NATIONAL_TITLES = frozenset({"总书记", "国家主席", "国家副主席", "总统", "副总统", "总理", "副总理", "国务委员",
                             "立委", "立法委员"})
# Titles one person holds in a unit at a time: a list of names after one of them is no shared post
# (市长黄伟哲、叶泽山 is not two mayors); deputies (副市长) and members (议员, 委员) are shared.
SINGULAR_HEADS = ("长", "书记", "主任", "主席", "总统", "总理", "经理", "司令", "政委", "指挥官", "负责人",
                  "召集人", "总召", "执行长", "营运长", "创办人")

# The opening of a personnel profile (任前公示, 干部简历): `杨某某，男，汉族，…`; the posts of the paragraph
# are this person's.
PROFILE = re.compile(r"^[ \u3000\t]*([\u4e00-\u9fff](?:[ \u3000]{0,2}[\u4e00-\u9fff]){1,3})[ \u3000]*[，,][ \u3000]*[男女][，,（(]",
                     re.MULTILINE)

# 校/院 standing for the article's own institution (校党委, 我校, 院纪委), and what may follow it.
INSTITUTION_ANAPHOR = re.compile(r"^(我|本|全|该)?(学校|校|院)")
INSTITUTION_KINDS = {"校": ("大学", "学院", "学校", "中学", "小学"), "院": ("医院", "法院", "检察院", "研究院", "学院")}
INSTITUTION_ORGANS = ("党委", "党组", "纪委", "党校", "工会", "团委", "组织部", "宣传部", "统战部", "办公室", "机关党委",
                      "党政办", "学术委员会", "监委", "纪检", "务委员会")

# Two-character words that qualify a title without naming a unit (分管副局长, 常务副市长 is in the lexicon).
TITLE_MODIFIERS = frozenset({"特聘", "客座", "名誉", "荣誉", "分管", "专职", "兼职", "挂职", "驻村", "包村", "首任", "时任", "现任", "专任"})

# What closes a list of posts after a post verb (历任…、…等重要职务).
POSTS_CLOSING = ("等重要职务", "等职务", "等职", "等领导职务", "等岗位")

# Military and police ranks written after a name (吕坤修中将): they end the name and are no post.
RANKS = ("上将", "中将", "少将", "大校", "上校", "中校", "少校", "上尉", "中尉", "少尉", "一级警监", "二级警监",
         "三级警监", "警监", "警正", "警司")
# Quotation marks that set off a name inside a post (基金会「杜某某」执行长).
NAME_QUOTES = {"「": "」", "“": "”", "『": "』"}

# Departments of a party committee written without it after one of its posts (市委常委、政法委书记).
COMMITTEE_DEPARTMENTS = ("政法委", "编委", "农办", "网信办", "台办", "外办", "巡察办")
# Posts that say nothing without their unit: a fact with one of them and no unit is dropped.
UNIT_BOUND_ROLES = frozenset({"干部", "工作人员", "成员", "负责人", "老师",
                              # occupations: a post only where a unit employs them
                              "歌手", "演员", "作家", "画家", "艺术家", "厨师", "设计师", "律师", "技士", "技师"})

# Words before a post verb that end the post (不再担任), and words for "post" that close its object.
POST_ENDED = ("不再", "免去", "辞去", "卸任")
POST_WORDS = ("等职务", "职务", "一职", "等职")

# A notice's line that opens with a name and its post (`李某，某集团原党组成员、副总经理，曾任…`).
COMMA_PROFILE = re.compile(r"^[ \u3000\t]*([\u4e00-\u9fff]{2,4})[，,]([^，,。；;：:\n]{3,60})(?=[，,。；;])", re.MULTILINE)

# Names that stand for a person without naming one (张某某, 王女士), or that name an award or an event
# (总统|科学奖): no person of the graph.
ANONYMOUS_NAME = re.compile(r"某|^[\u4e00-\u9fff](?:女士|先生|老师|同学|师傅|阿姨|大爷)$|[奖杯赛节展]$")

# Honorific titles (工艺美术大师): praise, not a post.
HONORIFICS = ("大师", "名家", "达人", "禅师", "法师", "真人", "上人", "菩萨", "娘娘")
