"""A001: lecturing, imperative replies ("你应该…", "您可千万别这么想", "you should…")."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache

from sftlint import regex_cache
from sftlint.batch import SEPARATOR, Batch, Turns
from sftlint.chinese import (
    Span,
    clause_at,
    has_cjk,
    literal_trie,
    load_scorer,
    quoted,
    reading_form,
    sentence_at,
    terminator,
)
from sftlint.config import StrictModel
from sftlint.findings import Finding
from sftlint.options import Field, model_check
from sftlint.rule import RecordRule
from sftlint.rules.assistant_replies import checklist_items, item_markers
from sftlint.verdicts import Verdict, judged_findings

# The building blocks of a Chinese order. A pattern only proposes a match; `_lecture` then
# reads its sentence (quoted, reported, asked, conditional, "probably", someone else's) and
# decides.
_YOU = r"(?:你们|您们|你|您|(?<![的个位些])老人家)"
# What may stand between the listener and the modal ("您可千万别", "您每天必须").
_ADVERB = (r"(?:可|也|还|就|真|都|再|千万|一定|务必|还是|以后|今后|平时|自己|真的|总|老|现在|"
           r"每天|天天|晚上|早上|出门|这回|这次|下次|下回|从今以后|从现在开始|自个儿|可得|真得|"
           r"今天|明天|今晚|今儿个|今儿|明儿|这个月|这两天|这几天|这阵子|这礼拜|这周|最近|暂时|"
           r"往后|从今天起|从明天起|睡前|先|早)")
# After 别/不要: what comforts ("别担心", "不要害怕") or cares ("别忘了带伞"), not orders.
# Blame of oneself comforts only when softened ("别太自责"); "别(再)自责了" is "stop blaming
# yourself", an order about a feeling, and so is any "别再…" (别再难过了: stop being sad).
_COMFORT = (r"(?:担心|害怕|怕|着急|急(?!躁|于|着(?=下结论|做决定|决定|做判断|判断|表态|回他|回她|回复他|回复她|拉黑|删|发火|发脾气|否定|放弃|说是|辞职|卖|转账|转钱|领证|搬|扶|反驳|给|办|过户|出门|离|分手|答应|签|付|买|报名|起来|下床))|慌|紧张|客气|见外|难过|伤心|不好意思|"
            r"(?:太|过于|太过|那么|这么)(?:自责|怪自己|内疚)|"
            r"放在心上|往心里去|忘了|忘记|累着|把自己(?:累|饿|冻|熬)(?:着|坏|垮|病|倒)|冻着|着凉|受凉|饿着|摔着|(?:惦记|挂念|牵挂)我|"
            # courtesy: 您甭起来, 别送了, 别忙活了, 别破费; 别操心了 (we'll see to it) soothes
            r"(?:起来|送|忙活|忙乎|忙|张罗|破费|麻烦|操心|费心)(?=了|啦|[，,。！!～~]|$))")
# Whose advice the listener is told to take (您就听医生的).
_ADVISER = r"(?:医生|大夫|专家|孩子们?|儿子|女儿|闺女|老伴儿?)"
# The listener as the one who said it ("你说了几次，她…", "您今天说了三回“没意思”"): no reproach.
_NOT_LISTENER_SAID = r"(?:(?<=[跟和对给同][你您])|(?<![你您]))(?<![你您]今天)(?<![你您]刚才)(?<![你您]又)"
_SOFTEN = r"(?:太|过于|太过|过多|过分|过度|那么|这么|多)"
# What 别 starts but does not forbid: 别人, 别的, and idioms (别看他嘴硬, 别提多高兴, 别说您了).
_NOT_BIE = r"(?!人|的|处|致|扭|墅|针|名|称|具|有|样|看|瞧|提|说(?!这|那|傻|丧|气话|自己)|管(?=多|什么|啥|谁|怎么|几))"
# 不能/不该 are orders only with these (您不能总闷着, 不能忽视); 腿疼得不能走路 describes.
_NOT_CAN = (r"(?:不能|不该|不应该|不应当|不可以)(?=总|老|一直|整天|成天|天天|再|这样|这么|那样|那么|"
            r"因为|不|忽视|马虎|大意|拖|停|忘|光|只|由着|任性|乱|随便|没有|太)")
# (要不要 and 我不要 are left out after the match, see _lecture.)
# 唔好, 覅 and 勿要 (Cantonese, Wu) forbid as 别 does, with the same exceptions: comfort (覅急,
# 唔好担心), politeness, and idioms (唔好睇佢细细个 "don't judge by", 唔好话你啦 "let alone you").
_NOT_DIALECT_BIE = (rf"(?!意思|客气|紧|睇|看|提|(?:怪|嬲)我|(?:话|讲|说)(?![呢这那]|丧|傻|气话|自己)|"
                    rf"{_SOFTEN}*{_COMFORT})")
_PROHIBIT = (rf"(?:毋通|(?<![约])莫(?=再|一天|[耍玩吃喝抽熬去碰管想搞乱信跟])|(?:别{_NOT_BIE}|不要(?!紧|脸|钱|求|说(?!这|那|傻|丧|气话|自己)))(?!{_SOFTEN}*{_COMFORT})"
             rf"|不许|不准(?![确吧啊呢了的])|甭(?!提|管(?=多|什么|啥|谁|怎么|几)|{_SOFTEN}*{_COMFORT})|{_NOT_CAN})"
             # "hard not to…" (别生气也难, 不心疼才怪): a statement, not a prohibition
             r"(?![^，。！？,!?]{1,4}(?:也难|都难|才怪))")
# What 要/需要 means as "must" after a subject; 您要是, 您要不要, 您要的, 要强 are not orders.
_MUST = (r"(?:要(?!好)|需要)(?!是|不|么|的|强|紧|求|说|我|看|好(?!好)|什么|哪|多久|多少|几|保重|小心|注意身体|"
         r"被|得到|任何|帮助|帮忙|时间|相信|加油|开|快乐|高兴|幸福|记得|照顾好自己|好好的|健康|长寿)")
_DEI = (r"得(?!的|了|到|知|出|分|益|罪|体|意|劲|空|闲|病|过|奖|逞|手|当|失|宠|救|胜|势|力|其|以|住|"
        r"亏|很|太|多好|慌|行|嘞|咧)")
# 绝对不能/绝对别 said to the listener or opening a clause; 这绝对不能怪你, 绝对不能定义你 do not order
_ABSOLUTELY_NOT = r"绝对(?:不要|别|不能)(?!被|怪|怨|赖|算|说明|代表|说|是|定义|叫|全)"
# 应 alone after 还/也/更 ("你还应每天按时吃药"); not 应对, 应聘, 应得, 应有尽有.
_SHOULD_AFTER_ALSO = r"(?<=[还也更])应(?![该当对用付聘邀酬急答变激届声允得]|有尽有)(?=[\u4e00-\u9fff])"
_MODAL = (rf"(?:应该|应当|{_SHOULD_AFTER_ALSO}|必须|务必|一定要|一定得|一定不要|一定别|一定不能|千万要|千万别|千万不要|{_ABSOLUTELY_NOT}|"
          r"(?:不应该|不应当|不该)(?!受|遭|吃苦|吃这)|"
          rf"千万不能|{_DEI}|该(?![死有])|最好(?!的)|{_MUST}|{_PROHIBIT}|"
          # 您马上去躺着, 你赶紧把药吃了: an order to act now
          r"(?:马上|赶紧|赶快|立刻|立马|现在就)(?=去|把|回|给|躺|坐下|吃|喝|停|放|关|打|找|睡|起来|休息|"
          r"扔|退|戒|换|穿|拿)|"
          # 您就少操点心, 你少喝点酒: less of a habit, to the listener
          r"少(?=[^\s了则，。！？,.!?]{1,2}(?:点|些|两|几|会儿)|操|管|抽|熬|刷|碰|生气|翻旧账|计较|唠叨|抱怨|发火|发脾气|较真))")
# What a subjectless 要/需要 commands ("要多出去走走", "也要接受自己"); 要靠别人帮忙 or
# 要走半个钟头 say what something takes.
_DIRECTIVE = (r"(?:多|少|学会|学着|坚持|注意|记住|振作|坚强|乐观|积极|想开|看开|保持|按时|懂得|知道|"
              r"明白|控制|改变|面对|接受|放下|勇敢|坦然|努力|早点|早些|及时|适当|规律|尽量|理解|体谅|"
              r"关注|重视|正视|珍惜|爱惜|照顾好|对自己|为自己|给自己|让自己|有信心|听话|听医生|"
              r"好好|按照|配合|戒|定期|经常|每天|尽快|马上|赶紧|立刻|先去|去医院|去看|确保|保证|"
              r"有耐心|认识到|意识到|尊重|建立|与[^，。！？,!?\n]{1,12}(?:沟通|交流|建立|商量|保持)|"
              r"给(?:他|她|对方|彼此|孩子)[^，。！？,!?\n]{0,4}(?:时间|空间))")
# Clause openers a subjectless order may follow ("所以呀，要多出去走走", "也要接受自己").
_OPENER = (r"(?:那|那就|所以|所以呀|还是|可|千万|一定|总之|其实|而且|但是|但|不过|可是|因此|以后|"
           r"今后|平时|现在|还有|另外|真的|哎|哎呀|唉|呀|啊|这时候|这个时候|这回|下回|下次|也|都|就|"
           r"还|而是|更|同时|最重要的是|关键是|记得|晚上|早上|出门|每天|赶紧|以后可|睡前|睡觉前|饭前|"
           r"饭后|空腹|出门前|平常|白天|夜里|天冷了|天热了|下雨天|冬天|夏天|这几天|这阵子|首先|其次|最后|此外|先(?=别|不要|甭))")
_BARE = (rf"(?:应该(?![的额滴嘅])|应当|{_SHOULD_AFTER_ALSO}|必须|务必|一定要|一定得|一定不要|千万要|千万别|千万不要|千万不能|{_ABSOLUTELY_NOT}|"
         r"最好(?!的|是)|得(?=多|少|学|注意|按时|去|好好|赶紧|起来|振作|往前|换|改|跟上|走出|放下|面对|接受|听)|"
         r"该(?=走出来|放下|想开|看开|振作|面对|改改|收收|醒醒)|"
         rf"(?:需要|要)(?={_DIRECTIVE})|"
         rf"{_PROHIBIT}|少(?=[^\s了则，。！？,.!?]{{1,2}}(?:点|些|会儿)|想|操心|管闲事|抽烟|喝酒)|赶紧|赶快|立刻|马上(?!就要|就到)|"
         r"快(?=去|把|回去|回家)|听话(?=[啊哈呀喔哦]?[，,！!。])|早(?:就)?(?:应该|该)|"
         r"(?<!可)把(?=[^，。！？,!?\n]{1,10}(?:了|掉)(?:吧|啊|哈)?(?:[，。！,!\n]|$))|"
         r"请(?=保持(?!电话|手机|通讯|联系)|尽量|务必|一定|不要|别|多|少|注意(?![，,：:])|按时|坚持|学会|停止|立即)|"
         # a counsellor's homework: 请你接纳自己的情绪, 请给自己时间调整, 也请关注自身的情绪
         r"请(?:你|您)?(?=接纳|善待|给自己|关注自|关注你|关注您|试着|尝试|调整|记得要|把注意力放在(?:自己|你|您))|请(?:你|您)(?=(?:稍微)?放(?:轻)?松)|"
         # a counsellor's own advice opening a clause: 建议你先找心理咨询师, 我不建议您现在就卖房,
         # 首先，尝试接纳自己的不完美 (not 医生建议您…, whose speaker stands before it, nor the
         # offer 建议您可以试试…, nor 尝试接纳自己是很重要的一步, a statement)
         r"我?不?建议(?:你|您)(?:们)?(?!不妨|可以|是|的)|"
         # …and with no one named: 建议去医院检查一下, 建议选择正规渠道 (not 建议可以…, 建议是…)
         r"建议(?=去|到|尽快|及时|尽早|先去|先找|找|选择|咨询|就医|复查|做个|做一下|多|少|避免|减少|停止|暂停)|(?:尝试|试着)(?!过|了|的|一下[吗？?]|[：:])(?![^，。！？,!?\n]{0,24}(?:是(?:很|非常|十分)?(?:重要|关键|必要)|"
         r"没关系|挺好|很好|正常|了不起|有意义|让人|需要时间|总会|总是))|"
         # an attitude ordered: 保持积极的心态，…; 保持耐心 (not 保持好心态很重要, a statement)
         r"保持(?=[^，。！？,!?\n]{0,6}(?:心态|心情|态度|乐观|积极|耐心|冷静))(?![^，。！？,!?\n]{0,30}(?:重要|关键|必要|基础|前提|有助于|有帮助|有益|有好处)))")
# Obligation that needs no subject or clause start ("出门一定要带上手机", "血压问题不能忽视";
# Cantonese 唔准 is 不准, but 讲唔准/话唔准 is "maybe" and 唔准确 "not accurate").
_ANYWHERE = (r"(?:一定要|一定得|一定不要|一定别|一定不能|务必|必须(?!的)|嫑(?!紧|客气|担心|怕|急|慌)|千万(?:要|别|不要|不能)|不许|不准(?![确吧啊呢了的])|"
             r"(?<![讲话])唔准(?!确)|只(?:准|许)(?=[吃喝抽玩看用去在带买拿睡坐走])|不能(?=忽视|马虎|大意|拖|停|忘|不)|(?:一概|统统|通通|一律)(?:别|不要|不许|不准|不能)|一律(?=带|按|在|要|不|先|交|挂|删|拒|扔)|"
             r"(?:就(?<=身体就|年纪就|岁数就)|可(?<=身体可|年纪可|岁数可)|还是(?<=身体还是|年纪还是|岁数还是))(?:别|不要)|就得(?=[^，。！？,!?]{0,6}(?:求助|去|改|放下|面对|接受|看开|想开))|"
             r"(?:念头|想法|心思|脾气|眼泪)(?:赶紧|赶快|快)(?:收|放|擦|停|打住)|"
             # how to speak or behave: 语气要放软一点, 态度上要客气些
             r"(?<=语气|态度|口气|脾气|嘴上|说话)上?(?:也|还|可|一定|就)?要(?=[^，。！？,!?]{1,4}(?:一点|一些|点儿?|些)(?:[，。！？,!?；;]|$))|"
             # after a setting: 在谈话中要保持冷静, 吵架时要控制情绪, 遇到困难的时候要学会求助
             r"(?<=[中时候里])(?:也|还|都|一定)?要(?=保持|学会|学着|注意|坚持|控制|确保|尊重|冷静|耐心|克制|避免)|"
             # after a time: 前一天晚上十点以后就别吃东西了; 得 + at once after a topic: 这个得马上停用
             r"(?:(?<=以后|之后|以前|之前|开始)|(?<=起))就(?:别|不要|甭)|(?<![觉记懂舍值晓认])得(?=马上|赶紧|赶快|立刻|立即|尽快))")
# Telling people what to think or feel ("别这么想", "不能老钻牛角尖", "您就是想太多了").
_THINKING = (r"(?:想(?!办法|法子|一想|吃|去|要|做|听|看|说|跟|和|找|见|买|回|象|像|念|起)|琢磨|"
             r"胡思乱想|钻牛角尖|灰心|泄气|悲观|消极|丧气|说丧气话|这么说|这样说|那么说|说这种话|"
             r"说这样的话|说傻话|评价自己|说自己|有这种想法|有这样的想法|想不开|自暴自弃|"
             r"否定自己|跟自己过不去|和自己过不去|看轻自己|小看自己|往坏处想|钻进死胡同)")
_DEGREE = r"(?:再|总|老|总是|老是|一直|整天|成天|天天|这么|这样|那么|那样|瞎|乱|太|多|去|自己)"

# Each pattern proposes matches; `_lecture` then decides. They are separate regexes, each
# starting with a literal character (the engine skips ahead fast) and each behind a cheap
# substring gate, so a clean reply costs a few microseconds.
_YOU_MODAL = regex_cache.compile(
    # 你/您 + a modal of obligation or a prohibition: "您一定要按时吃药", "你得学会放下"
    rf"(?P<you>{_YOU}){_ADVERB}{{0,3}}(?P<modal>{_MODAL})")
_BARE_ORDER = regex_cache.compile(
    # a subjectless order opening a clause: "要多出去走走", "赶紧把药吃了", "少吃点咸的"
    # (a bounded blank: an unbounded one would rescan a long run of blanks from each of its
    # line breaks, quadratic in the run)
    rf"[，,。！!？?；;：:\n…～~]\s{{0,8}}(?=[那所还可千一总其而但不因以今平现另真哎唉呀啊这下也都就更同最关"
    rf"记晚早出每赶睡饭空白夜天冬夏应必务得需要别甭少立马把请快听该毋莫我建尝试首其此保先绝])(?P<lead>{_OPENER}{{0,3}}(?P<bare>{_BARE}))")
_ITEM_ORDER = regex_cache.compile(
    # an item of a list that opens on less or more of a habit, or gives one up: "• 少看手机",
    # "1.少吃盐", "▪ 戒烟", "一不买，二不碰"
    r"\n[ \t]{0,8}(?P<item>(?:少|多)(?=吃|喝|抽|熬|看|晒|走|动|运动|锻炼|出去|出门|生气|操心|想|坐|躺|玩)|"
    r"戒(?=烟|酒|掉|了)|不(?=吃|喝|抽|碰|熬|点|开门|买|去))")
_WE_MODAL = regex_cache.compile(
    # counsellors' inclusive "we": "我们都应该保持谦逊", "我们需要为自己的情绪负责"
    r"(?P<we>(?:我们|咱们)(?:都|也|还|就|一定|真的|首先|先)*(?:应该|应当|必须|一定要|不能(?=一直|总|老|再)|"
    r"(?:需要|要)(?:为自己|学会|学着|正视|接受|面对|改正|调整心态|认识到|意识到|明确(?:一点|的是)|建立|"
    r"正确(?:理解|认识|看待|对待)|从(?:正面|积极)|先(?:了解|接受|面对|把)|明白|懂得|善待自己|关爱自己|"
    r"照顾好自己|反思|提升自己|改变自己)))")
# What makes "remember, <a maxim>" an order: the maxim holds one (记住，爱情需要努力来维系,
# 记住，陌生人让转账的全是骗子), not a reassurance (记住，改变需要时间).
_MAXIM_ORDER = r"(?:需要(?!时间|一些时间|一段时间|一个过程|过程)|应该|必须|(?<!需)要|不要|别|马上|立刻|赶紧|全是)"
_REMEMBER = regex_cache.compile(
    # "remember, <a maxim>": "记住，爱情需要时间和努力来维系"
    rf"(?P<remember>(?:记住|记得)[，,：:](?=[^。！？!?\n，,]*{_MAXIM_ORDER})|"
    # "remember to <conduct>", an order about how to be, not a small act of care (记得多穿点):
    # 记得给自己一点宽容, 记得在与女儿的交流中保持耐心, 也要记得保护好自己的心理健康
    r"(?<![还都我没不你您])记得(?:要)?[，,]?(?:在[^，。！？,!?\n]{1,14}(?:中|时|里)[，,]?)?(?:请)?"
    r"(?=保持(?!联系|沟通)|保护好|给(?:予)?自己|善待自己|爱自己|肯定自己|接纳自己|尊重|真诚))")
_THINK = regex_cache.compile(
    # what to think or feel: "别想那么多", "可不能这么想"
    rf"(?P<think>(?:别|不要|不许|不准|甭|不能|不该|不应该|不应当|不可以|可不敢){_DEGREE}*{_THINKING})")
_TOPIC_MODAL = regex_cache.compile(
    # obligation after a topic: "出门一定要带上手机", "血压问题不能忽视"
    rf"(?P<anywhere>{_ANYWHERE})")
# Phrases that lecture wherever they stand, each with the substrings its gate looks for.
_FIXED = (
    (r"(?:想开|看开|看淡)(?:点|些|一点|一些)|(?<![想只])(?:要|得|该|应该|必须|需要)(?:想开|看开|看淡|放下|"
     r"振作起来|坚强起来|学会|学着|往前看|向前看)",
     ("想开", "看开", "看淡", "放下", "振作", "坚强起来", "学会", "学着", "前看")),
    (r"(?:最重要的是|最要紧的是|关键是|关键在于)(?:要|得)?(?:勇敢|学会|接受|面对|坚持|保持|放下|调整|改变|行动|"
     r"振作|走出|迈出)", ("重要的是", "要紧的是", "关键")),
    # 听我的 as "do as I say" ends its clause (听我的，/吧/没错), not 接听我的电话
    (r"(?<![接收偷旁聆倾])听我(?:的(?![\u4e00-\u9fff])|的(?:话|建议|劝)|的(?=吧|没错|准没错|不会错)|一句)|"
     r"(?<![不])听劝|打住|为(?:您|你)好", ("听我", "听劝", "打住", "为您好", "为你好")),
    (r"(?:您|你)?(?:这样|这么|那样)(?:下去)?(?:可|就|也|真|是|真的)*(?:不行|不成)|(?:可|就|也)?不兴(?:这样|这么|那样)|"
     r"(?:这么|这样)想就(?:钻牛角尖|想偏|错)", ("不行", "不成", "不兴", "想就")),
    (r"最好(?:还是|别|不要)", ("最好",)),
    (r"怎么(?:能(?:这么|这样|那么|那样)?(?:想|说)|可以(?:这么|这样|那么|那样))", ("怎么能", "怎么可以")),
    (rf"{_YOU}(?:就是|就|是|也是)*想(?:太多|得太多|多)了", ("想太多", "想多了", "想得太多")),
    (r"(?:想法|念头|观念|心态|看法|思想)(?:是|可|就|也|真的|实在)*(?:不对|错|错误|要不得|不可取|"
     r"不行|不好|太消极|太悲观|有问题|不健康|不正确|不应该)",
     ("想法", "念头", "观念", "心态", "看法", "思想")),
    (r"(?:这么|这样|那么|那样)想(?:是|可|就|也|真的|实在)*(?:不对|错|不行|不好|要不得|可不行)",
     ("么想", "样想")),
    (r"是(?:不对|错误)的|可不行|要不得|不可取|该干嘛干嘛|(?:这|那)(?:就|可|也)不对了|不明智",
     ("不对", "错误", "不行", "要不得", "不可取", "干嘛", "不明智")),
    (r"(?:马虎|大意|耽误|拖|轻视|小看|忽视|任性)不得|还不(?:快|赶紧|赶快)", ("不得", "还不")),
    (r"说句(?:不好听|难听)的|不是我说(?:您|你)|吃亏的(?:还)?是(?:您|你)自己", ("说句", "我说", "吃亏")),
    (r"(?:哭|难过|伤心|生气|后悔|着急|发愁|叹气)(?:也|都|又|有什么)(?:没|不)?用|"
     r"光(?:难过|伤心|哭|着急|叹气|发愁|想)(?:是|也)?没用", ("没用", "什么用", "不用")),
    (r"日子(?:总|还|总还)?(?:要|得)过(?:下去)?", ("日子",)),
    (r"做人(?:就|还是|总)?(?:要|得|应该|不能)", ("做人",)),
    (r"(?:想|操心|琢磨|担心)(?:那么|这么)多(?:干嘛|干什么|做什么|有什么用)", ("多干", "多做什么", "多有什么用")),
    (r"(?:想法|念头|观念|脾气|毛病|习惯|心态|性子)[^，。！？,!?]{0,3}(?:得|要|该)改", ("改",)),
    # rhetorical scolding: the question is the reproach (您怎么又把药停了呢？难道要等到住院吗？)
    (_NOT_LISTENER_SAID + r"(?:说|讲|告诉|交代|提醒)(?:了|过|下)?(?:您|你)?(?:多少|几)(?:回|遍|次|趟)了?(?![^，。！？,!?]{0,2}(?:都|也)(?:没关系|行|可以|不要紧|没事))|(?:您|你)怎么(?:又|还|就是|老是|总是)"
     r"(?:不听|忘|把|偷偷|不去|不吃|不肯|乱|这样|这么)|难道(?:您|你)?(?:还)?(?:要|想|非得|非要)(?:等|再)|像话吗|值当吗|"
     r"(?:这|那)样(?:下去)?(?:能|可|怎么)行(?:吗|呢)|还不去(?:医院|看病|检查|看看)|(?:您|你)就不怕|"
     r"有什么好(?:难过|伤心|哭|生气|怕|担心|委屈|想)的",
     ("多少回", "多少遍", "多少次", "几遍", "几回", "几趟", "几次", "多少趟", "怎么", "难道", "像话", "值当", "行吗", "行呢",
      "还不去", "不怕", "有什么好")),
    # blame and prohibitions in dialect (让人失望, 这可不好, 可不中, 唔好再…, 麻溜儿下来)
    (r"让人(?:很|挺|太|真|有点)?失望|(?:这|那)可不好|可不中|(?<!好)唔好" + _NOT_DIALECT_BIE + r"|麻溜儿?(?:的|地)?(?:下来|去|回|走|过来|起来)",
     ("失望", "可不好", "可不中", "唔好", "麻溜")),
    # rhetorical questions that scold (图个啥呢？早干嘛去了？这身体还要不要了？您这是多大的人了？)
    (r"图(?:个)?啥(?:呢|啊|呀)?[？?]|早干(?:嘛|什么|啥)去了|(?:您|你)(?:这|都)是多大的人了|"
     r"(?:身体|身子|腰|腿|命|眼睛|胃)还(?:想|要)不(?:想|要)(?:要)?了|还不够吗|(?:您|你)也敢|哪有(?:这么|这样)|"
     r"那还[^，。！？,!?]{0,6}(?:干啥|干嘛|干什么)[？?]|(?:这|那)样怎么行|(?:跟|和)我说实话",
     ("图个啥", "图啥", "早干", "多大的人", "还想不想", "还要不要", "还不够吗", "也敢", "哪有",
      "那还", "怎么行", "说实话")),
    # blame (这就怪您了, 都是您平时惯的, 您也真是的, 这可说不过去, 说到底还是您…)
    (r"(?:这|那)(?:就|可|也)?(?:怪|赖)(?:您|你)|(?<![不别甭莫能要该用必])(?:怪|赖)(?:您|你)自己|都是(?:您|你)(?:平时|自己)?(?:惯|宠|纵容)的|(?:您|你)(?:这|那)?(?:可|也)?"
     r"真是(?:的|胡闹|糊涂)|说不过去|说到底还是(?:您|你)|(?:您|你)这(?:是|可是|就是)(?:胡闹|瞎折腾|糟践)",
     ("怪您", "怪你", "赖您", "赖你", "惯的", "宠的", "纵容的", "真是", "说不过去", "说到底", "胡闹",
      "瞎折腾", "糟践")),
    # orders asked as questions, and rules laid down (您能不能别…, 可不可以不要…, 定个规矩, 一天都不能漏)
    (r"(?:能不能|可不可以|能否)(?:先|稍微|就)?(?:别|不要|不再)|(?:您|你)(?:能不能|可不可以|能否)(?:先|稍微)?(?:少|有点|省点|消停|"
     r"安静点|小点声|听(?:我|医生|话)|体谅|收收|改改|长点心|上点心)|(?:定|立)(?:个|下)?规矩(?!这|那|的|上|方面)|(?:一天|一次|一顿|一回)都不能(?:漏|落|少|停|断)",
     ("能不能", "可不可以", "能否", "规矩", "都不能")),
    # notices in a health app's voice (请您严格控制, 请您每隔一小时…, 请继续努力) and more scolding
    # questions and blame (血压能不高吗？, 拿命开玩笑, 您咋就不信呢, 您非不信, 谁担得起)
    (r"请您?(?:严格|务必|一定|每(?:天|日|隔)|坚持|按时|定期|控制|遵守|避免|勿)|请(?:继续努力|遵守以下)|"
     r"请您?(?:今天|明天|今晚|下午|上午|尽快|及时|立即|马上|立刻|尽早|再)[^，。！？,!?]{0,10}"
     r"(?:就诊|复诊|复查|就医|看医生|门诊|医院|急诊|测|量|服药|吃药|停药|停用)|"
     r"(?:能|会)不(?:高|胖|疼|难受|出事|生病)吗|拿(?:命|身体|健康)(?:开玩笑|当儿戏)|(?:您|你)(?:咋|怎么)就不信|"
     r"(?:非|偏|硬是|就是)不(?:信|听)|谁(?:担|负)得起|凭什么|就没想过|(?:您|你)就不能(?:少|别|体谅|听|消停|省点心)|有(?:什么|啥)好(?:怕|哭|难过|委屈)的|"
     r"(?:腿|腰|命|身体|眼睛|胃)不要了|给我(?:坐下|躺下|回来|站住|听着|记住|回屋|扔了|丢了|倒了|戒了|放下|收起来)|记好了[，,]|莫要|"
     r"(?:大度|胆子放大|收收心|省省心)(?:点|些)?|(?:^|(?<=[，,。！!？?\n]))(?:戒|扔|停|删)了吧",
     ("请", "不高吗", "不胖吗", "不疼吗", "不难受吗", "不出事吗", "不生病吗", "开玩笑", "当儿戏", "就不信",
      "不信", "不听", "得起", "凭什么", "没想过", "就不能", "好怕", "好哭", "好难过", "好委屈", "不要了",
      "给我", "记好了", "莫要", "大度", "胆子放大", "收收心", "省省心", "了吧")),
    # threats, reproach and sarcasm (你再这样…我就…, 说了八百遍了, 丢人不丢人, 好自为之, 作死,
    # 听见没？), rules and notices (规定就是规定, 严禁…, 不得遗漏), and prohibitions in Wu and
    # Cantonese (覅, 勿要, 唔可以)
    (r"(?:你|您)再(?:这样|这么|不)[^，。！？]{0,10}我就|说到做到|丑话说在前头|(?:莫|别|勿要|不要)(?:怪|说)我没(?:提醒|告诉|说)|"
     + _NOT_LISTENER_SAID + r"说了(?:[一二三四五六七八九十百千万几多少半]+)(?:遍|回|次)|"
     r"(?<=[你您])说了多少(?:遍|回|次)了?要|讲(?:极|咗几多次)|丢人不丢人|好自为之|"
     r"(?:你|您)就是记不住|不当回事|耳(?:旁|边)风|自找(?:罪受|苦吃)|作死|(?:咋|怎么|恁)(?:那么|这么|个)?犟|"
     r"听(?:见|到)没|晓得伐|不像话|白操心|服了(?:你|您)|真行[。！!]|(?:你|您)倒好|说一套做一套|"
     r"不是(?:摆设|参考意见)|规定就是规定|严禁|不得(?:遗漏|擅自|再)|请您?(?:停止|按要求|于今日)|请允许我纠正|"
     r"我有责任(?:指出|提醒)|对您的(?:几点)?要求|给我(?:按时|好好)|希望您(?:明白|下次|务必)|心态需要调整|"
     r"抱怨(?:并)?不能|与其[^。！？]{1,20}不如|覅" + _NOT_DIALECT_BIE + r"|(?<!要)勿要" + _NOT_DIALECT_BIE
     + r"|唔可以|你好意思(?:吗|说)",
     ("我就", "说到做到", "丑话", "没提醒", "说了", "讲极", "讲咗", "丢人", "好自为之", "记不住",
      "不当回事", "耳旁风", "耳边风", "自找", "作死", "犟", "听见没", "听到没", "晓得伐", "不像话",
      "白操心", "服了", "真行", "倒好", "说一套", "摆设", "参考意见", "规定就是", "严禁", "不得",
      "请", "纠正", "有责任", "要求", "给我", "希望您", "心态需要", "抱怨", "与其", "覅", "勿要",
      "唔可以", "好意思")),
    # threats, "I told you so", guilt trips and verdicts (再不按时吃药，我可要告诉您儿子了, 我说什么来着,
    # 您忍心吗, 还用我说吗, 这件事您做得太糊涂了), and orders by time or by a verb's result
    # (明天就把药盒拿给医生看, 现在就去吃, 手机放下，先吃饭)
    (r"(?:^|(?<=[，,。！!？?\s]))(?:(?:您|你)(?:要是)?|下回|下次)?再(?:不|这样|这么|偷偷|敢)?[^，。！？,!?]{1,12}[，,]\s*"
     r"我(?:就|可要|可就|可得)|我说什么来着|早(?:就)?(?:跟|和)(?:您|你)(?:说|讲)(?:了|过)|怪谁(?:呢|啊|呀)?[？?]|"
     r"不撞南墙不回头|还嫌没\S{1,3}够|(?:您|你)(?:就|还)?忍心|为了(?:您|你)好|也不想想|想过没有|像什么样子|"
     r"还用我说|是不行的|听明白(?:了)?没|没得商量|没商量|不容商量|(?:都|也)做不到吗|怪不得别人|"
     r"这都第几(?:回|次|遍|趟)了|(?:就是|是|有)(?:您|你)的不是|可就不对了|(?:做|办)得(?:太|真|可)?(?:糊涂|不对|过分)|"
     r"(?:明天|今天|今晚|现在|马上|这周末?|周末|下午|晚上|回头|下周[一二三四五六日天末]?|明早|明晚)(?:一早|早上|上午|下午|晚上)?"
     r"就(?:去|把|给|(?:跟|和)(?![您你我大好]))|(?<![最后当时也])就听" + _ADVISER + r"的(?=[，,。！!吧]|$)|"
     r"还是听" + _ADVISER + r"的吧|"
     r"(?:今晚|现在|这就|马上|立马)就?(?:吃|喝|改|停|关|睡|戒|换|扔|躺)(?=[，,。！!]|$)|"
     r"(?:^|(?<=[，,。！!？?\s]))[^你您我他她们，。！？,!?\s]{1,4}(?:放下|戴上|穿上|拿好|扶好|躺好|坐好|站好|关上|关掉|"
     r"收起来|抬高|放好)(?=[，,。！!\s]|$|再|先)|(?:^|(?<=[，,。！!\s]))(?:开心|高兴|乐观|精神)(?:点|些|一点|一些)"
     r"(?:嘛|吧|啊)?[，,。！!]",
     ("再", "来着", "跟您", "跟你", "和您", "和你", "怪谁", "南墙", "还嫌", "忍心", "为了", "不想想",
      "想过没有", "样子", "还用我说", "不行的", "听明白", "商量", "做不到", "怪不得", "第几", "不是",
      "糊涂", "过分", "不对", "今晚", "现在", "这就", "马上", "立马", "就去", "就把", "就给", "就跟", "就和", "听医生", "听大夫", "听专家", "听孩子",
      "听儿子", "听女儿", "听闺女", "听老伴", "放下", "戴上", "穿上", "拿好", "扶好", "躺好",
      "坐好", "站好", "关上", "关掉", "收起来", "抬高", "放好", "开心", "高兴", "乐观", "精神")),
    # a prohibition by the smallest amount (一口都别碰, 一滴也不许沾), rules that are final (这是底线),
    # a question whether one should do something about it (您是不是该把旧报纸扔了？), and
    # scolding by tone (您是不想要这腿了？, 还敢不敢…, 医生的话一句都不听, 耳根子太软)
    (r"一(?:口|滴|根|次|回|天|顿|分钱|步|个|眼|下|句|粒|杯|支)(?:都|也)(?:别|不要|不许|不准|甭|不可以)|(?:这|那)(?:是|就是)底线|"
     r"是不是也?该把|不想要(?:您|你)?(?:这|那)?(?:老|双|条|副)?(?:腿|脚|手|腰|命|身体|身子|眼睛|耳朵|胃|肝|肺|牙|膝盖)了|还敢不敢|"
     r"知道(?:疼|厉害|怕|难受)了吧|(?:一|半)句(?:都|也)(?:不|没)听|耳根子(?:太|就是|也太|真)?软|"
     # "now!" as an order, "if I were you I'd have gone", "is this what a man of eighty does?",
     # "when will you ever change", and "please, you" + an order in Taiwanese usage (拜托你把…丢掉)
     r"(?:^|(?<=[，,。！!\s]))(?:现在|马上|立刻)[！!]|(?:我要是|要是我是|如果我是|假如我是|换作是我|换了是我|换成是我)(?:您|你)?[啊呀]?[，,]\s*我?(?:(?:早就?|"
     r"(?:现在|今天|今晚|马上|立马)?就?直接?)(?:去|把|不(?!会|舍|敢|行)|赶紧|跟|和|打|报警|离|戒)|肯定(?:去|不|把)|才不)|"
     r"(?:这|那)(?:像|像是)[^，。！？,!?]{0,12}(?:该干|该做|干)的事(?:儿)?吗|什么时候(?:才)?能改|"
     r"拜(?:托|託)(?:您|你)(?:把|别|不要|少|快|赶快|赶紧)",
     ("都别", "也别", "都不要", "也不要", "都不许", "也不许", "都不准", "也不准", "都甭", "也甭", "底线", "该把",
      "都不可以", "也不可以", "不想要", "敢不敢", "知道疼", "知道厉害", "知道怕", "知道难受", "句都不", "句也不", "句都没", "句也没", "耳根子", "现在！", "现在!", "马上！", "马上!",
      "立刻！", "立刻!", "我要是", "我是您", "我是你", "换作是我", "换了是我", "换成是我", "的事吗", "的事儿吗", "能改", "拜托", "拜託")),
    # prohibitions in the written voice of a leaflet or a nurse (切勿饮酒, 整粒吞服，不可嚼碎,
    # 服药期间忌酒, 本周禁酒)
    (r"切勿|(?<![请])勿(?=吃|喝|饮|食|服|抽|吸|熬|碰|沾|揉|擅自|随意|空腹)|(?<![不情自百门严])禁(?=酒|烟|食|辛辣|油腻|生冷)|"
     r"(?<![顾禁])忌(?=酒|烟|口|辛辣|油腻|生冷|浓茶|咖啡|剧烈|劳累|熬夜)|不可(?=嚼|咀嚼|掰|碾|擅自|自行|随意|空腹|过量|"
     r"饮酒|喝酒|抽烟|吸烟|沾水|劳累|熬夜|久坐|漏服|停药|贪)",
     ("勿", "禁", "忌", "不可")),
    # English reproaches and rules laid down
    (r"(?i:how many times have (?:we|i) (?:told|talked|said|asked|been over|gone over|discussed)|what were you thinking(?!\s+(?:about|of)\b)|"
     r"do you want (?:another|to end up)|not up for (?:debate|discussion)|(?<!\()non-negotiable|"
     r"(?:irresponsible|reckless) (?:of you|to)|it'?s (?:a bit |very |so |really )?(?:irresponsible|reckless)|"
     r"your own fault|you owe (?:her|him|them|me|everyone) an apology|don'?t you dare (?!apologi|say sorry|feel)|"
     r"enough with|"
     r"no (?:arguments|excuses|skipping|buts|exceptions)\b|none of this .{0,20}nonsense|I mean it\b|that'?s the deal|"
     r"how many times do (?:i|we) have to|what'?s your excuse|i told you so|what did (?:i|we) (?:say|tell you)(?:\?| about\b)|"
     # softened and formal orders, verdicts and threats (I'd rather you didn't…, Kindly do…, refrain
     # from, Be a dear and…, Chin up, whether you like it or not, or am I going to have to…)
     r"what am i going to do with you|whether you like it or not|i'?d (?:rather|prefer(?: it if)?) you "
     r"(?:didn'?t|did not|not|stayed|kept|took|went)\b|kindly (?:do|take|submit|stop|avoid|ensure|refrain|make|keep|leave|weigh|limit|cut)\b|"
     r"\brefrain from\b|be a (?:dear|love|darling|good (?:girl|boy|lad|lass)) and\b|"
     r"surely you(?:'re| are) not (?:still|going)\b|or (?:am )?i(?:'m| am)? (?:going to|gonna) have to\b|"
     r"\b(?:could|can|would|will|won'?t) you (?:please |just )?(?:stop|quit|not|cut down)\b|can we agree|"
     r"one more \w+ and i(?:'m| will|'ll)|and you wonder why|that'?s on you|if you'?d listened|"
     r"shouldn'?t you be|isn'?t it (?:about )?time you|please (?:aim|make sure|ensure|try to|limit|avoid)|"
     r"it'?s (?:important|essential|vital|crucial|imperative) that you(?!\s+(?:know|feel|understand|hear|remember\s+you))|(?:and\s+)?please,?\s+(?:just\s+)?(?:stop|quit)\s+(?!apologi|thank|being\s+(?:so\s+)?hard\s+on|saying\s+sorry)\w+ing\b|"
     r"please,?\s+(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][a-z]+,\s+(?:stop|quit)\s+\w+ing\b|that'?s the (?:new )?rule[.!]|"
     r"please\s+(?:follow|stick\s+to)\s+(?:it|this|them|these)\s+(?:exactly|to\s+the\s+letter|strictly)\b|"
     r"let'?s not (?!worry)|(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next),\s+"
     r"(?:stop|tell(?!\s+me)|change|throw|delete|lock|block)\b|you know better than(?!\s+(?:me|i|anyone|most|all)\b)|i'?ve told you (?:a |\w+ )?\w+ times|"
     r"the least you can do|you owe (?:them|her|him|me)|isn'?t a licen[cs]e to|(?:was|is) unacceptable|"
     r"it'?s embarrassing|you never listen|what your problem is|i'?m disappointed(?!\s+for\b)|did you even|i wonder why|"
     r"money well spent|when exactly are you|i (?:do )?expect (?:it|you|this)|not going to sugarcoat|"
     r"that'?s your business|say this once more|you'?re (?:sixty|seventy|eighty|ninety)[\w-]*,? not|"
     r"(?:unkind|rude|mean|selfish|thoughtless|careless|naughty|foolish) of you\b(?! to (?:ask|think|call|check|say))|"
     r"from now on,?(?: though,)? (?:no|never|bed|you(?:'ll| will|'re going| are going))\b|from (?:today|tonight|tomorrow),? (?:no|never)\b|"
     # a house rule from a day on (From tonight the telly goes off at ten; the keys stay with me
     # from now on), an order said as "we" (We're not skipping lunch again, are we?)
     r"(?:^|(?<=[.!?]\s)|(?<=\n)|(?<=,\s))from (?:tonight|today|tomorrow|this week|next week|now on),? the \w+(?:\s+\w+)? "
     r"(?:goes?\s+(?:off|back|in|out|away)|stays?\s+(?:off|with|in|out|away|on)|(?:is|are)\s+(?:finished|banned|gone|locked|"
     r"off\s+the\s+menu))\b|\b(?:stays?|lives?|goes?|is going|are going) (?:back )?"
     r"(?:with me|in the (?:bin|shed|cupboard)|on the top shelf)\b[^.!?]{0,20}(?:from now on|now|tonight|till|until)\b|"
     r"(?:^|(?<=[.!?]\s)|(?<=\n)|(?<=,\s))(?:no,?\s+)*we(?:'re|\s+are)\s+not\s+(?!getting\s+any|going\s+anywhere|going\s+to\s+let|"
     r"giving\s+up\s+on\s+you|leaving\s+you)\w+ing\b|\bwe(?:'re|\s+are)\s+(?:stopping|putting\s+the\s+\w+\s+(?:down|away))\b|"
     r"(?:daft|silly|stupid|naughty|reckless|foolish|careless) thing to do\b|(?:only\s+)?yourself to blame|not your finest|"
     r"(?:no|not the) way to (?:be )?(?:carry(?:ing)? on|behav|speak|talk)|\b(?:simply|just) not done\b|not at all sensible|"
     r"is it (?:really |honestly )?(?:so|that) hard to\b|what good is an? [\w\s]{1,20} if\b|how would it look\b|"
     r"\bwhat if you'?d (?!like|prefer|rather|want)\w+|"
     # verdicts, sarcasm and guilt (That's final, What could possibly go wrong?, If you care about
     # them at all, you'll…), advice as a verdict (If I were you, I'd stop…) and an order for the
     # next time (Next time, you check with us first)
     r"that'?s final\b|we'?ve (?:talked about|been over|discussed) this\b|could possibly go wrong|"
     r"why on earth (?:would|did|do|are) you\b|why would you (?!want|like|need|think|say|feel|ask|be\b|know|mind)\w+|"
     r"putting my foot down|that'?s it,\s+no more\b|(?:is|was) it (?:really |honestly )?worth risking\b|"
     r"who (?:in their right mind|on earth)\b|(?:^|(?<=[.!?]\s)|(?<=\n))(?:honestly,?\s+)?didn'?t (?:the|your) "
     r"(?:doctor|nurse|GP|consultant|physio|dentist)\s+(?:say|tell you)\s+(?:no\b|not\s+to\b|to\s+(?:stop|cut|"
     r"avoid|keep|rest|stay)\b|you\s+(?:should|must|can'?t|need|weren'?t|aren'?t|shouldn'?t|mustn'?t)\b)|"
     # polite orders of care (Please contact the ward straight away, Please do not take it with…)
     r"please (?:contact|call|ring|phone|see|visit|come)\b[^.!?\n]{0,40}?\b(?:straight away|immediately|urgently|"
     r"right away|as soon as (?:possible|you can)|today|this week)\b|"
     r"please (?:do not|don'?t) (?:take|drink|eat|drive|lift|smoke|skip|stop|bend|miss|climb|use|go out)\b|do you (?:really|honestly|seriously) think (?:it'?s|that'?s) "
     r"(?:a )?(?:good|smart|wise|clever) idea|if i were you,? i'?d (?:stop|quit|call|tell|go|get|throw|take|"
     r"see|cut|put|leave|sell|give|ring|phone|talk|speak|book|drop|report|ask\s+(?:him|her|them)|"
     r"move\s+out|walk\s+away|write\s+to)\b|if you (?:really |truly )?(?:care|cared|love|loved) (?:about )?[^,.!?]{1,30},"
     r" you(?:'ll| will|'d| would)\b|[,;] so no more \w+|"
     r"(?:^|(?<=[.!?]\s)|(?<=\n))(?:next time|in future|from now on)[^.!?]{0,40}?,\s*you\s+(?!\w+(?:ed|s)\b|(?:are|were|will|would|can|"
     r"could|may|might|know|feel|need|want|get|have|had|do|did|don'?t)\b|'\w+)[a-z]+\b)"
     r"|(?:\n|[.!?]\s+)No more (?!worr|pain|tears|fear|crying|lonel|waiting|sad|secrets|stress)\w+|"
     r"(?:\n|[.!?]\s+)(?:Right )?[Nn]ow[.!]",
     ("times have", "were you thinking", "you want", "up for", "egotiable", "rresponsible",
      "eckless", "No more", "Now", "own fault", "owe", "dare", "nough with", "o arguments", "o exceptions",
      "o excuses", "o skipping", "o buts", "nonsense", "mean it", "the deal", "have to", "wonder",
      "on you", "listened", "ouldn", "time you", "lease", "important that", "essential that", "vital that", "crucial that", "imperative that",
      "the rule", "the new rule", "follow it", "follow this", "follow them", "follow these", "stick to",
      "rom today", "rom tonight", "rom tomorrow", "et's not", "irst",
      "econd", "hird", "hen,", "ext,", "know better", "times", "least you", "owe", "icen",
      "nacceptable", "mbarrassing", "never listen", "problem is", "isappointed", "even",
      "wonder why", "well spent", "excuse", "told you so", "did i", "you please", "you stop",
      "you quit", "you not", "you just", "you cut", "we agree", "one more", "exactly", "xpect", "sugarcoat", "business", "once more",
      "sixty", "seventy", "eighty", "ninety", "of you", "now on", "s final", "talked about this", "been over this",
      "discussed this", "possibly go wrong", "did we", "do with you", "like it or not", "rather you",
      "prefer you", "prefer it if you", "indly", "efrain", "a dear", "a love", "a darling", "a good",
      "urely you", "on earth", "would you", "foot down", "worth risking", "right mind", "idn't", "idnt",
      "from ", "with me", "in the bin", "in the shed", "in the cupboard", "top shelf", "we're not", "we are not",
      "we're stopping", "we are stopping", "we're putting", "we are putting", "thing to do", "to blame",
      "finest", "way to", "not done", "sensible", "hard to", "what good", "would it look", "if you'd", "if youd", "no more", "idea", "I were you", "i were you", "care",
      "cared", "love", "so no more", "ow.", "ow!", "ext time", "n future")),
    # scolding by what it does (这不是添乱吗？, 别瞎教), and the assistant's own verdict (我的意见是：回老家)
    (r"(?:这|那)(?:不是|不就是)在?(?:添乱|瞎折腾|胡闹|找罪受|自讨苦吃|帮倒忙|添堵|给(?!你|您)[^，。！？,!?]{1,4}添(?:乱|麻烦|堵))"
     r"(?:吗|嘛|么|呢)(?![，,！!～~\s]*(?:哈|嘿|😂|🤣))|(?:别|不要|甭)瞎(?:教|说|想|操心|管|搞|整|吃|买|跑|弄|花|琢磨|担心|折腾|转|闹|掺和|出主意|指挥)|"
     r"我的(?:意见|建议)(?:是|就是)[：:，,]\s*(?:(?:您|你)(?:明天|今天|今晚|现在|还是|就|先|最好|赶紧|马上)*)?"
     r"(?=回|去|找|跟|把|别|不要|少|戒|停|换|搬|卖|立刻|马上|今天|明天|先|赶紧|直接|主动|离|报警|辞|多|早点|分手|尽快)",
     ("添乱", "瞎折腾", "胡闹", "找罪受", "自讨苦吃", "帮倒忙", "添堵", "添麻烦", "别瞎", "不要瞎", "甭瞎",
      "我的意见", "我的建议")),
    # English: rhetorical reproach (How is that going to help?), the assistant's own suggestion
    # (I'd suggest you talk to him), and an order after a condition (If it goes above 39, take
    # him to A&E)
    (r"(?i:\bhow\s+is\s+that\s+(?:going\s+to|gonna)\s+help\b|\bwhat\s+good\s+(?:is|will|would|does)\s+"
     r"(?:that|this|it)\s+do\b|(?<!did )\bI(?:['’]d|\s+would)?\s+(?:strongly\s+)?suggest\s+(?:that\s+)?you\s+"
     r"(?!might|could|may|try|ask\s+(?:me|us)|were|was|are|is)[a-z]+|"
     # an order after a condition, to get care (If it goes above 39, take him to A&E)
     r"\bif\s+(?!you\s+(?:fancy|want|like|feel\s+like|prefer|'d\s+like)|it\s+helps|in\s+doubt)[^.!?\n]{3,80}?,\s+"
     r"(?:take|call|ring|phone|get|see|go)\s+(?:(?:him|her|them)\s+)?(?:straight\s+)?(?:to\s+)?(?:999|911|111|an?\s+ambulance|"
     r"A&E|ER|the\s+(?:hospital|GP|doctor|ER|surgery|emergency|police)|your\s+(?:GP|doctor|nurse)|a\s+(?:doctor|GP)|police)\b)",
     ("going to help", "gonna help", "good", "uggest", "if ", "If ")),
)
# Separate regexes, not one alternation: each starts with a literal, which the regex engine
# finds fast (one alternation of them all is several times slower). Groups of them sit behind
# a gate, one search for the literals every match of the group contains.
_GATES: tuple[tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]], ...] = (
    (None, (_BARE_ORDER, _TOPIC_MODAL)),
    (regex_cache.compile("[你您]|老人家"), (_YOU_MODAL,)),
    (regex_cache.compile("我们|咱们|记住|记得"), (_WE_MODAL, _REMEMBER)),
    (regex_cache.compile("想|琢磨|钻牛角尖|灰心|泄气|悲观|消极|丧气|么说|样说|说这|说傻|说丧|说自己|评价自己|"
                "自暴自弃|过不去|看轻|小看|死胡同"), (_THINK,)),
)
# The fixed phrases are searched only where one of their own literals stands (one scan for
# all the literals; some phrases have no literal to start from, and the regex engine then
# tries them at every position: 150 µs a reply for the English ones on Chinese text), and
# each is compiled the first time it is needed.
# The scan reads the text lowercased, as some phrases match in any case ("What did I say?").
_FIXED_LITERALS = sorted({g.lower() for _, gate in _FIXED for g in gate})
_FIXED_GATE = regex_cache.compile(literal_trie(_FIXED_LITERALS))  # the longest at a place
# a literal found -> the phrases to search: those of every literal it starts with (the scan
# reports the longest literal at a position, and the others there are its prefixes)
def _phrases_by_literal() -> dict[str, tuple[int, ...]]:
    own: dict[str, set[int]] = {}  # a literal -> the phrases it is a literal of
    for i, (_, gate) in enumerate(_FIXED):
        for literal in gate:
            own.setdefault(literal.lower(), set()).add(i)
    return {found: tuple(sorted(set().union(*(own.get(found[:end], ())
                                              for end in range(1, len(found) + 1)))))
            for found in _FIXED_LITERALS}


_FIXED_BY_LITERAL = _phrases_by_literal()


@cache
def _fixed_pattern(i: int) -> re.Pattern[str]:
    return regex_cache.compile(f"(?P<fixed{i}>{_FIXED[i][0]})")


def _fixed_patterns(text: str) -> list[re.Pattern[str]]:
    """The fixed phrases whose literals stand in `text`, in their order."""
    found: set[int] = set()
    lowered = text.lower()
    m = _FIXED_GATE.search(lowered)
    while m:
        found.update(_FIXED_BY_LITERAL[m.group()])
        m = _FIXED_GATE.search(lowered, m.start() + 1)
    return [_fixed_pattern(i) for i in sorted(found)]


# In a list, an item may also open on less or more of a habit, or on giving one up.
_LIST_GATE = regex_cache.compile("\n[ \t]{0,8}[少多戒不]")
# The start of a list's item: a prohibition there opens a sentence ("- Don't shovel the drive").
_ITEM_START = r"(?<=\n[-*•·] )|(?<=\n\d[.)] )|(?<=\n\d[.)])|(?<=✅ )|(?<=❌ )"
# Verbs whose own words make an order of a sentence they open ("Volunteer at the temple",
# "Talk to her tonight", "Try to see it her way"); after "Well" only these count, as "Well,
# take a bow" and "Well, put it this way" do not order.
_OWN_ORDER = (r"(?:Go\s+easy\s+on\s+(?!yourself|me\b|us\b)|Volunteer\s+(?:at|for|with)\b|"
               r"Sign\s+up\s+for\s+(?:a|an|something|some)\s+(?![^.!?\n]{0,20}\b(?:account|card|newsletter|trial|website|app)\b)|"
               r"Find\s+(?:a|an|something|someone|some)\s+(?!comfortable|cosy|cozy|quiet|nice|warm)|"
               r"Send\s+(?:one|her|him|them)\b(?!\s+(?:my|our|your)\s+(?:love|best|regards|wishes|thanks))|"
               r"(?:Talk|Speak)\s+to\s+(?!me\b|us\b|you\b|someone\s+if\b)|"
               r"Try\s+to\s+(?:see|understand|let|stop|accept|forgive|put|talk)\b)")
# Whom a sentence addresses before it gives its order: "Dad, ", "Uncle ah, ", "Mrs Lee, ".
_VOCATIVE = r"(?!(?:Oh|Well|Yes|Yeah|No|Ah|Aw|Okay|Ok|Honestly|Anyway|So|Sure|Right|Alright|Hey|Hi|Hello|Oops|Wow|Ha|Haha|H?m+|Mm+|Uh+|Um+|Please|Sorry|Thanks|Then|Now|And|But)\b)(?:(?:Mr|Mrs|Ms|Dr|Auntie|Aunty|Uncle|Grandma|Grandpa)\.?\s+)?[A-Z][a-z]+(?:\s+(?:ah|lah|la|leh|dear|love|ji))?,\s+"
_ENGLISH = regex_cache.compile(
    r"(?<!all )(?<!\bif )(?<!\bwhen )(?<!\bunless )\b(?:you|u)(?:\s+(?:really|just|simply|definitely|absolutely|seriously)?\s*(?:should(?:n't)?|must(?:n't)?|"
    r"need\s+to|have\s+to|ought\s+to|had\s+better)|'d\s+better)(?![\w'])"
    # not a guess (you must be Margaret's friend, you should be getting your results), an
    # exclamation (you should see / hear it, you have to laugh) or praise (be proud)
    r"(?!\s+(?:laugh|admire|hand\s+it\s+to|believe\s+it|hear|be\s+getting|be\s+hearing|be\s+\w+'s\b|"
    r"give\s+yourself\s+(?:(?:a\s+lot\s+|a\s+bit\s+|a\s+little\s+)?more\s+|some\s+|all\s+the\s+)?credit|"
    r"give\s+yourself\s+a\s+(?:pat\s+on\s+the\s+back|medal|gold\s+star)|"
    r"feel\s+(?:really\s+|so\s+|very\s+|quite\s+)?(?:proud|chuffed|pleased\s+with\s+yourself)\b)"
    r"|\s+(?:\w+ly\s+)?(?:have(?!\s+(?:told|called|asked|listened|gone|taken|checked|said|phoned|rung|known|"
    r"thought|waited|stopped)\b)|see|be\s+(?:so\s+|very\s+|really\s+|quite\s+|pretty\s+|fairly\s+|rather\s+|a\s+(?:bit|little)\s+)?(?:proud|tired|exhausted|happy|"
    r"thrilled|excited|worried|lonely|hungry|cold|sad|relieved|glad|delighted|pleased|upset|"
    r"missing|feeling|fuming|furious|gutted|heartbroken|chuffed|anxious|nervous|scared|bored|"
    r"fed\s+up|over\s+the\s+moon|kidding|joking|a\s|the\s|one\s))"
    # with should, what will happen (you should receive your card, should be able to shower,
    # should be starting to notice, should feel better soon)
    r"|(?<=shouldn't)\s+(?:need|have)\s+to\b|(?<=should)\s+(?:need\s+to|receive|hear\s+(?:back|from)|notice|be\s+able\s+to|be\s+(?:starting|beginning)\s+to|"
    r"(?:start|begin)\s+(?:to\s+)?(?:feel|see|notice)|feel\s+(?:better|a\s+difference|much\s+better)|"
    r"be\s+(?:fine|okay|ok|alright|all\s+right|delivered)\b|get\s+(?:a|an|the|your)\s+(?:letter|call|text|e-?mail|reply|"
    r"confirmation|card|results?|refund|message|statement)\b)"
    # with must, a guess about a state or a memory (you must be dreading it, must remember when)
    r"|(?<=must)\s+(?:be\s+(?:\w+ing|\w+ed|worn\s+out|wiped\s+out|done\s+in|shattered|knackered)\b"
    r"|remember(?!\s+to\b))"
    # praise put as advice: you should open a restaurant / go on Bake Off
    r"|\s+(?:really\s+|honestly\s+|seriously\s+)?(?:open|start|run|write|publish|sell|enter|go\s+on|be\s+on|"
    r"join)\s+(?:a|an|one\s+of\s+(?:those|them)|your\s+own)\s+(?:[\w-]+\s+){0,2}(?:restaurant|caf[eé]|bakery|"
    r"stall|shop|business|channel|show|competition|contest|book|cookbook|memoir)s?\b"
    r"|\s+(?:be|go)\s+on\s+(?:TV|telly|the\s+telly|the\s+radio|Bake\s+Off|MasterChef)\b)"
    r"|\bdon'?t\s+think\s+(?:like\s+that|that\s+way)\b|\bstop\s+(?:worrying|overthinking|feeling\s+sorry)\b"
    r"|\blisten\s+to\s+me\b|\bmake\s+sure\s+you\b|\bthat\s+kind\s+of\s+thinking\b"
    r"|(?<!\bI )(?<!\bwe )(?<!\bhe )(?<!\bshe )(?<!\bthey )(?<!\byou )\bnever\s+(?:give|let|tell|skip|think|sit|stay|go|eat|drink|open|sign|share|click|pay|send|buy|answer|drive)\b"
    r"|\b(?:don'?t|do\s+not)\s+(?:give|tell(?!\s+me\b)|skip|sit|stay\s+up|eat|drink|even\s+think|"
    r"think\s+(?:like|that|about\s+it)|say\s+that|talk\s+like\s+that|be\s+(?:silly|ridiculous|"
    r"so\s+negative|so\s+pessimistic))\b"
    r"|\byou\s+(?:can(?:'|no)?t|cannot)\s+(?:keep|go\s+on|just\s+(?:sit|stay|ignore|give)|let\s+(?:this|that|it)|"
    r"spend|live\s+like|ignore|skip|stop\s+taking|sit\s+around|hide\s+away\s+from\s+(?:this|it|your)|run\s+away\s+from\s+(?:this|it|your))\b"
    r"|\byou(?:'ve|\s+have)?\s+got\s+to\b(?!\s+be\s+(?:kidding|joking))|\byou\s+gotta\b|\bstop\s+thinking\b|\bI\s+want\s+you\s+to\s+(?!know|feel|have|remember|be\s+happy)"
    r"|\bit'?s\s+(?:high\s+)?time\s+you\b|\byou'?d\s+best\b|\bdo\s+as\s+I\s+say\b"
    r"|\byou(?:'re|\s+are)\s+to\s+(?!be\b)[a-z]+"
    r"|\b(?:would|do)\s+you\s+mind\s+not\b(?!\s+(?:having|knowing|getting|being|sitting))|\b(?:could|can|would|will)\s+you\s+(?:please\s+)?(?:stop|quit)\s+\w+ing\b"
    r"|\bthe\s+best\s+thing\s+(?:for\s+you\s+to\s+do|you\s+can\s+do)(?:\s+(?:right\s+)?now)?,?\s+is\s+(?:to\s+)?"
    r"(?!exactly\b|what\b|just\s+what\b|keep\s+(?:doing|talking)\b)[a-z]+"
    r"|\btry\s+harder\b|(?<!have to )\bcheer\s+up\b|\bno\s+more\s+\w+ing\b|\bpull\s+yourself\s+together\b"
    # a sentence that opens with an order to change a habit or a feeling
    r"|(?:^|(?<=[.!?]\s)|(?<=\n)|" + _ITEM_START + r")(?:And\s+)?(?:Just\s+)?(?:Stop|Quit|Snap\s+out\s+of|Get\s+over|Get\s+out\s+of\s+the\s+house|"
    r"Cut\s+(?:(?:it|them|that|those)\s+)?(?:right\s+)?(?:down|back|out)|Drink\s+(?:more|less)|Eat\s+(?:more|less)|Throw\s+(?:those|that|it|them)|"
    r"Accept\s+(?:it|that)|Move\s+on|Hand\s+(?:over|it|them|me|(?:the|your|those|that)\s+\w+\s+over))\b"
    # …or with a verb of doing and its object (Take your pills now. Turn the telly off.),
    # not a well-wish (Take care, Sleep tight, Get well soon, Have a lovely day)
    r"|(?:(?:^|(?<=[^\d\s][.!?]\s)|(?<=\n))(?:Now\s+|Right,?\s+|And\s+|So\s+|"
    + _VOCATIVE + r")?(?:Just\s+)?|(?<=[,;]\s)so\s+)"
    # verbs whose own words say it is an order (Volunteer at…, Talk to her, Try to see…)
    r"(?:" + _OWN_ORDER + r"|"
    # verbs that need an object after them
    r"(?:Go\s+(?:and\s+)?(?:see|get|ask|lie|sit|have|tell|check|ring|call|put|take|make)\b|"
    r"Take|Turn|Put|Go|Get|Eat|Drink|Call|Sit|Stand|Lie|Open|Close|Unplug|Weigh|Rinse|Bin|Chuck|Ditch|Press|Book|"
    r"Lock|Throw|Stay|Keep|Wear|Bring|Give|Leave|Switch|Hang|Pick|Finish|Tell|Ring|See|Use|Delete|Dry|"
    r"Change|Let)\s+"
    r"(?!care\b|on\s*(?:[.!?,…]|then\b|$)|it\s+easy\b|it\s+up\b|well\b|better\b|a\s+look\b|your\s+time\b|a\s+moment\b|heart\b|comfort\b|"
    r"some\s+rest\b|rest\b|me\b|us\b|that\s+way\b|it\s+this\s+way\b|a\s+bow\b|yourself\s+a\s+(?:pat|treat|hug|round)\b|"
    r"up\s+the\s+(?:music|volume|telly)\b|(?:the\s+)?(?:[\w-]+\s+){0,2}(?:button|key|icon|switch)\b|the\s+(?:first|second|third|next|last)\s+(?:\w+\s+)?(?:left|right|turning|turn|exit|street|road)\b|in\s+mind\b(?<=just keep in mind)|"
    # care, as 带把伞 is (Take a brolly), and what to bring for a procedure (Bring your ID)
    r"(?:a|an|your)\s+(?:brolly|umbrella|coat|jacket|jumper|cardigan|scarf|hat)\b|"
    r"(?:some\s+|your\s+|the\s+|a\s+)?(?:photo\s+)?(?:ID|identification|passport|receipts?|paperwork|"
    r"(?:appointment|discharge|referral)\s+letter|bank\s+card|prescription|documents?|(?:booking\s+)?reference|tickets?|"
    r"this\s+(?:message|letter|e-?mail|text|form))\b|it\s+(?:a|some)\s+(?:days?|weeks?|time|while|go|try|whirl)\b|"
    r"\w+\s*[=<>≤≥])"  # Let a = 14: mathematics
    r"(?:your|the|that|this|those|these|it|them|yourself|some|something|a|an|off|"
    r"on|up|down|out|in|to|back|away|home|inside|outside|him|her|over|there|two|three|four|\d+)\b)"
    r"|(?:^|(?<=[^\d\s][.!?]\s)|(?<=\n))Well,?\s+" + _OWN_ORDER
    + r"|(?:^|(?<=[^\d\s][.!?]\s)|(?<=\n))Enough\b"
    r"|(?:^|(?<=[^\d\s][.!?]\s)|(?<=\n)|" + _ITEM_START + r")(?:" + _VOCATIVE + r")?"
    r"(?:Don'?t|Do\s+not|Never)\s+(?!worry|be\s+sorry|be\s+afraid|mention|apologi[sz]e|"
    r"feel\s+bad|let\s+the\s+bedbugs|(?:even\s+)?get\s+me\s+(?:wrong|started)|be\s+silly|you\s+worry|fret|rush|hesitate|forget|"
    r"tell\s+me\b|you\s+(?:just\s+)?(?:love|look|think|remember|wish|find)\b|be\s+(?:so\s+)?hard\s+on\s+yourself|"
    r"be\s+daft|a\b|mind\b|thank\b|"
    r"be\s+a\s+stranger|you\s+dare\s+(?:apologi|say\s+sorry)|say\s+I\s+(?:never|didn'?t)\b)"
    r"[a-z]+",
    re.IGNORECASE,
)
_ENGLISH_SPEECH = regex_cache.compile(r"\b(?:said|says|saying|say|told|tells|reckons|wrote|writes|texted|"
                                     r"messaged|asked)\b", re.IGNORECASE)
# A question that asks about something done or planned ("Did they make sure you got home?",
# "Do you have to go in on Monday?"), not one that orders ("Could you stop…?").
_ENGLISH_ASKING = regex_cache.compile(r"^(?:\w+,\s*)?(?:Did|Do|Does|Have|Has|Is|Are|Was|Were|When|What|Where|"
                             r"Which|Who|How)\b")


def _english_reported(sentence: str) -> bool:
    """Whether someone other than the assistant said it ("Your son keeps saying you should…")."""
    verbs = list(_ENGLISH_SPEECH.finditer(sentence))
    # "…said to walk, so get your shoes on": after "so" or "but" the assistant speaks again
    return bool(verbs) and not re.search(r"\bI\b|\b[Ww]e\b", sentence[:verbs[-1].start()]) \
        and not re.search(r"[,;]\s+(?:so|but|now|then|and\s+now)\b", sentence[verbs[-1].end():], re.IGNORECASE)


def _english_question(sentence: str, rest: str) -> bool:
    return bool(_ENGLISH_ASKING.match(sentence)) and re.match(r"[^.!?]*\?", rest) is not None
# 应该非常小心地处理, 应该更耐心地听: how to act, not a guess.
_HOW_TO_ACT = regex_cache.compile(r"(?:很|挺|蛮|比较|特别|非常|更(?:加)?)(?!快)[\u4e00-\u9fff]{1,2}(?<![当本外])地"
                                   r"(?![方步区点铁图址下上面])")
# Characters before 别 that make it part of a word (特别, 分别, 告别...).
_BIE_WORD = set("特分区告差级类性个识辨离道送惜临久派鉴判甄诀")
# 应该 as "probably" (您应该很累吧, 您应该是想家了) guesses, it does not order.
_EPISTEMIC = regex_cache.compile(
    r"(?:是|很|挺|也|已经|会|不会|还|蛮|比较|特别|非常|就|没|能|可以|感觉|觉得|都|快|差不多|不错|"
    r"好多了|算|不至于|不用|没事|更|真|听说|见过|习惯|高兴|开心|累|饿|困|冷|热|舒服|满意|放心(?!地)|了|"
    r"有点|有些|有不少|有很多|比)")
# 该…了 about the day's routine is a reminder of the time ("该吃药了"), not an order.
_ROUTINE = regex_cache.compile(r"(?:吃|喝|睡|歇|休息|起床|午睡|回家|出门|散步|做饭|吃药|量血压)")
# Verbs of saying and thinking: an order after them is reported or echoed, unless the
# speaker is the assistant itself (我觉得您应该… still lectures).
_SPEECH = regex_cache.compile(
    r"(?<!小)(?:(?<![说讲电童神笑废的])话(?=[你您侬]|$)|(?<!说)说(?!说|明|不定|实话|真的|白了|到|起|话|句|了算|自己|这|那|傻|完|好(?!好))|讲(?!究|话)|告诉|觉得|认为|"
    r"以为|嘱咐|叮嘱|劝|要求|转告|转达|捎话|带话|传话|写着|写道|写的是|注明|标着|印着|(?<![别不会能])让(?=[你您]|$)|交代|提醒|念叨|唠叨|听说|觉着|想着|寻思|强调|建议|希望|指出|提到|告诫|警告|规定)")
_SPEECH_SKIP = ("来说", "再说", "虽说", "比如说", "就是说", "换句话说", "老实说", "不用说", "顺便说", "多说",
                "怎么说", "这么说", "那么说", "可以说", "应该说", "话说", "别说", "不要说", "少说",
                "听我说", "听我讲")
_MY_VOICE = regex_cache.compile(
    r"^(?:其实|说实话|所以|但是|不过|那|可是|但|可|真的|而且|老实讲|哎|唉|嗯|就|也|要|依|照|让)*(?:我|咱们|咱)(?!们?的)"
    # the assistant about to say its own piece ("另外我得说一句，…", "有件事我得跟您说清楚：")
    r"|(?<![跟和对给让叫帮问同与找教劝向替陪听托请求要])我(?:可|还|也|就|再|真|今天|得|要|想|必须|不得不|只能)*"
    r"(?:跟|和|对|给)?(?:您|你)?$")
_CONDITION = regex_cache.compile(r"要是|如果|假如|若是|万一|实在|的话|想.{0,6}就")
_PERMISSION = regex_cache.compile(r"就.*(?:吧|呗|也行|也好|也没关系|无妨)$")
_QUESTION_END = regex_cache.compile(r"(?:吗|呢|么|不|没有|没)\W*$")
_QUESTION_WORD = regex_cache.compile(r"怎么(?!能|可以)|什么|哪|谁|为什么|为啥|如何|多少|几|是不是|要不要|"
                            r"能不能|可不可以|会不会|该不该|应不应该")
_TAG = regex_cache.compile(r"(?:好吗|好不好|行吗|行不行|可以吗|对不对|对吧|知道吗|明白吗|记住了吗|记住没有|"
                  r"听到了吗|听见没|听见没有|好嘛|成吗|答应我)\W*$")
_RHETORIC = regex_cache.compile(r"怎么能|怎么可以|难道|还不(?:快|赶紧|赶快|去)")
# A subject other than the listener earlier in the clause: the order is about someone else.
_OTHER_SUBJECTS = (
    "我", "他", "她", "它", "孩子", "儿子", "女儿", "老伴", "医生", "大夫", "护士", "大家", "别人", "人家", "有人", "年轻人",
    "老人(?!家)", "家人", "警察", "法律", "部门", "机构", "公司", "医院", "父母", "家长", "丈夫", "妻子", "老公", "老婆",
    "男朋友", "女朋友", "男友", "女友", "对方", "伴侣", "同事", "领导", "室友", "亲戚", "邻居", "朋友", "子女", "儿女", "孙子",
    "孙女", "学校", "单位", "政府", "社区", "用户", "学生", "人们", "患者", "病人", "老师", "客户", "员工", "孩子们")
# Not the object of 跟/对/给/… (跟孩子说): each word's own look back, after the word, so the
# pattern opens with literals and the regex engine skips to where one stands (5x faster).
_OTHER_SUBJECT = regex_cache.compile("(?:" + "|".join(
    f"{word}(?<![跟对给和让叫陪替帮像被]{word.partition('(')[0]})" for word in _OTHER_SUBJECTS)
    + ")(?!的)")  # 医生的话您一句都不听: a possessor, not the subject
_LISTENER = regex_cache.compile(r"[你您咱]")
_LISTENER_SPEAKS = regex_cache.compile(r"(?:今天|今儿|昨天|前天|刚才|刚刚|上次|上回|早上|上午|下午|晚上|那天|一早|对了)*(?:您|你)(?:刚才|刚刚|之前|前面|昨天|上次|上回|也|还|总|老|一直|跟我|和我|对我)*")
# The listener as the subject of a modal before a verb of saying (您第一时间就要告诉子女): an
# order to tell, not a report; 你妈都要…, 您家孩子总得… are someone else.
_TOLD_TO_TELL = regex_cache.compile(r"(?:您|你)(?![的家妈爸爷奶姥儿女老公婆哥姐弟妹孩们])[^，,。的]{0,8}?"
                                    r"(?:要|得|应该|需要|必须)$")
# Someone named at the start of a line or an item, before a colon (▪ 二哥：…).
_NAMED = regex_cache.compile(r"(?:^|(?<=[\n▪•·\-*]\s)|(?<=[\n▪•·]))(?![^\n：:]*[我你您])[\u4e00-\u9fff]{1,4}(?<![了的是说下好吧啊呢])$")
# A report runs on over commas until a clause turns back to the listener or contrasts.
_REPORT_ENDS = regex_cache.compile(r"[，,；;]\s*(?:但|可|不过|然而|其实|所以|因此|那|我|您|你|咱)")
# 您要计算的数值, 你需要的东西: a verb then 的, with no adverb of an order in between.
_RELATIVE = regex_cache.compile(r"(?!多|少|学会|好好|按时|注意|坚持|保持|对|为|给|跟|和|把|与|有自己)[^，。！？,!?的]{1,3}的(?![话确])")
# Characters that make a word with the pronoun after them (迷你).
_WORD_BEFORE_YOU = ("迷",)
# A list introduced as rules to follow: "建议您：1.按时服药；2.…", "出远门前一定检查：· …".
_RULES_INTRO = regex_cache.compile(r"^[^：:\n]{0,30}?(?:建议(?:您|你)|^建议|注意(?!事项)|做到|检查|遵守|记住|照做|一定|必须|"
                          r"务必|应该|(?<=[您你就都还也可])得(?!了))[^：:\n]{0,12}[：:]|^(?:您|你)?(?:可)?(?:要)?记住了?[，,：:]"
                          r"|^[^:\n]{0,40}\b(?:rules?|must|should|need\s+to|(?<!I\s)remember|make\s+sure|I\s+mean\s+it)\b"
                          r"[^:\n]{0,30}:", re.IGNORECASE)
# A story about the past: "那时候家里穷，不能天天吃肉" describes, it does not forbid.
_PAST = regex_cache.compile(r"那时候|那时|那会儿|(?<![点钟时号日天周月饭觉门])以前|小时候|当年|(?<![打走跑送寄拿搬飞游跳冲传递发带拨回开过转话频息信钱])过去(?!了|这么|那么|很久|好久|多久|的事)|年轻时|那年|从前|当初")
_SUGGESTING = regex_cache.compile(r"可以|不妨|试着|尝试|建议")
# A hedge or a condition before the modal: "也许你需要…", "如果你需要任何帮助", "当你需要…的时候".
_HEDGE = regex_cache.compile(r"也许|或许|可能|说不定|如果|要是|假如|若是|万一|只要|一旦|(?<![相应适])当(?![然下前初地年时场])")
# A hedge anywhere earlier in the sentence ("也许在…之前，我们应该…").
_SENTENCE_HEDGE = regex_cache.compile(r"也许|或许|说不定")
# What "remember, …" says when it comforts: 你并不孤单, 有我在, 你已经很棒了.
_COMFORT_FACT = r"(?:孤单|孤独|一个人|有我|陪着|陪你|陪您|很棒|真棒|值得|爱你|爱您|重要|不是你的错|不是您的错|不怪|了不起|很好|有人)"


def _is_question(text: str, sentence: Span, clause: Span) -> bool:
    """Whether the clause asks rather than tells: it ends a question or asks "how/what"."""
    end = terminator(text, sentence)
    body = text[sentence.start:sentence.end]
    asking = "？" in end or "?" in end or bool(_QUESTION_END.search(body))
    if not asking or _RHETORIC.search(body) or _TAG.search(body):
        return False
    return clause.end == sentence.end or bool(_QUESTION_WORD.search(text[clause.start:clause.end]))


def _reported(text: str, sentence: Span, start: int) -> bool:
    """Whether the order at `start` is someone else's words or thoughts, reported or echoed
    ("孩子们说您应该多出门", "您总觉得自己应该坚强"), not the assistant's own."""
    before = text[sentence.start:start]
    for m in _SPEECH.finditer(before):
        head = before[:m.end()]
        if any(head.endswith(s) for s in _SPEECH_SKIP) or (
                before.startswith("的", m.end()) and m.group() not in ("说", "讲", "话", "规定")
                and not before.startswith(("的是", "的就是"), m.end())):
            continue  # 刚才提到的方式 reports nothing; 照您说的，… still does
        # the speaker: from the start of the clause that holds the verb
        lo = max(head.rfind(c, 0, m.start()) for c in "，,：:、。！？!?") + 1
        speaker = head[lo:m.start()].strip().lstrip("”」’\"")
        if not speaker and (m.group() != "告诉" or before[m.end():m.end() + 1] in "你您") \
                and m.group() != "听说":
            continue  # 建议您…, 告诉您…, 觉得…: no one else speaks, so the assistant does
        # what the listener told ("您说腿上有点肿，…") covers its own clause only: the
        # assistant answers in the next
        # as does what the listener is told to tell ("您就要告诉子女，绝对不能…")
        listener_speaks = _LISTENER_SPEAKS.fullmatch(speaker) or _TOLD_TO_TELL.search(speaker)
        if listener_speaks and re.search(r"[，,；;。！？!?]", before[m.end():]):
            continue
        # a report covers the verb's own clause ("孩子们说您应该…") or the next one when the
        # verb introduces it ("医生说：…"); after that the assistant speaks again
        between = before[m.end():] + text[start:start + 2]
        if _REPORT_ENDS.search(between.lstrip("，,：: ")):
            continue
        if not _MY_VOICE.search(speaker):
            return True
    return False


