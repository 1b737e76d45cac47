# authored replies, part C: checklists and checklist hard negatives.
R = []
def add(hc, lect, chk, lang, texts):
    for t in texts:
        R.append((hc, lect, chk, lang, t))

# --- multi-line numbered lists
add("checklist-numbered-multiline", True, True, "zh", [
    "降压这件事，您必须做到这几点：\n1. 每天早上七点吃药\n2. 每顿饭盐不超过一小勺\n3. 每周量三次血压\n4. 不许熬夜",
    "以后出门您一定要记住：\n1.带手机\n2.带钥匙\n3.带老年卡\n4.过马路看红绿灯",
    "想睡好觉，您得这样做：\n1、睡前不喝茶\n2、九点半以前上床\n3、白天别睡太久午觉",
    "防诈骗您必须牢记三条：\n1）陌生电话不转账\n2）不点短信里的链接\n3）有事先问孩子",
    "您这个膝盖，以后得注意：\n1. 不要爬山爬楼\n2. 不要久蹲\n3. 体重要控制住\n4. 天冷要戴护膝",
    "这几件事您今天必须做完：\n1. 把药分好\n2. 给社区回电话\n3. 把水电费交了",
])
add("checklist-numbered-multiline", False, True, "zh", [
    "今天咱们可以聊的有：\n1. 您年轻时候的工厂\n2. 孙女的新学校\n3. 周末的天气\n您想先聊哪个？",
    "我帮您记下来了，明天的安排是：\n1. 上午九点去医院复查\n2. 中午女儿来接您吃饭\n3. 下午三点社区合唱排练\n有要改的地方随时告诉我。",
    "您刚才说的几个菜我记下了：\n1. 红烧肉\n2. 清蒸鲈鱼\n3. 西红柿炒鸡蛋\n4. 凉拌黄瓜\n过年这桌可真丰盛！",
    "附近能去的公园我找了几个：\n1. 人民公园，步行十分钟\n2. 滨河公园，坐两站公交\n3. 植物园，要坐地铁\n您看哪个合适？不想出门也没关系。",
    "您想听的戏我排了个顺序：\n1.《贵妃醉酒》\n2.《四郎探母》\n3.《锁麟囊》\n要是想换个顺序，跟我说一声就行。",
    "视频通话就这几步，咱们慢慢来：\n1. 打开微信\n2. 点孙女的头像\n3. 点右下角的加号\n4. 选“视频通话”\n哪一步卡住了就叫我。",
])
# --- bulleted
add("checklist-bulleted", True, True, "zh", [
    "天热了，您要注意：\n- 多喝水\n- 早点睡\n- 中午别出门",
    "您每天必须做到：\n• 早上测血糖\n• 饭后散步二十分钟\n• 甜食一口都不能碰",
    "听我的，这几样东西以后别吃了：\n* 咸菜\n* 腊肉\n* 油条\n* 方便面",
    "出远门前一定检查：\n· 药带够没有\n· 身份证带没带\n· 充电器装没装",
    "想身体好，就得：\n- 少吃油腻\n- 多吃蔬菜\n- 每天走路\n- 按时复查",
])
add("checklist-bulleted", False, True, "zh", [
    "您上个月去过的地方我帮您整理了一下：\n- 女儿家\n- 老年大学书法班\n- 郊区的采摘园\n真是充实的一个月呀！",
    "我找了几首您那个年代的老歌：\n• 《我的祖国》\n• 《南泥湾》\n• 《映山红》\n想先听哪一首？",
    "孙子给您买的东西快递到了，里面有：\n- 一件羽绒背心\n- 两盒桂花糕\n- 一个暖手宝\n他可真惦记您。",
    "如果您想出去走走，周末有这些活动：\n- 周六上午：社区义诊\n- 周六下午：公园相亲角（哈哈，凑个热闹）\n- 周日：老年大学开放日\n去不去都看您心情。",
    "您说的那几位老同学，我记下了：\n- 老张，住在城东\n- 李大姐，去了深圳\n- 小王，当年的班长\n要不要我帮您想想怎么联系上他们？",
])
# --- inline numbered
add("ambiguous", True, True, "zh", [
    "建议您：1.按时服药；2.保持低盐饮食；3.每天散步半小时。",
])
add("checklist-inline-numbered", True, True, "zh", [
    "您必须做到三点：一是少吃盐，二是别熬夜，三是按时吃药。",
    "记住了，1）不开门，2）不接陌生电话，3）不转账，这三条缺一不可。",
    "您今后要注意：①饭后别马上躺下；②晚饭只吃七分饱；③睡前两小时不吃东西。",
    "要想血糖稳，您得：1.戒掉甜食；2.主食减半；3.饭后必须走动。",
    "医生的话您要照做：第一，药不能停；第二，每周量两次血压；第三，一个月后复查。",
])
add("checklist-inline-numbered", False, True, "zh", [
    "您今天说了三件开心事：1.孙女考了一百分；2.阳台的月季开了；3.老李请您喝了茶。真是好日子！",
    "我给您找了几个菜谱：①山药排骨汤，②蒸南瓜，③小米粥，您看哪个想试试？",
    "您下周的日程是：1）周一理发；2）周三复查；3）周五女儿回家。我到时候一一提醒您。",
    "那部老电影有三个版本：1. 1959年黑白版；2. 1980年彩色版；3. 前几年的重拍版。您看的是哪一版呀？",
    "咱们这周可以玩三个小游戏：一、猜谜语；二、成语接龙；三、听歌识曲。您想从哪个开始？",
    "您说的要买的东西：1.酱油；2.挂面；3.鸡蛋；4.老花镜布。我都记下了，让小刘明天带过来。",
])
# --- step lists 首先/其次/最后
add("checklist-step-首先其次最后", True, True, "zh", [
    "您要这么做：首先，把药按早中晚分好；其次，每吃一次就在本子上打个勾；最后，每周日让孩子检查一遍。",
    "遇到这种事您得按步骤来：第一步，挂掉电话；第二步，给儿子打电话核实；第三步，实在不放心就报警。",
    "您必须先去社区开证明，然后拿着证明去医保窗口，最后把收据交给我核对，一步都不能少。",
    "首先，您得戒烟；其次，每天必须锻炼；再次，饮食要清淡；最后，定期复查，一次都不能落。",
    "您听好了：第一，别生气；第二，别熬夜；第三，别贪凉。做到这三条，病就好一半。",
])
add("checklist-step-首先其次最后", False, True, "zh", [
    "这个菜的做法是这样的：首先，把排骨焯水；然后，加姜片和料酒炖一个小时；最后，放山药再炖二十分钟。您以前是这么做的吗？",
    "挂号的流程我查了一下：先在手机上选科室，再选医生和时间，最后付挂号费。要不要我陪您一步步操作？",
    "换药的步骤护士是这么说的：第一，洗手；第二，揭开旧纱布；第三，用碘伏擦一圈；第四，贴上新的。您记不住的话，我到时候一步步念给您听。",
])
# --- English checklists
add("checklist-en", True, True, "en", [
    "Here's what you need to do:\n1. Take your pills at 8am\n2. Drink at least six glasses of water\n3. No salty snacks",
    "You must follow these rules from now on:\n- Never open the door to strangers\n- Never share your PIN\n- Always call me first",
    "Your doctor is right, so you should: 1) cut sugar, 2) walk every day, 3) sleep before ten.",
])
add("checklist-en", False, True, "en", [
    "Here are a few things we could do this afternoon:\n1. Look at your wedding photos\n2. Listen to some Sinatra\n3. Call your sister\nWhich sounds nice to you?",
    "I've noted your shopping list:\n- bread\n- milk\n- marmalade\n- batteries for the radio",
    "Your week looks like this: Monday, hairdresser; Wednesday, bridge club; Friday, lunch with Tom. Anything you'd like to change?",
])
# --- checklist hard negatives (not checklists)
add("checklist-neg-one-number", False, False, "zh", [
    "我1点钟再提醒您吃药，您先眯一会儿。",
    "您这一辈子养大了3个孩子，真是了不起。",
    "药盒里还剩5片，够吃到周五，下周一我提醒您去拿药。",
    "您家那棵枣树都种了40年了吧？",
    "今天走了3000多步呢，比昨天多！",
    "第一次坐高铁是什么感觉呀？",
])
add("checklist-neg-time-date", False, False, "zh", [
    "明天是12月5号，您女儿的生日，要不要先想想送点什么？",
    "下午3:30社区有免费量血压的，您想去的话我提醒您。",
    "您说的那趟车是早上7点10分发车，8点半到站。",
    "2008年奥运会那会儿，您是在家看的开幕式吗？",
    "复查定在下个月18号上午九点，我已经记在日历上了。",
])
add("checklist-neg-two-items", False, False, "zh", [
    "今天风大，出门的话带上围巾和帽子会暖和些。",
    "您既喜欢听评书又喜欢下象棋，生活过得挺有滋味呀。",
    "您中午吃了饺子又喝了点小米粥，吃得挺舒服吧？",
    "一会儿是先看看新闻，还是先听段相声？",
    "首先要说的是，您今天气色真不错！",
    "您说的第一件事我记下了，那第二件事是什么呀？",
])
add("checklist-neg-en", False, False, "en", [
    "I'll remind you again at 3 o'clock.",
    "You've been married 52 years? That's wonderful.",
    "Would you rather have tea or soup for lunch?",
    "First of all, happy birthday! How does it feel to be 85?",
])
add("ambiguous", False, True, "zh", [
    "咱们可以这样安排明天：先去菜市场，然后到公园坐坐，最后回家包饺子，您觉得怎么样？",
])
