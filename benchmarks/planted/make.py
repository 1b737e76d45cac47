#!/usr/bin/env python3
"""Generate a companion-chat SFT corpus with planted defects and an answer key.

Outputs (all under this folder):
  data/chat.jsonl            ~600 clean records + planted S/P/D/A/I/R/B defects
  data/tools.jsonl           OpenAI messages with tools/tool_calls + planted C defects
  data/prefs.jsonl           TRL preference pairs (explicit prompt) + planted V defects
  data/prefs_implicit.jsonl  TRL preference pairs (implicit prompt) + planted V003
  p002/chat_p2.jsonl         no configured prompt: P002 + balanced B (precision)
  sftlint.toml, p002/sftlint.toml
  key.json                   {"file:line": {"must": [...], "optional": [...], "note": ...}}
                             plus dataset-level entries with line null and D003 groups.
The key is derived from DESIGN.md / README / `sftlint rule` definitions, never from running sftlint.
"""
import json, random, re, os, itertools
from rapidfuzz.fuzz import ratio

random.seed(20240518)
HERE = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
os.makedirs(os.path.join(HERE, "p002"), exist_ok=True)

SP = "你是一位温和、耐心的陪伴者，名叫小暖。你陪老人家聊天，多倾听，少说教，用口语回应。"
CATS = ["loneliness", "health_anxiety", "burden_guilt", "nostalgia", "low_mood"]

def J(o):
    return json.dumps(o, ensure_ascii=False)

def conv(user, reply, cat=None, system=SP, extra=None):
    msgs = []
    if system is not None:
        msgs.append({"role": "system", "content": system})
    if isinstance(user, list):  # multi-turn: [u1, a1, u2] + reply
        for i, t in enumerate(user):
            msgs.append({"role": "user" if i % 2 == 0 else "assistant", "content": t})
    else:
        msgs.append({"role": "user", "content": user})
    msgs.append({"role": "assistant", "content": reply})
    r = {"messages": msgs}
    if cat is not None:
        r["category"] = cat
    if extra:
        r.update(extra)
    return r

# ---------------------------------------------------------------- clean pools
U = {
 "loneliness": [
  "孩子们都在外地，家里就剩我一个", "老伴走了以后，晚上特别安静", "今天又是一个人吃的饭", "楼里认识的人越来越少了",
  "周末也没人来串门", "电话一整天都没响过", "想找人说说话都找不着", "儿子说过年不回来了",
  "邻居老李搬去养老院了", "每天就对着电视过", "公园里下棋的人今天都没来", "孙女好久没视频了",
  "屋子太大，走路都有回声", "过节的时候最难熬", "跟老姐妹们也断了联系", "晚上睡不着也没人能说",
  "女儿忙，一个月才来一次", "买菜回来也没人一起做饭", "以前热闹的院子现在冷清了", "广场舞队散了",
  "我养的猫也走了", "住进新小区谁都不认识", "连个吵架的人都没有", "天一黑心里就空落落的", "生日那天谁也没想起来",
 ],
 "health_anxiety": [
  "最近老是头晕", "血压又高了一点", "膝盖一到阴天就疼", "体检报告上有个箭头", "晚上心口有点闷",
  "手有时候会发抖", "吃完饭胃就胀", "眼睛越来越花了", "医生让我复查，我心里发慌", "最近记性特别差",
  "腰疼得弯不下去", "老咳嗽，总也不好", "血糖控制得不太好", "夜里老起来上厕所", "耳朵嗡嗡响",
  "腿有点肿", "吃了药还是睡不好", "最近瘦了好几斤", "走几步就喘", "牙松了不敢吃硬的",
  "听说隔壁查出了毛病，我也担心", "体检约在下周，心里打鼓", "早上起来手指发麻", "天冷了关节就僵", "脚底老是凉",
 ],
 "burden_guilt": [
  "总麻烦女儿接送我去医院", "觉得自己拖累了孩子", "儿媳妇照顾我，我过意不去", "什么活都干不了了，没用",
  "孩子给我钱，我心里不是滋味", "住在儿子家怕添乱", "上次摔倒让全家都请了假", "看病花了孩子不少钱",
  "孙子的作业我也辅导不了", "连手机都要孩子教好几遍", "做饭咸了，又被说了", "怕自己成了累赘",
  "女婿下班还来给我修灯", "半夜不舒服也不敢打电话", "老给邻居添麻烦", "孩子为了我换了工作",
  "想帮忙带孩子，力气跟不上", "保姆的钱是孩子出的", "我这病把家里都拖住了", "总觉得欠孩子们的",
  "过年还让他们张罗", "洗个澡都要人扶", "儿子为我跑了好几趟医院", "不好意思再开口求人", "我记不住事，老让他们操心",
 ],
 "nostalgia": [
  "想起年轻时候在厂里上班", "以前住的胡同拆了", "老家的枣树不知道还在不在", "翻到了结婚时候的照片",
  "小时候过年最热闹", "想起我妈做的手擀面", "当年下乡的日子真苦也真快活", "以前骑自行车带着孩子上学",
  "那会儿一家人挤一间屋", "想起老伴年轻时候的样子", "以前的同事聚会少了", "老收音机还留着呢",
  "想回老家看看", "年轻时候爱唱样板戏", "以前的粮票还收着", "想起第一次去北京",
  "当年学校的老槐树", "以前冬天储大白菜", "小时候在河里摸鱼", "那时候看露天电影",
  "想起孩子小时候的样子", "年轻时候在部队里", "以前的邻居像一家人", "老照相馆还在不在", "想起当年谈恋爱写信",
 ],
 "low_mood": [
  "这几天提不起劲", "什么都不想干", "心里闷得慌", "最近总想哭", "觉得日子没什么盼头",
  "天阴沉沉的，心情也不好", "早上醒了不想起床", "看什么都没意思", "一点小事就烦", "心里堵得慌",
  "最近老是叹气", "笑不出来", "觉得自己老了，不中用了", "饭也吃不下", "整个人懒洋洋的",
  "想出门又懒得动", "听戏也听不进去", "夜里老醒，醒了就胡思乱想", "感觉被大家忘了", "觉得活着挺累的",
  "不想接电话", "心里空空的", "今天特别低落", "连花都懒得浇了", "说不上来哪儿不对劲",
 ],
}
U_OPEN = ["", "唉，", "小暖啊，", "跟你说个事，", "哎呀，", "说起来，", "你知道吗，", "嗯，", "今天", "这阵子"]
U_TAIL = ["。", "。", "……", "，唉。", "，你说怎么办。", "，心里不是滋味。", "。", "，真是的。", "呀。", "，挺难受的。"]

A_ACK = {
 "loneliness": ["一个人的时候，屋里静得人心慌吧。", "听着就觉得冷清，您这些天辛苦了。", "身边没人说话，日子就显得特别长。",
   "这种空落落的感觉，我能体会一些。", "家里少了人气，心里也跟着空了。", "没人陪着，饭都吃得没滋味吧。", "热闹惯了的人，最怕这样的安静。"],
 "health_anxiety": ["身体有点不对劲，心里难免发紧。", "这种不舒服确实让人挂心。", "担心是正常的，谁碰上都会想多。",
   "身子骨不听使唤，心里就跟着七上八下。", "有症状就放不下，我明白。", "等结果那几天最磨人了。", "身上难受，心情也跟着沉。"],
 "burden_guilt": ["您这么替孩子着想，真让人心疼。", "怕给人添麻烦，是因为您心里装着他们。", "这份过意不去，说明您是个体贴的人。",
   "孩子们照顾您，多半也是心甘情愿的。", "您为家里操劳了大半辈子，现在换他们照顾您也不为过。", "总觉得欠着别人，心里一定很累。", "您把自己放得太低了。"],
 "nostalgia": ["这段回忆听着就暖和。", "那时候的日子虽然清苦，却有滋有味。", "一想起来，好像又回到了那会儿。",
   "老物件里藏着好多故事呢。", "您说得我都想跟着去看看了。", "这些记忆可真珍贵。", "那个年代的人情味，现在少见了。"],
 "low_mood": ["心里沉的时候，做什么都费劲。", "这样的日子过着确实不好受。", "提不起劲的感觉，像压着块石头。",
   "您愿意说出来，就已经很不容易了。", "低落的时候，连阳光都显得远。", "这种闷闷的感觉，最磨人。", "心里不痛快，我陪您待一会儿。"],
}
A_MID = ["我在这儿陪着您。", "慢慢说，我都听着。", "不着急，咱们聊聊。", "今天能跟我说说，挺好的。", "有我在，您不用一个人扛着。",
         "这些话憋在心里太久了吧。", "我愿意多听您讲讲。", "您说的每句话我都记着呢。", "", "", ""]
A_Q = {
 "loneliness": ["今天最想跟谁说说话？", "晚饭吃的什么呀？", "要不要给孙女打个视频？", "楼下有没有常碰面的老邻居？", "最近有什么想做又一直没做的事吗？",
   "平时一个人的时候都做点什么？", "要是有人陪，您最想去哪儿走走？", "小区里有老年活动室吗？"],
 "health_anxiety": ["这种情况持续多久了？", "跟医生说过这个感觉吗？", "家里人知道您不舒服吗？", "现在这会儿感觉怎么样？", "复查约在哪天？",
   "要不要把症状记下来，下次给医生看？", "晚上睡得还安稳吗？", "药按时吃了没有？"],
 "burden_guilt": ["孩子们是怎么说的？", "您平时都帮家里做些什么？", "要是换过来，您会嫌孩子麻烦吗？", "最近有没有哪件事让您特别过意不去？",
   "跟孩子聊过您的这些想法吗？", "您觉得他们最需要您什么？", "要不要跟女儿说说心里话？", "有哪些事是您现在还乐意做的？"],
 "nostalgia": ["那会儿您多大？", "还记得当时最开心的一件事吗？", "那张照片里都有谁？", "后来还回去过吗？", "能跟我讲讲那时候的样子吗？",
   "那时候最要好的朋友是谁？", "现在还会做那道菜吗？", "您最怀念的是哪一段？"],
 "low_mood": ["今天有没有哪一刻稍微好受点？", "要不要出去晒晒太阳？", "最近睡得怎么样？", "有什么事让您惦记着吗？", "想听首老歌吗？",
   "这种感觉是从什么时候开始的？", "身边有能说说话的人吗？", "要不要跟我说说今天都做了什么？"],
}

EN_U = ["My daughter moved to Canada and the house feels empty", "I can't stop thinking about my late husband", "The doctor wants more tests and I'm scared",
        "I feel like a burden to my son", "I found my old army photos today", "Nobody called me on my birthday", "My knees hurt every morning",
        "I used to dance every Saturday night", "I don't feel like doing anything lately", "My neighbor passed away last week",
        "I keep forgetting where I put my glasses", "It rained all day and I stayed inside", "My grandson taught me to use video calls",
        "I miss the smell of my mother's kitchen", "I had to ask my daughter for money again", "The pharmacy changed my pills and I'm worried",
        "I sat in the park alone for hours", "We used to have big family dinners", "I woke up at four and couldn't sleep again", "My hands shake when I write"]
EN_A1 = ["That sounds really hard.", "I'm glad you told me.", "That must weigh on you.", "I can hear how much that matters to you.",
         "It makes sense that you feel this way.", "Thank you for sharing that with me.", "That is a lot to carry alone."]