# What introduces someone else's advice as a list ("医生交代的：", "医嘱如下：", "大夫开的注意事项：").
_ADVICE_GIVEN = regex_cache.compile(r"建议|交代|嘱咐|叮嘱|医嘱|注意事项|要求|规定|(?:开|写|列|定|说|讲)的|说|讲")


# What a leaflet, a box or a form says ("说明书上写着：", "单子里注明了：").
_WRITTEN_ON = regex_cache.compile(r"(?:上|里)(?:面|头|边)?(?:就|都|还|也)?(?:写着|写的是|写道|注明|标着|印着)")
# A frame that says what something does not mean or ask ("这并不意味着你需要…", "不代表您必须…").
_NOT_MEANT = regex_cache.compile(r"(?:并不|并非|不)(?:意味着|代表|等于|是说)|并不是说|不是要")
_COURTESY_AFTER = regex_cache.compile(r"[了啦]?[，,。！!～~]\s*(?:(?:您|你)?(?:一点(?:都|也|儿都)?不|太客气|哪儿的话|哪里的话|"
                                      r"(?:这|那)?(?:都)?是(?:我)?应该的|应该的|不麻烦|不费事))")


def _list_intro(text: str, start: int) -> str | None:
    """The intro line (ending in a colon) of the list that `start` lies in, if any."""
    colon = max(text.rfind("：", 0, start), text.rfind(":", 0, start))  # the nearest
    if colon < 0 or not re.match(r"[：:][ \t]*\n", text[colon:]) or "\n\n" in text[colon:start]:
        return None
    return text[text.rfind("\n", 0, colon) + 1:colon + 1]


