"""U rules: user turns should sound like a person talking, not a survey."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sftlint import regex_cache
from sftlint.batch import Batch, Turns
from sftlint.chinese import cjk_share, load_scorer, token_starts
from sftlint.config import MAX_CHARS, StrictModel
from sftlint.findings import Finding, Severity
from sftlint.options import Field
from sftlint.records import Record
from sftlint.rule import RecordRule
from sftlint.rules.assistant_replies import checklist_items
from sftlint.verdicts import Verdict, judged_findings


class UserTooLong(RecordRule):
    """User turn longer than `max-chars`: it reads like a survey, not speech.

    ## What it does
    Counts the characters of each user turn (surrounding whitespace excluded) and flags
    those over `max-chars`. By default only turns that are mostly Chinese are measured,
    since the limit is set for Chinese, where one character carries about a word.

    ## Why it matters for training
    People chatting with a companion say a sentence at a time. Trained on long, written
    prompts, the model learns a user who never exists and does worse on the real one.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "我最近总是睡不好觉，晚上躺在床上翻来覆去，脑子里一直想着过去的事情，想着孩子们小时候的样子，现在他们都在外地工作，一年也回不来几次。"}, {"role": "assistant", "content": "听起来您很想念孩子们，夜里格外难熬吧？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好，总想起孩子们小时候。"}, {"role": "assistant", "content": "听起来您很想念孩子们，夜里格外难熬吧？"}]}
    ```

    ## Options
    - `max-chars` (default 50)
    - `cjk-only` (default `true`): measure only turns whose letters are mostly CJK.
    """

    code = "U001"
    name = "user-too-long"
    severity = Severity.WARNING

    class Options(StrictModel):
        max_chars: int = Field(50, gt=0, le=MAX_CHARS)
        cjk_only: bool = True

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        limit = self.options.max_chars
        for m in record.messages:
            if m.role == "user" and len(m.content) > limit:
                n = len(m.content.strip())
                if n > limit and (not self.options.cjk_only
                                  or cjk_share(m.content) >= 0.5):
                    yield self.at(record, m.pointer, f"user turn is {n} characters "
                                                     f"(max {limit})")


class UserTooShort(RecordRule):
    """User turn shorter than `min-chars`.

    ## What it does
    Flags user turns with fewer than `min-chars` characters (surrounding whitespace excluded).

    ## Why it matters for training
    A one-character turn ("嗯", "?") gives the reply nothing to respond to; the model
    learns to answer context it was never given.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "嗯"}, {"role": "assistant", "content": "今天过得怎么样？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "嗯，还行。"}, {"role": "assistant", "content": "还行就好，今天做了些什么？"}]}
    ```

    ## Options
    - `min-chars` (default 2)
    """

    code = "U002"
    name = "user-too-short"
    severity = Severity.WARNING

    class Options(StrictModel):
        min_chars: int = Field(2, ge=0, le=MAX_CHARS)

    options: Options

    def check(self, record: Record) -> Iterator[Finding]:
        limit = self.options.min_chars
        for m in record.messages:
            if m.role == "user" and len(m.content) < limit + 4:
                n = len(m.content.strip())
                if 0 < n < limit:
                    yield self.at(record, m.pointer, f"user turn is {n} character(s) "
                                                     f"(min {limit})")


# Verbs that ask for a text to be produced: "请列出…", "能否提供…", "请分析一下…".
_PRODUCE = (r"(?:列出|列举|列一|罗列|给出|提供|分析|评估|总结|解释|介绍|说明|描述|阐述|论述|讲解|写|"
            r"生成|输出|判断|推荐|翻译|比较|整理|梳理|概括|归纳|制定|设计|回答|猜测|识别|改写|润色|"
            r"计算|解答|举例|对比|评价|点评|起草|草拟|拟定|拟写|撰写|编写|编制|规划|制作|做一份|出一份|"
            r"预测|推导|证明|检查|审核|修改|校对|提炼|补充|完善|告知|查询)")
# The same verbs opening a turn with no 请 ("列出…", "帮我起草一封…"): an order to a tool.
_BARE_REQUEST = regex_cache.compile(r"^(?:(?:帮|替|为|给)我|为[^，。！？,!?\s]{1,20}?)?(?:列出|列举|罗列|起草|草拟|拟定|拟写|撰写|编写|编制|生成|提供|查询|"
                           r"输出|翻译|总结|归纳|概括|整理|梳理|制定|分析|比较|对比|评价|评估|阐述|论述|"
                           r"写一(?:封|篇|份|段|首|个|句|则|条|张)|写出(?!来)|出一份|做一份|设计一(?:个|份|套|张|款|种)|列一(?:个|份|张|下)|拟一(?:份|个|篇)|"
                           r"解释|描述|阐释|概述|创建|创作|续写|扩写|改写|重写|优化(?=此|这|以下|下列|下面|该|给定)|"
                           r"[把将][^，。！？,!?\n]{1,16}?(?:翻译|改写|润色|扩写|缩写|整理|总结|归类|分类)(?:成|为|得)?)")
# Verbs of an instruction dataset's task that also open speech (找到钥匙了, 说出来你都不信):
# a task only in a turn with no one in it, no particle of speech and no 了 in its first line.
_TOOL_TASK = regex_cache.compile(r"^(?!.*了)"
                                 # the task's material first, named as text ("用“勤勉”写一个句子",
                                 # "将以下表达式转换为…"), or what to name ("为一款甜点取一个名字")
                                 r"(?:(?:用|根据|按照?|基于|将|把|对)(?=[^，。！？,!?\n]{0,12}(?:以下|下面|下列|这句话|这段|"
                                 r"句子|文本|词|表达式|数字|给定|顺序|“))[^，。！？,!?\n]{0,24}?|以[^，。！？,!?\n]{1,12}为(?:主题|题|话题|题目)|为(?!什么|啥|了)[^，。！？,!?\n]{1,24}?"
                                 r"(?=(?:取|起)一?个(?:名字|标题|名称|口号)))?"
                                 r"(?:找出|找到|说出|指出|举出|选出|列举出|计算|判断|识别|推荐|生成|命名|"
                                 r"研究(?!表明|发现|显示|证明|了|过|半天|明白|一下)|制作(?=一(?:个|份|张|款|幅)|[^，。！？,!?\n]{1,12}(?:图|表|清单|海报|计划|简历|食谱|菜谱|视频))|构建|创造|创建|"
                                 r"提出一|举(?:一个|几个|一些|一例)|举个例子(?=说明|解释)|发布一|"
                                 r"求(?=[^，。！？,!?\n]{1,20}(?:的值|平均|之和|的和|的积|面积|周长|的解))|"
                                 r"(?<=.)(?:取|起)一?个(?=名字|标题|名称|口号)|转换|缩减|写一(?=个|篇|首|段|句|封|份|则|条|张)|写出|对下联|"
                                 r"编一(?=个|首|段|则|篇|道)|造句|重新表述|重新(?:写|组织|排列|措辞)(?=这|以下|下面|下列|该|句子|段落|文章)|"
                                 r"建议(?=[^，。！？,!?\n]{0,12}(?:同义词|反义词|标题|名字|替代|替换))|"
                                 r"让(?=(?:这|以下|下面|该)(?:句话|段话|个句子|句子|段文字|篇文章|首诗))|"
                                 r"(?:改变|改正|修改)(?=以下|下列|下面|这个句子|这句话|句子))[^\n]{2,}")
_PERSON = regex_cache.compile(r"[我你您他她咱俺]")
# A quoted input of a task ("判断以下陈述属于哪种认知扭曲：“我这辈子都完了。”"): its words are not the asker's.
_QUOTED = regex_cache.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")
# Marks of speech: particles and chat words ("您好啊小暖", "请问你是谁呀").
_SPOKEN = regex_cache.compile(r"[呀啊呢吧呗嘛哈啦咋啥哎唉嗯哟喽咯噢哦]|唠嗑|俺|咱|(?:跟|和)你(?:说|讲)|你说(?!明)|\S不[？?]")
# A request that ends on a particle is said, not written ("请你介绍一下你自己吧").
_SPOKEN_END = regex_cache.compile(r"[呀啊吧呗嘛啦哈哟][。！!？?~～…]*\s*$")
# Written requests and queries, by how strongly each says "form, not talk".
_REQUEST = regex_cache.compile(rf"(?P<please>请)(?:你|您|大家)?(?:帮我|为我|给我|帮忙|直接|就)?"
                      rf"[^。！？!?\n]{{0,48}}?{_PRODUCE}")
_ABLE = regex_cache.compile(rf"(?:能否|可否|是否可以|能不能请你|可不可以请你|麻烦您?)[^。！？!?\n]{{0,10}}?{_PRODUCE}")
_ABLE_HINT = regex_cache.compile("能否|可否|是否可以|能不能请|可不可以请|麻烦")
_CONSULT = regex_cache.compile(r"(?P<consult>咨询)(?!师|室|中心|机构|服务|热线)")
_LEARN = regex_cache.compile(r"(?:想|希望)(?:了解|知道|问)(?:一下|下)?[^。！？!?\n]{0,24}"
                    r"(?:条件|流程|标准|政策|方法|步骤|规定|费用|价格|比例|症状|区别|原因|材料|范围|"
                    r"方式|渠道|途径|要求)")
# Written-register question words (spoken Chinese says 怎么, 是不是): a question built on them,
# with no one in it (no 我, 咱, 俺) and no particle, reads like a search.
_WRITTEN_QUESTION = regex_cache.compile(r"如何|是否|有何|何种|哪些方面|注意事项|有哪些(?:方法|措施|建议|症状|危害)")
_FIRST_PERSON = regex_cache.compile(r"[我咱俺]")
_LATIN = regex_cache.compile(r"[A-Za-z]{3}")
_ASK_OPENER = regex_cache.compile(r"(?:^|[，,。！!？?\s])(?:请问|我想问一下|想问一下|打扰一下|冒昧问一下|我想问下|"
                         r"(?:我想|想)?请教一下)")
_INFO = regex_cache.compile(r"如何|怎样|怎么|哪些|哪里|哪儿|哪个|哪家|多少|是否|什么|流程|标准|比例|要点|注意事项|材料|条件|方法|"
                   r"措施|建议|区别|范围")
_SUBQUESTIONS = regex_cache.compile(r"问题[一二三1-9][：:].+问题[二三四2-9][：:]", re.S)
_TASK = regex_cache.compile(r"你是一(?:位|名|个)[^。\n]{0,30}(?:专家|咨询师|医生|助手|老师)|根据[^。\n]{0,40}(?:生成|输出|回答|判断|回复|给出|选择|续写|模拟|评估)")
# An instruction dataset's fields and words (Alpaca's instruction joined to its input:
# "找出…\n输入：…", "识别给定句子中的…", a blank to fill "他听到消息时很_____。"): never said aloud.
_DATASET_TASK = regex_cache.compile(r"(?:^|\n)[ \t]*(?:输入|指示|指令)[：:]|_{3,}|给定的?(?:句子|文本|段落|单词|词语|列表|"
                                    r"数据|数字|主题|文章|短语|信息|条件|字符串|集合|数组|代码|函数|问题)")
# Keywords typed into a search box: terms may hold codes (TP-LINK, 150/90, 第1-10回), and the
# first of three or more may be a long phrase if no one is in it (老年人智能手机使用培训 社区 免费).
_KEYWORDS = regex_cache.compile(r"^(?=[^\u4e00-\u9fff]*[\u4e00-\u9fff])(?:"
                       r"(?:[\u4e00-\u9fff0-9A-Za-z./\-]{1,8}|(?:(?![我你您他她咱俺])[\u4e00-\u9fff0-9A-Za-z./\-]){9,16})(?:[ \t\u3000]+[\u4e00-\u9fff0-9A-Za-z./\-]{1,8}){2,}吗?"
                       r"|[\u4e00-\u9fff0-9A-Za-z./\-]{2,16}[ \t\u3000]+[\u4e00-\u9fff0-9A-Za-z./\-]{2,8})$")
# Questions of speech in a spaced line (今天天气怎么样 会不会下鱼): pauses of dictation, not keywords.
_SPOKEN_QUESTION = regex_cache.compile(r"怎么样|会不会|是不是|要不要")
# A person in a keyword query is a word of its own (我妈 血压), not a character of a name
# (阿托伐他汀 副作用).
_PERSON_WORD = regex_cache.compile(r"(?:^|(?<=[ \t\u3000给跟和对让叫帮问]))[我你您他她咱俺]|[我你您他她咱俺](?=[的们])")
# Said to a smart speaker, by its wake word.
_WAKE_WORD = regex_cache.compile(r"(?i)^\s*(?:天猫精灵|小爱同学|小爱|小度小度|小度|小艺小艺|小艺|alexa|hey siri|siri|"
                        r"hey google|ok google)(?![A-Za-z])")
# An enumeration told in one line about oneself (我这几天不得劲，一是腿疼，二是睡不着): speech.
_TOLD_IN_A_LINE = regex_cache.compile(r"^(?![^\n]*\n)(?=[^请？?]*$)(?![^\n]*(?:问题|哪些|如何|是否))[^\n]*[我俺]")
# Letters and written requests: an addressee, the formulas of a complaint, a document asked for.
_WRITTEN = regex_cache.compile(r"^致[\u4e00-\u9fff]{1,8}[：:]|特此|望予以|特作如下|贵(?:院|司|单位|公司)|并附|"
                      r"用[^，。,.]{1,8}(?:概括|总结|描述|介绍)|推荐[一二三四五六七八九十几\d]+[本部个种款家首]|"
                      r"需要一份|关于[^，。,.]{1,20}的[^，。,.]{0,10}(?:方案|报告|说明|计划|清单|反映|投诉|申请|请示|意见)|"
                      r"^本人|(?:查询|办理|核实|补办)(?:一下)?本人")
# A title typed into a search box: a noun phrase that ends on what is looked for, no
# sentence mark, no person (冬季老人防跌倒措施, 医保异地就医备案流程).
_TITLE = regex_cache.compile(r"[\u4e00-\u9fff0-9A-Za-z及与和的、 ]{2,40}(?:(?:措施|办法|方法|流程|政策|要点|注意事项|指南|标准|"
                    r"条件|原因|症状|食谱|攻略|清单|排行|大全|须知|步骤|技巧|方案|食疗方|最新规定|时间|推荐|"
                    r"教程|比例|说明|要求|哪家好|排名|价格|费用|安装|天气|水果|食物|习俗|由来|禁忌|消息|新闻|作用|"
                    r"副作用|功效|区别|补办|项目|常识|量表|摄入量|课程设置|所需材料|时限|价格对比|投诉电话|热线电话|"
                    r"办理方式|联系方式|申请方式|简介)"
                    r"(?:[ \t]*\d{4})?"
                    # an instruction dataset's topic, full stop and all (网络安全的重要性。)
                    r"|的(?:定义|重要性|论点|意义|好处|优缺点|特点|目的|概述|简介)。?)")
# A question typed into a search box: no person, no particle but 吗, no punctuation
# (高血压能吃鸡蛋吗, 降压药和柚子能一起吃吗).
_TYPED_QUESTION = regex_cache.compile(r"[\u4e00-\u9fff0-9./%TtA-Z\-]{2,20}(?:(?:能|可以|能不能|需要|要|算|有)[\u4e00-\u9fff0-9]{0,8}吗|"
                             r"怎么[\u4e00-\u9fff]{1,4}|多少[\u4e00-\u9fff]{0,3}|多久[\u4e00-\u9fff]{0,6}|"
                             r"哪些[\u4e00-\u9fff]{0,3}|是什么意思|有没有[\u4e00-\u9fff]{1,8}|"
                             r"(?<![这那底算])属于(?:几|哪)[\u4e00-\u9fff0-9]{0,6}(?<![啊嘛哈呢呀吧]))")
# A query typed as a noun phrase ending on what it asks for (社区药店营业时间查询, 婴儿辅食添加顺序表,
# 青少年抑郁症早期表现), with no verb or time of speech (明天去社保局查询, 终于做好暑假作息表).
_QUERY_NOUN = regex_cache.compile(r"(?![^\n]*(?:去|做好|得|想|又|终于|刚|了|已经))"
                                  r"[\u4e00-\u9fff0-9A-Za-z及与和的、 ]{2,30}(?:查询|(?:顺序|时间|对照|一览|价目|作息)表|"
                                  r"(?:早期|临床|主要|典型|常见|症状)表现)")
# English keywords typed as a query: lowercase words, no verb of speech, no punctuation.
_EN_KEYWORDS = regex_cache.compile(r"(?i)(?!.*\b(?:i|i'm|(?<!near\s)me|my|you|your|we|our|hi|hello|thanks|thank|feeling|"
                          r"today|tonight|miss|love|dear|lol|haha|just|so|bit)\b)[a-z][a-z0-9'\- ]{2,60}"
                          r"(?:[ \t][a-z0-9'\-]+){2,}\.?")
# Speech in an English line: contractions, text-speak, fillers, a word said twice, "going to".
_EN_SPEECH = regex_cache.compile(r"(?i)n't\b|'(?:ve|re|m|ll|d)\b|\b(?:what|how|when|where|who|it|that|there|time|here|he|she)'s\b|"
                        r"\b(?:u|r|ur|wat|gonna|wanna|gotta|um|umm|uh|er|erm|hmm)\b|\b(\w+)\s+\1\b|\bgoing\s+to\b")
_ENGLISH = regex_cache.compile(
    # an instruction dataset's task (Classify the sentiment of…, Summarise this passage)
    r"^(?:Classify|Categori[sz]e|Summari[sz]e|Paraphrase|Rewrite|Generate|Extract)\s+(?:the|this|these|following|a|an)\b"
    r"(?![^\n]*(?:\bmyself\b|\blol\b|\bhaha\b))|"
    r"\bplease\s+(?:list|analy[sz]e|provide|explain|describe|summari[sz]e|give|outline|compare|"
    r"write|answer|recommend|suggest|evaluate|detail|elaborate|translate|generate)\b"
    r"|\bin\s+bullet\s+points\b|\bDear\s+Sir\b|\bDear\s+Madam\b|\bI\s+am\s+writing\s+(?:to|regarding|concerning|about|in\s+(?:regard|reference|relation)\s+to|with\s+regard\s+to|further\s+to)\b|\bcould\s+you\s+(?:please\s+)?(?:provide|list|explain|summari[sz]e|"
    r"outline|describe|elaborate|draft|create|compare|confirm|advise|knock\s+up)\b"
    r"|\bI\s+(?:would|should)\s+like\s+to\s+(?:know|inquire|enquire|request|register|apply)\b|\bI\s+wish\s+to\s+(?:know|inquire|enquire|request|register|apply|complain|make|lodge|cancel)\b"
    r"|\bI\s+(?:hereby\s+)?request\b|\bI\s+hereby\b|\bto\s+whom\s+it\s+may\s+concern\b|\bmay\s+I\s+know\b"
    r"|^(?:Formal\s+)?complaint\s+regarding\b|\bDear\s+(?:Customer|Team|Council)\b"
    r"|\b\d+[-\s]words?\b|\b(?:about|approximately|around)\s+\d+\s+words\b"
    r"|(?:^|(?<=[.!?]\s))(?:Kindly\s+)?(?:List|Provide|Summari[sz]e|Outline|Compare|Analy[sz]e|Draft|"
    r"Translate|Generate|Kindly|Identify|Describe|Define|Rewrite|Compose)\b"
    r"|(?:^|(?<=[.!?]\s))(?:Explain\s+(?:the|how|what|why|in)|Write\s+(?:a|an|me\s+a)|Create\s+(?:a|an)|"
    r"Recommend\s+(?:some|a|an|two|three|five|\d+))\b",
    re.IGNORECASE)


# What formal_marker names when no one phrase is the mark (said as is, not quoted as text)
_KINDS = frozenset({"a list", "a task prompt", "a keyword query", "a title-like query",
                    "an English keyword query"})


def formal_marker(text: str) -> str | None:
    """The first written-request marker in a user turn (`text` in its reading form,
    `chinese.reading_form`), or None."""
    # Every marker needs a literal; plain `in` tests keep the common case (speech) cheap.
    if _WAKE_WORD.match(text):
        return None  # said to a smart speaker: 天猫精灵 声音大点, alexa what's the weather
    if (checklist_items(text, spoken=False) >= 2 and not _SPOKEN.search(text)
            and not _TOLD_IN_A_LINE.search(text)) or "问题" in text and _SUBQUESTIONS.search(text):
        return "a list"
    written = _WRITTEN.search(text)
    if written:
        return written.group()
    if ("你是一" in text or "根据" in text) and _TASK.search(text):
        return "a task prompt"
    if ("输入" in text or "指" in text or "给定" in text or "___" in text) and _DATASET_TASK.search(text):
        return "a task prompt"
    if (" " in text or "\u3000" in text or "\t" in text) and _KEYWORDS.match(text.strip()) \
            and not _PERSON_WORD.search(text) and not _SPOKEN.search(text) \
            and not _SPOKEN_QUESTION.search(text):
        return "a keyword query"
    stripped = text.strip()
    title = (_TITLE.fullmatch(stripped) or _TYPED_QUESTION.fullmatch(stripped)
             or _QUERY_NOUN.fullmatch(stripped)) \
        if len(text) <= 40 else None
    if title and not _PERSON.search(text):
        return "a title-like query"
    if len(text) <= 64 and _EN_KEYWORDS.fullmatch(stripped) and not _EN_SPEECH.search(text):
        return "an English keyword query"
    if _LATIN.search(text):
        english = _ENGLISH.search(text)
        if english:
            return english.group()
    # 请 and 咨询 must be words of their own (请客, 请假, 咨询师 are not requests).
    request = _REQUEST.search(text) if "请" in text else None
    if request and _word_at(text, request.start()) and not _SPOKEN_END.search(text):
        return request.group()
    request = _ABLE.search(text) if _ABLE_HINT.search(text) else None
    if request:
        return request.group()
    request = _BARE_REQUEST.match(stripped)
    if request and not _SPOKEN.search(text):
        return request.group()
    # the task's own words, not its quoted input's
    unquoted = _QUOTED.sub("“”", stripped) if "“" in text or '"' in text or "「" in text else stripped
    task = _TOOL_TASK.match(unquoted)
    # no one in the task's own words (its input after a colon may name anyone)
    if task and not _PERSON.search(re.split(r"[：:]", unquoted, maxsplit=1)[0]) \
            and not _SPOKEN.search(unquoted):
        return stripped.split("\n", 1)[0]  # the task's line, as written
    if _SPOKEN.search(text):
        return None
    consult = _CONSULT.search(text) if "咨询" in text else None
    if consult and _word_at(text, consult.start(), 2):
        return "咨询"
    learn = _LEARN.search(text) if "了解" in text or "知道" in text or "问" in text else None
    if learn:
        return learn.group()
    written = _WRITTEN_QUESTION.search(text)
    if written and not _FIRST_PERSON.search(text):
        return written.group()
    opener = _ASK_OPENER.search(text) if "问" in text or "打扰" in text or "请教" in text else None
    # a question about the asker's own life is talk, however politely it opens
    if opener and _INFO.search(text, opener.end()) and not _FIRST_PERSON.search(text, opener.end()):
        return opener.group().lstrip("，,。！!？? ")
    return None


# The learned back-up reads only turns with a mark of a written request or a question.
# A mark of a request or a question: words, not their characters (是, 些, 能 and 可 alone are
# in most spoken turns, which the scorer then misread).
_SCORER_GATE = regex_cache.compile(r"请|问|帮|列|写|如何|哪些|是否|能否|可否|[？?：:]"
                          r"|\b(?:please|could|would|what|how|list)\b", re.IGNORECASE)


# Too little text for character n-grams to tell a typed query from a spoken question
# (杭州下雪吗？): below this, only the markers judge.
_SCORER_MIN_CHARS = 8


# Words that hold 请, 咨询 or 问 without asking for anything (请假, 咨询师, 问题): blanked for
# the scorer, which would otherwise read them as a request.
_NOT_A_REQUEST = regex_cache.compile(r"请(?:假|客|来|到|进|坐|吃|喝)|(?:邀|申|聘|宴|提|恳)请|咨询(?:师|室|中心|机构)|"
                            r"问(?:题|候)|(?:学|疑|访|慰|过|顾)问")


def scorer_text(text: str) -> str:
    """`text` as the scorer reads it: words that only look like a request blanked."""
    return _NOT_A_REQUEST.sub("\x1f", text)


def _word_at(text: str, pos: int, length: int = 1) -> bool:
    """Whether text[pos:pos+length] is one whole jieba token."""
    lo = max(0, pos - 6)
    starts = token_starts(text[lo:pos + length + 6])
    return pos - lo in starts and pos + length - lo in starts


class FormalUserTurn(RecordRule):
    """User turn reads like a written request, not speech.

    ## What it does
    Flags user turns that read like a written request or a query to a service, not like
    someone chatting: requests to produce a text (请列出…, 请分析一下…, 请给出…的建议,
    请帮我写一份…, 请直接输出…), 能否/可否提供…, 咨询 as a verb (我想咨询一下…), 想了解一下…的
    条件/流程/标准, 请问 or 您好 + 想问一下 followed by an information question (如何, 哪些,
    多少, 是否, 流程…), lists and numbered sub-questions (1.…2.…, 问题一：…问题二：…), task
    prompts (你是一位专业的心理咨询师…, 根据…生成…), turns that open on such a verb with no 请
    (列出…, 帮我起草一封…, 总结一下…), an instruction dataset's tasks (解释…, 写一个…, 设计一张…;
    找出…, 说出…, 计算… where no one is in the turn and no 了), bare keyword queries (老年人 高血压 饮食), titles and
    questions typed into a search box (冬季老人防跌倒措施, 降压药需要终身服用吗, 手机字体怎么调大:
    no person, no particle, no punctuation), letters (致物业：…特此投诉), and
    in English "please list / analyze / provide…", "in bullet points", "could you provide…",
    "I would like to inquire…". 请 and 咨询 must be words of their own (jieba, run only on
    turns that have them): 请客, 请假, 咨询师 are not requests.

    Not flagged: greetings and polite words in speech (您好啊小暖，今天降温了。 / 请问你是谁呀？ /
    请你陪我说说话吧), spoken questions asking for advice (你说我这血压老是高，是不是跟我爱吃咸菜
    有关系啊？ / …该怎么办？), long rambling stories, and 请问/您好 questions with spoken
    particles (呀, 啊, 呢, 吧, 呗…). A greeting alone never makes a turn formal.

    Where no marker is found, a small learned scorer backs them up (option `scorer`): a
    logistic regression over the turn's character 1-3-grams, trained on the labeled set
    (benchmarks/accuracy/train_scorer.py; weights in rules/ngram_weights.json), which reads
    only turns with a mark of a request or a question and no spoken particle, with words
    that only look like requests (请假, 咨询师, 问题) blanked.

    ## Why it matters for training
    A companion model hears "最近老睡不好", not "您好，请问如何改善睡眠？请列出建议". Trained on
    the second, it answers the first like a help desk.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "请问怎样才能睡好？"}, {"role": "assistant", "content": "睡不好挺磨人的，最近是心里有事吗？"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好。"}, {"role": "assistant", "content": "睡不好挺磨人的，最近是心里有事吗？"}]}
    ```

    ## Options
    - `scorer` (default `true`): back the markers up with the n-gram scorer.
    """

    code = "U003"
    name = "formal-user-turn"
    severity = Severity.WARNING

    class Options(StrictModel):
        scorer: bool = True

    options: Options

    def check_batch(self, batch: Batch) -> Iterator[Finding]:
        return judged_findings(
            self, batch.turns("user"), self._judge,
            lambda marker: "user turn reads like a written request ("
                           + (marker if marker in _KINDS else f'"{marker}"')
                           + "); write it as speech",
            "user turn reads like a written request (n-gram scorer); write it as speech")

    def _judge(self, turns: Turns) -> list[Verdict]:
        """Each turn's verdict: ("marker", the marker) where a pattern finds a mark of
        writing, ("scorer",) where only the scorer reads the turn as written, else None."""
        verdicts: list[Verdict] = [None] * len(turns.texts)
        unread: list[int] = []
        reading = turns.reading()
        for i, text in enumerate(reading.texts):
            marker = formal_marker(text)
            if marker:
                # the marker as written (請提供 where it reads 请提供): positions carry over
                at = text.find(marker)
                verdicts[i] = ("marker", turns.texts[i][at:at + len(marker)] if at >= 0
                               else marker)
            else:
                unread.append(i)
        if not self.options.scorer or not unread:
            return verdicts
        # the scorer reads, all at once, the turns with a mark of a request and no spoken word
        marked = reading.matching(_SCORER_GATE) - reading.matching(_SPOKEN) - reading.matching(_WAKE_WORD)
        read = [i for i in unread if i in marked and len(reading.texts[i]) >= _SCORER_MIN_CHARS]
        flags = load_scorer("U003").flags([scorer_text(reading.texts[i]) for i in read])
        for i, flagged in zip(read, flags, strict=True):
            if flagged:
                verdicts[i] = ("scorer",)
        return verdicts