EN_A2 = ["What was the best part of your day?", "Who would you most like to talk to right now?", "How long has it been like this?",
         "What do you remember most about that time?", "Would you like to tell me more about it?", "Is anyone around to keep you company today?",
         "What helped a little the last time you felt like this?", "How are you feeling at this moment?"]

def make_clean():
    out = []
    seen_u, seen_a = set(), set()
    per_cat_target = {"loneliness": 120, "health_anxiety": 115, "burden_guilt": 110, "nostalgia": 150, "low_mood": 95}
    for cat, n in per_cat_target.items():
        tries = 0
        got = 0
        while got < n and tries < 20000:
            tries += 1
            core = random.choice(U[cat])
            u = random.choice(U_OPEN) + core + random.choice(U_TAIL)
            a = random.choice(A_ACK[cat]) + random.choice(A_MID) + random.choice(A_Q[cat])
            if u in seen_u or a in seen_a:
                continue
            seen_u.add(u); seen_a.add(a)
            if random.random() < 0.12:
                # multi-turn
                u2 = random.choice(["是啊。", "嗯，就是这样。", "你说得对。", "唉，也只能这样了。", "还好有你听我说。", "可不是嘛。"])
                a2 = random.choice(A_MID[:8]) + random.choice(A_Q[random.choice(CATS)])
                if a2 in seen_a:
                    continue
                seen_a.add(a2)
                out.append(conv([u, a, u2], a2, cat))
            else:
                out.append(conv(u, a, cat))
            got += 1
    for i in range(36):
        u = random.choice(EN_U) + random.choice([".", "...", ". Sigh.", ", you know?", " today."])
        a = random.choice(EN_A1) + " " + random.choice(["I'm here with you.", "Take your time.", "", "We can talk as long as you like."]).strip() + " " + random.choice(EN_A2)
        a = re.sub(r"\s+", " ", a).strip()
        if u in seen_u or a in seen_a:
            continue
        seen_u.add(u); seen_a.add(a)
        out.append(conv(u, a, random.choice(CATS)))
    random.shuffle(out)
    return out

# ---------------------------------------------------------------- helpers
def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * x for c, x in zip(s17, w)) % 11]

def make_id(region="110105", birth="19530307", seq="123", valid=True):
    s17 = region + birth + seq
    c = id_check(s17)
    if not valid:
        c = "10X98765432"[("10X98765432".index(c) + 3) % 11]
    return s17 + c

def luhn_ok(num):
    d = [int(c) for c in num][::-1]
    s = 0
    for i, x in enumerate(d):
        if i % 2 == 1:
            x *= 2
            if x > 9:
                x -= 9
        s += x
    return s % 10 == 0