def _list_written(text: str, start: int) -> bool:
    """Whether `start` lies in a list of what a leaflet or a box says ("药盒上写着：①…")."""
    intro = _list_intro(text, start)
    return intro is not None and _WRITTEN_ON.search(intro) is not None


def _list_reported(text: str, start: int) -> bool:
    """Whether `start` lies in a list whose intro line gives someone else's advice
    ("出院时医生给您的饮食建议是这几条：") or what a leaflet says."""
    intro = _list_intro(text, start)
    if intro is None:
        return False
    if _WRITTEN_ON.search(intro):
        return True
    others = [m for m in _OTHER_SUBJECT.finditer(intro) if m.group() != "我"]
    return bool(others) and _ADVICE_GIVEN.search(intro, others[0].end()) is not None


def _probably(text: str, modal: str, after: int, clause: Span) -> bool:
    """Whether 应该/该/得 guesses ("您应该累坏了吧") or exclaims ("您得多高兴啊") here."""
    rest = text[after:clause.end]
    tail = rest.rstrip()
    if modal in ("应该", "应当", "该", "得") and tail.endswith("吧"):
        return True
    if modal in ("应该", "应当", "该") and (_EPISTEMIC.match(rest) or re.match(r"(?:已经)?(?:收到|接到|拿到)", rest)
                                           and tail.endswith(("了", "了吧"))) \
            and not (_HOW_TO_ACT.match(rest) and not tail.endswith("了")):
        return True
    if modal == "该" and tail.endswith(("了", "啦", "喽", "咯")) and _ROUTINE.match(rest):
        return True
    return modal in ("得", "该") and rest.startswith(("多", "有多")) and tail.endswith(("啊", "呀", "哇"))


