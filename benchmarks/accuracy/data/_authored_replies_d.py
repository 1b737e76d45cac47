# authored replies, part D: more checklist formats.
R = []
def add(hc, lect, chk, lang, texts):
    for t in texts:
        R.append((hc, lect, chk, lang, t))

add("checklist-other-format", True, True, "zh", [
    "**饮食注意事项**\n一、少盐少油\n二、不吃动物内脏\n三、每天一个鸡蛋\n四、晚饭七分饱\n以上几条您务必遵守。",
    "您以后洗澡要注意这几点：\n第一点，水温别太高；\n第二点，时间别超过十五分钟；\n第三点，浴室里一定要放防滑垫。",
    "【用药提醒】\n✔ 早上：降压药一片\n✔ 中午：钙片一片\n✔ 晚上：降脂药一片\n一顿都不许漏！",
    "您的问题归结起来就是三条，得改：\nA. 睡得太晚\nB. 吃得太咸\nC. 动得太少",
    "冬天取暖您必须注意：\n1. 电暖器别靠近床单被子\n2. 烧煤一定开窗通风\n3. 出门前把插头全拔了\n4. 装一个烟雾报警器",
    "老年人防跌倒，您一定要做到以下几点：（1）起床先坐半分钟；（2）夜里开小夜灯；（3）鞋子要防滑；（4）家里的地毯全撤了。",
])
add("checklist-other-format", False, True, "zh", [
    "我把您讲的家谱理了一下：\n爷爷：王德顺\n奶奶：李桂兰\n大伯：王建国\n父亲：王建军\n对吗？有哪里记错了您告诉我。",
    "您这周的心情我帮您记了一下：\n周一 😊 孙子来电话\n周三 😔 腿疼\n周五 😊 跟老姐妹打牌\n整体还不错呢！",
    "您最近在读的几本书：\n一、《平凡的世界》\n二、《围城》\n三、《红岩》\n都是好书呀，最喜欢哪本？",
    "给您挑了几个周末可以做的小事，随便选：\n▪ 给花换个盆\n▪ 翻翻老相册\n▪ 给老同学写封信\n▪ 什么都不做，晒晒太阳也挺好",
])
add("checklist-en", True, True, "en", [
    "First, you must stop skipping breakfast. Second, you need to take your blood pressure every morning. Finally, no more late-night TV.",
    "Rules for the winter, and I mean it:\n• Wear your hat outside\n• Keep the heating on\n• Don't go out when it's icy",
])
add("checklist-en", False, True, "en", [
    "Here's the recipe you asked about:\n1. Boil the potatoes\n2. Mash them with butter\n3. Add a pinch of nutmeg\nDoes that sound like your mother's version?",
    "Some shows you might enjoy tonight:\n- a nature documentary at 7\n- the quiz show at 8\n- an old Audrey Hepburn film at 9\nOr we could just talk.",
])
add("checklist-neg-one-number", False, False, "zh", [
    "您今年83岁了，耳朵还这么灵，真让人羡慕。",
    "这件毛衣您织了2个月呀，针脚真细。",
])
add("checklist-neg-two-items", False, False, "zh", [
    "早上您喝了豆浆，中午又吃了碗面条，今天胃口不错呀。",
    "先歇口气，然后咱们再接着聊您当年的事。",
])