def luhn_make(prefix, length, valid=True):
    body = prefix + "".join(random.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for c in "0123456789":
        if luhn_ok(body + c) == valid:
            return body + c

def grp(num, sep=" ", size=4):
    return sep.join(num[i:i + size] for i in range(0, len(num), size))

def rep4_share(t, n=4):
    grams = [t[i:i + n] for i in range(len(t) - n + 1)]
    seen, rep = set(), 0
    for g in grams:
        if g in seen:
            rep += 1
        seen.add(g)
    return rep / max(1, len(grams))

# ---------------------------------------------------------------- planted
# Each plant: list of (record_or_rawline, must_codes, optional_codes, note); a group keeps its order.
P = []  # list of groups
def plant(rec, must=(), opt=(), note=""):
    P.append([(rec, list(must), list(opt), note)])
def plant_group(items):
    P.append([(r, list(m), list(o), n) for r, m, o, n in items])

C = lambda: random.choice(CATS)
SYS = {"role": "system", "content": SP}

# ---- S001 missing-messages
plant({"mesages": [SYS, {"role": "user", "content": "今天腰又疼了。"}, {"role": "assistant", "content": "腰疼起来坐立都难受，今天是干了什么累着了吗？"}], "category": "health_anxiety"}, ["S001", "S006"], [], "S001 typo mesages")
plant({"Messages": [SYS, {"role": "user", "content": "想我闺女了。"}, {"role": "assistant", "content": "闺女不在身边，心里总惦记着。她最近忙什么呢？"}], "category": "loneliness"}, ["S001", "S006"], [], "S001 capitalized Messages")
plant({"conversation_id": "c-0912", "category": "low_mood"}, ["S001"], [], "S001 no messages at all")
plant({"messages": None, "category": "low_mood"}, ["S001"], [], "S001 messages null")
plant({"messages": "用户：你好\n助手：你好呀", "category": "loneliness"}, ["S001"], [], "S001 messages is a string")
plant({"messages": {"role": "user", "content": "你好"}, "category": "loneliness"}, ["S001"], [], "S001 messages is an object")
plant({"message": [SYS, {"role": "user", "content": "今天风好大。"}, {"role": "assistant", "content": "风大出门可得裹严实点，您今天出去了吗？"}], "category": "low_mood"}, ["S001", "S006"], [], "S001 singular message")

# ---- S002 malformed-message
plant(conv("x", "y", "loneliness") | {"messages": [SYS, {"role": "user", "contnet": "晚上又失眠了。"}, {"role": "assistant", "content": "失眠的夜特别长，躺着的时候都在想些什么？"}]}, ["S002", "S006"], [], "S002 typo contnet")
plant({"messages": [SYS, {"role": "user"}, {"role": "assistant", "content": "您刚才好像没说完，想跟我聊点什么？"}], "category": "loneliness"}, ["S002"], [], "S002 user without content")
plant({"messages": [SYS, {"content": "隔壁装修吵死了。"}, {"role": "assistant", "content": "天天听电钻声，头都要炸了吧。装修还要多久？"}], "category": "low_mood"}, ["S002"], [], "S002 no role")
plant({"messages": [SYS, {"role": "user", "content": 12345}, {"role": "assistant", "content": "这串数字是什么意思呀？是想跟我说密码还是电话？"}], "category": "loneliness"}, ["S002"], [], "S002 numeric content")
plant({"messages": [SYS, {"role": "user", "content": None}, {"role": "assistant", "content": "您那边好像没打出字来，再说一遍好吗？"}], "category": "loneliness"}, ["S002"], [], "S002 null content (no tool_calls)")
plant({"messages": [SYS, "今天好冷啊", {"role": "assistant", "content": "冷天里手脚冰凉的，家里暖气热不热？"}], "category": "low_mood"}, ["S002"], [], "S002 message is a bare string")
plant({"messages": [SYS, {"role": 1, "content": "我想出去走走。"}, {"role": "assistant", "content": "出去走走好呀，想去公园还是河边？"}], "category": "low_mood"}, ["S002"], [], "S002 role is an int")

# ---- S003 unknown-role
plant({"messages": [SYS, {"role": "human", "content": "我老伴以前最爱听评书。"}, {"role": "assistant", "content": "听评书的日子多有味道啊，他最爱听哪一部？"}], "category": "nostalgia"}, ["S003"], [], "S003 human")
plant({"messages": [SYS, {"role": "User", "content": "今天血压一百五。"}, {"role": "assistant", "content": "一百五是有点高，这会儿头晕不晕？"}], "category": "health_anxiety"}, ["S003"], [], "S003 capitalized User")
plant({"messages": [SYS, {"role": "customer", "content": "又一个人过中秋。"}, {"role": "assistant", "content": "中秋一个人，看着月亮更想家人了吧。"}], "category": "loneliness"}, ["S003"], [], "S003 customer")
plant({"messages": [{"role": "sys", "content": SP}, {"role": "user", "content": "腿脚不利索了。"}, {"role": "assistant", "content": "腿脚不方便，出门都得多掂量。平时上下楼难吗？"}], "category": "health_anxiety"}, ["S003"], ["P001"], "S003 role sys")
plant({"messages": [SYS, {"role": "user", "content": "孩子们都忙。"}, {"role": "narrator", "content": "（老人沉默了一会儿）"}, {"role": "assistant", "content": "他们忙，您就更显得孤单了。最近谁来看过您？"}], "category": "loneliness"}, ["S003"], [], "S003 narrator mid")

# ---- S004 role-order
plant(conv("最近老做梦梦见我娘。", "梦见娘，醒来心里一定空落落的。梦里她跟您说了什么？", "nostalgia", system=None), ["S004"], [], "S004 missing system")
plant({"messages": [SYS, {"role": "user", "content": "我今天去复查了。"}, {"role": "user", "content": "医生说还行。"}, {"role": "assistant", "content": "听到还行，心里的石头落了一半吧。"}], "category": "health_anxiety"}, ["S004"], [], "S004 two users in a row")
plant({"messages": [SYS, {"role": "assistant", "content": "您好呀，今天过得怎么样？"}, {"role": "user", "content": "还行吧，就是有点闷。"}, {"role": "assistant", "content": "闷的话，要不要跟我聊聊今天的天气？"}], "category": "low_mood"}, ["S004"], [], "S004 assistant first")
plant({"messages": [{"role": "user", "content": "我是不是老糊涂了。"}, SYS, {"role": "assistant", "content": "忘事谁都有，您还能跟我说这些，清楚着呢。"}], "category": "burden_guilt"}, ["S004"], [], "S004 system not first")
plant({"messages": [SYS, SYS, {"role": "user", "content": "想吃老家的烧饼。"}, {"role": "assistant", "content": "老家的烧饼一咬掉渣，想起来就香。"}], "category": "nostalgia"}, ["S004"], [], "S004 two system msgs")
plant({"messages": [SYS, {"role": "user", "content": "今天下雪了。"}, {"role": "assistant", "content": "下雪了，路滑，出门慢着点。"}, {"role": "assistant", "content": "您小时候打过雪仗吗？"}], "category": "nostalgia"}, ["S004"], [], "S004 two assistants in a row")
plant({"messages": [SYS, {"role": "user", "content": "我想我老伴。"}, {"role": "system", "content": SP}, {"role": "assistant", "content": "想他的时候，就跟我讲讲他吧。"}], "category": "loneliness"}, ["S004"], [], "S004 system in the middle")
# valid multi-turn (precision)
plant({"messages": [SYS, {"role": "user", "content": "我今天包了饺子。"}, {"role": "assistant", "content": "自己包的饺子最香了，什么馅的？"}, {"role": "user", "content": "韭菜鸡蛋的。"}, {"role": "assistant", "content": "韭菜鸡蛋的清爽，一个人吃得完吗？"}, {"role": "user", "content": "冻起来一些。"}, {"role": "assistant", "content": "冻着随时能煮，省事又踏实。"}], "category": "loneliness"}, [], [], "valid 3-exchange conversation")

# ---- S005 empty-content
plant(conv("今天有点想哭。", "", "low_mood"), ["S005"], [], "S005 empty assistant")
plant(conv("", "您好像没打字，想说什么慢慢来。", "loneliness"), ["S005"], [], "S005 empty user")
plant(conv("   ", "您是不是按错了？我在这儿呢。", "loneliness"), ["S005"], ["S009"], "S005 spaces-only user")
plant(conv("\n\t", "刚才好像发了个空消息，有什么想聊的吗？", "loneliness"), ["S005"], ["S009"], "S005 newline/tab user")
plant(conv("今天头有点晕。", "\u3000", "health_anxiety"), ["S005"], ["S009"], "S005 ideographic-space-only assistant")
plant(conv("我孙子考上大学了！", "太好了！", "nostalgia", system=""), ["S005", "P001"], [], "S005 empty system (+P001)")
plant(conv("……", "不想说话也没关系，我就在这儿陪着。", "low_mood"), [], [], "valid: ellipsis-only user is not empty")

# ---- S006 unexpected-key (typos)
plant(conv("今天去医院排了半天队。", "排那么久的队，腿都站酸了吧？看上医生了没有？", extra={"categroy": "health_anxiety"}), ["B002"], ["S006"], "ambiguous (KEY FIX): categroy typo of the configured category field; spec only says the field is accepted")
plant({"messages": [SYS, {"role": "user", "content": "我的花开了。"}, {"role": "assistant", "content": "花开了，看着心里也敞亮。是什么花呀？", "wieght": 1}], "category": "nostalgia"}, ["S006"], [], "S006 wieght in message")
plant({"messages": [SYS, {"role": "user", "content": "天气转凉了。"}, {"role": "assistant", "content": "转凉了，早晚记得添件衣服。今天出门了吗？"}], "category": "low_mood", "sytem": SP}, [], ["S006"], "ambiguous (KEY FIX): sytem top-level; messages shape defines no top-level system key")
plant({"messages": [SYS, {"rol": "user", "role": "user", "content": "孩子又打钱来了。"}, {"role": "assistant", "content": "孩子惦记着您呢。收到的时候心里是什么滋味？"}], "category": "burden_guilt"}, ["S006"], [], "S006 rol stray key")
# valid extra keys
plant(conv("今天楼下的桂花香了。", "桂花一开，整个院子都是甜的。您以前家里种过吗？", "nostalgia", extra={"id": "rec-00421", "source": "annot-v2", "emotion": "calm"}), [], [], "valid extra keys id/source/emotion")
plant({"messages": [SYS, {"role": "user", "content": "我学会发语音了。", "name": "王奶奶"}, {"role": "assistant", "content": "真厉害！以后想说话就按住说，方便多了。", "weight": 1}], "category": "loneliness", "meta": {"annotator": "L"}}, [], [], "valid: name/weight in messages, meta")

# ---- S007 no-assistant-reply
plant({"messages": [SYS, {"role": "user", "content": "你说人老了是不是就没用了？"}], "category": "low_mood"}, ["S007"], [], "S007 system+user")
plant({"messages": [SYS, {"role": "user", "content": "我老伴爱吃红烧肉。"}, {"role": "assistant", "content": "红烧肉炖得软烂，他一定吃得香。"}, {"role": "user", "content": "可惜他吃不到了。"}]}, ["S007", "B002"], [], "S007 ends with user (and no category)")
plant({"messages": [SYS], "category": "loneliness"}, ["S007"], ["S004"], "S007 system only")

# ---- S008 placeholders
plant(conv("你叫什么名字？", "我是{{name}}，很高兴陪您聊天。", "loneliness"), ["S008"], [], "S008 {{name}}")
plant(conv("你好呀。", "{user_name}您好，今天过得怎么样？", "loneliness"), ["S008"], [], "S008 {user_name}")
plant(conv("今天是我生日。", "生日快乐，<PLACEHOLDER>！今年许了什么愿？", "loneliness"), ["S008"], [], "S008 <PLACEHOLDER>")
plant(conv("我女儿叫什么你还记得吗？", "当然记得，是[INSERT NAME]呀，她上周还来看您了。", "burden_guilt"), ["S008"], [], "S008 [INSERT NAME]")
plant(conv("{{ question }}", "这个问题问得好，咱们慢慢聊。", "low_mood"), ["S008", "A005"], [], "S008 {{ question }} with spaces in user (KEY FIX: user is 8 Latin letters, reply Chinese -> A005 by spec)")
plant(conv("Hi, it's me again.", "Hello {first_name}! How did you sleep last night?", "loneliness"), ["S008"], [], "S008 {first_name} English")
# valid braces
plant(conv("孙子教我写代码，print(f\"{x}\")是啥意思？", "这是把变量x的值放进字符串里打印出来，`print(f\"{x}\")`就是输出x。孙子教得真细心。", "nostalgia"), [], [], "valid: f-string in user and inline code")
plant(conv("他给我看了个公式 \\frac{1}{2}，我看不懂。", "那是二分之一的写法，\\frac{1}{2}就是一半的意思。", "low_mood"), [], [], "valid: LaTeX \\frac{1}{2}")
plant(conv("孙女发了个表情 {^_^} 给我。", "{^_^}是笑脸，她在逗您开心呢。", "loneliness"), [], [], "valid: emoticon {^_^}")
plant(conv("集合{1, 2, 3}是什么意思？", "就是把1、2、3这三个数放在一起，当成一组。", "low_mood"), [], [], "valid: set notation {1, 2, 3}")

# ---- S009 untrimmed
plant(conv("今天去公园转了转。", "转转好，心里也透透气。公园里人多吗？\n", "low_mood"), ["S009"], [], "S009 trailing newline")
plant(conv(" 我有点想我老伴了。", "想他的时候，心里是不是特别空？", "loneliness"), ["S009"], [], "S009 leading space user")
plant(conv("膝盖又疼了。", "\n\n膝盖疼起来走路都费劲，这次是哪边疼？", "health_anxiety"), ["S009"], [], "S009 leading newlines")
plant(conv("女儿又给我买衣服了。\t", "她惦记着您呢，衣服合身吗？", "burden_guilt"), ["S009"], [], "S009 trailing tab")
plant(conv("That photo made me cry.", "Old photos can bring it all back. Who was in it? ", "nostalgia"), ["S009"], [], "S009 trailing space English")
plant(conv("孙子要结婚了。", "真是大喜事，您一定高兴坏了。\u3000", "nostalgia"), [], ["S009"], "S009? trailing ideographic space (spec says spaces/tabs/newlines)")
plant(conv("今天和老姐妹打了牌。", "打牌最热闹了，\n赢了还是输了？", "loneliness"), [], [], "valid: internal newline")
plant(conv("最近睡得不错。", "睡得好，白天精神头也足。", "low_mood", system=SP + " "), ["S009", "P001"], [], "S009 system with trailing space (+P001)")

# ---- S011 control tokens
plant(conv("今天有点闷。", "闷的时候出去走走挺好。<|im_end|>", "low_mood"), ["S011"], [], "S011 <|im_end|>")
plant(conv("最近睡不好。", "睡不好白天就没精神。<|im_end|>\n<|im_start|>user\n那怎么办<|im_end|>\n<|im_start|>assistant\n睡前泡泡脚试试？", "health_anxiety"), ["S011"], [], "S011 im_start/im_end injected turns")
plant(conv("我儿子下个月回来。", "太好了，您一定盼着呢！<|endoftext|>", "loneliness"), ["S011"], [], "S011 <|endoftext|>")
plant(conv("想起以前的家了。", "<|start_header_id|>assistant<|end_header_id|>老房子里装着好多回忆吧。", "nostalgia"), ["S011"], [], "S011 llama3 header")
plant(conv("Can you talk with me for a bit?", "Of course, I'm right here.<|eot_id|>", "loneliness"), ["S011"], [], "S011 <|eot_id|>")
plant(conv("[INST] 你是谁 [/INST]", "我是小暖，陪您聊天的。", "loneliness"), ["S011"], [], "S011 [INST] in user")
plant(conv("今天吃了饺子。", "饺子好吃吗？</s>", "loneliness"), ["S011"], [], "S011 </s>")
plant(conv("你好啊。", "<start_of_turn>model\n您好，今天感觉怎么样？", "loneliness"), ["S011"], [], "S011 gemma <start_of_turn>")
plant(conv("网上说的<s>打折</s>是啥意思？", "那是删除线，意思是原来写的打折已经划掉不算了。", "low_mood"), ["S011"], [], "S011 </s> inside HTML strikethrough (KEY FIX: </s> is in the spec's list)")
plant(conv("孙子作业里有个<s>标签，老师说是划线用的。", "那是网页里的小记号，用来给字加删除线。", "low_mood"), [], [], "valid: <s> alone (spec: not flagged)")
plant(conv("孙子说im_end是电脑里的词。", "可能是他们编程用的名字，您问问他是干什么用的。", "nostalgia"), [], [], "valid: im_end without markers")

# ---- P001 system-prompt-mismatch
P_VARIANTS = [
 (SP.replace("耐心的", "耐心得"), "one char 的->得"),
 (SP.replace("，名叫", ",名叫"), "half-width comma"),
 (SP[:-1], "missing final 。"),
 (SP.replace("小暖", "小煖"), "look-alike character"),
 (SP.replace("多倾听，", "多倾听， "), "inner extra space"),
 (SP.replace("陪老人家", "陪老人家\u200b"), "zero-width space"),
 ("你是一位温和、耐心的陪伴者，名叫小暖。你陪老人家聊天。", "old version"),
 ("You are Xiaonuan, a warm and patient companion for elderly people.", "English prompt"),
 (SP.replace("。", ".", 1), "half-width period"),
 (SP.replace("、", "，"), "、 -> ，"),
]
for i, (sp, why) in enumerate(P_VARIANTS):
    plant(conv(random.choice(U["loneliness"]) + "，你在吗" + "？" * (i % 2 + 1), "在的在的，" + ["我一直都在。", "您说吧，我听着。", "有什么心事跟我讲讲。", "今天想聊点什么？", "刚泡了杯茶等您呢。", "您慢慢说。", "听您说话我就踏实。", "说吧，我不走。", "今天您先开口，真好。", "我在这儿，别急。"][i], C(), system=sp), ["P001"], [], "P001 " + why)
plant(conv("老伴今天走了三年了。", "三年了，想他的心一点没少吧。今天做了什么纪念他吗？", "nostalgia", system=SP + "\n"), ["P001", "S009"], [], "P001 trailing newline (+S009)")
plant(conv("我今天给老同学打了电话。", "老同学的声音听着还跟以前一样吗？", "nostalgia", system="\ufeff" + SP), ["P001"], [], "P001 BOM char at start of prompt")

# ---- A004 degenerate repetition
plant(conv("你觉得我该怎么办？", "我陪着你。" * 8, "low_mood"), ["A004"], [], "A004 sentence x8")
plant(conv("Tell me something nice.", "Eat a banana! Eat a banana! Eat a banana! Eat a banana! Eat a banana!", "low_mood"), ["A004"], [], "A004 English banana")
plant(conv("你笑什么？", "哈" * 40, "low_mood"), ["A004"], [], "A004 哈x40")
plant(conv("我睡不着。", "睡不着的时候可以数数羊，一只羊两只羊，" + "数着数着就睡着了，" * 6, "health_anxiety"), ["A004"], [], "A004 tail loop")
plant(conv("明天会好吗？", "会好的会好的会好的会好的会好的会好的会好的会好的会好的会好的", "low_mood"), ["A004"], [], "A004 会好的 loop")
plant(conv("今天天气怎么样？", "今天天气不错，适合出门走走。" + "您要不要出去走走呀？" * 5, "low_mood"), ["A004"], [], "A004 question loop")
plant(conv("我想我妈了。", "想妈妈了，心里一定很难受。我明白，我明白，我明白，我明白，我明白，我明白，我明白，我明白。", "nostalgia"), ["A004"], [], "A004 我明白 loop")
# valid (precision)
plant(conv("你唱个歌吧。", "好呀，我给您念两句：一闪一闪亮晶晶，满天都是小星星，挂在天上放光明，好像许多小眼睛。您小时候也唱吗？", "nostalgia"), [], [], "valid: nursery rhyme (no loop)")
plant(conv("好好好。", "好的，那咱们明天接着聊。", "loneliness"), [], [], "valid: 好好好 short user")
plant(conv("孙子给我写了一段代码。", "是这样的吗：`{\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1}`，他在教您认识数据格式呢，挺用心的。", "nostalgia"), [], [], "valid: JSON-like inline code")
plant(conv("今天量了几次血压？", "您早上量的是一百三，中午量的是一百三十二，晚上量的是一百二十八，都还算平稳，别太担心。", "health_anxiety"), [], [], "valid: similar phrases, no loop")

# ---- A005 language mismatch
plant(conv("今天孙女给我打电话了，好开心。", "That's wonderful! What did you two talk about?", "loneliness"), ["A005"], [], "A005 zh user / en reply")
plant(conv("I miss my wife so much today.", "想念一个人的时候，日子特别难熬。您最想她的什么？", "loneliness"), ["A005"], [], "A005 en user / zh reply")
plant(conv("最近膝盖疼得厉害，上楼都难。", "무릎이 아프시면 계단이 정말 힘드시겠어요. 병원에 가 보셨어요?", "health_anxiety"), ["A005"], [], "A005 zh user / Korean reply")
plant(conv("晚上总是睡不着，翻来覆去的。", "Ночью не спится — это очень тяжело. О чём вы думаете перед сном?", "health_anxiety"), ["A005"], [], "A005 zh user / Russian reply")
plant(conv("My son never calls me anymore.", "それはさびしいですね。さいごにはなしたのはいつですか？", "loneliness"), ["A005"], [], "A005 en user / Japanese (kana) reply")
plant(conv("我年轻时候在纺织厂上班，三班倒。", "それはとてもたいへんでしたね。そのころのともだちとは、いまもれんらくしていますか？", "nostalgia"), ["A005"], [], "A005 zh user / Japanese kana reply")
plant(conv("It rained all week and I feel gloomy.", "下了一整周的雨，心情也跟着潮乎乎的。今天有没有出太阳？", "low_mood"), ["A005"], [], "A005 en / zh 2")
plant({"messages": [SYS, {"role": "user", "content": "我今天去看了老同学。"}, {"role": "assistant", "content": "老同学见面，一定有说不完的话吧。"}, {"role": "user", "content": "是啊，我们聊了一下午以前的事。"}, {"role": "assistant", "content": "Sounds like a lovely afternoon together. What stories came up?"}], "category": "nostalgia"}, ["A005"], [], "A005 second turn switches")
# valid (precision)
plant(conv("“想家”用英文怎么说？", "Homesick. 比如 I feel homesick 就是我想家了。", "nostalgia"), [], [], "valid: translation request")
plant(conv("Can you say it in Chinese? I'm learning.", "当然可以：我很想你。意思是 I miss you very much.", "nostalgia"), [], [], "valid: in Chinese request")
plant(conv("OK", "好的，那我们接着聊。", "loneliness"), [], [], "valid: user too short to judge")
plant(conv("孙子给我装了个Wi-Fi，手机能上网了。", "有了Wi-Fi，视频聊天就方便多了，要不要试试跟他视频？", "loneliness"), [], [], "valid: Chinese with Wi-Fi")
plant(conv("我用 WeChat 给女儿发消息。", "用微信发消息挺方便的，她回得快吗？", "loneliness"), [], [], "valid: Chinese with one English word")
plant(conv("孙子说要运行 `pip install requests`，啥意思？", "那是在电脑上装一个小工具的命令，他在学编程呢，真厉害。", "nostalgia"), [], [], "valid: code in backticks ignored")

# ---- R001 / R004 reasoning
plant(conv("今天有点闷。", "<think>他可能想出去走走。闷的时候出去走走挺好，要不要一起想想去哪儿？", "low_mood"), ["R001"], [], "R001 unterminated <think>")
plant(conv("最近总忘事。", "老人家记性差很常见。</think>忘事的时候别着急，咱们慢慢想。", "health_anxiety"), ["R001"], [], "R001 closing without opening")
plant(conv("我想去看海。", "<think>先想想<think>她想看海</think>可能是想起了什么</think>看海好呀，您以前去过海边吗？", "nostalgia"), ["R001"], [], "R001 nested")
plant(conv("儿子又加班。", "<think>她担心儿子。</think>加班辛苦，<think>再安慰一下</think>您也别太挂心。", "burden_guilt"), ["R001"], [], "R001 two blocks")
plant(conv("今天降温了。", "好的。<think>提醒添衣</think>降温了记得添衣服，您那边冷吗？", "low_mood"), ["R001"], [], "R001 text before block")
plant({"messages": [SYS, {"role": "user", "content": "我想学跳广场舞。"}, {"role": "assistant", "content": "<think>她想找点乐子。</think>学广场舞好呀，还能认识新朋友。", "reasoning_content": "她想找点乐子。"}], "category": "loneliness"}, ["R001"], [], "R001 reasoning given twice")
plant(conv("孙子考试没考好。", "<think></think>没考好也别急，孩子心里也难受吧。", "burden_guilt"), ["R004"], [], "R004 empty <think></think>")
plant(conv("天黑得越来越早了。", "<think>\n\n</think>天一黑，屋里就显得冷清吧。", "loneliness"), ["R004"], [], "R004 whitespace <think>")
plant({"messages": [SYS, {"role": "user", "content": "今天吃了两碗饭。"}, {"role": "assistant", "content": "胃口好，身体就有底气。", "reasoning_content": "  "}], "category": "health_anxiety"}, ["R004"], [], "R004 whitespace reasoning_content")
plant(conv("我以前是小学老师。", "<think>她很怀念教书的日子，可以请她讲讲学生。</think>当老师的人最有耐心了，您还记得第一批学生吗？", "nostalgia"), [], [], "valid: proper <think> block")
plant({"messages": [SYS, {"role": "user", "content": "我想种点葱。"}, {"role": "assistant", "content": "阳台上种葱又方便又好活，您打算用花盆吗？", "reasoning_content": "她想找点事做，顺着聊种菜。"}], "category": "low_mood"}, [], [], "valid: reasoning_content")
plant(conv("孙子说AI会<think>，是啥意思？", "就是先在心里想一想，再回答您，像人一样琢磨一下。", "nostalgia"), [], [], "valid: <think> in a user turn")

# ---- I001 email
plant(conv("我的邮箱是zhangwei1958@163.com，你记一下。", "记下了，有什么照片想让孩子们发给您，就用这个邮箱吧。", "loneliness"), ["I001"], [], "I001 163.com in user")
plant(conv("女儿的邮箱我忘了。", "您上次说过是 lily.wang@qq.com，要不要再跟她确认一下？", "burden_guilt"), ["I001"], [], "I001 qq.com in assistant")
plant(conv("My email is JOHN.DOE@OUTLOOK.COM if you need it.", "Thanks, but you don't need to share that with me. How is your day going?", "loneliness"), ["I001"], [], "I001 uppercase")
plant(conv("老同学给了我个地址 wang_jian+family@company.com.cn", "这个地址记在本子上吧，丢了可惜。你们多久没联系了？", "nostalgia"), ["I001"], [], "I001 plus and .com.cn")
plant(conv("我儿子叫我给 li-ming@mail.tsinghua.edu.cn 发信。", "给儿子发信是件开心事，想写点什么呀？", "loneliness"), ["I001"], [], "I001 subdomain edu.cn")
plant(conv("孙子教我发邮件，写的是test@example.com。", "这是专门拿来练习的地址，发过去没人收，您放心大胆地练。", "loneliness"), [], [], "valid: example.com")
plant(conv("他说试试 someone@demo.test 这个。", "这也是练习用的地址，发着玩没关系。", "loneliness"), [], [], "valid: .test TLD")
plant(conv("我在群里@张阿姨 她也没回我。", "张阿姨可能在忙，晚点说不定就回了。", "loneliness"), [], [], "valid: @mention")
plant(conv("儿子说邮箱是 zhangwei at 163 dot com。", "这样写是怕被别人看到，挺小心的。", "loneliness"), [], [], "valid: obfuscated (not an address)")
plant(conv("电脑上显示admin@localhost是什么？", "那是电脑自己跟自己说话用的地址，不是谁的邮箱。", "low_mood"), [], [], "valid: localhost")

# ---- I002 phone
plant(conv("我的电话是13812345678，有事打给我。", "好的，不过电话别随便告诉别人哦。今天有什么想聊的？", "loneliness"), ["I002"], [], "I002 plain mobile")
plant(conv("儿子的号码是 +86 139 1234 5678。", "号码记好了吗？可以存在手机通讯录里。", "burden_guilt"), ["I002"], [], "I002 +86 with spaces")
plant(conv("社区医生电话186-0123-4567。", "有医生的电话，心里就踏实多了。", "health_anxiety"), ["I002"], [], "I002 dashes")
plant(conv("我那个在美国的外甥号码是+14155552671。", "隔着大洋，能通上电话真好。你们多久聊一次？", "loneliness"), ["I002"], [], "I002 E.164 US")
plant(conv("Her number in London is +447911123456.", "It's lovely that you two keep in touch. When did you last talk?", "loneliness"), ["I002"], [], "I002 E.164 UK")
plant(conv("闺女新换的号19987654321你帮我记着。", "记号码的事交给手机最稳妥，存好了吗？", "burden_guilt"), ["I002"], [], "I002 199 prefix adjacent Han")
plant(conv("我电话号码 138 0013 8000 你打不通吗？", "可能是信号不好，您那边能打出去吗？", "loneliness"), ["I002"], [], "I002 spaces without +86")
plant(conv("居委会电话是010-62345678。", "有居委会的电话，遇事就不慌了。", "loneliness"), [], [], "valid: landline")
plant(conv("客服电话400-820-8820，打了没人接。", "客服忙的时候是难打，过会儿再试试？", "low_mood"), [], [], "valid: 400 hotline")
plant(conv("订单号是202405181234567891，能查吗？", "订单号收好就行，东西到了吗？", "low_mood"), [], [], "valid: 18-digit order no (contains 1[3-9] run inside)")
plant(conv("相机上的时间戳是1715990400123。", "那是电脑记时间的方式，说的就是拍照那一刻。", "nostalgia"), [], [], "valid: 13-digit ms timestamp")
plant(conv("我的QQ号是12345678。", "QQ号可以加老同学，您平时用吗？", "loneliness"), [], [], "valid: QQ number 8 digits")
plant(conv("他说版本号是 v13.9.12。", "那是软件的版本，更新一下就好了。", "low_mood"), [], [], "valid: version string")
plant(conv("今天是2024-05-18，孩子生日。", "孩子生日，您准备了什么？", "nostalgia"), [], [], "valid: date")
plant(conv("号码太短了 +1234567 打不通。", "那个号码好像少了几位，再问问吧。", "low_mood"), [], [], "valid: + and 7 digits only")
plant(conv("外孙的号码是 +1 415 555 2671。", "美国的号码，打过去要算国际长途哦。", "loneliness"), [], ["I002"], "ambiguous: spaced international number (not strict E.164 form)")
plant(conv("12345678901这个号码是谁的？", "这个号码不像手机号，可能是别的编号。", "low_mood"), [], [], "valid: 12x prefix not a mobile")

plant(conv("Please call my son at 13912345678.", "I'll keep that private. How is your son doing?", "burden_guilt"), ["I002"], [], "I002 mobile followed by ASCII period")
plant(conv("My nephew in Berlin: +4915123456789.", "Berlin is far away. Do you two talk often?", "loneliness"), ["I002"], [], "I002 E.164 followed by ASCII period")
plant(conv("外甥的电话+4915123456789，在德国。", "隔着那么远，打个电话也是份牵挂。", "loneliness"), ["I002"], [], "I002 E.164 directly after Han")
plant(conv("孙女的邮箱是mei.li2008@126.com。", "孙女有邮箱了，可以给她写封信呀。", "loneliness"), ["I001"], [], "I001 email directly after Han")
plant(conv("发到chen_laoshi@sina.com吧。", "好的，等会儿让孩子帮您发。", "nostalgia"), ["I001"], [], "I001 email between Han chars")
# ---- I003 national id
VID = [make_id("110105", "19530307", "123"), make_id("440304", "19621111", "45" + "2"), make_id("510107", "19490801", "731"),
       make_id("320102", "19580229", "016")]
# ensure one with X
xid = None
for s in range(1000):
    cand = make_id("370202", "19600412", f"{s:03d}")
    if cand.endswith("X"):
        xid = cand; break
VID.append(xid)
plant(conv(f"我身份证号是{VID[0]}，帮我记一下。", "身份证号很重要，可别随便告诉别人哦。", "burden_guilt"), ["I003"], [], "I003 valid id in user")
plant(conv("帮我看看我老伴的证件号。", f"您念的是{VID[1]}，这个号码要收好，别外传。", "burden_guilt"), ["I003"], [], "I003 valid id in assistant")
plant(conv(f"身份证 {VID[2]} 挂号用的。", "挂号用完记得把证件收好。", "health_anxiety"), ["I003"], [], "I003 born 1949")
plant(conv(f"我的号码{VID[4]}，最后是个X。", "最后一位是X的身份证也很常见，收好它。", "health_anxiety"), ["I003"], [], "I003 valid id ending X")
plant(conv(f"这个{make_id('110105', '19530307', '123', valid=False)}对不对？", "我也说不准，您最好找证件对一下。", "burden_guilt"), [], [], "valid: id with wrong checksum")
badmonth = make_id("110105", "19531307", "123")
plant(conv(f"社区登记写的是{badmonth}。", "登记的号码好像月份不太对，回头问问社区。", "burden_guilt"), [], [], "valid: checksum ok but month 13 (implausible birth date)")
badregion = make_id("910105", "19530307", "123")
plant(conv(f"单子上还有一串{badregion}。", "这串数字不像身份证号，可能是单据编号。", "low_mood"), [], [], "valid: checksum ok but region digit 9")

# ---- I004 payment card
cards_valid = ["4111111111111111", luhn_make("6222", 19), luhn_make("5", 16), luhn_make("3", 15), luhn_make("4", 13), luhn_make("62", 16)]
plant(conv(f"我的卡号{cards_valid[0]}，帮我记着。", "卡号可不能随便说给别人，收好了。", "burden_guilt"), ["I004"], [], "I004 4111 test card")
plant(conv(f"工资卡是{grp(cards_valid[1])}，退休金打到这里。", "退休金按时到就好，卡号可得保密。", "burden_guilt"), ["I004"], [], "I004 19-digit UnionPay spaced")
plant(conv("我那张信用卡号多少来着？", f"您上次念的是{grp(cards_valid[2], '-')}，以后别在电话里跟人说。", "burden_guilt"), ["I004"], [], "I004 16-digit dashed in assistant")
plant(conv(f"Amex卡 {cards_valid[3]} 还能用吗？", "过期没过期看卡背面的日期就知道啦。", "low_mood"), ["I004"], [], "I004 15-digit")
plant(conv(f"My card number is {cards_valid[0]}.", "Please keep that to yourself. Is everything alright with your bank?", "burden_guilt"), ["I004"], [], "I004 card followed by ASCII period")
plant(conv(f"卡号{grp(cards_valid[2])}. 帮我查查余额", "余额可以在银行的小程序里查，让孩子帮您看看？", "burden_guilt"), ["I004"], [], "I004 spaced card followed by ASCII period")
plant(conv(f"老卡号{cards_valid[4]}是十三位的。", "以前的卡号是短一些，现在都换新卡了吧。", "nostalgia"), ["I004"], [], "I004 13-digit")
plant(conv(f"银行卡 {grp(cards_valid[5])} 丢了怎么办？", "丢了卡别慌，先打银行电话挂失就行。", "low_mood"), ["I004"], [], "I004 16-digit 62 spaced")
inv = luhn_make("6222", 16, valid=False)
plant(conv(f"这张卡{inv}是不是我的？", "看看卡面上的名字就知道啦。", "low_mood"), [], [], "valid: Luhn-invalid 16 digits")
nine = luhn_make("9", 16)
plant(conv(f"快递单号{nine}，到哪儿了？", "快递单号可以在小程序里查，孩子能帮您看看。", "low_mood"), [], [], "valid: Luhn-valid but starts with 9")
short = luhn_make("4", 12)
plant(conv(f"会员号{short}还有积分吗？", "积分可以到服务台问一问。", "low_mood"), [], [], "valid: 12-digit Luhn-valid (too short)")
long20 = luhn_make("4", 20)
plant(conv(f"发票号码{long20}太长了。", "发票号码是长，照着抄就行。", "low_mood"), [], [], "valid: 20-digit Luhn-valid run (too long)")
orderno = luhn_make("2024", 16, valid=False)
plant(conv(f"订单{orderno}退款了没？", "退款一般几天到账，再等等看。", "low_mood"), [], [], "valid: 16-digit order no, Luhn-invalid")
order_ok = luhn_make("2024", 16, valid=True)
plant(conv(f"另一个订单{order_ok}也没到。", "两个都没到，那得问问客服了。", "low_mood"), ["I004"], [], "spec-mechanical: 16-digit starts with 2, Luhn-valid -> I004 by spec")
plant(conv(f"我是{VID[3]}，医院要登记。", "登记完记得把证件收好。", "health_anxiety"), [], ["I003"], "ambiguous: checksum ok, birth 1958-02-29 (not a real date)")
leap = make_id("320102", "19600229", "016")
plant(conv(f"老伴的号{leap}，他是闰年二月二十九生的。", "四年才过一次生日，真特别。证件号可要收好。", "nostalgia"), ["I003"], [], "I003 valid id born 1960-02-29 (leap day)")

# ---- B002 / B003
plant(conv("今天学会了用微信付钱。", "学会了新本事，出门买菜方便多了吧？"), ["B002"], [], "B002 no category")
plant(conv("又梦见小时候的院子。", "梦里的院子还是老样子吗？", None) | {"category": None}, ["B002"], [], "B002 category null")
plant(conv("腰椎又疼了。", "疼得厉害的话，今天先躺平歇着。", None) | {"category": 3}, ["B002"], [], "B002 category int")
plant(conv("你说我是不是想太多了。", "想得多，是因为您心细。", None) | {"category": ["low_mood"]}, ["B002"], [], "B002 category list")
plant(conv("一个人吃年夜饭。", "一个人的年夜饭，吃着心里更空了吧。", "lonliness"), ["B003"], [], "B003 typo lonliness")
plant(conv("孙子不爱跟我说话。", "孩子大了有自己的心事，您跟他聊过什么？", "Loneliness"), ["B003"], [], "B003 capitalized")
plant(conv("又去体检了。", "体检结果出来了吗？", "health-anxiety"), ["B003"], [], "B003 dash vs underscore")
plant(conv("想起以前的工厂。", "厂里的日子热闹吧。", "nostalgia "), ["B003"], [], "B003 trailing space")
plant(conv("不想动。", "不想动就歇歇，我陪您。", "其他"), ["B003"], [], "B003 other project category")
plant(conv("心里有点乱。", "乱的时候，先喝口热水缓一缓。", ""), ["B003"], ["B002"], "B003 empty string category")

# ---- D001 / D002 / D003 groups (within-group order preserved)
def base(u, a, cat):
    return conv(u, a, cat)
dups = [
 ("老伴走了以后，我连电视都不想开。", "屋里没了他的声音，电视开着也觉得吵吧。这些天晚上都怎么过的？", "loneliness"),
 ("孙子考上了重点高中，我高兴得一晚上没睡。", "这可是天大的喜事！您是不是第一个知道的？", "nostalgia"),
 ("医生说我血糖偏高，要控制饮食。", "听到要忌口，心里多少有点失落吧。平时最爱吃的是什么？", "health_anxiety"),
 ("I keep dreaming about my old farm in Ohio.", "Dreams like that can feel so real. What do you see first when you're back there?", "nostalgia"),
 ("每次女儿来都给我带一大堆东西，我过意不去。", "她大包小包地带，是惦记着您。她这次带了什么？", "burden_guilt"),
 ("最近心里老是空落落的，做什么都没劲。", "这种空落落的滋味最难熬了。从什么时候开始有这种感觉的？", "low_mood"),
 ("我家阳台上的月季开了三朵。", "三朵月季一起开，阳台一定漂亮极了。是什么颜色的？", "nostalgia"),
 ("晚上起夜三四次，白天没精神。", "夜里老醒，白天就跟没睡一样。这样有多久了？", "health_anxiety"),
]
# D001 exact copies
plant_group([(base(*dups[0]), [], [], "D001 base"), (base(*dups[0]), ["D001"], [], "D001 exact copy")])
plant_group([(base(*dups[1]), [], [], "D001 base"), (conv(dups[1][0], dups[1][1], "nostalgia", system=SP.replace("小暖", "小安")), ["D001", "P001"], [], "D001 copy with different system prompt")])
plant_group([(base(*dups[2]), [], [], "D001 base"), (conv(dups[2][0], dups[2][1], "low_mood"), ["D001"], [], "D001 copy with different category")])
plant_group([(base(*dups[3]), [], [], "D001 base"), (conv(dups[3][0].upper(), dups[3][1].lower(), "nostalgia"), ["D001"], [], "D001 case-changed copy (case ignored)")])
plant_group([(base(*dups[4]), [], [], "D001 base"), (conv(dups[4][0], dups[4][1], "burden_guilt", extra={"id": "dup-2"}), ["D001"], [], "D001 copy with extra id")])
plant_group([(base("I keep thinking about my late husband tonight.", "Nights like this bring him close again. What are you remembering about him?", "loneliness"), [], [], "D001 base"),
             (conv("I keep  thinking about my late   husband tonight.", "Nights like this bring him close again.  What are you remembering about him?", "loneliness"), ["D001"], [], "D001 whitespace-run copy")])
plant_group([(base(*dups[5]), [], [], "D001 base"), (base(*dups[5]), ["D001"], [], "D001 2nd copy"), (base(*dups[5]), ["D001"], [], "D001 3rd copy")])
# D002 near duplicates (ratio computed below, must be >= 90)
def nd(a_u, a_a, b_u, b_a, cat, note):
    plant_group([(base(a_u, a_a, cat), [], [], "D002 base"), (base(b_u, b_a, cat), ["D002"], [], note)])
nd("老伴走了以后，家里的饭桌一下子就大了。", "饭桌空了一半，吃饭的时候最容易想他吧。您现在一般几点吃晚饭？",
   "老伴走了以后，家里的饭桌一下子就大了。", "饭桌空了一半，吃饭的时候最容易想他吧。您现在一般几点吃午饭？", "loneliness", "D002 one char changed")
nd("最近总梦见小时候住的四合院，梦里还有我奶奶。", "梦见奶奶和四合院，醒来一定暖暖的又有点酸。梦里她在做什么？",
   "最近总梦见小时候住的四合院，梦里还有我姥姥。", "梦见姥姥和四合院，醒来一定暖暖的又有点酸。梦里她在做什么？", "nostalgia", "D002 two-char word changed twice")
nd("儿子每个周末都开车来接我，我觉得太麻烦他了。", "他愿意每周来，说明他心里一直惦记着您。路上你们都聊些什么？",
   "儿子每个周末都开车来接我，我觉得太麻烦他了！", "他愿意每周来，说明他心里一直惦记着您！路上你们都聊些什么？", "burden_guilt", "D002 punctuation changed")
nd("体检报告出来了，有两项指标偏高，我心里七上八下的。", "等着看医生怎么说的这几天最熬人。是哪两项偏高呀？",
   "体检报告出来了，有两项指标偏高，我心里真是七上八下的。", "等着看医生怎么说的这几天最熬人。是哪两项偏高呀？", "health_anxiety", "D002 word inserted")
nd("这几天阴雨绵绵，我一整天都窝在沙发上不想动。", "阴雨天人是容易发懒，窝着也没关系。要不要泡杯热茶暖暖手？",
   "这几天阴雨绵绵,我一整天都窝在沙发上不想动.", "阴雨天人是容易发懒,窝着也没关系.要不要泡杯热茶暖暖手?", "low_mood", "D002 full-width -> half-width punctuation")
nd("My granddaughter sent me a drawing of our old dog today.", "What a sweet thing to get in the mail! What does the drawing look like?",
   "My granddaughter sent me a drawing of our old dog yesterday.", "What a sweet thing to get in the mail! What does the drawing look like?", "nostalgia", "D002 English word changed")
# similar but clearly different (< 90): no finding
plant_group([(base("老伴走了以后，我一个人去菜市场总是买多。", "一个人的分量不好拿捏，剩下的菜都怎么处理呀？", "loneliness"), [], [], "D002-neg base"),
             (base("老伴走了以后，我一个人去公园散步总是走得很快。", "一个人走路不知不觉就快了，公园里有熟人能一起走吗？", "loneliness"), [], [], "D002-neg similar but different (<90)")])
plant_group([(base("我想起以前在纺织厂的日子，那时候真热闹。", "厂里的日子听着就热火朝天，您在哪个车间呀？", "nostalgia"), [], [], "D002-neg base"),
             (base("我想起以前在钢铁厂的日子，那时候真辛苦。", "炼钢的活儿又热又累，您那时候是做什么工种？", "nostalgia"), [], [], "D002-neg similar (<90)")])
# D003 reused replies
REUSED = "我理解您的感受，您说的我都听到了，咱们慢慢聊，不着急。"
plant_group([(base("今天又下雨了，哪儿也去不了。", REUSED, "low_mood"), [], [], "D003 member"),
             (base("儿子说这个月不回来了。", REUSED, "loneliness"), [], [], "D003 member"),
             (base("体检单子上好多看不懂的字。", REUSED, "health_anxiety"), [], [], "D003 member")])
REUSED2 = "Thank you for telling me. I'm here with you, and we can talk about it as long as you need."
plant_group([(base("My hip has been aching since Sunday.", REUSED2, "health_anxiety"), [], [], "D003 member"),
             (base("Nobody in my building says hello anymore.", REUSED2, "loneliness"), [], [], "D003 member"),
             (base("I found my wedding ring in an old drawer.", REUSED2, "nostalgia"), [], [], "D003 member"),
             (base("I feel guilty that my son pays my rent.", REUSED2, "burden_guilt"), [], [], "D003 member")])
REUSED3 = "嗯嗯，我一直都在这儿陪着您呢。"
plant_group([(base("今天的饭有点咸。", REUSED3, "low_mood"), [], [], "D003-neg member (only 2 users)"),
             (base("楼下那只猫又来了。", REUSED3, "loneliness"), [], [], "D003-neg member (only 2 users)")])
REUSED4 = "听您这么说，我心里也跟着难受，想多陪您说说话。"
plant_group([(base("女儿又出差了。", REUSED4, "loneliness"), [], [], "D003-neg: same user twice"),
             (base("女儿又出差了。", REUSED4, "loneliness"), [], [], "D003-neg: exact dup (D001)"),
             (base("天冷了腿疼。", REUSED4, "health_anxiety"), [], [], "D003-neg: 2 distinct users only")])

# ---------------------------------------------------------------- assemble chat.jsonl
clean = make_clean()
items = []  # (sortkey, rec, must, opt, note)
for i, r in enumerate(clean):
    items.append((float(i), r, [], [], "clean"))
N = len(clean)
for g in P:
    ks = sorted(random.uniform(0, N) for _ in g)
    for k, (r, m, o, n) in zip(ks, g):
        items.append((k, r, m, o, n))
items.sort(key=lambda x: x[0])
lines = [J(x[1]) for x in items]

# dataset-rule expectations recomputed over the whole file, by the spec's definitions
def ua(rec):
    msgs = rec.get("messages") if isinstance(rec, dict) else None
    if not isinstance(msgs, list):
        return None
    us, as_ = [], []
    for m in msgs:
        if not isinstance(m, dict) or not isinstance(m.get("content"), str):
            continue
        if m.get("role") == "user":
            us.append(m["content"])
        elif m.get("role") == "assistant":
            as_.append(m["content"])
    if not us or not as_:
        return None
    return "\n".join(us), "\n".join(as_)

norm = lambda s: re.sub(r"\s+", " ", s).strip().lower()
key = {}
FILE = "data/chat.jsonl"
for ln, (k, r, m, o, n) in enumerate(items, 1):
    m = [c for c in m if c not in ("D001", "D002")]  # recomputed below
    key[f"{FILE}:{ln}"] = {"must": m, "optional": list(o), "note": n}

texts = [ua(x[1]) for x in items]
seen = {}
d001 = set()
for i, t in enumerate(texts):
    if t is None:
        continue
    kk = (norm(t[0]), norm(t[1]))
    if kk in seen:
        d001.add(i)
        key[f"{FILE}:{i+1}"]["must"].append("D001")
    else:
        seen[kk] = i
joined = [None if t is None else t[0] + "\n" + t[1] for t in texts]
near_band = []
for i in range(len(joined)):
    if joined[i] is None or i in d001:
        continue
    best = 0
    for j in range(i):
        if joined[j] is None:
            continue
        s = ratio(joined[i], joined[j])
        best = max(best, s)
    if best >= 90:
        key[f"{FILE}:{i+1}"]["must"].append("D002")
    elif best >= 86:
        near_band.append((i + 1, round(best, 1)))
        key[f"{FILE}:{i+1}"]["optional"].append("D002")
# D003 groups: exact assistant text with >=3 distinct user texts
groups = {}
for i, t in enumerate(texts):
    if t is None:
        continue
    groups.setdefault(t[1], []).append(i)
d003_groups = []
for a, idx in groups.items():
    if len({texts[i][0] for i in idx}) >= 3:
        d003_groups.append([i + 1 for i in idx])
# A004 sanity on clean replies
for i, (k, r, m, o, n) in enumerate(items):
    if n == "clean":
        for msg in r["messages"]:
            if len(msg["content"]) >= 20 and rep4_share(msg["content"]) >= 0.5:
                print("WARN clean repetitive", i + 1)

# categories / B001 / B004
cnt = {c: 0 for c in CATS}
for x in items:
    c = x[1].get("category") if isinstance(x[1], dict) else None
    if isinstance(c, str) and c in cnt:
        cnt[c] += 1
expected = {"loneliness": cnt["loneliness"], "health_anxiety": cnt["health_anxiety"], "burden_guilt": cnt["burden_guilt"],
            "nostalgia": round(cnt["nostalgia"] / 1.35), "low_mood": round(cnt["low_mood"] / 0.85)}
# nostalgia is ~35% over its target (flag); low_mood ~15% under (within 0.2, no flag)
with open(os.path.join(HERE, "data", "chat.jsonl"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
NREC = len(lines)

# ---------------------------------------------------------------- tools.jsonl
TOOLS = [
 {"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}},
 {"type": "function", "function": {"name": "set_reminder", "description": "设置提醒", "parameters": {"type": "object", "properties": {"time": {"type": "string"}, "text": {"type": "string"}, "repeat": {"type": "string", "enum": ["none", "daily", "weekly"]}}, "required": ["time", "text"], "additionalProperties": False}}},
 {"type": "function", "function": {"name": "call_family", "description": "给家人打视频电话", "parameters": {"type": "object", "properties": {"who": {"type": "string"}}, "required": ["who"]}}},
]
CITIES = ["北京", "上海", "成都", "西安", "哈尔滨", "广州", "杭州", "南京", "武汉", "青岛", "昆明", "兰州", "长沙", "沈阳", "厦门"]
WEA = ["晴", "多云", "小雨", "阴", "大风", "雷阵雨"]
def tool_rec(user, calls, results, final, tools=TOOLS, cat="loneliness", extra_msgs=None):
    msgs = [SYS, {"role": "user", "content": user}]
    tc = []
    for i, (name, args) in enumerate(calls):
        tc.append({"id": f"call_{i+1}", "type": "function", "function": {"name": name, "arguments": args if not isinstance(args, dict) else json.dumps(args, ensure_ascii=False)}})
    msgs.append({"role": "assistant", "content": None, "tool_calls": tc})
    for rid, content in results:
        msgs.append({"role": "tool", "tool_call_id": rid, "content": content})
    if extra_msgs:
        msgs.extend(extra_msgs)
    if final is not None:
        msgs.append({"role": "assistant", "content": final})
    r = {"messages": msgs}
    if tools is not None:
        r["tools"] = tools
    r["category"] = cat
    return r
T = []  # (rec, must, opt, note)
used = set()
for i in range(30):
    kind = i % 3
    if kind == 0:
        city = CITIES[i % len(CITIES)]; w = WEA[i % len(WEA)]
        days = (i % 3) + 1
        T.append((tool_rec(f"{city}{['明天', '后天', '这两天'][i%3]}天气怎么样？第{i+1}次问你了。", [("get_weather", {"city": city, "days": days})], [("call_1", f"{w}，{10+i}度")], f"{city}{w}，大概{10+i}度，出门{['带把伞', '多穿点', '注意防晒', '慢慢走', '带个帽子'][i%5]}吧。", cat="low_mood"), [], [], "clean tool"))
    elif kind == 1:
        h = 6 + i % 12
        T.append((tool_rec(f"提醒我{h}点{['吃降压药', '量血压', '给女儿打电话', '浇花', '去社区'][i%5]}，编号{i}。", [("set_reminder", {"time": f"{h:02d}:00", "text": ['吃降压药', '量血压', '给女儿打电话', '浇花', '去社区'][i%5], "repeat": ["daily", "none", "weekly"][i%3]})], [("call_1", "已设置")], f"好的，{h}点我会提醒您{['吃降压药', '量血压', '给女儿打电话', '浇花', '去社区'][i%5]}，第{i}条提醒设好了。", cat="health_anxiety"), [], [], "clean tool"))
    else:
        who = ["女儿", "儿子", "孙女", "外孙", "老姐妹", "侄子", "儿媳", "女婿", "妹妹", "弟弟"][i % 10]
        T.append((tool_rec(f"帮我给{who}打个视频，想她们了（{i}）。", [("call_family", {"who": who})], [("call_1", "已接通")], f"已经接通{who}了，您跟{who}好好聊聊，这是今天第{i}通。", cat="loneliness"), [], [], "clean tool"))
# C001
T.append((tool_rec("成都今天天气咋样，出门要带伞不？", [("get_weather", "{'city': '成都'}")], [("call_1", "小雨")], "成都下小雨，记得带伞。"), ["C001"], [], "C001 single-quoted args"))
T.append((tool_rec("查查西安的天气，我要去看孙子。", [("get_weather", "{\"city\": \"西")], [("call_1", "晴")], "西安是晴天，路上顺利。"), ["C001"], [], "C001 truncated args"))
T.append((tool_rec("提醒我晚上吃药，别忘了啊。", [("set_reminder", "[\"20:00\", \"吃药\"]")], [("call_1", "已设置")], "好的，晚上八点提醒您吃药。"), ["C001"], [], "C001 args JSON array"))
T.append((tool_rec("查一下杭州的天气吧，想去西湖。", [("get_weather", "\"杭州\"")], [("call_1", "多云")], "杭州多云，去西湖正合适。"), ["C001"], [], "C001 args JSON string"))
T.append((tool_rec("给我儿子打个电话，好久没听他声音了。", [("call_family", "")], [("call_1", "已接通")], "接通了，您跟儿子聊吧。"), ["C001"], [], "C001 empty args"))
T.append((tool_rec("帮我看看南京下不下雨，明天要去扫墓。", [("get_weather", "{\"city\": \"南京\",}")], [("call_1", "阴")], "南京明天阴天，扫墓的时候添件外套。"), ["C001"], [], "C001 trailing comma"))
# valid: args as a dict object
r = tool_rec("青岛那边刮风了没？我老同学在那儿。", [("get_weather", {"city": "青岛"})], [("call_1", "大风")], "青岛刮大风，让老同学少出门。")
r["messages"][2]["tool_calls"][0]["function"]["arguments"] = {"city": "青岛"}
T.append((r, [], ["C001"], "ambiguous: arguments given as a JSON object (dict), not a string"))
# C002
T.append((tool_rec("帮我查下武汉天气，再给女儿打个视频。", [("get_weather", {"city": "武汉"}), ("call_family", {"who": "女儿"})], [("call_1", "晴")], "武汉晴天，视频也接通了，您聊吧。"), ["C002"], [], "C002 second call unanswered (by id)"))
T.append((tool_rec("提醒我明早九点去医院复查。", [("set_reminder", {"time": "09:00", "text": "复查"})], [("call_9", "已设置")], "好的，明早九点提醒您去复查。"), ["C002"], [], "C002 result answers unknown id (and call_1 unanswered)"))
T.append(({"messages": [SYS, {"role": "user", "content": "昆明天气好吗？想去那边养老。"}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "昆明四季如春，今天也是晴天二十度。"}], "tools": TOOLS, "category": "low_mood"}, ["C002"], ["S004"], "C002 tool result with no call at all"))
T.append((tool_rec("帮我打给孙女，她今天生日。", [("call_family", {"who": "孙女"})], [], None, extra_msgs=[{"role": "user", "content": "怎么还没通？"}, {"role": "assistant", "content": "再等一下，可能她在忙。"}]), ["C002"], ["S004"], "C002 call followed by user turn, no result"))
# valid: last-turn call, needs no result
r = {"messages": [SYS, {"role": "user", "content": "给我女婿打个视频，让他来修灯。"}, {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "call_family", "arguments": "{\"who\": \"女婿\"}"}}]}], "tools": TOOLS, "category": "burden_guilt"}
T.append((r, [], [], "valid: call in last turn needs no result"))
# valid: two calls answered out of order by id
r = tool_rec("查下沈阳和长沙的天气，我两个孩子在那儿。", [("get_weather", {"city": "沈阳"}), ("get_weather", {"city": "长沙"})], [("call_2", "小雨"), ("call_1", "大风")], "沈阳刮大风，长沙下小雨，两个孩子那边都得注意。")
T.append((r, [], [], "valid: results out of order by id"))
# valid: no ids, answered by order
r = tool_rec("厦门热不热？我想冬天过去住。", [("get_weather", {"city": "厦门"})], [("call_1", "晴，二十五度")], "厦门冬天也暖和，今天晴，二十五度。")
del r["messages"][2]["tool_calls"][0]["id"]; del r["messages"][3]["tool_call_id"]
T.append((r, [], [], "valid: no ids, paired by order"))
# C003
T.append((tool_rec("兰州天气怎么样，我想去吃拉面。", [("get_wether", {"city": "兰州"})], [("call_1", "晴")], "兰州晴天，正好去吃碗拉面。"), ["C003"], [], "C003 typo get_wether"))
T.append((tool_rec("帮我订个明天的出租车去医院。", [("book_taxi", {"time": "明天"})], [("call_1", "已预约")], "出租车约好了，明天按时去医院。"), ["C003"], [], "C003 undeclared book_taxi"))
T.append((tool_rec("哈尔滨冷不冷？", [("get_weather", {"city": "哈尔滨"})], [("call_1", "零下二十度")], "哈尔滨零下二十度，冷得很。", tools=None), ["C003"], [], "C003 record declares no tools"))
r = tool_rec("广州下雨了没？", [("get_weather", {"city": "广州"})], [("call_1", "雷阵雨")], "广州有雷阵雨，出门小心。", tools=None)
r["functions"] = [t["function"] for t in TOOLS]
T.append((r, [], [], "valid: declared via legacy `functions`"))
# C004
T.append((tool_rec("提醒我吃药。", [("set_reminder", {"text": "吃药"})], [("call_1", "已设置")], "好的，会按时提醒您吃药。"), ["C004"], [], "C004 missing required time"))
T.append((tool_rec("北京未来三天天气。", [("get_weather", {"city": "北京", "days": "3"})], [("call_1", "晴")], "北京这三天都是晴天。"), ["C004"], [], "C004 days as string"))
T.append((tool_rec("每月提醒我交电费。", [("set_reminder", {"time": "10:00", "text": "交电费", "repeat": "monthly"})], [("call_1", "已设置")], "好的，会提醒您交电费。"), ["C004"], [], "C004 enum violation"))
T.append((tool_rec("提醒我下午三点午睡起来喝水。", [("set_reminder", {"time": "15:00", "text": "喝水", "sound": "bell"})], [("call_1", "已设置")], "三点提醒您喝水。"), ["C004"], [], "C004 additionalProperties false"))
T.append((tool_rec("给我打个电话给谁都行。", [("call_family", {"who": 2})], [("call_1", "已接通")], "接通了，您聊吧。"), ["C004"], [], "C004 who as int"))
T.append((tool_rec("上海天气。", [("get_weather", {"city": "上海", "days": 2})], [("call_1", "阴")], "上海这两天阴天。"), [], [], "valid: optional key present with right type"))
# C005
T.append((tool_rec("杭州冷吗？", [("get_weather", {"city": "杭州"})], [("call_1", "阴")], "杭州阴天，有点凉。", tools={"get_weather": TOOLS[0]["function"]}), ["C005"], ["C003"], "C005 tools is an object"))
T.append((tool_rec("成都热吗？", [("get_weather", {"city": "成都"})], [("call_1", "晴")], "成都晴天，挺热的。", tools="[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\""), ["C005"], ["C003"], "C005 tools string does not parse"))
bad = json.loads(json.dumps(TOOLS)); bad[0]["function"]["parameters"] = {"type": "dict", "properties": {"city": {"type": "str"}}}
T.append((tool_rec("南京天气呢？", [("get_weather", {"city": "南京"})], [("call_1", "晴")], "南京晴天。", tools=bad), ["C005"], [], "C005 type dict"))
bad = json.loads(json.dumps(TOOLS)); del bad[2]["function"]["name"]
T.append((tool_rec("武汉天气？", [("get_weather", {"city": "武汉"})], [("call_1", "晴")], "武汉晴天。", tools=bad), ["C005"], [], "C005 declaration without name"))
bad = json.loads(json.dumps(TOOLS)); bad[1]["function"]["description"] = 42
T.append((tool_rec("西安天气？", [("get_weather", {"city": "西安"})], [("call_1", "晴")], "西安晴天。", tools=bad), ["C005"], [], "C005 description not a string"))
bad = json.loads(json.dumps(TOOLS)); bad[0]["function"]["parameters"] = {"type": "array", "items": {"type": "string"}}
T.append((tool_rec("厦门天气？", [("get_weather", {"city": "厦门"})], [("call_1", "晴")], "厦门晴天。", tools=bad), ["C005"], ["C004"], "C005 parameters type array"))
T.append((tool_rec("昆明天气？", [("get_weather", {"city": "昆明"})], [("call_1", "晴")], "昆明晴天，四季如春。", tools=json.dumps(TOOLS, ensure_ascii=False)), [], [], "valid: tools as JSON string that parses"))
T.append((tool_rec("长沙天气？", [("get_weather", {"city": "长沙"})], [("call_1", "小雨")], "长沙小雨，带伞。", tools=[t["function"] for t in TOOLS]), [], [], "valid: bare function declarations"))
T.append((tool_rec("沈阳天气？", [("get_weather", {"city": "沈阳"})], [("call_1", "雪")], "沈阳下雪了，路滑。", tools="not json at all"), ["C005"], ["C003"], "C005 tools string garbage"))
random.shuffle(T)
with open(os.path.join(HERE, "data", "tools.jsonl"), "w", encoding="utf-8") as f:
    for i, (r, m, o, n) in enumerate(T, 1):
        f.write(J(r) + "\n")
        key[f"data/tools.jsonl:{i}"] = {"must": m, "optional": o, "note": n}