def _comforts(text: str, end: int, modal: str) -> bool:
    """Whether a prohibition ending at `end` comforts ("别太担心") rather than forbids, or a
    "remember" is followed by a statement ("千万要记得，你并不孤单")."""
    rest = text[end:end + 12]
    if modal.endswith(("别", "不要", "甭", "唔好")):
        if re.match(r"(?:跟我|和我|对我)?(?:客气|见外|不好意思)|谢(?:我|了)?|嫌(?:我|弃)|笑话|挂(?!念)"
                    r"|(?:怪|嬲)我|生我(?:的)?气|介意", rest):
            return True  # 千万别客气, 别谢我, 别嫌我啰嗦, 说了您别笑话, 您先别挂, 别怪我多嘴: politeness
    elif re.match(r"(?:好好)?(?:给自己)?(?:记(?:上)?(?:一|个)?(?:大)?功|夸夸|表扬|犒劳|奖励|为自己(?:感到)?(?:骄傲|自豪)|给自己点(?:个)?赞)|"
                  r"被(?:好好)?(?:表扬|夸)|得(?:一)?(?:朵|个)?(?:小红花|奖状)|得意|骄傲|自豪"
                  r"|去?(?:参加|报名|报|上)[^。！？!?\n]{0,8}(?:比赛|大赛|节目|电视)"
                  r"|去?开(?:个|家|间)?[^。！？!?\n]{0,4}(?:饭馆|餐馆|饭店|店|馆子|频道)|出(?:本|一本)?书", rest):
        return True  # 您应该为自己骄傲, 您该得意一回了, 你应该去参加烹饪比赛: praise
    elif re.match(r"(?:跟|和|给)我(?:讲讲|说说|聊聊)|(?:讲|说)给我听", rest):
        return True  # 回来可一定要跟我讲讲: an invitation to tell
    if modal.startswith("请") and re.match(r"(?:你|您)?(?:试着|尝试)?(?:(?:跟|和|与|向|给)我)?(?:具体|详细)?(?:地)?(?:分享|告诉我|说说|讲讲|"
                                         r"聊聊|谈谈|描述|回想|保持(?:定期)?(?:(?:跟|和|与)我(?:们)?)?(?:的)?(?:联系|沟通))",
                                         modal[1:] + rest):
        return True  # 请试着分享一下你的感受, 请保持联系: an invitation to talk to the assistant
    if modal.endswith(("别", "不要")) and re.match(r"犹豫[^。！？!?\n]{0,4}(?:寻求帮助|求助|联系|找我|告诉我|来找|问)", rest):
        return True  # 不要犹豫寻求帮助: "don't hesitate to ask"
    # "remember, <comfort>" encourages (千万要记得，你并不孤单); "remember, <an order>" or
    # "remember, <a lesson>" (一定要记住，陌生人让转账的全是骗子) does not
    return bool(re.match(r"(?:记得|记住)[，,：:](?![^。！？!?\n]*(?:需要|应该|必须|要|不要|别|不能))"
                         r"[^。！？!?\n]*?" + _COMFORT_FACT, text[end:end + 60]))


