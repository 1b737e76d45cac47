# authored user turns: (hard_class, formal, lang, text)
U = []
def add(hc, formal, lang, texts):
    for t in texts:
        U.append((hc, formal, lang, t))

add("formal-请问如何", True, "zh", [
    "您好，请问如何预防老年人骨质疏松？",
    "请问老年人办理高龄补贴需要哪些材料？具体流程是怎样的？",
    "您好，请问在哪里可以办理社保卡挂失？需要本人到场吗？",
    "请问如何在手机上预约三甲医院的专家号？",
    "请问失眠的常见原因有哪些？应如何调理？",
    "您好，我想问一下，退休人员医保报销比例是多少？",
])
add("formal-请列出", True, "zh", [
    "请列出适合七十岁老人的五种室内运动。",
    "请列举糖尿病患者不宜食用的水果。",
    "列出冬季老年人常见疾病及预防措施。",
    "请给我列一份老年人一周的低盐食谱。",
    "请罗列一下老人独居时需要准备的应急物品清单。",
])
add("formal-请分析", True, "zh", [
    "请分析一下老年人孤独感产生的主要原因。",
    "请帮我分析我的体检报告：总胆固醇6.2，甘油三酯2.1，血糖6.8，这些指标说明什么问题？",
    "请从心理学角度分析退休后失落感的成因及应对策略。",
    "请比较一下中药调理和西药治疗在慢性胃炎上的优缺点。",
    "请评估一下独居老人安装智能监控设备的必要性。",
])
add("formal-请给出建议", True, "zh", [
    "请给出老年人改善睡眠质量的具体建议。",
    "请针对我母亲的情况（82岁，轻度认知障碍）给出居家照护方案。",
    "请提供几条适合高血压老人的饮食建议。",
    "麻烦给出一份老年人防诈骗的注意事项。",
    "请为一位刚丧偶的老年人提供心理调适的方法。",
])
add("formal-我想咨询", True, "zh", [
    "我想咨询一下，养老院的收费标准一般是怎样的？",
    "您好，我想咨询关于老年大学报名的相关事宜。",
    "我想了解一下长期护理保险的申请条件。",
    "我想咨询一下，父母的房产过户给子女需要缴纳哪些税费？",
    "想咨询下，助听器的价格区间和选购要点。",
])
add("formal-能否提供", True, "zh", [
    "能否提供一份本市老年人免费体检的医院名单？",
    "能否提供关于阿尔茨海默病早期症状的详细说明？",
    "可否介绍一下居家养老服务的主要内容？",
    "能否推荐几款适合老年人使用的智能手机，并说明理由？",
    "是否可以提供一份关于老年人跌倒后的急救处理步骤？",
])
add("formal-numbered-subquestions", True, "zh", [
    "关于降压药，我有以下几个问题：1. 早上吃还是晚上吃效果更好？2. 能否和降糖药同时服用？3. 长期服用有哪些副作用？",
    "请回答：（1）什么是骨密度？（2）骨密度低意味着什么？（3）如何提高骨密度？",
    "问题一：老人每天需要摄入多少蛋白质？问题二：哪些食物蛋白质含量高？",
    "我想了解三个方面：一、医保异地就医如何备案；二、报销比例；三、需要准备哪些材料。",
])
add("formal-survey-style", True, "zh", [
    "请就以下方面进行说明：饮食、运动、作息、心理，分别给出老年人保健的要点。",
    "请根据年龄（75岁）、性别（女）、病史（高血压、糖尿病）制定一份个性化的健康管理计划。",
    "关于社区养老服务，请从服务内容、收费标准、申请条件三个维度进行介绍。",
    "请从优点和缺点两方面评价一下住养老院与居家养老。",
])
add("formal-写作请求", True, "zh", [
    "请帮我写一份给孙子的生日祝福，要求不少于200字，语言温馨。",
    "帮我起草一封给居委会的投诉信，反映楼道照明长期不亮的问题。",
    "请以“我的退休生活”为题写一篇短文。",
    "请将以下内容翻译成英文：祝您身体健康，万事如意。",
])
add("formal-search-query", True, "zh", [
    "老年人 高血压 饮食 注意事项",
    "七十岁以上老人 免费乘车 办理流程",
    "膝关节炎 保守治疗 方法 有哪些",
    "北京 社区食堂 老年人 优惠 标准",
])
add("formal-en", True, "en", [
    "Please list the recommended daily calcium intake for adults over 70.",
    "Could you provide a summary of Medicare Part D coverage options?",
    "What are the common side effects of metformin? Please answer in bullet points.",
    "I would like to inquire about the eligibility requirements for the senior housing program.",
    "Please analyze the pros and cons of hearing aids versus cochlear implants for elderly patients.",
    "Provide a 7-day meal plan for a diabetic senior, including breakfast, lunch and dinner.",
])
# ---- natural spoken turns that contain 您好/请问/你好/请 (NOT formal)
add("natural-greeting-请问", False, "zh", [
    "您好啊小暖，今天降温了。",
    "请问你是谁呀？",
    "你好呀，吃了没？",
    "请你陪我说说话吧。",
    "小暖你好，我又来找你唠嗑了。",
    "请问你知道今天是几号吗？我又记不清了。",
    "你好你好，昨天跟你说的那个事我想起来了。",
    "您好您好，我是楼下老刘，孙女帮我装的这个，说能跟你聊天？",
    "哎，请问你会唱歌吗？给我唱一个呗。",
    "你好啊，今天我孙子放假回来了，高兴！",
    "请问你是机器人还是真人呀？说话怪像真人的。",
    "小暖，请你帮我记一下，明天上午要去取降压药。",
    "早上好啊，你今天过得咋样？",
    "劳驾问问，你知道咱们这儿明天下不下雨？",
])
# ---- long rambling but spoken (NOT formal)
add("natural-rambling", False, "zh", [
    "哎呀今天可把我累坏了，一大早就去菜市场，那个卖豆腐的老王又涨价了，我说你这豆腐怎么一块五变两块了，他说黄豆贵了，我也不好说啥，就买了一块，回来路上碰见老李头，拉着我聊了半个钟头他孙子考研的事，我腿都站麻了。",
    "我跟你说啊，我那个大儿子，小时候最听话了，现在呢，一年到头回来不了两趟，回来也是抱着个手机，我问他工作累不累，他就嗯嗯啊啊的，唉，也不知道是不是我哪儿做得不对。",
    "昨天晚上做了个梦，梦见我老伴了，他还是年轻时候那个样子，穿着那件蓝色的中山装，在厂门口等我下班，醒来以后我就睡不着了，一直坐到天亮，你说怪不怪。",
    "这个手机我是真弄不明白，孙女教了我三遍了，那个什么健康码，一会儿绿一会儿又要刷新，我在医院门口站了半天，后面的人都催我，急得我一头汗，最后还是保安帮我弄的。",
    "我们那个年代啊，哪有现在这么好的条件，一家七口人挤在两间小平房里，冬天冷得手都裂口子，我娘就用猪油给我们抹手，现在想想，那时候虽然苦，可一家人在一块儿热热闹闹的。",
    "你知道吗，我们小区新搬来一户人家，带着个三岁的小丫头，见了我就喊奶奶好，可招人稀罕了，我给她拿了两块糖，她妈妈还不让吃，说怕蛀牙，现在的年轻人养孩子可讲究了。",
    "腿又疼了，今天下雨，一下雨就疼，老毛病了，大夫说是骨质增生，让我少走路，可是不走路闷得慌啊，我就在屋里来回转悠，转了几圈又想起来阳台的花还没浇。",
    "儿媳妇今天给我打电话，说下个月要带孩子回来过年，我高兴得不行，赶紧把那间屋子收拾出来了，被子也晒了，就是不知道孩子们现在爱吃啥，以前爱吃我包的韭菜饺子，现在不知道还爱不爱吃了。",
])
# ---- natural spoken questions/plain (NOT formal)
add("natural-spoken-question", False, "zh", [
    "你说我这血压老是高，是不是跟我爱吃咸菜有关系啊？",
    "这个降压药饭前吃还是饭后吃来着？我又忘了。",
    "哎，现在的年轻人咋都不爱结婚呢？",
    "小暖，你说人老了是不是就没用了？",
    "我想给孙子买个生日礼物，你说买啥好呢？",
    "你帮我想想，晚上做点啥吃？冰箱里就剩两个土豆一根黄瓜。",
    "唉，又一个人过中秋了。",
    "我能问你个事儿不？你说养老院到底好不好？",
])
add("natural-en", False, "en", [
    "Hello dear, it's raining again here. My knees can feel it.",
    "Hi there! My grandson visited today, he's grown so tall.",
    "Could you keep me company for a bit? The house is so quiet.",
    "Do you know what, I found my old wedding photos in the attic this morning.",
    "Excuse me, who am I talking to? My daughter set this thing up.",
    "I don't know, I just feel a bit low today. Nothing in particular.",
])
add("ambiguous", True, "zh", [
    "你好，请问血压控制在多少范围内比较合适？",
])