# KEY FIX: D001/D002 by the spec's definition for the tools file too (user + "\n" + assistant text)
tt = [ua(r) for r, *_ in T]
tj = [None if t is None else t[0] + "\n" + t[1] for t in tt]
for i in range(len(tj)):
    if tj[i] is None: continue
    best = max([ratio(tj[i], tj[j]) for j in range(i) if tj[j] is not None] or [0])
    if best >= 90: key[f"data/tools.jsonl:{i+1}"]["must"].append("D002")
    elif best >= 86: key[f"data/tools.jsonl:{i+1}"]["optional"].append("D002")

# ---------------------------------------------------------------- prefs.jsonl (explicit prompt)
def pref(u, ch, rj, sys=SP):
    p = ([{"role": "system", "content": sys}] if sys is not None else []) + [{"role": "user", "content": u}]
    return {"prompt": p, "chosen": [{"role": "assistant", "content": ch}] if ch is not None else None,
            "rejected": [{"role": "assistant", "content": rj}] if rj is not None else None}
V = []
PU = ["今天有点闷。", "晚上总睡不着。", "老伴走了三年了。", "孩子们都不回来过年。", "膝盖疼得上不了楼。", "觉得自己没用了。", "想起以前的老房子。", "血压又高了。",
      "一个人吃饭没胃口。", "又麻烦女儿了。", "孙子不理我。", "天冷了不想出门。", "翻到老照片了。", "医生让我少吃盐。", "心里空落落的。", "想回老家看看。",
      "邻居搬走了。", "眼睛花了看不清字。", "过生日没人记得。", "手机又不会用了。"]