def _lecture(text: str, m: re.Match[str]) -> bool:
    """Whether the pattern match `m` is a lecture in its context."""
    name = m.lastgroup or ""
    kind = {"modal": "you", "lead": "bare"}.get(name, "fixed" if name.startswith("fixed") else name)
    group = {"you": "modal", "fixed": name}.get(kind, kind)
    start = m.start("lead") if kind == "bare" else m.start(group) if kind == "item" else m.start()
    key = m.start(group)
    before = text[key - 1:key] if key else ""
    word = m.group(group)
    if (before in "要我" and word.startswith(("别", "不要"))) or (before == "不" and word[0] == "是"):
        return False  # 要不要, 我不要, 不是不对的
    if quoted(text, start):
        return False
    sentence = sentence_at(text, start, m.end())
    clause = clause_at(text, start, m.end())
    if _reported(text, sentence, start):
        return False
    lead = text[clause.start:start]
    if kind in ("you", "we"):
        modal = re.sub(r"^(?:我们|咱们)(?:都|也|还|就|一定|真的)*", "", word) if kind == "we" \
            else word
    else:
        modal = word.strip()
        if text[max(0, start - 1):start] in _BIE_WORD and modal.startswith("别"):
            return False
        if _OTHER_SUBJECT.search(lead) and not _LISTENER.search(lead):
            return False
        if clause.start and text[clause.start - 1] in "：:" and _NAMED.search(text, 0, clause.start - 1):
            return False  # a list by person ("▪ 二哥：建议去近一点的地方"): the name speaks
        if kind == "think" and word.endswith("说") and _COURTESY_AFTER.match(text, m.end()):
            return False  # 快别这么说，您一点都不麻烦: "don't mention it"
        if kind in ("think", "fixed", "remember"):
            return not _list_written(text, start)
        if _PAST.search(text[sentence.start:start]):
            return False
        if kind == "bare" and _SUGGESTING.search(text[sentence.start:start]) \
                and not (modal.startswith(("别", "不要"))
                         and not re.match(r"[^，。！？,!?]{0,6}(?:就行|就好|就可以)", text[m.end():])):
            # 你可以尝试…，同时也要倾听: the rest of a suggestion; a prohibition after one
            # (你可以一步步试，不要给自己太大压力) forbids all the same
            return False
    end = m.end()
    if _comforts(text, end, modal):
        return False
    if kind != "anywhere" and _probably(text, modal, end, clause):
        return False
    if kind == "we" and re.match(r"的|做的|(?:早|提前|多)[^，。！？,!?\n]{0,12}的(?:[，。！？,!?…\n]|$)",
                                 text[end:]):
        return False  # 这都是我们应该做的, 我们应该早点来看您的: duty, regret
    if kind == "you" and modal in ("要", "需要") and "的话" in text[end:clause.end]:
        return False  # 您要发给儿子的话…: "if you want"
    if _list_reported(text, start):
        return False  # 医生给您的建议是这几条：\n• 少吃…: the items are the doctor's
    if modal in ("要", "需要") and re.match(r"注意(?:的是|[，,：:]\s*(?:这|那|该|此)(?!样))", text[end:]) \
            and (kind != "you" or text.startswith("注意的是", end)):
        return False  # 需要注意的是, 需要注意，这个比喻…: "note that"
    if kind == "you" and modal in ("要", "需要") and _RELATIVE.match(text, end):
        return False  # 这是您要计算的数值: 要 inside a noun phrase
    if modal == "必须" and re.match(r"[^，。！？,!?的]{1,3}的[\u4e00-\u9fff]", text[end:]):
        return False  # 现实中必须面对的事务: 必须 inside a noun phrase
    if _NOT_MEANT.search(lead):
        return False  # 这并不意味着你需要承担全部责任: what the situation does not ask
    if kind == "bare" and modal.endswith(("尝试", "试着")) \
            and re.match(r"(?:去)?(?:找出|找找|想想|想一想|回想|回忆|思考|分析|探索|弄清|了解|觉察|描述|说说|写下)", text[end:]) \
            and ("？" in terminator(text, sentence) or "？" in text[sentence.start:sentence.end]):
        return False  # 首先，尝试找出让你厌倦的原因，是…还是…呢？: an invitation to explore
    if kind == "bare" and modal in ("要", "需要") and re.match(r"知道|(?:记住|明白)[，,：:]", text[end:]) \
            and not re.search(r"[也还都一定]", m.group("lead")) \
            and not re.match(rf"[，,：:]?[^。！？!?\n，,]*{_MAXIM_ORDER}", text[end + 2:]):
        return False  # 要知道，改变需要时间: "mind you", then a truth (not 也要记住，…)
    if (modal.startswith(("要", "需要")) or modal.startswith("快") and text[end:end + 1] == "回") \
            and text[end:clause.end].rstrip().endswith(("了", "啦")):
        return False  # 您要当奶奶了, 快到家了: "about to", not "must"
    if _is_question(text, sentence, clause) or _HEDGE.search(lead) \
            or _SENTENCE_HEDGE.search(text[sentence.start:start]):
        return False
    if (_CONDITION.search(text[sentence.start:clause.end])
            and _PERMISSION.search(text[clause.start:sentence.end].rstrip())):
        return False
    # 迷你应该 is not 你应该 (the modals' lookaheads keep 你得到, 您要求, 别人 apart)
    return not (kind == "you" and text[start - 1:start] in _WORD_BEFORE_YOU)


def _shown(text: str, m: re.Match[str]) -> tuple[int, int]:
    """Where the matched words and what follows them in the clause lie, up to ten
    characters."""
    start = m.start(m.lastgroup) if m.lastgroup in ("lead", "item") else m.start()
    end = clause_at(text, start, m.end()).end
    return start, min(end, max(m.end(), start + 10))



# Matches read in context per turn at most: a turn with more that all turn out harmless is
# not real text, and reading on would make the check slow on it.
_MAX_CANDIDATES = 100


# The learned back-up only reads turns that hold a mark an order needs: in Chinese the
# listener, a modal or prohibition, a verb of doing at a clause start; in English the
# listener (you, your), don't/stop/never/please, or a sentence that opens on a word that can
# order ("Sell the car.", "Chin up.", "Bed, Margaret.", "Relax!"): not a pronoun, article,
# question word, form of "be", modal, conjunction, preposition or interjection. So a
# statement ("She is not doing the task."), a one-word answer ("Snoopy") or Latin letters
# inside Chinese ("作为 {{name}}，") never reaches the scorer, whose English side learned from
# companion replies, not from instruction-data answers.
# 少/多 mark an order (少吃点, 多出去走走), not a state or a question (少了点味道, 不少, 多少, 多了)
_NOT_AN_ORDER_START = (
    "i|i'm|i've|i'd|i'll|me|we|we're|we've|we'd|we'll|us|he|he's|she|she's|it|it's|its|they"
    "|they're|they've|they'll|them|the|a|an|this|that|that's|these|those|my|our|his|her|their"
    "|some|any|each|every|all|both|many|much|most|few|several|such|there|there's|here|what"
    "|what's|why|how|how's|when|where|who|who's|which|whose|whether|is|isn't|are|aren't|was"
    "|wasn't|were|weren't|am|can|could|would|will|may|might|shall|and|but|or|nor|because|so"
    "|if|although|though|while|whereas|since|unless|therefore|however|thus|hence|also"
    "|moreover|furthermore|besides|then|otherwise|instead|indeed|perhaps|probably|actually"
    "|basically|generally|usually|often|sometimes|yes|yeah|yep|oh|ah|aw|wow|well|okay|ok|hmm"
    "|hi|hello|hey|dear|thanks|thank|sorry|sure|in|on|at|for|with|without|about|after|before"
    "|against|from|to|of|by|as|like|into|during|through|over|under|between|among|per|than"
    "|via|within|upon|near|around")