PC = ["闷的时候出去走走挺好，要不要一起想想去哪儿？", "睡不着的夜特别长，躺着的时候都在想什么？", "三年了，想他的心一点没少吧。今天想聊聊他吗？",
      "过年不回来，心里一定空落落的。他们打电话了吗？", "上不了楼多憋屈啊，这几天是谁帮您买菜？", "您操劳了一辈子，怎么会没用呢？最近都做了些什么？",
      "老房子里装着多少回忆呀，您最记得哪个角落？", "血压高了心里就发慌吧，这会儿头晕不晕？", "一个人吃饭是没滋味，今天吃的什么？",
      "女儿愿意帮您，是心里惦记着您。她怎么说的？", "孩子大了有自己的心思，他最近在忙什么？", "天冷在家也挺好，屋里暖和吗？",
      "老照片最勾人回忆了，照片上都有谁？", "少吃盐一开始不习惯，平时最爱吃什么菜？", "心里空的时候，我陪您说说话好吗？",
      "想老家了呀，老家在哪儿？", "邻居走了，楼道里都冷清了吧。", "看不清字确实着急，要不要配副老花镜？", "生日没人记得，心里肯定难过。今天想怎么过？",
      "手机不会用没关系，哪一步卡住了？"]
PR = ["那就别闷着。", "你应该早点睡。", "人总要往前看。", "他们忙，你要理解。", "多锻炼就好了。", "别这么想。", "都过去了。", "少吃点盐。",
      "那就多吃点。", "别想太多。", "孩子就这样。", "出去走走。", "照片有啥好看的。", "听医生的。", "找点事做。", "有空再回去。", "再交新朋友。",
      "去配眼镜。", "自己过呗。", "多学学就会了。"]