_CHINESE_ORDER_MARK = regex_cache.compile(
    r"[你您侬咱别要得该请把赶快先]|(?<![不多至])[少多](?![了少数])")
# Words that open a sentence before its order ("Hey, put the phone down.", "So go and
# apologize.", "Okay, take a deep breath."): the order after them still opens the sentence.
_OPENERS = ("oh|okay|ok|well|hey|so|then|and|also|now|right|alright|sure|look|listen|but"
            "|honestly|seriously|actually|come on")
_ENGLISH_ORDER_MARK = regex_cache.compile(
    r"\b(?:you|your|yours|yourself|yourselves|don['’]?t|stop|never|please)\b"
    # a sentence start: the turn's start (the batch's separator), after a mark other than a
    # comma, quote, opening bracket or joiner ("(hot drink)", "well-known"), or after a
    # spaced list dash; an opening quote and openers may come first; then a word that can
    # order, followed by another word or "!"
    r"|(?:(?<=\n)|(?<=[^\w\s',’\"“”(\[{/&+-])|(?<=\s-))[ \t]*[\"“]?"
    r"(?:(?:" + _OPENERS + r")\b[,!]?[ \t]+)*"
    r"(?!(?:" + _NOT_AN_ORDER_START + r")\b|no\s*[,.!?])[a-z][a-z'’]*(?:,?[ \t]+[a-z]|!)",
    re.IGNORECASE)
_LATIN = regex_cache.compile(r"[A-Za-z]")


def _with_order_mark(turns: Turns, indices: list[int]) -> set[int]:
    """The turns among `indices` that hold a mark of an order (above): the Chinese marks by
    one pass over the batch, the English ones only in the other turns with Latin letters,
    as the English pattern tries every position of a Chinese text before it fails."""
    chinese = turns.matching(_CHINESE_ORDER_MARK)
    texts = turns.texts
    return {i for i in indices if i in chinese or (
        _LATIN.search(texts[i]) is not None and
        _ENGLISH_ORDER_MARK.search(SEPARATOR + texts[i]) is not None)}


# Someone else's obligation ("孩子们应该多陪陪您"): the patterns never propose it, and the
# scorer must not read it as an order to the listener.
_OTHER_MODAL = regex_cache.compile(rf"{_OTHER_SUBJECT.pattern}(?P<lead>[^，。！？,!?\n]{{0,6}}?)"
                          r"(?:应该|应当|必须|得|要|需要|该|不能|不要|别|不许|不准)")


# Comfort and care the rule deliberately lets through ("记得多穿点", "别忘了吃药", "别太担心"):
# blanked for the scorer too, which would otherwise read them as orders.
_CARE = regex_cache.compile(rf"记得|别忘|不要忘|(?:别|不要|不用|甭){_SOFTEN}*{_COMFORT}|注意(?:安全|身体|保暖|休息)|"
                   r"带(?:把|上|好)?(?:伞|雨衣)|戴(?:个|上|好)?(?:帽子|口罩|手套)|多穿|加(?:件|点)衣|穿暖和|保暖")


# A question that asks whether one should ("您是不是该去医院看看了？", "要不要去问问医生？"):
# the patterns let it through, and the scorer must not read it as an order.
_ASKING = regex_cache.compile(r"(?:是不是(?!也?该把)|要不要|是否|该不该|应不应该)[^。！？!?\n]{0,20}[？?]")


# Words that hold an order's words and are none (讲唔准 "maybe", "all you need to do is"):
# blanked for the scorer, as the patterns pass them by without a candidate to clear.
_NOT_AN_ORDER = regex_cache.compile(r"(?:讲|话|说|保)(?:唔|不)准(?!确)|(?i:\ball\s+(?:you|u)\s+(?:need|have|got)\s+to\s+do\b)")


def scorer_text(text: str, cleared: list[tuple[int, int]] | None = None,
                others: bool = True, phrase: str | None = None) -> str:
    """`text` with each clause where a pattern proposed an order and its context ruled it out
    (reported, "probably", a question, someone else's, comfort) blanked: the scorer backs the
    patterns up where they found nothing, and must not overrule what they read and cleared.
    `others` False: a batch already saw no one else's order, no care and no question of
    whether one should in it. `phrase`: the order the patterns found (read from `text` when
    `cleared` is None), which is never blanked: the scorer reads it for its veto."""
    if cleared is None:
        phrase, cleared = _read(text)
    cleared = list(cleared)
    at = text.find(phrase) if phrase else -1
    blanked: list[tuple[int, int]] = []
    for m in _OTHER_MODAL.finditer(text) if others else ():
        if not _LISTENER.search(m.group("lead")):
            clause = clause_at(text, m.start(), m.end())
            blanked.append((clause.start, clause.end))
    for m in _ASKING.finditer(text) if others else ():
        sentence = sentence_at(text, m.start(), m.end())
        blanked.append((sentence.start, sentence.end))
    for m in _CARE.finditer(text) if others else ():
        clause = clause_at(text, m.start(), m.end())
        blanked.append((clause.start, clause.end))
    cleared += _apart(blanked, at, at + len(phrase)) if phrase and at >= 0 else blanked
    cleared += [m.span() for m in _NOT_AN_ORDER.finditer(text)] if "准" in text or "do" in text else []
    if not cleared:
        return text
    out = []
    last = 0
    for lo, hi in sorted(cleared):
        if lo >= last:
            out.append(text[last:lo])
            out.append("\x1f")
            last = hi
        elif hi > last:
            last = hi
    out.append(text[last:])
    return "".join(out)


def _sentence_of(text: str, phrase: str | None) -> tuple[int, int] | None:
    """Where the sentence that holds `phrase` lies in `text`, with its end mark."""
    if not phrase or (at := text.find(phrase)) < 0:
        return None
    sentence = sentence_at(text, at, at + len(phrase))
    return sentence.start, sentence.end + len(terminator(text, sentence))  # "？" or "。"


def veto_text(text: str, cleared: list[tuple[int, int]] | None = None, others: bool = True,
              phrase: str | None = None) -> str:
    """What the scorer reads to decide whether to overrule the order a pattern found in
    `text`: the sentence the order stands in, blanked as `scorer_text` blanks. Warmth and
    offers elsewhere in a long reply do not take an order back; read whole, the long
    counseling replies of real data (你可以试着… then 你需要接受…) scored as natural, and
    the veto dropped three lecturing replies for each natural one there."""
    if cleared is None:
        phrase, cleared = _read(text)
    span = _sentence_of(text, phrase)
    if span is None:
        return scorer_text(text, cleared, others, phrase)
    lo, hi = span
    inside = [(max(a, lo) - lo, min(b, hi) - lo) for a, b in cleared if b > lo and a < hi]
    return scorer_text(text[lo:hi], inside, others, phrase)


# A counsellor's own 试着/尝试 + a verb (首先，尝试接纳…, 请试着…): the scorer never overrules
# it. It learned offers from texts where 尝试 follows 可以 (你可以尝试…, an offer); on the real
# samples it overruled this pattern 12 times, each a lecturing reply, and on the written sets
# never. (建议您… stays open to the veto: 建议您关注我们的公众号 is a service's plug.)
_ADVICE = regex_cache.compile(r"(?:那|首先|其次|同时|另外|此外)?(?:请)?(?:你|您)?(?:尝试|试着)")


def imperative_phrase(text: str) -> str | None:
    """The first lecturing phrase in `text`, or None."""
    return _read(text)[0]


# A list of options, not of orders: "我这里有几条参考：…您自己拿主意", "您挑一个".
_OPTIONS = regex_cache.compile(r"参考|拿主意|您看(?:哪|看)|挑(?:一|挑|个)|选(?:一|个)|哪个(?:好|合适)|都行|您定|"
                      r"您说了算|试试看|(?:要是|如果)您(?:想|愿意)|可以试试")


def _items_as_clauses(text: str) -> str:
    """`text` with the markers of a list's items (1. / ① / - / 第一，) turned into spaces
    and a line break, one character for one: an item opens a clause, so an order that opens
    an item ("1. 不要透露验证码", "• 少看手机") reads as one that opens a sentence."""
    if checklist_items(text) < 2 or _OPTIONS.search(text):
        return text
    chars = list(text)
    for start, end in item_markers(text):
        chars[start:end] = " " * (end - start - 1) + "\n"
    return "".join(chars)