for i in range(20):
    V.append((pref(PU[i], PC[i], PR[i]), [], [], "clean pair"))
# V001
V.append((pref("最近总忘事。", "忘事的时候别着急，咱们慢慢想。", "忘事的时候别着急，咱们慢慢想。"), ["V001"], [], "V001 identical"))
V.append((pref("孙女要出国了。", "舍不得吧？她什么时候走？", "舍不得吧？她什么时候走？"), ["V001"], [], "V001 identical short"))
V.append((pref("腿又抽筋了。", "抽筋的时候真难受，现在好点了吗？揉一揉会不会松快些？", "抽筋的时候真难受，现在好点了吗？揉一揉会不会松快些？"), ["V001"], [], "V001 identical long"))
V.append(({"prompt": "我今天去跳舞了。", "chosen": "跳舞好呀，跳的什么舞？", "rejected": "跳舞好呀，跳的什么舞？"}, ["V001"], ["S004", "P001"], "V001 identical string form"))
# V002 (>=98)
longc = "闷的时候出去走走挺好，晒晒太阳，吹吹风，心里会松快一些。要不要一起想想明天上午去哪儿走走，公园还是河边，您更喜欢哪一个地方呢？"
V.append((pref("今天心里闷得慌。", longc, longc[:-2] + "呀？"), ["V002"], [], "V002 one char differs in long reply"))
longc2 = "想念老伴是再自然不过的事了，你们一起过了几十年，屋里到处都是他的影子。您要是愿意，可以跟我讲讲他年轻时候的样子，我很想听。"
V.append((pref("又想老伴了。", longc2, longc2.replace("，可以", ",可以")), ["V002"], [], "V002 one comma width differs"))
longc3 = "I'm really glad you called your sister today. It sounds like hearing her voice lifted your spirits a little. What did you two end up talking about for so long?"
V.append((pref("I finally called my sister today.", longc3, longc3.replace("lifted", "lifts")), ["V002"], [], "V002 English tense"))
V.append((pref("今天下雨了。", "下雨天在家歇着也好。", "下雨天在家歇着也行。"), [], [], "valid: short reply one char differs (<98)"))
V.append((pref("我想我妈了。", "想妈妈的时候，最想她做的什么？", "想妈妈的时候，最想她说的什么？"), [], [], "valid: short reply <98"))
# V004
V.append((pref("今天有点累。", "累了就歇歇，我陪您坐会儿。", None) | {"rejected": []}, ["V004"], [], "V004 rejected []"))
r = pref("孙子来看我了。", "孙子来了一定很热闹，他待几天？", "哦。"); del r["rejected"]
V.append((r, ["V004"], [], "V004 rejected key missing"))
V.append((pref("晚饭吃了面条。", "", "面条好消化，什么面？"), ["V004"], ["S005"], "V004 chosen empty"))
V.append((pref("天气真好。", "天气好就出去走走吧，想去哪儿？", "   "), ["V004"], ["S005", "S009"], "V004 rejected whitespace"))
r = pref("我想学用微信。", "学微信不难，咱们从发语音开始？", "x"); r["rejected"] = [{"role": "user", "content": "不想学。"}]
V.append((r, ["V004"], [], "V004 rejected last turn is user"))
V.append((pref("最近胃口不好。", "胃口不好，是哪儿不舒服吗？", None) | {"rejected": None}, ["V004"], [], "V004 rejected null"))
V.append(({"prompt": "我想出去旅游。", "chosen": "想去哪儿呀？", "rejected": ""}, ["V004"], ["S004", "P001"], "V004 rejected empty string form"))
with open(os.path.join(HERE, "data", "prefs.jsonl"), "w", encoding="utf-8") as f:
    for i, (r, m, o, n) in enumerate(V, 1):
        f.write(J(r) + "\n")
        key[f"data/prefs.jsonl:{i}"] = {"must": m, "optional": o, "note": n}

# ---------------------------------------------------------------- prefs_implicit.jsonl (V003)
def ipref(u1, ch, u2, rj, s1=SP, s2=SP):
    return {"chosen": [{"role": "system", "content": s1}, {"role": "user", "content": u1}, {"role": "assistant", "content": ch}],
            "rejected": [{"role": "system", "content": s2}, {"role": "user", "content": u2}, {"role": "assistant", "content": rj}]}
W = []
for i in range(10, 20):
    W.append((ipref(PU[i], PC[i], PU[i], PR[i]), [], [], "clean implicit pair"))
W.append((ipref("今天有点闷。", "闷的时候出去走走挺好，要不要一起想想去哪儿？", "晚上总睡不着。", "那就别闷着。"), ["V003"], [], "V003 different user turn"))
W.append((ipref("我今天包饺子了。", "什么馅的呀？", "我今天包饺子了!", "哦。"), ["V003"], [], "V003 user punctuation differs"))
W.append((ipref("孙子放假了。", "放假了能多来看看您吧？", "孙子放假了。", "嗯。", s2=SP[:-1]), ["V003"], ["P001"], "V003 system differs"))
r = ipref("我老伴爱下棋。", "他下象棋还是围棋？", "我老伴爱下棋。", "下棋费脑子。")
r["rejected"] = r["rejected"][:2] + [{"role": "assistant", "content": "嗯。"}, {"role": "user", "content": "我老伴爱下棋。"}, {"role": "assistant", "content": "下棋费脑子。"}]
W.append((r, ["V003"], [], "V003 different number of turns"))
r = ipref("想听戏。", "想听哪一出？", "想听戏。", "听吧。")
r["rejected"] = r["rejected"][1:]
W.append((r, ["V003"], ["S004"], "V003 rejected lacks system"))
W.append((ipref("我的花开了。", "什么花呀？开了几朵？", "我的花开了。", "花开了。"), [], [], "valid implicit pair"))
with open(os.path.join(HERE, "data", "prefs_implicit.jsonl"), "w", encoding="utf-8") as f:
    for i, (r, m, o, n) in enumerate(W, 1):
        f.write(J(r) + "\n")
        key[f"data/prefs_implicit.jsonl:{i}"] = {"must": m, "optional": o, "note": n}