def _patterns(padded: str, in_list: bool) -> Iterator[re.Pattern[str]]:
    """The patterns to search `padded` with, in order: those whose gate it passes."""
    for gate, patterns in _GATES:
        if gate is None or gate.search(padded):
            yield from patterns
    yield from _fixed_patterns(padded)
    if in_list and _LIST_GATE.search(padded):
        yield _ITEM_ORDER


_ENGLISH_STOP = regex_cache.compile(r"""[.!?]["”’']?(?=\s)|["”]""")


def _offer(phrase: str) -> str:
    """An offer in the phrase's language, for the message."""
    return '"要不要试试…"' if has_cjk(phrase) else '"would you like to…"'


_SENTENCE_BREAK = regex_cache.compile(r"(?<=[.!?])\s")


def _sentence_start(ends: list[int], at: int) -> int:
    """Where the English sentence holding `at` starts: after the last break (`ends`: where
    each break of _SENTENCE_BREAK ends) that ends at or before `at`."""
    i = bisect.bisect_right(ends, at) - 1
    return ends[i] if i >= 0 else 0


def _apart(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans that do not overlap [lo, hi)."""
    return [(a, b) for a, b in spans if b <= lo or a >= hi]


def _read(text: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The first lecturing phrase in `text` (or None), and the clauses of the candidates
    read before it and ruled out."""
    # Every pattern starts with a literal character, so the regex engine skips ahead fast; a
    # leading newline lets a subjectless order at the very start match like any other. The
    # regex engine's scan is what this costs, not Python's calls: one pass of each pattern
    # over a batch's joined turns is no faster, so the turns are read one by one.
    written = text
    text = reading_form(text)  # one character for one: positions hold in `written` too
    marked = _items_as_clauses(text)
    padded = "\n" + marked
    budget = _MAX_CANDIDATES
    cleared: list[tuple[int, int]] = []
    for pattern in _patterns(padded, marked is not text):
        m = pattern.search(padded)
        while m and budget:
            if _lecture(padded, m):
                start, end = _shown(padded, m)
                # a candidate ruled out in the same clause (老人家 as a third person) must not
                # blank the order found there, which the scorer reads for its veto
                return ("\n" + written)[start:end].strip(), _apart(cleared, start - 1, end - 1)
            clause = clause_at(padded, m.start(), m.end())
            # an English full stop ends it too (not a clause mark, as decimals hold one)
            stop = _ENGLISH_STOP.search(padded, m.end(), clause.end)
            hi = stop.end() if stop else clause.end
            cleared.append((max(0, clause.start - 1), max(0, hi - 1)))
            budget -= 1
            m = pattern.search(padded, m.start() + 1)
    intro = _RULES_INTRO.match(text) if "：" in text or ":" in text or "记住" in text else None
    if intro and not _reported(text, Span(0, intro.end()), intro.end()) and checklist_items(text) >= 2:
        return written[:intro.end()], cleared
    if "o" in text or "O" in text:
        ends: list[int] | None = None  # where each English sentence starts, once per text
        for m in _ENGLISH.finditer(text):
            if ends is None:
                ends = [b.end() for b in _SENTENCE_BREAK.finditer(text)]
            sentence = text[_sentence_start(ends, m.start()):m.start()]
            rest = text[m.end():]
            reported = _english_reported(sentence + m.group())
            if not (reported or quoted(text, m.start()) or _english_question(sentence, rest)):
                return m.group(), _apart(cleared, m.start(), m.end())
            cleared.append((m.start() - len(sentence), m.end() + len(rest) - len(rest.lstrip())
                            + (rest.find("?") + 1 if "?" in rest else 0)))
    return None, cleared


class ImperativeReply(RecordRule):
    """Lecturing or imperative phrasing in an assistant turn.

    ## What it does
    Flags assistant turns that tell the user what to do, think or feel, in a directive voice:
    modal orders (你/您应该, 必须, 务必, 一定要, 得, 最好, 不能总…, 您要多…, 您不应该…), bare
    orders that open a clause (要多出去走走, 少吃点咸的, 赶紧把药吃了, 千万别…, 不许…), orders
    after a topic (出门一定要带上手机, 血压问题不能忽视), telling people what to think (别这么想,
    别想那么多, 不要胡思乱想, 您就是想太多了, 这种想法不对, 怎么能这么想), admonitions (听我的,
    得学会放下, 日子总要过下去, 哭也没用, 说句不好听的, 该干嘛干嘛), a counsellor's "we"
    (我们都应该…, 我们要认识到…), "remember, <maxim>" (记住，…需要…), "remember to <conduct>"
    (记得给自己一点宽容, 记得在…中保持耐心), an attitude ordered (保持积极的心态，…), a counsellor's advice
    (建议你先找心理咨询师…, 首先，尝试接纳自己…), a list of rules (建议您：1.… 2.…),
    orders that open a list's items (1. 不要透露验证码, • 少看手机, ▪ 戒烟; not a list of options:
    "我这里有几条参考：…您自己拿主意"), orders with a time word (那您今天就别出门了吧, 您马上去躺着),
    questions that scold (您怎么又把药停了呢？, 说了多少回了, 难道要等到住院吗？, 早干嘛去了？,
    这身体还要不要了？), blame (这就怪您了, 您也真是的, 这可说不过去, 让人失望), orders asked
    as questions (您能不能别…), rules laid down (定个规矩, 一天都不能漏), notices in a health
    app's voice (请您严格控制, 请您每隔一小时…), and in English "you
    should / must / need to / have to / ought to / 'd better", "listen to me", "make sure
    you", "never / don't …" and a sentence opening on a verb of doing with its object (Take
    your pills now, Turn the telly off), "that kind of thinking", "it's your own fault",
    "don't you dare", "no arguments".

    Each match is then read in its sentence, and these are deliberately not flagged:
    - reported or echoed speech: 孩子们说您应该多出门？ / 您总觉得自己应该坚强 / 医生让您少吃盐 /
      "Your daughter said you should rest more?", and anything inside quotation marks;
    - 应该/该/得 meaning "probably" or "how…": 您应该累坏了吧, 您应该是想家了, 您该饿了吧,
      您得多高兴啊, and 该…了 about the day's routine (您该吃药了); "must" as a guess ("You must
      be fuming", "You must remember the winter of '63?"; "You must remember to…" is an order);
    - questions that ask (您觉得应该怎么办呢？, 您是不是该去医院看看了？), but not rhetorical ones
      (怎么能这么想呢) or orders with a tag (…，好吗？);
    - idioms: 别看他嘴硬, 别提多高兴了, 甭提了, 别说是您, 不要说您了, 别人, 特别, 不要紧,
      别生气也难 ("hard not to be angry"), "You've got to be kidding", "You'd better believe
      it", "You know better than me" (praise), "I'm disappointed for you" (sympathy);
    - conditionals and permission: 要是累了就歇歇吧, 想哭就哭吧, 如果你需要任何帮助…;
      hedges (也许你需要…) and the rest of a suggestion (你可以尝试…，同时也要…);
    - first and third person: 我应该早点问您的, 我得查一查, 孩子们应该多陪陪您, 以前学校不准…,
      and stories about the past (那时候家里穷，不能天天吃肉);
    - comfort and care: 别担心, 别太担心, 不要害怕, 不用怕, 别难过, 别太自责, 别客气, 别谢我,
      别嫌我啰嗦, 别忘了, 记得带伞, 记得多喝点水, 注意安全, "Don't worry", "Don't forget your umbrella",
      well-wishes (Take care, Sleep tight), and offers (要不要试试…, 可以试试…, 不妨…,
      建议您可以试试…);
    - what is not asked or is only a truth: 这并不意味着你需要…, 要知道，改变需要时间,
      记住，改变需要时间, 保持积极心态很重要, 生活中必须面对的事务, and invitations to talk to the assistant
      (请试着分享一下…, 请保持联系, 不要犹豫寻求帮助);
    - praise: 您应该为自己骄傲, 您真该好好夸夸自己, "you should be proud", and "you should"
      as a past wish ("you should have seen").

    Words are kept apart by what follows each keyword (你得到, 您要求, 别人, 特别, 迷你应该 are
    not orders), so the patterns need no tokenizer and cost a few regex searches per turn.

    Where no pattern finds an order, a small learned scorer backs them up (option `scorer`):
    a network with one hidden layer of 32 units over the reply's character 1-3-grams, so
    that it reads them together (您 with 别 and 再), trained on the labeled sets
    (benchmarks/accuracy/train_scorer.py; weights in rules/ngram_weights.json and
    the ngram_weights.A001.*.npy files). It catches
    some orders with no keyword the patterns know (行了行了，别哭了，擦擦眼泪吃饭) but says only
    "reads as lecturing", not which words, and makes some mistakes of its own. It reads the reply with the clauses the patterns
    ruled out blanked (the reported, "probably", questions, someone else's, comfort and care
    above), so it does not overrule them, and only Chinese replies with a mark of an order
    (你/您, 别, 要, 得, 该, 请, 把…) and English replies with the listener (you, your),
    don't/stop/never/please, or a sentence that opens (after an opener such as "Hey," or
    "So") on a word that can order ("He's right. Sell the car."; not "She is not doing the
    task.", a one-word answer, or `{{name}}` in a Chinese reply). Precision and recall on labeled sets, with and
    without it, are in docs/accuracy.md: on a held-out set written to probe its weak spots
    it misses rhetorical scolding (您怎么又把药停了呢？), dialect and verb-first orders with no
    modal (把窗户关上，穿上棉袄). The other way, the scorer may overrule a pattern: where a
    pattern finds an order but the scorer is sure the sentence it stands in is not one (a
    score under the `veto` stored with its weights, chosen where the patterns' findings were
    mostly wrong out of fold), that finding is dropped, and the scorer reads the rest of the
    reply, that sentence blanked, as it reads a reply no pattern flags. It reads that
    sentence, not the whole reply: a warm lead-in does not take back an order that follows it.

    ## Why it matters for training
    A few lecturing replies are enough for a companion model to start preaching; people
    who are lonely or low stop talking to a model that tells them what they should do.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好。"}, {"role": "assistant", "content": "你应该早点睡，别想太多。"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "最近老睡不好。"}, {"role": "assistant", "content": "睡不好真难受。要不要跟我说说，夜里都在想些什么？"}]}
    ```

    ## Options
    - `scorer` (default `true`): back the patterns up with the n-gram scorer; `false` flags
      only what the patterns find (each finding then names its phrase).
    - `scorer-threshold` (default: the one stored with the weights, 2.43 now): the score at
      which the scorer flags a reply no pattern flags (or whose pattern's order its veto
      overruled). Higher trades recall for precision. On
      a real counseling sample the scorer never saw (docs/accuracy.md, round 24): 2.43 gave
      precision 0.75 / recall 0.78, 4 gave 0.78 / 0.73, 6 gave 0.84 / 0.71 and `scorer =
      false` 0.85 / 0.68; on a written set, 0.94 / 0.93, 0.95 / 0.90, 0.95 / 0.85, 0.93 / 0.80.
      It needs `scorer = true`.
    """

    code = "A001"
    name = "imperative-reply"

    class Options(StrictModel):
        scorer: bool = True
        scorer_threshold: float | None = Field(None, ge=-100, le=100)

        @model_check
        def _threshold_needs_the_scorer(self) -> None:
            if self.scorer_threshold is not None and not self.scorer:
                raise ValueError("scorer-threshold has no effect with scorer = false; drop "
                                 "one of them")

    options: Options

    def check_batch(self, batch: Batch) -> Iterator[Finding]:
        return judged_findings(
            self, batch.turns("assistant", desirable_only=True),  # not a KTO "what not to say"
            self._judge,
            lambda phrase: f'lecturing phrase "{phrase}" in assistant turn; offer instead of '
                           f"telling ({_offer(phrase)})",
            'assistant turn reads as lecturing (n-gram scorer); offer instead of telling '
            '("要不要试试…", "would you like to…")')

    def _judge(self, turns: Turns) -> list[Verdict]:
        """Each turn's verdict: ("phrase", the phrase) where a pattern finds an order and the
        scorer does not overrule it, ("scorer",) where only the scorer reads one, else None."""
        verdicts: list[Verdict] = [None] * len(turns.texts)
        found: list[tuple[int, str, list[tuple[int, int]]]] = []  # a pattern's order
        unread: list[int] = []  # turns no pattern flags, with what the patterns ruled out
        cleared_by: list[list[tuple[int, int]]] = []
        for i, text in enumerate(turns.texts):
            phrase, cleared = _read(text)
            if phrase:
                found.append((i, phrase, cleared))
            else:
                unread.append(i)
                cleared_by.append(cleared)
        scorer = load_scorer("A001") if self.options.scorer else None
        others: set[int] = set()  # the turns where scorer_text has more to blank
        if scorer is not None and (unread or (found and scorer.veto is not None)):
            others = turns.matching(_OTHER_MODAL) | turns.matching(_CARE) | \
                turns.matching(_ASKING)
        if found and scorer is not None and scorer.veto is not None:
            # the scorer overrules a pattern only where it is sure of the opposite
            scores = scorer.scores([veto_text(turns.texts[i], cleared, i in others, phrase)
                                    for i, phrase, cleared in found])
            kept = []
            for (i, phrase, cleared), score in zip(found, scores, strict=True):
                if score >= scorer.veto or _ADVICE.match(phrase):
                    kept.append((i, phrase, cleared))
                    continue
                # the sentence is no order, but the rest of the reply may hold one: the
                # scorer reads the reply as it reads those no pattern flags, that sentence
                # blanked ("建议你…可以提前准备…。同时，也要认识到…")
                span = _sentence_of(turns.texts[i], phrase)
                unread.append(i)
                cleared_by.append([*cleared, span] if span else cleared)
            found = kept
        for i, phrase, _ in found:
            verdicts[i] = ("phrase", phrase)
        if scorer is None or not unread:
            return verdicts
        # the scorer reads, all at once, the turns with a mark of an order that no pattern flags
        marked = _with_order_mark(turns, unread)
        read = [(i, cleared) for i, cleared in zip(unread, cleared_by, strict=True) if i in marked]
        flags = scorer.flags([scorer_text(turns.texts[i], cleared, i in others)
                              for i, cleared in read], self.options.scorer_threshold)
        for (i, _), flagged in zip(read, flags, strict=True):
            if flagged:
                verdicts[i] = ("scorer",)
        return verdicts