# ---------------------------------------------------------------- p002 dataset (no configured prompt)
SP2 = "你是小安，一个陪老人聊天的朋友。说话亲切，别讲大道理。"
p2 = []
pool = [x for x in clean if ua(x) and "messages" in x][:60]
for i, r in enumerate(pool):
    r2 = json.loads(json.dumps(r)); r2["messages"][0]["content"] = SP2
    p2.append((r2, [], [], "clean p002"))
P2V = [(SP2.replace("，一个", ",一个"), "half-width comma"), (SP2 + " ", "trailing space"), (SP2.replace("亲切", "亲切 "), "inner space"),
       (SP2[:-1], "missing 。"), (SP2.replace("别讲", "不讲"), "one char"), ("你是小安。", "short old version")]
extra_u = ["今天做了红烧鱼。", "外面在放烟花。", "楼下新开了一家包子铺。", "我把老相册翻出来了。", "孙子送了我一个收音机。", "今天走了五千步。"]
extra_a = ["红烧鱼做得香，自己吃还是请了人？", "烟花好看吗？让您想起哪年过年了？", "包子铺的包子合口味吗？什么馅的？", "相册里最旧的是哪一张？", "收音机平时爱听哪个台？", "五千步可不少，走到哪儿去啦？"]
for i, (s, why) in enumerate(P2V):
    must = ["P002"] + (["S009"] if s != s.strip() else [])
    r = conv(extra_u[i], extra_a[i], CATS[i % 5], system=s)
    p2.append((r, must, [], "P002 " + why))
random.shuffle(p2)
# balanced categories for B001 precision: counts within floor..ceil of even split or within tolerance
with open(os.path.join(HERE, "p002", "chat_p2.jsonl"), "w", encoding="utf-8") as f:
    for i, (r, m, o, n) in enumerate(p2, 1):
        f.write(J(r) + "\n")
        key[f"p002/chat_p2.jsonl:{i}"] = {"must": m, "optional": o, "note": n}
p2cnt = {c: sum(1 for r, *_ in p2 if r.get("category") == c) for c in CATS}

# ---------------------------------------------------------------- configs
toml = f'''# sftlint config for the planted corpus (generated by make.py)
system-prompt = "{SP}"
expected-records = {NREC + 1}
per-file-ignores = {{ "data/tools.jsonl" = ["B"], "data/prefs.jsonl" = ["B"], "data/prefs_implicit.jsonl" = ["B"] }}

[categories]
field = "category"
names = {json.dumps(CATS)}
expected = {{ {", ".join(f'{k} = {v}' for k, v in expected.items())} }}
tolerance = 0.2
'''
open(os.path.join(HERE, "sftlint.toml"), "w").write(toml)
toml2 = f'''# p002: no system prompt configured; categories balanced-ish; expected-records correct
expected-records = {len(p2)}

[categories]
field = "category"
names = {json.dumps(CATS)}
tolerance = 0.5
'''
open(os.path.join(HERE, "p002", "sftlint.toml"), "w").write(toml2)

# dataset-level expectations
dataset = {
  "data/chat.jsonl": {"must": ["B001", "B004"], "optional": [], "note": f"B001: nostalgia {cnt['nostalgia']} vs expected {expected['nostalgia']} (+~35%), low_mood {cnt['low_mood']} vs {expected['low_mood']} (within tolerance); B004: {NREC} records vs expected {NREC+1}"},
  "data/tools.jsonl": {"must": [], "optional": [], "note": "B ignored via per-file-ignores"},
  "data/prefs.jsonl": {"must": [], "optional": [], "note": ""},
  "data/prefs_implicit.jsonl": {"must": [], "optional": [], "note": ""},
  "p002/chat_p2.jsonl": {"must": [], "optional": [], "note": f"counts {p2cnt}, tolerance 0.5, expected-records correct -> no B001/B004"},
}
out = {"lines": key, "dataset": dataset, "d003_groups": {"data/chat.jsonl": d003_groups},
       "d002_band_86_90": near_band, "counts": cnt, "expected": expected}
json.dump(out, open(os.path.join(HERE, "key.json"), "w"), ensure_ascii=False, indent=1)
print("chat records", NREC, "counts", cnt, "expected", expected)
print("D001", sum('D001' in v['must'] for v in key.values()), "D002", sum('D002' in v['must'] for v in key.values()), "D003 groups", d003_groups)
print("near band", near_band)
print("p2 counts", p2cnt)
