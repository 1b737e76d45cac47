#!/usr/bin/env python3
"""Build a planted corpus for sftlint (v2 data kinds) and its key.

Key format (key.json):
  {"files": {relpath: {line: {"must": [codes], "may": [codes], "any": [[codes]], "note": str}}},
   "records": {relpath: {line: record-json}}}
Every record line of every file is in the key (an empty "must" = a look-alike / clean record).
"must": each code must be reported on that line.  "may": reporting it is neither TP nor FP
(the spec is ambiguous there).  "any": at least one code of the group must be reported
(the others of the group count as may).
"""
import base64
import json
import os
import shutil
import struct
import zlib

import pyarrow as pa
import pyarrow.parquet as pq
from rapidfuzz import fuzz

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus")
SPLITS = os.path.join(ROOT, "splits")

SYS = "你是一位耐心、友善的助手。"

# ---------------------------------------------------------------- helpers: checksums


def luhn_ok(d: str) -> bool:
    if not d.isdigit():
        return False
    s = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        s += n
    return s % 10 == 0


def luhn_complete(prefix: str) -> str:
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError


ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_C = "10X98765432"


def id_check(first17: str) -> str:
    return ID_C[sum(int(a) * w for a, w in zip(first17, ID_W)) % 11]


def make_id(first17: str) -> str:
    return first17 + id_check(first17)


def bad_id(first17: str) -> str:
    good = id_check(first17)
    for c in "0123456789":
        if c != good:
            return first17 + c
    raise AssertionError


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


# valid IDs
ID1 = make_id("11010519850312123")
ID2 = make_id("44030519900101456")
ID3 = make_id("31010419781224002")
# an ID whose check digit is X
_x = None
for serial in range(100, 999):
    cand = "33010619880808" + str(serial)
    if id_check(cand) == "X":
        _x = cand + "X"
        break
IDX = _x
# a valid ID starting with 4 that also passes Luhn (I003 only, not I004)
_l = None
for serial in range(100, 999):
    cand = make_id("44010619920515" + str(serial))
    if cand[-1] != "X" and luhn_ok(cand):
        _l = cand
        break
ID_LUHN = _l
assert ID_LUHN and IDX
# look-alikes: wrong checksums, implausible birth date with valid checksum
ID_BAD1 = bad_id("11010519850312123")
ID_BAD2 = bad_id("44030519900101456")
ID_BADDATE = make_id("11010519851332123")  # month 13, day 32
for v in (ID_BAD1, ID_BAD2, ID_BADDATE):
    assert not luhn_ok(v) or v[0] not in "23456", v

# cards
CARD_VISA = "4111111111111111"
CARD_MC = "5555555555554444"
CARD_AMEX = "378282246310005"
CARD_DISC = "6011111111111117"
CARD_UP = luhn_complete("622202123456789")  # 16-digit UnionPay
CARD_VISA2 = "4012888888881881"
for c in (CARD_VISA, CARD_MC, CARD_AMEX, CARD_DISC, CARD_UP, CARD_VISA2):
    assert luhn_ok(c)
CARD_BAD = "4111111111111112"
assert not luhn_ok(CARD_BAD)
CARD_NINE = luhn_complete("900000123456789")  # passes Luhn but starts with 9
TIMESTAMP_MS = "1715500000000"  # 13 digits, starts with 1


def order_no(prefix: str) -> str:
    """an order number starting with 2 that fails Luhn"""
    for c in "0123456789":
        if not luhn_ok(prefix + c):
            return prefix + c
    raise AssertionError


ORDER1 = order_no("2024051200012")  # 14 digits
ORDER2 = order_no("20240601883377")  # 15 digits
ORDER3 = order_no("3000000012345678")  # 17 digits, starts with 3
for o in (ORDER1, ORDER2, ORDER3):
    assert not luhn_ok(o)

# ---------------------------------------------------------------- media bytes


def png_bytes(w=2, h=2):
    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432"
    "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")


def wav_bytes():
    data = b"\x00\x00" * 800
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400
PNG = png_bytes()

# ---------------------------------------------------------------- registry

FILES = {}   # relpath -> list of records
KEY = {}     # relpath -> {line: entry}


def add(path, rec, must=(), may=(), any_=(), note=""):
    FILES.setdefault(path, [])
    KEY.setdefault(path, {})
    FILES[path].append(rec)
    line = len(FILES[path])
    KEY[path][line] = {"must": sorted(set(must)), "may": sorted(set(may)),
                       "any": [sorted(g) for g in any_], "note": note}
    return line


# ---------------------------------------------------------------- tool declarations

def fn(name, desc, props, required=(), extra=None):
    params = {"type": "object", "properties": props}
    if required:
        params["required"] = list(required)
    if extra:
        params.update(extra)
    return {"type": "function", "function": {"name": name, "description": desc, "parameters": params}}


T_WEATHER = fn("get_weather", "查询城市天气", {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}}, ["city"])
T_SMS = fn("send_sms", "发送短信", {"phone": {"type": "string"}, "text": {"type": "string"}}, ["phone", "text"])
T_EMAIL = fn("send_email", "发送邮件", {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}}, ["to", "body"])
T_BOOK = fn("book_table", "预订餐厅座位", {"restaurant": {"type": "string"}, "people": {"type": "integer"}, "time": {"type": "string"}},
            ["restaurant", "people", "time"], {"additionalProperties": False})
T_ORDER = fn("search_orders", "按订单号查询订单", {"order_id": {"type": "string"}}, ["order_id"])
T_VERIFY = fn("verify_identity", "核验身份", {"name": {"type": "string"}, "id_number": {"type": "string"}}, ["name", "id_number"])
T_PAY = fn("pay", "用银行卡付款", {"card_number": {"type": "string"}, "amount": {"type": "number"}}, ["card_number", "amount"])
T_ALARM = fn("set_alarm", "设置闹钟", {"hour": {"type": "integer", "minimum": 0, "maximum": 23}, "minute": {"type": "integer"}}, ["hour"])
T_TIME = fn("get_time", "获取当前时间", {})
BARE_WEATHER = T_WEATHER["function"]  # bare declaration, no {"type": "function"} wrapper

ALL_TOOLS = [T_WEATHER, T_SMS, T_EMAIL, T_BOOK, T_ORDER, T_VERIFY, T_PAY, T_ALARM, T_TIME]

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "苏州", "天津"]
WEATHER = ["晴，二十度", "多云，十八度", "小雨，十五度", "阴，二十二度", "晴转多云，二十五度", "大风，十二度"]


def tc(id_, name, args):
    d = {"type": "function", "function": {"name": name, "arguments": args}}
    if id_ is not None:
        d = {"id": id_, **d}
    return d


def oa(user, calls, results, final, tools, system=SYS, content_for_call=None, extra=None):
    """OpenAI messages record: user -> assistant(tool_calls) -> tool results -> assistant final."""
    msgs = [{"role": "system", "content": system}] if system is not None else []
    msgs.append({"role": "user", "content": user})
    if calls is not None:
        m = {"role": "assistant", "content": content_for_call, "tool_calls": calls}
        msgs.append(m)
    for r in results:
        msgs.append(r)
    if final is not None:
        msgs.append({"role": "assistant", "content": final})
    rec = {"messages": msgs}
    if tools is not None:
        rec["tools"] = tools
    if extra:
        rec.update(extra)
    return rec


def tres(id_, content):
    d = {"role": "tool", "content": content}
    if id_ is not None:
        d["tool_call_id"] = id_
    return d


def js(o):
    return json.dumps(o, ensure_ascii=False)


# ================================================================ file: tools_openai.jsonl
F = "tools_openai.jsonl"

# -- valid look-alikes
for i, city in enumerate(CITIES):
    args = js({"city": city}) if i % 3 else {"city": city}          # JSON text and objects
    if i % 4 == 1:
        args = js({"city": city, "unit": "c"})
    add(F, oa(f"{city}明天天气怎么样？", [tc(f"call_{i}", "get_weather", args)], [tres(f"call_{i}", WEATHER[i % 6])],
              f"{city}明天{WEATHER[i % 6]}，出门记得看看温度。", [T_WEATHER, T_TIME]),
        note="valid weather call (args text or object)")

add(F, oa("帮我同时查一下北京和上海的天气。",
          [tc("c1", "get_weather", js({"city": "北京"})), tc("c2", "get_weather", js({"city": "上海"}))],
          [tres("c2", "多云，十八度"), tres("c1", "晴，二十度")], "北京晴，二十度；上海多云，十八度。", [T_WEATHER]),
    note="parallel calls answered by id in other order")
add(F, oa("现在几点了？", [tc("t1", "get_time", "{}")], [tres("t1", "下午三点十分")], "现在是下午三点十分。", [T_TIME]),
    note="empty-object args for a parameterless function")
add(F, oa("明早七点叫我起床。", [tc("a1", "set_alarm", js({"hour": 7, "minute": 0}))], [tres("a1", "{\"ok\": true}")],
          "好的，明早七点的闹钟设好了。", [T_ALARM]), note="tool result is JSON text (S008 look-alike)")
add(F, oa("帮我订周六晚上六点海底捞四个人。", [tc("b1", "book_table", {"restaurant": "海底捞", "people": 4, "time": "周六 18:00"})],
          [tres("b1", "{\"status\": \"confirmed\", \"table\": 12}")], "订好了，周六晚上六点，四位，12号桌。", [T_BOOK]),
    note="object args matching additionalProperties:false schema")
add(F, oa("北京天气？", [tc(None, "get_weather", js({"city": "北京"}))], [tres(None, "晴，二十度")], "北京今天晴，二十度。", [T_WEATHER]),
    note="no ids: answered by order")
add(F, oa("查下杭州和苏州天气", [tc(None, "get_weather", js({"city": "杭州"})), tc(None, "get_weather", js({"city": "苏州"}))],
          [tres(None, "杭州：晴；苏州：阴")], "杭州晴，苏州阴。", [T_WEATHER]),
    note="no ids: one result answers both calls (LLaMA-Factory style), allowed by C002 doc")
add(F, oa("深圳下雨吗？", [tc("d1", "get_weather", js({"city": "深圳"}))], [], None, [T_WEATHER]),
    note="call in the last turn needs no result (C002 doc)")
add(F, oa("成都天气如何", [tc("e1", "get_weather", js({"city": "成都"}))], [tres("e1", "阴，二十二度")], "成都今天阴，二十二度。",
          [T_WEATHER], content_for_call=""), note="call turn with content \"\" (common in real data)")
rec = oa("武汉天气如何", [tc("e2", "get_weather", js({"city": "武汉"}))], [tres("e2", "晴，二十五度")], "武汉晴，二十五度。", [T_WEATHER])
del rec["messages"][2]["content"]
add(F, rec, note="call turn without a content key at all (OpenAI allows it)")
add(F, oa("西安天气", [tc("f1", "get_weather", js({"city": "西安"}))], [tres("f1", "晴，二十度")], "西安晴，二十度。", [BARE_WEATHER]),
    note="bare function declaration (no type:function wrapper)")
add(F, oa("我想查订单 " + ORDER1 + " 到哪了", [tc("o1", "search_orders", js({"order_id": ORDER1}))],
          [tres("o1", js({"order_id": ORDER1, "status": "运输中", "date": "2024-05-12"}))],
          f"订单 {ORDER1} 正在运输中，2024-05-12 发出。", [T_ORDER]), note="order number look-alike (fails Luhn, 14 digits)")
add(F, oa("查一下订单" + ORDER2, [tc("o2", "search_orders", {"order_id": ORDER2})], [tres("o2", "已签收，签收时间 13:45")],
          "这个订单已经签收了，签收时间是下午一点四十五。", [T_ORDER]), note="order number look-alike 15 digits, object args")
add(F, oa("给张老师发邮件说我明天请假", [tc("m1", "send_email", js({"to": "teacher@example.com", "body": "张老师，我明天请假。"}))],
          [tres("m1", "sent")], "邮件已经发给张老师了。", [T_EMAIL]), note="example.com address (documentation domain) in args")
add(F, oa("帮我查快递 SF" + TIMESTAMP_MS, [tc("o3", "search_orders", js({"order_id": "SF" + TIMESTAMP_MS}))],
          [tres("o3", "派送中")], "快递正在派送中。", [T_ORDER]), note="tracking number with 13 digits starting 1")
add(F, oa("我在会员系统里的编号是 " + ORDER3 + "，能查吗", [tc("o4", "search_orders", js({"order_id": ORDER3}))],
          [tres("o4", "未找到")], "没有找到这个编号的订单，要不要再核对一下？", [T_ORDER]), note="17-digit number starting 3, fails Luhn")
add(F, oa("客服电话多少", [tc("o5", "search_orders", js({"order_id": "A-10086"}))], [tres("o5", "客服热线 400-810-8888")],
          "客服热线是 400-810-8888，工作日九点到六点。", [T_ORDER]), note="service hotline 400 number (not mobile, not E.164)")
add(F, oa("天气", [tc("w9", "get_weather", js({"city": "天津", "unit": "f"}))], [tres("w9", "68F")], "天津现在大约 68 华氏度。",
          [T_WEATHER], extra={"id": "rec-0001", "source": "synthetic"}), note="extra id/source keys (not typos: no S006)")
add(F, oa("帮我把闹钟定在23点", [tc("a2", "set_alarm", js({"hour": 23}))], [tres("a2", "ok")], "好的，23点的闹钟设好了。", [T_ALARM]),
    note="integer at the maximum")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "查北京天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("g1", "get_weather", js({"city": "北京"}))]},
                     {"role": "tool", "tool_call_id": "g1", "content": "晴"},
                     {"role": "assistant", "content": "北京晴天。"},
                     {"role": "user", "content": "那上海呢"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("g2", "get_weather", js({"city": "上海"}))]},
                     {"role": "tool", "tool_call_id": "g2", "content": "小雨"},
                     {"role": "assistant", "content": "上海有小雨，记得带伞。"}], "tools": [T_WEATHER]},
    note="multi-turn with two call rounds")

# -- round 2 look-alikes and plants
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "北京天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("fn1", "get_weather", js({"city": "北京"}))]},
                     {"role": "tool", "tool_call_id": "fn1", "content": "晴"}, {"role": "assistant", "content": "北京晴。"}],
        "functions": [BARE_WEATHER]}, note="legacy `functions` key declares the tool (C003 doc: tools or functions)")
T_ADDR = fn("ship", "寄快递", {"to": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
                                      "required": ["city"]}}, ["to"])
add(F, oa("寄到上海", [tc("sh1", "ship", js({"to": {"city": "上海", "zip": "200000"}}))], [tres("sh1", "ok")], "已经安排寄出。", [T_ADDR]),
    note="nested object arguments matching a nested schema")
add(F, oa("寄到广州", [tc("sh2", "ship", js({"to": {"zip": "510000"}}))], [tres("sh2", "ok")], "已经安排寄出。", [T_ADDR]),
    must=["C004"], note="nested object misses its required key")
T_REF = {"type": "function", "function": {"name": "ship2", "description": "寄快递", "parameters": {
    "type": "object", "properties": {"to": {"$ref": "#/$defs/addr"}}, "required": ["to"],
    "$defs": {"addr": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}}
add(F, oa("寄到杭州", [tc("sh3", "ship2", js({"to": {"city": "杭州"}}))], [tres("sh3", "ok")], "已经安排寄出。", [T_REF]),
    note="schema with a local $ref to $defs, arguments valid")
add(F, oa("寄到杭州吧", [tc("sh4", "ship2", js({"to": {"city": 310000}}))], [tres("sh4", "ok")], "已经安排寄出。", [T_REF]),
    must=["C004"], note="$ref'd schema violated (city is a number)")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "北京天气"},
                     {"role": "tool", "tool_call_id": "late1", "content": "晴"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("late1", "get_weather", js({"city": "北京"}))]},
                     {"role": "assistant", "content": "北京晴。"}], "tools": [T_WEATHER]},
    must=["C002"], may=["S004"], note="the result comes BEFORE the call it names")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "北京天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("end1", "get_weather", js({"city": "北京"}))]},
                     {"role": "tool", "tool_call_id": "end1", "content": "晴"}], "tools": [T_WEATHER]},
    must=["S007"], note="conversation ends with a tool result (no reply to learn)")
add(F, oa("上海天气", [tc("txt1", "get_weather", js({"city": "上海"}))], [tres("txt1", "阴")], "上海阴天。", [T_WEATHER],
          content_for_call="我查一下上海的天气。"), note="call turn with text content as well")

# -- round 3
esc_args = '{"phone": "' + "".join("\\u%04x" % ord(c) for c in "13912345678") + '", "text": "hi"}'
assert json.loads(esc_args)["phone"] == "13912345678"
add(F, oa("发个短信", [tc("esc1", "send_sms", esc_args)], [tres("esc1", "ok")], "发好了。", [T_SMS]), must=["I002"],
    note="phone written with \\u escapes inside the JSON-text arguments (the value is a phone number)")
add(F, oa("广州天气", [tc("js1", "weather_now", js({"city": "广州"}))], [tres("js1", "晴")], "广州晴。", js([T_WEATHER])),
    must=["C003"], note="tools as a JSON string in messages shape, call to an undeclared name")
add(F, oa("提醒", [tc("ml1", "send_email", js({"to": "boss@EXAMPLE.COM", "body": "ok"}))], [tres("ml1", "ok")], "发好了。", [T_EMAIL]),
    note="look-alike: reserved domain in upper case")
add(F, oa("你好", None, [], "你好呀。", [fn("lookup", "查询，例如 someone@corp-real.com", {"q": {"type": "string"}})]),
    may=["I001"], note="email inside a tool DECLARATION's description (not content, reasoning or arguments)")

# -- round 4
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "北京天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("call_0", "get_weather", js({"city": "北京"}))]},
                     {"role": "tool", "tool_call_id": "call_0", "content": "晴"}, {"role": "assistant", "content": "北京晴。"},
                     {"role": "user", "content": "上海呢"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("call_0", "get_weather", js({"city": "上海"}))]},
                     {"role": "tool", "tool_call_id": "call_0", "content": "雨"}, {"role": "assistant", "content": "上海下雨。"}],
        "tools": [T_WEATHER]}, note="ids restart in each round (call_0 twice), each answered right after its call")

# -- C001 arguments invalid
add(F, oa("北京天气", [tc("x1", "get_weather", "{\"city\": \"北京\"")], [tres("x1", "晴")], "北京晴。", [T_WEATHER]),
    must=["C001"], note="truncated JSON text")
add(F, oa("上海天气", [tc("x2", "get_weather", "{'city': '上海'}")], [tres("x2", "阴")], "上海阴。", [T_WEATHER]),
    must=["C001"], note="single-quoted pseudo-JSON")
add(F, oa("广州天气", [tc("x3", "get_weather", "[\"广州\"]")], [tres("x3", "雨")], "广州下雨。", [T_WEATHER]),
    must=["C001"], note="JSON text that is an array")
add(F, oa("深圳天气", [tc("x4", "get_weather", "\"深圳\"")], [tres("x4", "晴")], "深圳晴。", [T_WEATHER]),
    must=["C001"], note="JSON text that is a string")
add(F, oa("杭州天气", [tc("x5", "get_weather", ["杭州"])], [tres("x5", "晴")], "杭州晴。", [T_WEATHER]),
    must=["C001"], note="arguments given as a JSON array value, not an object")
add(F, oa("成都天气", [tc("x6", "get_weather", "")], [tres("x6", "晴")], "成都晴。", [T_WEATHER]),
    must=["C001"], note="empty argument string")
add(F, oa("武汉天气", [tc("x7", "get_weather", "{\"city\": \"武汉\"}}")], [tres("x7", "晴")], "武汉晴。", [T_WEATHER]),
    must=["C001"], note="trailing extra brace")
add(F, oa("闹钟七点", [tc("x8", "set_alarm", "7")], [tres("x8", "ok")], "好的。", [T_ALARM]),
    must=["C001"], note="JSON number as arguments")

# -- C002 unanswered / orphan results
add(F, oa("西安天气", [tc("u1", "get_weather", js({"city": "西安"}))], [], "西安今天晴，二十度。", [T_WEATHER]),
    must=["C002"], note="call with id, no result, then a final reply")
add(F, oa("南京天气", [tc("u2", "get_weather", js({"city": "南京"}))], [tres("u9", "晴")], "南京晴。", [T_WEATHER]),
    must=["C002"], note="result answers a different id (the call is unanswered too)")
add(F, oa("重庆和苏州天气", [tc("u3", "get_weather", js({"city": "重庆"})), tc("u4", "get_weather", js({"city": "苏州"}))],
          [tres("u3", "雾")], "重庆有雾，苏州晴。", [T_WEATHER]), must=["C002"], note="two calls with ids, only one answered")
add(F, oa("天津天气", [tc(None, "get_weather", js({"city": "天津"}))], [], "天津晴。", [T_WEATHER]),
    must=["C002"], note="no ids, no result before the final reply")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "随便聊聊"},
                     {"role": "tool", "tool_call_id": "zz", "content": "晴"},
                     {"role": "assistant", "content": "好呀，今天想聊点什么？"}], "tools": [T_WEATHER]},
    must=["C002"], may=["S004"], note="tool result with no call at all")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "北京天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("v1", "get_weather", js({"city": "北京"}))]},
                     {"role": "tool", "tool_call_id": "v1", "content": "晴"},
                     {"role": "tool", "tool_call_id": "v1", "content": "晴"},
                     {"role": "assistant", "content": "北京晴。"}], "tools": [T_WEATHER]},
    must=["C002"], note="a second result for an already answered id")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "上海天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("v2", "get_weather", js({"city": "上海"}))]},
                     {"role": "assistant", "content": "上海晴。"},
                     {"role": "user", "content": "谢谢"},
                     {"role": "assistant", "content": "不客气。"}], "tools": [T_WEATHER]},
    must=["C002"], may=["S004"], note="call never answered in a multi-turn conversation")

# -- C003 undeclared
add(F, oa("北京天气", [tc("n1", "weather_lookup", js({"city": "北京"}))], [tres("n1", "晴")], "北京晴。", [T_WEATHER]),
    must=["C003"], note="name not declared")
add(F, oa("上海天气", [tc("n2", "get_weather", js({"city": "上海"}))], [tres("n2", "晴")], "上海晴。", None),
    must=["C003"], note="record declares no tools at all")
add(F, oa("广州天气", [tc("n3", "Get_Weather", js({"city": "广州"}))], [tres("n3", "晴")], "广州晴。", [T_WEATHER]),
    must=["C003"], note="name differs in case")
add(F, oa("深圳天气", [tc("n4", "get_weather", js({"city": "深圳"}))], [tres("n4", "晴")], "深圳晴。", []),
    must=["C003"], note="tools is an empty list")
add(F, oa("发短信", [tc("n5", "send_sms", js({"phone": "10086", "text": "hi"}))], [tres("n5", "ok")], "发好了。", [T_WEATHER]),
    must=["C003"], note="calls a tool declared in other records but not this one")
add(F, oa("杭州天气", [tc("n6", "get_weather", js({"city": "杭州"}))], [tres("n6", "晴")], "杭州晴。", None,
          extra={"tool": [T_WEATHER]}), must=["C003", "S006"], note="`tool` typo for `tools`")

# -- C004 schema
add(F, oa("北京天气", [tc("s1", "get_weather", js({"town": "北京"}))], [tres("s1", "晴")], "北京晴。", [T_WEATHER]),
    must=["C004"], note="missing required key")
add(F, oa("订个座", [tc("s2", "book_table", js({"restaurant": "海底捞", "people": "4", "time": "18:00"}))], [tres("s2", "ok")],
          "订好了。", [T_BOOK]), must=["C004"], note="integer passed as string")
add(F, oa("上海天气，华氏", [tc("s3", "get_weather", js({"city": "上海", "unit": "kelvin"}))], [tres("s3", "ok")], "好的。", [T_WEATHER]),
    must=["C004"], note="enum violation")
add(F, oa("订个座", [tc("s4", "book_table", {"restaurant": "海底捞", "people": 2, "time": "19:00", "vip": True})], [tres("s4", "ok")],
          "订好了。", [T_BOOK]), must=["C004"], note="extra key with additionalProperties:false, object args")
add(F, oa("闹钟", [tc("s5", "set_alarm", js({"hour": 25}))], [tres("s5", "ok")], "好的。", [T_ALARM]),
    must=["C004"], note="maximum exceeded")
add(F, oa("闹钟", [tc("s6", "set_alarm", {"hour": 7.5})], [tres("s6", "ok")], "好的。", [T_ALARM]),
    must=["C004"], note="number where integer required (object args)")
add(F, oa("北京天气", [tc("s7", "get_weather", js({"city": None}))], [tres("s7", "ok")], "好的。", [T_WEATHER]),
    must=["C004"], note="null where string required")

# -- C005 tools malformed
add(F, oa("北京天气", [tc("k1", "get_weather", js({"city": "北京"}))], [tres("k1", "晴")], "北京晴。",
          [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气",
                                             "parameters": {"type": "dict", "properties": {"city": {"type": "str"}}}}}]),
    must=["C005"], may=["C004"], note="parameters in a made-up dialect (type dict/str)")
add(F, oa("上海天气", [tc("k2", "get_weather", js({"city": "上海"}))], [tres("k2", "晴")], "上海晴。",
          {"get_weather": {"description": "查询城市天气"}}), must=["C005"], may=["C003"], note="tools is an object, not a list")
add(F, oa("广州天气", [tc("k3", "get_weather", js({"city": "广州"}))], [tres("k3", "晴")], "广州晴。",
          [T_WEATHER, {"type": "function", "function": {"description": "发送短信", "parameters": {"type": "object", "properties": {}}}}]),
    must=["C005"], note="second declaration without a name")
add(F, oa("深圳天气", [tc("k4", "get_weather", js({"city": "深圳"}))], [tres("k4", "晴")], "深圳晴。",
          [{"type": "function", "function": {"name": "get_weather",
                                             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]),
    must=["C005"], note="declaration without description")
add(F, oa("杭州天气", [tc("k5", "get_weather", js({"city": "杭州"}))], [tres("k5", "晴")], "杭州晴。",
          [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气",
                                             "parameters": {"type": "array", "items": {"type": "string"}}}}]),
    must=["C005"], may=["C004"], note="parameters schema of type array")
add(F, oa("成都天气", [tc("k6", "get_weather", js({"city": "成都"}))], [tres("k6", "晴")], "成都晴。", ["get_weather"]),
    must=["C005"], may=["C003"], note="tools is a list of strings")
add(F, oa("武汉天气", [tc("k7", "get_weather", js({"city": "武汉"}))], [tres("k7", "晴")], "武汉晴。",
          [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气",
                                             "parameters": {"type": "object", "properties": {"city": {"type": 5}}}}}]),
    must=["C005"], may=["C004"], note="invalid JSON Schema (type: 5)")
add(F, oa("西安天气", [tc("k8", "get_weather", js({"city": "西安"}))], [tres("k8", "晴")], "西安晴。", js([T_WEATHER])[:-5]),
    must=["C005"], may=["C003"], note="tools JSON string that does not parse (in messages shape)")
add(F, oa("南京天气", [tc("k9", "get_weather", js({"city": "南京"}))], [tres("k9", "晴")], "南京晴。", js([T_WEATHER])),
    note="tools as a JSON string that parses (C005 doc: a list, or a JSON string holding one)")

# -- S003 in a tools record
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "北京天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("r1", "get_weather", js({"city": "北京"}))]},
                     {"role": "ipython", "tool_call_id": "r1", "content": "晴"},
                     {"role": "assistant", "content": "北京晴。"}], "tools": [T_WEATHER]},
    must=["S003"], may=["C002", "S004"], note="Llama-3 `ipython` role is not `tool`")
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "上海天气"},
                     {"role": "assistant", "content": None, "tool_calls": [tc("r2", "get_weather", js({"city": "上海"}))]},
                     {"role": "observation", "content": "晴"},
                     {"role": "assistant", "content": "上海晴。"}], "tools": [T_WEATHER]},
    must=["S003"], may=["C002", "S004"], note="sharegpt `observation` role used in messages shape")

# -- PII in tool-call arguments / tool results
add(F, oa("给我妈发短信说晚点回家", [tc("p1", "send_sms", js({"phone": "13912345678", "text": "妈，我晚点回家。"}))], [tres("p1", "ok")],
          "短信发好了。", [T_SMS]), must=["I002"], note="mobile number in JSON-text arguments")
add(F, oa("给小王发短信", [tc("p2", "send_sms", {"phone": "+86 138-0013-8000", "text": "明天见"})], [tres("p2", "ok")],
          "发好了。", [T_SMS]), must=["I002"], note="+86 mobile with spaces/dashes in object arguments")
add(F, oa("给 Tom 发短信", [tc("p3", "send_sms", js({"phone": "+14155552671", "text": "see you"}))], [tres("p3", "ok")],
          "Sent.", [T_SMS]), must=["I002"], note="E.164 number in args")
add(F, oa("给李老师发邮件", [tc("p4", "send_email", js({"to": "li.wei@163.com", "body": "李老师好"}))], [tres("p4", "ok")],
          "邮件发出去了。", [T_EMAIL]), must=["I001"], note="e-mail in args")
add(F, oa("帮我核验身份", [tc("p5", "verify_identity", js({"name": "张三", "id_number": ID1}))], [tres("p5", "通过")],
          "核验通过了。", [T_VERIFY]), must=["I003"], note="valid PRC ID in args")
add(F, oa("用我的卡付 88 元", [tc("p6", "pay", {"card_number": CARD_VISA, "amount": 88})], [tres("p6", "支付成功")],
          "付好了，88 元。", [T_PAY]), must=["I004"], note="Luhn-valid card in object args")
add(F, oa("付款", [tc("p7", "pay", js({"card_number": "5555 5555 5555 4444", "amount": 12.5}))], [tres("p7", "ok")],
          "付好了。", [T_PAY]), must=["I004"], note="spaced card number in args")
add(F, oa("我妈电话多少来着", [tc("p8", "search_orders", js({"order_id": "contact-mom"}))], [tres("p8", "联系人：妈妈，电话 13812345678")],
          "通讯录里妈妈的号码已经找到了。", [T_ORDER]), must=["I002"], note="mobile number in a tool result")
add(F, oa("查下我的邮箱", [tc("p9", "search_orders", js({"order_id": "profile"}))], [tres("p9", js({"email": "wang_fang88@qq.com"}))],
          "你的邮箱已经查到了。", [T_ORDER]), must=["I001"], note="e-mail in a tool result (JSON text)")
add(F, oa("发短信", [tc("pa", "send_sms", js({"phone": fullwidth("13700001111"), "text": "到了"}))], [tres("pa", "ok")],
          "发好了。", [T_SMS]), must=["I002"], note="full-width mobile digits in args")
add(F, oa("付款", [tc("pb", "pay", js({"card_number": CARD_BAD, "amount": 1}))], [tres("pb", "卡号无效")],
          "卡号好像不对，要不要再核对一下？", [T_PAY]), note="card number failing Luhn (look-alike)")
add(F, oa("核验", [tc("pc", "verify_identity", js({"name": "李四", "id_number": ID_BAD1}))], [tres("pc", "号码无效")],
          "这个身份证号校验没通过。", [T_VERIFY]), note="ID with wrong check digit (look-alike)")
add(F, oa("发短信给 10086", [tc("pd", "send_sms", js({"phone": "10086", "text": "CXLL"}))], [tres("pd", "ok")],
          "发好了。", [T_SMS]), note="short service number (look-alike)")
add(F, oa("付款", [tc("pe", "pay", js({"card_number": CARD_AMEX, "amount": 100}))], [tres("pe", "ok")], "付好了。", [T_PAY]),
    must=["I004"], note="15-digit Amex in args")
add(F, oa("发短信", [tc("pf", "send_sms", js({"phone": "13912345678<|im_end|>", "text": "hi"}))], [tres("pf", "ok")],
          "发好了。", [T_SMS]), must=["I002", "S011"], note="control token inside tool-call arguments")


# ================================================================ file: tools_sharegpt.jsonl
F = "tools_sharegpt.jsonl"
SG_TOOLS = js([T_WEATHER["function"], T_SMS["function"], T_ORDER["function"], T_EMAIL["function"]])


def sg(turns, tools=SG_TOOLS, system=SYS, extra=None):
    rec = {"conversations": [{"from": f, "value": v} for f, v in turns]}
    if system is not None:
        rec["system"] = system
    if tools is not None:
        rec["tools"] = tools
    if extra:
        rec.update(extra)
    return rec


def fc(name, args):
    return js({"name": name, "arguments": args})


for i, city in enumerate(CITIES[:10]):
    add(F, sg([("human", f"{city}今天天气？"), ("function_call", fc("get_weather", {"city": city})),
               ("observation", WEATHER[i % 6]), ("gpt", f"{city}今天{WEATHER[i % 6]}。")]), note="valid sharegpt tool use")
add(F, sg([("human", "查北京和上海"), ("function_call", fc("get_weather", {"city": "北京"})), ("function_call", fc("get_weather", {"city": "上海"})),
           ("observation", js([{"city": "北京", "w": "晴"}, {"city": "上海", "w": "雨"}])), ("gpt", "北京晴，上海雨。")]),
    may=["S004", "C002"], note="two consecutive function_call turns, one observation after them "
    "[KEY FIXED: C002 may; LLaMA-Factory puts parallel calls in ONE function_call turn, and the C002 doc says results "
    "answer the calls of the assistant turn they follow]")
add(F, sg([("human", "查北京和上海"), ("function_call", js([{"name": "get_weather", "arguments": {"city": "北京"}},
                                                          {"name": "get_weather", "arguments": {"city": "上海"}}])),
           ("observation", js([{"city": "北京", "w": "晴"}, {"city": "上海", "w": "雨"}])), ("gpt", "北京晴，上海雨。")]),
    note="LLaMA-Factory parallel calls: one function_call turn holding a list, one observation")
add(F, sg([("human", "你好"), ("gpt", "你好，有什么可以帮你？")]), note="no tool use, tools declared")
add(F, sg([("human", "深圳天气"), ("function_call", fc("get_weather", {"city": "深圳"}))]),
    note="ends with a function_call (teaches the call, needs no result)")
add(F, sg([("human", "天气"), ("function_call", js({"name": "get_weather", "arguments": js({"city": "北京"})})),
           ("observation", "晴"), ("gpt", "北京晴。")]), note="arguments as nested JSON text")
add(F, sg([("human", "查订单 " + ORDER2), ("function_call", fc("search_orders", {"order_id": ORDER2})),
           ("observation", "已签收"), ("gpt", "已经签收了。")]), note="order-number look-alike")
add(F, sg([("human", "发短信"), ("function_call", fc("send_sms", {"phone": "13600136000", "text": "好"})),
           ("observation", "ok"), ("gpt", "发好了。")]), must=["I002"], note="phone in sharegpt function_call args")
add(F, sg([("human", "发邮件"), ("function_call", fc("send_email", {"to": "chen.jie@outlook.com", "body": "hi"})),
           ("observation", "ok"), ("gpt", "发好了。")]), must=["I001"], note="email in sharegpt function_call args")
add(F, sg([("human", "北京天气"), ("function_call", js({"name": "get_weather", "arguments": "{\"city\": 北京}"})),
           ("observation", "晴"), ("gpt", "晴。")]), must=["C001"], note="nested arguments string that is not JSON")
add(F, sg([("human", "北京天气"), ("function_call", js({"name": "get_weather", "arguments": "[1, 2]"})),
           ("observation", "晴"), ("gpt", "晴。")]), must=["C001"], note="nested arguments that are an array")
add(F, sg([("human", "北京天气"), ("function_call", js({"name": "get_weather", "arguments": ["北京"]})),
           ("observation", "晴"), ("gpt", "晴。")]), must=["C001"], note="arguments value is a list")
add(F, sg([("human", "上海天气"), ("function_call", "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"上海\"}"),
           ("observation", "晴"), ("gpt", "晴。")]), must=["C001"], note="function_call value is not parseable JSON")
add(F, sg([("human", "广州天气"), ("function_call", fc("get_weather", {"city": "广州"})), ("gpt", "广州晴。")]),
    must=["C002"], may=["S004"], note="function_call with no observation before the reply")
add(F, sg([("human", "你好"), ("observation", "晴"), ("gpt", "你好呀。")]),
    must=["C002"], may=["S004"], note="observation with no function_call")
add(F, sg([("human", "杭州天气"), ("function_call", fc("weather_lookup", {"city": "杭州"})), ("observation", "晴"), ("gpt", "晴。")]),
    must=["C003"], note="sharegpt call to undeclared name")
add(F, sg([("human", "杭州天气"), ("function_call", fc("get_weather", {"city": "杭州"})), ("observation", "晴"), ("gpt", "晴。")], tools=None),
    must=["C003"], note="sharegpt record without tools")
add(F, sg([("human", "成都天气"), ("function_call", fc("get_weather", {"place": "成都"})), ("observation", "晴"), ("gpt", "晴。")]),
    must=["C004"], note="sharegpt args missing required key")
add(F, sg([("human", "发短信"), ("function_call", fc("send_sms", {"phone": 13600136000, "text": "好"})), ("observation", "ok"), ("gpt", "好。")]),
    must=["C004", "I002"], note="phone as integer (wrong type) - also a mobile number in args")
add(F, sg([("human", "武汉天气"), ("function_call", fc("get_weather", {"city": "武汉"})), ("observation", "晴"), ("gpt", "晴。")],
          tools=SG_TOOLS[:-3]), must=["C005"], may=["C003"], note="tools JSON string cut short")
add(F, sg([("human", "武汉天气"), ("function_call", fc("get_weather", {"city": "武汉"})), ("observation", "晴"), ("gpt", "晴。")],
          tools=js({"name": "get_weather"})), must=["C005"], may=["C003"], note="tools string holds one object, not a list")
add(F, sg([("human", "西安天气"), ("function_call", fc("get_weather", {"city": "西安"})), ("observation", "晴"), ("gpt", "晴。")],
          tools=js([{"name": "get_weather", "description": "天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": "city"}}])),
    must=["C005"], may=["C004"], note="`required` is a string: invalid JSON Schema")
add(F, sg([("human", "天气"), ("function_call", fc("get_weather", {"city": "北京"})), ("observation", "晴"), ("gpt", "晴。")],
          tools=[T_WEATHER["function"]]), note="sharegpt tools given as a list, not a JSON string")
add(F, sg([("human", "发邮件"), ("function_call", js({"name": "send_email", "arguments": js({"to": "qian.yi@126.com", "body": "hi"})})),
           ("observation", "ok"), ("gpt", "发好了。")]), must=["I001"], note="email inside nested JSON-text arguments of a sharegpt call")
add(F, sg([("human", "查号码"), ("function_call", fc("search_orders", {"order_id": "u1"})), ("observation", "用户手机 +8613711112222"),
           ("gpt", "查到了。")]), must=["I002"], note="+86 mobile in observation")
add(F, sg([("human", "天气"), ("function_call", fc("get_weather", {"city": "北京"})), ("observation", "晴"), ("gpt", "晴。")],
          extra={"tool": "x"}), may=["S006"], note="sharegpt record with `tools` and a stray `tool` key: S006 optional")


# ================================================================ file: tools_lf_parts.jsonl  (LLaMA-Factory v1 content parts)
F = "tools_lf_parts.jsonl"


def part(t, v):
    return {"type": t, "value": v}


def lfrec(user, assistant_parts, extra_turns=(), tools=None):
    msgs = [{"role": "system", "content": [part("text", SYS)]},
            {"role": "user", "content": [part("text", user)], "loss_weight": 0.0}]
    msgs.append({"role": "assistant", "content": assistant_parts, "loss_weight": 1.0})
    msgs.extend(extra_turns)
    rec = {"messages": msgs}
    if tools is not None:
        rec["tools"] = tools
    return rec


for i, city in enumerate(CITIES[:6]):
    add(F, lfrec(f"{city}天气", [part("reasoning", "用户想知道天气，先调用工具。"), part("tool_call", fc("get_weather", {"city": city}))],
                 [{"role": "tool", "content": [part("text", WEATHER[i])]},
                  {"role": "assistant", "content": [part("reasoning", "根据结果回答。"), part("text", f"{city}{WEATHER[i]}。")], "loss_weight": 1.0}],
                 tools=[T_WEATHER]), note="valid LF v1 tool call with reasoning parts")
for i, q in enumerate(["你好", "今天有点累", "推荐一本书"]):
    add(F, lfrec(q, [part("reasoning", "简单回应。"), part("text", "好的，我们慢慢聊。")]), note="valid LF v1 plain reply")
add(F, lfrec("北京天气", [part("reasoning", "调用工具。"), part("tool_call", js({"name": "get_weather", "arguments": "{city: 北京}"}))],
             [{"role": "tool", "content": [part("text", "晴")]},
              {"role": "assistant", "content": [part("reasoning", "回答。"), part("text", "晴。")], "loss_weight": 1.0}],
             tools=[T_WEATHER]), must=["C001"], note="LF tool_call part with invalid arguments")
add(F, lfrec("北京天气", [part("reasoning", "调用工具。"), part("tool_call", fc("weather_api", {"city": "北京"}))],
             [{"role": "tool", "content": [part("text", "晴")]},
              {"role": "assistant", "content": [part("reasoning", "回答。"), part("text", "晴。")], "loss_weight": 1.0}],
             tools=[T_WEATHER]), must=["C003"], note="LF tool_call part to undeclared tool")
add(F, lfrec("北京天气", [part("reasoning", "调用工具。"), part("tool_call", fc("get_weather", {"city": "北京"}))],
             [{"role": "assistant", "content": [part("reasoning", "回答。"), part("text", "晴。")], "loss_weight": 1.0}],
             tools=[T_WEATHER]), must=["C002"], may=["S004"], note="LF tool_call part with no tool result")
add(F, lfrec("聊聊", [part("text", "好的，我们聊聊。"), part("reasoning", "用户想聊天。")]),
    must=["R001"], note="reasoning part after the text (reasoning after the answer)")
add(F, lfrec("聊聊天", [part("reasoning", "  "), part("text", "好呀，想聊什么？")]),
    must=["R004"], may=["S009", "S005"], note="whitespace-only reasoning part")
add(F, lfrec("聊聊吧", [part("reasoning", ""), part("text", "好呀。")]), must=["R004"], may=["S005"], note="empty reasoning part")
add(F, lfrec("说句话", [part("reasoning", "想一想。"), part("text", "好的<|im_start|>")]), must=["S011"], note="control token in an LF text part")
add(F, lfrec("我的手机号", [part("reasoning", "用户的号码是 13512345678，不要复述。"), part("text", "好的，我记下了。")]),
    must=["I002"], note="phone in a reasoning part")


# ================================================================ file: reasoning.jsonl
F = "reasoning.jsonl"


def rmsg(user, content, rc=None, system=SYS, extra_msg=None):
    a = {"role": "assistant", "content": content}
    if rc is not None:
        a["reasoning_content"] = rc
    if extra_msg:
        a.update(extra_msg)
    msgs = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}, a]
    return {"messages": msgs}


TOPICS = [("为什么天空是蓝色的？", "瑞利散射，短波长散射更强。", "因为大气对蓝光散射得更多，所以天空看起来是蓝色的。"),
          ("1加1等于几？", "简单算术。", "1加1等于2。"),
          ("推荐一部电影", "用户没说偏好，推荐经典片。", "可以看看《肖申克的救赎》，很多人都喜欢。"),
          ("怎么煮鸡蛋？", "用户问步骤，简短回答。", "水开后放鸡蛋，煮八分钟左右就好。"),
          ("What is 12 times 12?", "12*12 = 144.", "12 times 12 is 144."),
          ("Is Paris the capital of France?", "Yes, it is.", "Yes, Paris is the capital of France."),
          ("今天好累啊", "用户累了，需要安慰。", "辛苦了，今天早点休息吧。"),
          ("什么是光合作用？", "植物用光能合成有机物。", "光合作用是植物利用光能，把二氧化碳和水变成有机物并放出氧气的过程。"),
          ("Translate 'thank you' to French", "merci.", "It's \"merci\"."),
          ("地球到月球多远？", "约38万公里。", "平均大约38万公里。"),
          ("我有点睡不着", "先共情。", "睡不着挺难受的，要不要聊一会儿？"),
          ("Name a prime number above 10", "11 is prime.", "11 is a prime number above 10."),
          ("水的沸点是多少？", "标准大气压下100摄氏度。", "在标准大气压下，水的沸点是100摄氏度。"),
          ("How do I say hello in Japanese?", "konnichiwa.", "You can say \"konnichiwa\"."),
          ("长城有多长？", "约两万一千公里。", "历代长城总长大约两万一千公里。"),
          ("I think I failed my exam", "The user is worried; I think I should comfort them.", "I'm sorry, that sounds stressful. Do you want to talk about it?")]

for i, (u, r, a) in enumerate(TOPICS):
    if i % 2 == 0:
        add(F, rmsg(u, f"<think>\n{r}\n</think>\n\n{a}"), note="valid <think> block in content")
    else:
        add(F, rmsg(u, a, rc=r), note="valid reasoning_content field")
# multi-turn, each turn with reasoning
add(F, {"messages": [{"role": "system", "content": SYS}, {"role": "user", "content": "你好"},
                     {"role": "assistant", "content": "<think>\n打招呼。\n</think>\n\n你好呀！"},
                     {"role": "user", "content": "今天星期几"},
                     {"role": "assistant", "content": "<think>\n我不知道日期，如实说。\n</think>\n\n我看不到日历，你手机上可以看看。"}]},
    note="multi-turn, every turn with a think block")
add(F, rmsg("Explain <think> tags", "<think>\nThe user asks about tags; answer in words.\n</think>\n\nThey mark a model's reasoning."),
    note="user mentions <think> in the question (not an assistant reasoning block)")
add(F, rmsg("写一句诗", "<think>\n写一句关于春天的。\n</think>\n\n春风又绿江南岸。", extra_msg=None), note="valid")
# R001
add(F, rmsg("为什么下雨？", "<think>\n水汽凝结。\n\n因为水汽遇冷凝结成水滴落下来。"), must=["R001"], may=["R002"], note="unterminated <think>")
add(F, rmsg("为什么刮风？", "气压差。\n</think>\n\n空气从高压流向低压就形成了风。"), must=["R001"], may=["R002"], note="closing tag without opening (DeepSeek-style stripped opener)")
add(F, rmsg("月亮为什么会变？", "<think>\n月相。<think>\n太阳照射角度。\n</think>\n</think>\n\n因为月亮被太阳照亮的部分在变。"),
    must=["R001"], may=["R002"], note="nested think blocks")
add(F, rmsg("冬天为什么冷？", "<think>\n日照少。\n</think>\n\n因为日照时间短。<think>\n再补充一点。\n</think>\n\n太阳高度角也低。"),
    must=["R001"], may=["R002"], note="two think blocks (reasoning after the answer)")
add(F, rmsg("海水为什么咸？", "好的。<think>\n盐分累积。\n</think>\n\n因为河流把矿物盐带进海里，越积越多。"),
    must=["R001"], may=["R002"], note="text before the think block")
add(F, rmsg("树叶为什么变黄？", "<think>\n叶绿素分解。\n</think>\n\n因为秋天叶绿素分解了。", rc="叶绿素分解。"),
    must=["R001"], note="reasoning both in reasoning_content and in content")
add(F, rmsg("What's 2+2?", "2+2 is 4.<think>\nsimple\n</think>"), must=["R001"], may=["R002"], note="think block at the end, after the answer")
add(F, rmsg("星星为什么闪？", "<THINK>\n大气扰动。\n</THINK>\n\n因为大气流动让星光抖动。"), may=["R001", "R002", "S008"],
    note="upper-case THINK tags: not the spec's tag; ambiguous [KEY FIXED: S008 may, `<THINK>` has the spec's `<PLACEHOLDER>` form]")
add(F, rmsg("彩虹怎么来的？", "<think>\n折射。</think>\n\n阳光在水滴里折射、反射形成彩虹。</think>"),
    must=["R001"], may=["R002"], note="an extra closing tag after the answer [KEY FIXED: R002 may, as for the other R001 plants]")
# R004
add(F, rmsg("你好", "<think>\n\n</think>\n\n你好，很高兴见到你。"), must=["R004"], note="whitespace-only think (Qwen3 non-thinking style)")
add(F, rmsg("在吗", "<think></think>你好，我在。"), must=["R004"], note="empty think block")
add(F, rmsg("嗨", "嗨，有什么想聊的？", rc=""), must=["R004"], note="empty reasoning_content")
add(F, rmsg("早上好", "早上好！今天也要开心。", rc="   "), must=["R004"], may=["S009"], note="whitespace-only reasoning_content")
# R002: replies without any reasoning in a file where most have reasoning
for u, a in [("谢谢你", "不客气，随时找我聊。"), ("晚安", "晚安，做个好梦。"), ("Thanks!", "You're welcome!"), ("再见", "再见，下次聊。")]:
    add(F, rmsg(u, a), must=["R002"], note="no reasoning in a file where most replies have it")
add(F, rmsg("谢啦", "不用谢！", extra_msg={"reasoning_contnet": "礼貌回应。"}), must=["S006", "R002"],
    note="typo reasoning_contnet: S006, and the record then has no reasoning (R002)")
add(F, rmsg("What does </think> mean?", "<think>\nExplain the closing tag.\n</think>\n\nIt ends a reasoning block."),
    note="look-alike: a stray </think> in the USER turn (R001 reads assistant turns)")
add(F, rmsg("收到", "好的。", extra_msg={"reasoning_content": None}), must=["R002"],
    note="reasoning_content null (DeepSeek export of a non-reasoning turn): no reasoning, not empty reasoning")
# PII and control tokens in reasoning
add(F, rmsg("记一下我的手机", "<think>\n用户手机 13812345678，不应复述。\n</think>\n\n好的，已经记下了。"), must=["I002"], note="phone in think")
add(F, rmsg("我的邮箱是什么", "我不能直接告诉你这些信息哦。", rc="用户邮箱 zhang.san@gmail.com，不应透露。"), must=["I001"], note="email in reasoning_content")
add(F, rmsg("我的身份证号", f"<think>\n身份证 {ID2}。\n</think>\n\n这种信息请妥善保管。"), must=["I003"], note="valid ID in think")
add(F, rmsg("我的卡号", "卡号请自己保管好哦。", rc=f"卡号 {CARD_MC}，别复述。"), must=["I004"], note="card in reasoning_content")
add(F, rmsg("继续", "<think>\n上一轮结束<|im_end|>\n</think>\n\n好的，我们继续。"), must=["S011"], note="control token in think")
add(F, rmsg("订单", f"<think>\n订单号 {ORDER1}，日期 2024-05-12。\n</think>\n\n订单已经发货了。"), note="order number + date in think (look-alike)")
add(F, rmsg("我的生日", "<think>\n生日 1985-03-12，年龄不用算。\n</think>\n\n生日快乐提前说一声！"), note="date in think (look-alike)")
add(F, rmsg("帮我看看", "好的。", rc=f"用户给了一个错的号 {ID_BADDATE}，日期不合法。"), note="ID with valid checksum but impossible date (look-alike)")


# ================================================================ file: pii_messages.jsonl
F = "pii_messages.jsonl"


def chat(user, assistant, system=SYS):
    msgs = ([{"role": "system", "content": system}] if system else []) + \
        [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return {"messages": msgs}


PII_POS = [
    ("我的邮箱是 zhang.wei@163.com，帮我记一下", "好的，记下了。", ["I001"], "email in user turn"),
    ("有问题可以发邮件给我", "好的，你可以写信到 support@acme-corp.cn。", ["I001"], "email in assistant turn"),
    ("联系人", "你可以写信给 a.b+tag@company.co.uk。", ["I001"], "plus-addressed email with co.uk"),
    ("我叫小李", "好的小李，你的邮箱 LI_NA88@QQ.COM 我已经保存。", ["I001"], "upper-case email"),
    ("我的手机号是13812345678", "好的，已经记下。", ["I002"], "mobile in user turn"),
    ("我的电话 138-1234-5678", "收到。", ["I002"], "dashed mobile"),
    ("打我电话 +86 139 1234 5678", "好的。", ["I002"], "+86 spaced mobile"),
    ("call me at +447911123456", "Sure.", ["I002"], "E.164 UK number"),
    ("我的号码是" + fullwidth("15912345678"), "好的，记住了。", ["I002"], "full-width mobile"),
    ("电话19912345678找我", "好。", ["I002"], "199 mobile adjacent to Chinese text"),
    (f"我的身份证号是{ID1}", "这个信息比较敏感，请注意保管。", ["I003"], "valid ID"),
    (f"身份证 {IDX}", "收到。", ["I003"], "valid ID ending with X"),
    (f"证件号：{fullwidth(ID3)}", "请妥善保管证件号。", ["I003"], "full-width valid ID"),
    (f"我的身份证 {ID_LUHN}", "好的。", ["I003"], "valid ID that also passes Luhn: I003 only"),
    (f"我的卡号 {CARD_VISA}", "卡号请不要随便发给别人。", ["I004"], "Visa card"),
    ("卡号 5555-5555-5555-4444", "收到。", ["I004"], "dashed Mastercard"),
    (f"银联卡 {CARD_UP}", "好的。", ["I004"], "UnionPay 16 digits"),
    (f"我的卡 {CARD_DISC} 过期了吗", "过期时间要看卡面上的日期。", ["I004"], "Discover"),
    ("卡号 4012 8888 8888 1881", "请小心保管。", ["I004"], "spaced Visa"),
    (f"卡 {fullwidth(CARD_VISA2)}", "好的。", ["I004"], "full-width card"),
    ("邮箱 wang@sina.com 电话 13600001111", "都记下了。", ["I001", "I002"], "email and phone together"),
]
for u, a, codes, note in PII_POS:
    add(F, chat(u, a), must=codes, note=note)
add(F, chat("你好", "你好呀。", system=SYS + "如有问题请联系 admin@realcompany.com。"), must=["I001"], may=["P002"],
    note="email in the system prompt")

PII_POS += [
    ("我的邮箱 wang@example.com.cn", "记下了。", ["I001"], "example.com.cn is somebody's domain, not the reserved example.com"),
    ("邮箱 li@notexample.com", "好的。", ["I001"], "notexample.com (suffix of example.com as text)"),
    ("邮箱 x@test.com", "好的。", ["I001"], "test.com is a real domain, not the *.test TLD"),
    ("邮箱 ops@localhost.com", "好的。", ["I001"], "localhost.com is a real domain, not localhost"),
    ("写信到 mailto:zhou.jie@sohu.com", "好的。", ["I001"], "mailto: link"),
    ("邮箱是zhou.jie@sohu.com。", "好的。", ["I001"], "email glued to Chinese text and a full stop"),
    ("tel:13812345678", "好的。", ["I002"], "tel: prefix"),
    ("电话：+86-138-1234-5678", "好的。", ["I002"], "+86 with dashes"),
    (f"卡号 {luhn_complete('622202123456789012')}", "好的。", ["I004"], "19-digit UnionPay"),
]
for u_, a_, codes, note in PII_POS[-9:]:
    add(F, chat(u_, a_), must=codes, note=note)
add(F, chat("邮箱 a@sub.example.com", "好的。"), may=["I001"], note="subdomain of example.com (reserved; doc names example.com only)")
add(F, chat("邮箱 a@foo.example", "好的。"), note="look-alike: *.example TLD")
add(F, chat("号码 +1234567890123456", "好的。"), may=["I002"], note="16 digits after + : longer than E.164 (ambiguous)")
add(F, chat("分机 +12345", "好的。"), note="look-alike: + and 5 digits (too short for E.164)")
add(F, chat("流水号 41111111111111110000", "好的。"), note="look-alike: 20-digit run (cards are 13-19 digits)")
add(F, chat(f"编号 {make_id('91010519850312123')}", "好的。"), note="look-alike: valid checksum but region digit 9 (no PRC region)")
add(F, chat("页码 2024-0512-1381-2345", "好的。"), may=["I002", "I004"], note="dashed groups (ambiguous)")

PII_NEG = [
    ("示例邮箱写 user@example.com 就行", "好的，用 user@example.com 作示例。", "example.com"),
    ("测试用 test@foo.test 可以吗", "可以，.test 域名不会有人用。", ".test domain"),
    ("本地发信 root@localhost 行不行", "本地测试可以。", "localhost"),
    ("@李华 你看下这个", "好的，我看看。", "@ mention"),
    ("装 lodash@4.17.21 这个版本", "可以，这个版本比较稳定。", "npm package@version"),
    ("邮箱格式是 名字@域名 吗", "对，一般是名字@域名。", "schematic email"),
    ("我的订单号 " + ORDER1, "这个订单在路上了。", "14-digit order number (fails Luhn)"),
    ("单号 " + ORDER3, "收到。", "17-digit order number (fails Luhn)"),
    ("时间戳 " + TIMESTAMP_MS, "这是毫秒时间戳。", "13-digit timestamp starting 1"),
    ("卡号 " + CARD_BAD + " 对吗", "这个卡号校验不通过。", "card failing Luhn"),
    ("编号 " + CARD_NINE, "这个编号不是卡号格式。", "16 digits passing Luhn but starting with 9"),
    (f"身份证 {ID_BAD2}", "这个号码校验位不对。", "ID with wrong check digit"),
    (f"号码 {ID_BADDATE}", "日期不对，不是有效证件号。", "valid checksum, impossible date"),
    ("客服电话 400-810-8888", "好的。", "400 hotline"),
    ("座机 010-62345678", "好的，座机号记下了。", "landline (out of spec: mobile + E.164 only)"),
    ("12345678901 是手机号吗", "不是，手机号第二位是3到9。", "11 digits starting 12"),
    ("订单 2024051213812345678 到了吗", "到了。", "mobile digits inside a longer run"),
    ("会议在 2024-05-12 13:45", "好的，记下了时间。", "date and time"),
    ("价格是 13800 元", "挺贵的。", "price"),
    ("版本 1.3.9.12345678", "好的。", "version string"),
    ("我 1985 年 3 月 12 日出生", "那你是双鱼座。", "birth date without ID"),
    ("快递单号 SF1234567890123", "正在派送。", "tracking number with letters"),
    ("房间号 1301，楼层 13", "好的。", "small numbers"),
    ("ISBN 978-7-111-54742-6", "这本书不错。", "ISBN"),
    ("电话是 138****5678", "已打码，没问题。", "masked mobile"),
    ("IP 地址 192.168.131.123", "这是内网地址。", "IP address"),
    ("坐标 39.9042, 116.4074", "这是北京。", "coordinates"),
    
    ("Python 装饰器 @property 怎么用", "它把方法变成只读属性。", "@property"),
]
for u, a, note in PII_NEG:
    add(F, chat(u, a), note="look-alike: " + note)
add(F, chat("最后一句", "好的</s>"), must=["S011"], note="</s> in reply")
add(F, chat("HTML 里 <s>删除线</s> 怎么写", "用 <s> 标签包起来就行。"), must=["S011"],
    note="[KEY FIXED: was a look-alike; `</s>` is in the spec's control-token list, only `<s>` alone is exempt] HTML <s>..</s>")
add(F, chat("HTML 的删除线标签叫什么", "用 <s> 标签包起来就行。"), note="look-alike: `<s>` alone (S011 doc: not flagged)")
add(F, chat("[INST] 你好 [/INST]", "你好。"), must=["S011"], note="[INST] in user turn")


# ================================================================ file: pii_alpaca.jsonl
F = "pii_alpaca.jsonl"


def alp(ins, out, inp="", **kw):  # noqa
    r = {"instruction": ins, "input": inp, "output": out}
    r.update(kw)
    return r


add(F, alp("把下面的句子翻译成英文", "I like cats.", "我喜欢猫。"), note="valid alpaca")
add(F, alp("写一句问候语", "早上好，祝你今天顺利！"), note="valid alpaca")
add(F, alp("总结下面的内容", "作者留下了邮箱 liu.yang@126.com 供联系。", "联系人刘洋，邮箱 liu.yang@126.com"), must=["I001"], note="email in input and output")
add(F, alp("提取手机号", "13512345678", "我的手机是13512345678"), must=["I002"], note="phone in input and output")
add(F, alp("校验身份证", "校验通过。", ID1), must=["I003"], note="ID in input")
add(F, alp("这张卡能用吗", "可以使用。", CARD_VISA), must=["I004"], note="card in input")
add(F, alp("生成一个示例邮箱", "demo@example.org"), note="example.org look-alike")
add(F, alp("订单号格式", f"例如 {ORDER2}。"), note="order number look-alike")
add(F, alp("写一个日期", "2024年5月12日"), note="date look-alike")
add(F, alp("继续对话", "好的，我记得你的电话是 +8615011112222。", history=[["你好", "你好！"], ["我的号码记得吗", "记得。"]]),
    must=["I002"], note="alpaca with history, phone in output")
add(F, alp("继续对话", "好的。", history=[["我的邮箱是 x.y@foxmail.com", "记下了。"]]), must=["I001"], note="email inside history")
add(F, alp("翻译", "Hello", system="你是翻译。"), may=["S004", "P002"], note="alpaca with a system field in one record")
add(F, alp("写个分隔符", "<|endoftext|>"), must=["S011"], note="control token in alpaca output")
add(F, alp("描述一下这张图片 <image>", "一只猫。"), must=["M001"], may=["S008"], note="<image> placeholder with no images list")
add(F, alp("给我一个号码", "示例号码 138-0000-0000 仅供演示。"), must=["I002"], note="dashed mobile (spec pattern; demo wording does not exempt)")


# ================================================================ file: pii_sharegpt.jsonl
F = "pii_sharegpt.jsonl"
add(F, sg([("human", "你好"), ("gpt", "你好，有什么可以帮你？")], tools=None), note="valid")
add(F, sg([("human", "我的邮箱 huang.li@163.com"), ("gpt", "记下了。")], tools=None), must=["I001"], note="email in sharegpt human")
add(F, sg([("human", "电话"), ("gpt", "我的工作电话是 18612345678。")], tools=None), must=["I002"], note="phone in gpt turn")
add(F, sg([("human", f"身份证 {ID3}"), ("gpt", "收到。")], tools=None), must=["I003"], note="ID in human turn")
add(F, sg([("human", "卡号"), ("gpt", f"你的卡号是 {CARD_AMEX}。")], tools=None), must=["I004"], note="Amex in gpt")
add(F, sg([("human", "你好"), ("gpt", "你好。")], tools=None, system="客服邮箱 help@shop-real.com"), must=["I001"], may=["P002"], note="email in sharegpt system")
add(F, sg([("human", "订单号 " + ORDER1), ("gpt", "在路上。")], tools=None), note="look-alike order number")
add(F, sg([("human", "邮箱写 someone@example.net"), ("gpt", "好的。")], tools=None), note="example.net look-alike")
add(F, sg([("human", "生日 2000-01-01"), ("gpt", "新年生日！")], tools=None), note="date look-alike")
add(F, sg([("human", "第一句"), ("gpt", "第一句回答。"), ("human", "我的号 13012345678"), ("gpt", "好的。")], tools=None),
    must=["I002"], note="phone in second human turn")


# ================================================================ preference files
PAIRS = [
    ("怎么缓解压力？", "可以试试散步、深呼吸，或者找朋友聊聊，慢慢会好一些。", "压力大就忍着吧，没什么办法。"),
    ("推荐一本书", "《活着》很值得一读，故事朴素但很打动人。", "随便看看吧。"),
    ("Explain recursion briefly.", "Recursion is when a function calls itself on a smaller piece of the problem until it reaches a base case.", "It's a loop."),
    ("周末去哪玩？", "天气好的话可以去公园走走，或者约朋友去爬山。", "在家睡觉。"),
    ("How do I boil an egg?", "Put the egg in boiling water for about eight minutes, then cool it in cold water.", "Cook it."),
    ("怎么学好英语？", "每天听一点、读一点，坚持开口说，慢慢就会进步。", "报个班。"),
    ("猫为什么呼噜？", "猫放松或者满足的时候常常会发出呼噜声，有时也用来安抚自己。", "不知道。"),
    ("What's a good name for a dog?", "Names like Max, Bella or Charlie are popular and easy to call.", "Dog."),
]
LONG = ("这是一段比较长的回答，用来测试几乎相同的偏好对：今天天气不错，适合出去走走，晒晒太阳，呼吸一下新鲜空气，"
        "回来以后再喝一杯热茶，读一会儿书，整个人都会放松下来，晚上也更容易睡个好觉。")
LONG_EN = ("This is a fairly long answer used to test near-identical preference pairs: the weather is nice today, so a walk "
           "outside, some sunshine and fresh air, followed by a cup of tea and a book, will help you relax and sleep well.")
assert fuzz.ratio(LONG, LONG.replace("不错", "很好")) >= 98 or True


def near(a, b):
    return fuzz.ratio(a, b)


# ---- TRL strings
F = "pref_trl_str.jsonl"
for p, c, r in PAIRS:
    add(F, {"prompt": p, "chosen": c, "rejected": r}, note="valid TRL string pair")
add(F, {"prompt": "今天做什么", "chosen": LONG, "rejected": LONG}, must=["V001"], note="identical strings")
add(F, {"prompt": "Plan my day", "chosen": LONG_EN, "rejected": LONG_EN}, must=["V001"], note="identical English strings")
add(F, {"prompt": "今天做什么呢", "chosen": LONG, "rejected": LONG + " "}, must=["S009"], any_=[["V001", "V002"]],
    note="sides differ only by a trailing space")
add(F, {"prompt": "Plan my week", "chosen": LONG_EN, "rejected": LONG_EN.replace(", so", ",  so")}, any_=[["V001", "V002"]],
    note="sides differ only by a doubled inner space")
add(F, {"prompt": "今天干嘛", "chosen": LONG, "rejected": LONG.replace("，回来", "，\n回来")}, any_=[["V001", "V002"]],
    note="sides differ only by an inserted newline")
a2 = LONG.replace("不错", "不坏")
assert 98 <= near(LONG, a2) < 100
add(F, {"prompt": "今天怎么过", "chosen": LONG, "rejected": a2}, must=["V002"], note="near-identical: one char differs")
a3 = LONG_EN.replace("nice", "good")
assert near(LONG_EN, a3) >= 98, near(LONG_EN, a3)
add(F, {"prompt": "How to spend today", "chosen": LONG_EN, "rejected": a3}, must=["V002"], note="near-identical English")
a4 = LONG.replace("适合出去走走，晒晒太阳", "不适合出门，在家歇着")
assert near(LONG, a4) < 97, near(LONG, a4)
add(F, {"prompt": "今天出门吗", "chosen": LONG, "rejected": a4}, note=f"similar but below 98 (ratio {near(LONG, a4):.1f})")
add(F, {"prompt": "总结", "chosen": "好的，这是摘要。", "rejected": ""}, must=["V004"], may=["S005"], note="rejected empty string")
add(F, {"prompt": "总结一下", "chosen": "", "rejected": "不想总结。"}, must=["V004"], may=["S005"], note="chosen empty string")
add(F, {"prompt": "说点什么", "chosen": "你好呀。", "rejected": "   "}, must=["V004"], may=["S005", "S009"], note="rejected whitespace only")
add(F, {"prompt": "说点别的", "chosen": "今天天气不错。"}, must=["V004"], note="rejected key missing")
add(F, {"prompt": "说点别的吧", "chosen": "好的。", "rejected": None}, must=["V004"], may=["S002"], note="rejected null")
add(F, {"prompt": "我的邮箱", "chosen": "这类信息请自己保管。", "rejected": "你的邮箱是 zhao.min@163.com。"}, must=["I001"],
    note="PII on the rejected side (looked for on both sides)")
add(F, {"prompt": "我的电话", "chosen": "不方便透露。", "rejected": "你的电话是13900001111。"}, must=["I002"], note="phone on rejected side")
add(F, {"prompt": "写个结尾", "chosen": "好的，到此结束。", "rejected": "结束<|im_end|>"}, must=["S011"], note="control token on rejected side")
add(F, {"prompt": "问候", "chosen": "你好！", "rejected": "\n你好"}, must=["S009"], note="leading newline on rejected side")

# ---- TRL message lists
F = "pref_trl_msgs.jsonl"


def u(t):
    return {"role": "user", "content": t}


def asst(t):
    return {"role": "assistant", "content": t}


def sysm(t=SYS):
    return {"role": "system", "content": t}


for p, c, r in PAIRS:
    add(F, {"prompt": [sysm(), u(p)], "chosen": [asst(c)], "rejected": [asst(r)]}, note="valid TRL conversational pair")
add(F, {"prompt": [sysm(), u("今天做什么")], "chosen": [asst(LONG)], "rejected": [asst(LONG)]}, must=["V001"], note="identical message lists")
add(F, {"prompt": [sysm(), u("今天如何")], "chosen": [asst(LONG)], "rejected": [asst(a2)]}, must=["V002"], note="near-identical message replies")
add(F, {"prompt": [sysm(), u("今天呢")], "chosen": [asst(LONG)], "rejected": [asst(LONG + "\n")]}, must=["S009"], any_=[["V001", "V002"]],
    note="trailing newline only")
add(F, {"prompt": [sysm(), u("说吧")], "chosen": [asst("好的。")], "rejected": [u("好的。")]}, must=["V004"], may=["S004", "V001"],
    note="rejected side is a user turn [KEY FIXED: V001 may, the two sides hold the same text]")
add(F, {"prompt": [sysm(), u("说说")], "chosen": [asst("好的。")], "rejected": []}, must=["V004"], note="rejected empty list")
add(F, {"prompt": [sysm(), u("讲讲")], "chosen": [asst("")], "rejected": [asst("不讲。")]}, must=["V004"], may=["S005"], note="chosen assistant content empty")
add(F, {"prompt": [sysm(), u("北京天气")],
        "chosen": [{"role": "assistant", "content": None, "tool_calls": [tc("q1", "get_weather", js({"city": "北京"}))]}],
        "rejected": [asst("我不知道。")], "tools": [T_WEATHER]}, note="chosen is a tool call (says nothing, but calls a tool)")
add(F, {"prompt": [sysm(), u("上海天气")],
        "chosen": [{"role": "assistant", "content": None, "tool_calls": [tc("q2", "get_weather", js({"city": "上海"}))]}],
        "rejected": [{"role": "assistant", "content": None, "tool_calls": [tc("q3", "get_weather", "{\"city\": ")]}],
        "tools": [T_WEATHER]}, may=["C001"], note="rejected tool call has broken args: C001 on rejected side optional")
add(F, {"prompt": [sysm(), u("我的卡")], "chosen": [asst("请自己保管。")], "rejected": [asst(f"卡号是 {CARD_VISA}")]}, must=["I004"],
    note="card on rejected side (list)")
add(F, {"prompt": [sysm(), u("问好")], "chosen": [asst("<think>\n打招呼。\n</think>\n\n你好！")], "rejected": [asst("<think>\n打招呼。\n</think>\n\n你好！")]},
    must=["V001"], may=["R002"], note="identical replies including reasoning")

# ---- TRL implicit prompt (chosen/rejected are whole conversations)
F = "pref_implicit.jsonl"
for p, c, r in PAIRS[:6]:
    add(F, {"chosen": [sysm(), u(p), asst(c)], "rejected": [sysm(), u(p), asst(r)]}, note="valid implicit-prompt pair")
add(F, {"chosen": [sysm(), u("怎么缓解压力？"), asst("散散步。")], "rejected": [sysm(), u("怎么缓解焦虑？"), asst("忍着。")]},
    must=["V003"], note="user turns differ")
add(F, {"chosen": [sysm(), u("你好"), asst("你好。"), u("在吗"), asst("在的。")], "rejected": [sysm(), u("在吗"), asst("不在。")]},
    must=["V003"], note="different number of turns")
add(F, {"chosen": [sysm(), u("你好"), asst("你好呀。")], "rejected": [sysm("你是一个冷漠的助手。"), u("你好"), asst("嗯。")]},
    must=["V003"], may=["P002"], note="system prompts differ")
add(F, {"chosen": [sysm(), u("你好"), asst("你好呀，今天怎么样？")], "rejected": [sysm(), u("你好"), asst("你好呀，今天怎么样？")]},
    must=["V001"], note="identical implicit pair")
add(F, {"chosen": [sysm(), u("你好"), asst("你好！")], "rejected": [sysm(), u("你好")]}, must=["V004"], may=["S007", "V003"],
    note="rejected conversation ends on a user turn [KEY FIXED: V003 may, different turn counts]")

# ---- chosen_messages / rejected_messages
F = "pref_chosen_messages.jsonl"
for p, c, r in PAIRS[:6]:
    add(F, {"chosen_messages": [sysm(), u(p), asst(c)], "rejected_messages": [sysm(), u(p), asst(r)]}, note="valid")
add(F, {"chosen_messages": [sysm(), u("A问题"), asst("A回答")], "rejected_messages": [sysm(), u("B问题"), asst("B回答")]},
    must=["V003"], note="user turn differs")
add(F, {"chosen_messages": [sysm(), u("问题"), asst(LONG)], "rejected_messages": [sysm(), u("问题"), asst(LONG)]}, must=["V001"], note="identical")
add(F, {"chosen_messages": [sysm(), u("问题呢"), asst(LONG)], "rejected_messages": [sysm(), u("问题呢"), asst(a2)]}, must=["V002"], note="near-identical")
add(F, {"chosen_messages": [sysm(), u("问")]  + [asst("答")], "rejected_messages": [sysm(), u("问"), asst("   ")]}, must=["V004"],
    may=["S005", "S009"], note="rejected reply whitespace only")
add(F, {"chosen_messages": [sysm(), u("我的邮箱")], "rejected_messages": [sysm(), u("我的邮箱"), asst("x")]}, must=["V004"],
    may=["S007", "V003"], note="chosen side has no assistant reply [KEY FIXED: V003 may, the sides have different turn counts]")
add(F, {"chosen_messages": [sysm(), u("哈喽"), asst("哈喽！")], "rejected_messages": [sysm(), u("哈喽"), asst("你的身份证是 " + ID1)]},
    must=["I003"], note="ID on rejected side")

# ---- sharegpt ranking
F = "pref_sharegpt_rank.jsonl"
for p, c, r in PAIRS[:6]:
    add(F, {"conversations": [{"from": "system", "value": SYS}, {"from": "human", "value": p}],
            "chosen": {"from": "gpt", "value": c}, "rejected": {"from": "gpt", "value": r}}, note="valid ranking pair")
add(F, {"conversations": [{"from": "human", "value": "你好"}], "chosen": {"from": "gpt", "value": LONG},
        "rejected": {"from": "gpt", "value": LONG}}, must=["V001"], may=["S004"], note="identical ranking pair")
add(F, {"conversations": [{"from": "human", "value": "你好"}], "chosen": {"from": "gpt", "value": LONG},
        "rejected": {"from": "human", "value": "嗯"}}, must=["V004"], may=["S004"], note="rejected from human")
add(F, {"conversations": [{"from": "human", "value": "嗨"}], "rejected": {"from": "gpt", "value": "嗯"}}, must=["V004"], may=["S004"],
    note="chosen missing")
add(F, {"conversations": [{"from": "human", "value": "嘿"}], "chosen": {"from": "gpt", "value": LONG_EN},
        "rejected": {"from": "gpt", "value": a3}}, must=["V002"], may=["S004"], note="near-identical ranking pair")
add(F, {"conversations": [{"from": "human", "value": "邮箱"}], "chosen": {"from": "gpt", "value": "你的邮箱是 fang.yu@163.com。"},
        "rejected": {"from": "gpt", "value": "不知道。"}}, must=["I001"], may=["S004"], note="email on the CHOSEN side")
add(F, {"conversations": [{"from": "human", "value": "电话"}], "chosen": {"from": "gpt", "value": "不方便。"},
        "rejected": {"from": "gpt", "value": "我的手机 13712345678"}}, must=["I002"], may=["S004"], note="phone on rejected side")

# ---- OpenAI preference
F = "pref_openai.jsonl"
for p, c, r in PAIRS[:6]:
    add(F, {"input": {"messages": [u(p)]}, "preferred_output": [asst(c)], "non_preferred_output": [asst(r)]}, note="valid OpenAI preference")
add(F, {"input": {"messages": [u("你好")]}, "preferred_output": [asst(LONG)], "non_preferred_output": [asst(LONG)]}, must=["V001"],
    note="identical OpenAI preference")
add(F, {"input": {"messages": [u("你好呀")]}, "preferred_output": [asst(LONG)], "non_preferred_output": []}, must=["V004"],
    note="empty non_preferred_output")
add(F, {"input": {"messages": [u("你好啊")]}, "preferred_output": [asst(LONG)], "non_preferred_output": [asst(a2)]}, must=["V002"],
    note="near-identical OpenAI preference")
add(F, {"input": {"messages": [u("卡号")]}, "preferred_output": [asst("不方便。")], "non_preferred_output": [asst("卡号 " + CARD_DISC)]},
    must=["I004"], note="card on non-preferred side")
add(F, {"input": {"messages": [u("北京天气")], "tools": [T_WEATHER]},
        "preferred_output": [{"role": "assistant", "content": None, "tool_calls": [tc("op1", "get_weather", js({"city": "北京"}))]}],
        "non_preferred_output": [asst("不知道。")]}, note="preferred output is a declared tool call")

# ---- KTO prompt/completion
F = "kto.jsonl"
for i, (p, c, r) in enumerate(PAIRS):
    add(F, {"prompt": p, "completion": c, "label": True}, note="valid KTO true")
    add(F, {"prompt": p, "completion": r, "label": False}, note="valid KTO false")
add(F, {"prompt": "你好", "completion": "你好。", "label": "true"}, must=["V005"], note="label string \"true\"")
add(F, {"prompt": "你好呀", "completion": "滚。", "label": "false"}, must=["V005"], note="label string \"false\"")
add(F, {"prompt": "在吗", "completion": "在。", "label": 1}, must=["V005"], note="label 1")
add(F, {"prompt": "在不在", "completion": "不在。", "label": 0}, must=["V005"], note="label 0")
add(F, {"prompt": "嗨", "completion": "嗨。", "label": None}, must=["V005"], note="label null")
add(F, {"prompt": "嘿", "completion": "嘿。"}, must=["V005"], note="label missing")
add(F, {"prompt": [u("你好")], "completion": [asst("你好！")], "label": True}, note="KTO with message lists")
add(F, {"prompt": "我的号", "completion": "你的号是 13812340000", "label": False}, must=["I002"], note="phone in a false-labelled completion")

# ---- TRL prompt-completion (no label: not KTO, no V rules)
F = "prompt_completion.jsonl"
for p_, c_, r_ in PAIRS:
    add(F, {"prompt": p_, "completion": c_}, note="valid prompt-completion (no label: must not get V005)")
add(F, {"prompt": "我的号码", "completion": "你的号码是 13822223333。"}, must=["I002"], note="phone in completion")
add(F, {"prompt": [u("你好")], "completion": [asst("你好！")]}, note="conversational prompt-completion")
add(F, {"prompt": "说点什么", "completion": ""}, must=["S005"], may=["S007", "V004"], note="empty completion")

# ---- KTO messages + label
F = "kto_messages.jsonl"
for i, (p, c, r) in enumerate(PAIRS[:5]):
    add(F, {"messages": [sysm(), u(p), asst(c)], "label": True}, note="valid KTO messages")
    add(F, {"messages": [sysm(), u(p), asst(r)], "label": False}, note="valid KTO messages false")
add(F, {"messages": [sysm(), u("你好"), asst("你好。")], "label": "yes"}, must=["V005"], note="label string yes")
add(F, {"messages": [sysm(), u("你好呀"), asst("你好。")]}, must=["V005"], note="label missing in KTO messages file")
add(F, {"messages": [sysm(), u("早"), asst("早。")], "label": [True]}, must=["V005"], note="label is a list")


# ================================================================ media
MEDIA_FILES = {"cat.png": PNG, "dog.jpg": JPEG, "clip.mp4": MP4, "voice.wav": wav_bytes(), "song.mp3": MP3,
               "broken.png": b"this is not an image at all\n", "fake.mp4": b"hello world, not a video\n",
               "empty.jpg": b"", "truncated.png": PNG[:20], "猫 咪.png": PNG, "bell.wav": wav_bytes()}

F = "media_messages.jsonl"


def mm(user, assistant, **media):
    r = {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}
    r.update(media)
    return r


add(F, mm("<image>图里是什么？", "一只红色的小方块。", images=["media/cat.png"]), note="valid image")
add(F, mm("<image>这是什么动物？", "看起来是一只狗。", images=["media/dog.jpg"]), note="valid jpeg")
add(F, mm("看看这两张<image><image>有什么不同", "第一张是红色方块，第二张是狗。", images=["media/cat.png", "media/dog.jpg"]), note="two images")
add(F, mm("<video>视频里发生了什么？", "一段很短的视频。", videos=["media/clip.mp4"]), note="valid video")
add(F, mm("<audio>这段录音说了什么？", "录音里很安静。", audios=["media/voice.wav"]), note="valid wav")
add(F, mm("<audio>这首歌叫什么？", "我听不出来。", audios=["media/song.mp3"]), note="valid mp3")
add(F, mm("<image>配上<audio>，讲讲", "图片是方块，录音很安静。", images=["media/cat.png"], audios=["media/voice.wav"]), note="image and audio")
add(F, mm("这张图 <image> 好看吗", "挺简洁的。", images=["./media/cat.png"]), note="./ path, placeholder mid-text")
add(F, {"messages": [{"role": "user", "content": "<image>第一张"}, {"role": "assistant", "content": "方块。"},
                     {"role": "user", "content": "<image>第二张"}, {"role": "assistant", "content": "狗。"}],
        "images": ["media/cat.png", "media/dog.jpg"]}, note="placeholders spread across turns")
add(F, mm("没有图片的普通问题", "普通回答。"), note="no media at all")
add(F, mm("https://example.com/a.png 这是网图", "我打不开链接。"), note="URL text in content, no placeholder")
add(F, mm("<image>远程图片", "看到了。", images=["https://example.com/cat.png"]), note="URL image: not checked by M002")
# defects
add(F, mm("<image><image>对比一下", "不好说。", images=["media/cat.png"]), must=["M001"], note="2 placeholders, 1 image")
add(F, mm("<image>看看", "好的。", images=["media/cat.png", "media/dog.jpg"]), must=["M001"], note="1 placeholder, 2 images")
add(F, mm("看看这张图", "好的。", images=["media/cat.png"]), must=["M001"], note="no placeholder, 1 image")
add(F, mm("<image>看看这个", "好的。"), must=["M001"], note="placeholder, no images key")
add(F, mm("<video>看看", "好的。", videos=[]), must=["M001"], note="video placeholder, empty list")
add(F, mm("<audio><audio>听听", "好的。", audios=["media/voice.wav"]), must=["M001"], note="2 audio placeholders, 1 audio")
add(F, mm("<image>看看", "好的。", images=[], videos=["media/clip.mp4"]), must=["M001"], note="image placeholder but the file is in videos (both counts off)")
add(F, mm("<image>看看这个", "好的。", images=["media/missing.png"]), must=["M002"], note="missing file")
add(F, mm("<image>看看", "好的。", images=["media/CAT.PNG"]), must=["M002"], note="wrong case on a case-sensitive FS")
add(F, mm("<image>看看", "好的。", images=["/etc/hostname"]), must=["M002"], note="absolute path outside")
add(F, mm("<image>看看", "好的。", images=["../outside.png"]), must=["M002"], note="../ path outside the data folder")
add(F, mm("<image>看看", "好的。", images=["media/link.png"]), must=["M002"], note="symlink pointing outside")
add(F, mm("<video>看看", "好的。", videos=["media/missing.mp4"]), must=["M002"], note="missing video")
add(F, mm("<audio>听听", "好的。", audios=["media/missing.wav"]), must=["M002"], note="missing audio")
add(F, mm("<image><image>看看", "好的。", images=["media/cat.png", "media/nope.jpg"]), must=["M002"], note="second of two images missing")
add(F, mm("<image>看看", "好的。", images=["media/broken.png"]), must=["M003"], note="text file named .png")
add(F, mm("<image>看看", "好的。", images=["media/empty.jpg"]), must=["M003"], note="empty .jpg")
add(F, mm("<video>看看", "好的。", videos=["media/fake.mp4"]), must=["M003"], note="text file named .mp4")
add(F, mm("<audio>听听", "好的。", audios=["media/cat.png"]), must=["M003"], note="a PNG given as audio")
add(F, mm("<video>看看", "好的。", videos=["media/voice.wav"]), must=["M003"], note="a WAV given as video")
add(F, mm("<image>看看", "好的。", images=["media/clip.mp4"]), must=["M003"], note="an MP4 given as image")
add(F, mm("<image>看看", "好的。", images=["media/truncated.png"]), may=["M003"], note="PNG cut after 20 bytes: header ok, no Pillow")
add(F, mm("<image><image>看看", "好的。", images=["media/gone.png"]), must=["M001", "M002"], note="count mismatch and missing")
add(F, mm("<image>我的邮箱 kim.lee@naver.com", "记下了。", images=["media/cat.png"]), must=["I001"], note="email in a media record")
add(F, mm("<image>看看这张", "好的。", images=["media/猫 咪.png"]), note="valid file with a space and CJK in its name")
add(F, mm("<image>看看", "好的。", images=["media/bell.wav"]), must=["M003"], note="a WAV given as image (first use of bell.wav)")
add(F, mm("<audio>听听铃声", "是铃声。", images=[], audios=["media/bell.wav"]), note="the same WAV, now correctly as audio (second use)")

F = "media_parts.jsonl"


def pmsg(parts, assistant="好的，我看到了。"):
    return {"messages": [{"role": "user", "content": parts}, {"role": "assistant", "content": assistant}]}


def txt(t):
    return {"type": "text", "text": t}


def img(url):
    return {"type": "image_url", "image_url": {"url": url}}


PNG_B64 = base64.b64encode(PNG).decode()
WAV_B64 = base64.b64encode(wav_bytes()).decode()
add(F, pmsg([txt("这是什么？"), img("media/cat.png")]), note="valid local image_url")
add(F, pmsg([txt("这是什么？"), img("https://example.com/cat.png")]), note="remote URL: not checked")
add(F, pmsg([txt("这是什么？"), img("data:image/png;base64," + PNG_B64)]), note="valid data URL")
add(F, pmsg([txt("听听"), {"type": "input_audio", "input_audio": {"data": WAV_B64, "format": "wav"}}]), note="valid inline audio")
add(F, pmsg([txt("两张"), img("media/cat.png"), img("media/dog.jpg")]), note="two valid parts")
add(F, pmsg([txt("纯文本部分")]), note="text part only")
add(F, pmsg([txt("看看"), img("media/missing.jpg")]), must=["M002"], note="missing image_url file")
add(F, pmsg([txt("看看"), img("media/broken.png")]), must=["M003"], note="image_url to non-image")
add(F, pmsg([txt("看看"), img("data:image/png;base64," + base64.b64encode(b"not a png at all").decode())]), must=["M003"],
    note="data URL holding garbage")
add(F, pmsg([txt("听听"), {"type": "input_audio", "input_audio": {"data": base64.b64encode(b"garbage bytes here").decode(), "format": "wav"}}]),
    must=["M003"], note="inline audio holding garbage")
add(F, pmsg([txt("看看"), img("/etc/hostname")]), must=["M002"], note="absolute path in image_url")
add(F, pmsg([txt("我的电话 13611112222"), img("media/cat.png")]), must=["I002"], note="phone in a text part")

F = "media_sharegpt.jsonl"


def sgm(h, g, **media):
    r = {"conversations": [{"from": "human", "value": h}, {"from": "gpt", "value": g}]}
    r.update(media)
    return r


add(F, sgm("<image>描述一下", "一个红色方块。", images=["media/cat.png"]), note="valid sharegpt image")
add(F, sgm("<image>这是谁", "一只狗。", images=["media/dog.jpg"]), note="valid")
add(F, sgm("<video>讲讲", "很短的视频。", videos=["media/clip.mp4"]), note="valid video")
add(F, sgm("你好", "你好！"), note="no media")
add(F, sgm("<image><image>比较", "不一样。", images=["media/cat.png"]), must=["M001"], note="count mismatch")
add(F, sgm("<image>描述", "好的。", images=["media/none.png"]), must=["M002"], note="missing")
add(F, sgm("<image>描述", "好的。", images=["media/broken.png"]), must=["M003"], note="unreadable")
add(F, sgm("<audio>听", "好的。", audios=["media/fake.mp4"]), must=["M003"], note="text file as audio")


PQM = "pq_media.parquet"
add(PQM, mm("<image>看看", "红色方块。", images=["media/cat.png"]), note="valid image (parquet)")
add(PQM, mm("<image>看看", "好的。", images=["media/missing_pq.png"]), must=["M002"], note="missing image (parquet)")
add(PQM, mm("<image><image>看看", "好的。", images=["media/dog.jpg"]), must=["M001"], note="count mismatch (parquet)")
add(PQM, mm("<image>看看", "好的。", images=["media/broken.png"]), must=["M003"], note="unreadable (parquet)")

# ================================================================ parquet: messages with tools and PII
PQ = "pq_messages.parquet"
PQT = js([T_WEATHER, T_SMS])  # tools as a JSON string: nested structs of differing declarations would get null-filled
for i, city in enumerate(CITIES[:8]):
    add(PQ, oa(f"{city}天气", [tc(f"c{i}", "get_weather", js({"city": city}))], [tres(f"c{i}", WEATHER[i % 6])], f"{city}{WEATHER[i % 6]}。",
               PQT), note="valid parquet tool row")
add(PQ, oa("发短信", [tc("p1", "send_sms", js({"phone": "13812345678", "text": "到了"}))], [tres("p1", "ok")], "发好了。", PQT),
    must=["I002"], note="phone in args (parquet)")
add(PQ, oa("北京天气", [tc("p2", "get_weather", "{\"city\": ")], [tres("p2", "晴")], "晴。", PQT), must=["C001"], note="bad args (parquet)")
add(PQ, oa("北京天气", [tc("p3", "weather", js({"city": "北京"}))], [tres("p3", "晴")], "晴。", PQT), must=["C003"], note="undeclared (parquet)")
add(PQ, oa("北京天气", [tc("p4", "get_weather", js({"city": "北京"}))], [], "晴。", PQT), must=["C002"], note="unanswered (parquet)")
add(PQ, oa("北京天气", [tc("p5", "get_weather", js({"town": "北京"}))], [tres("p5", "晴")], "晴。", PQT), must=["C004"], note="schema (parquet)")
add(PQ, oa("我的邮箱 ma.li@163.com", None, [], "记下了。", PQT), must=["I001"], note="email, no tool use (parquet)")
add(PQ, oa(f"订单 {ORDER1}", None, [], "在路上。", PQT), note="order look-alike (parquet)")
add(PQ, oa(f"身份证 {ID2}", None, [], "请保管好。", PQT), must=["I003"], note="ID (parquet)")
add(PQ, oa("我的卡 " + CARD_VISA, None, [], "请保管好。", PQT), must=["I004"], note="card (parquet)")
add(PQ, oa("你好", None, [], "<think>\n\n</think>\n\n你好。", PQT), must=["R004", "R002"], note="empty think in parquet (only reasoning row: R002 minority)")

PQK = "pq_kto.parquet"
for p, c, r in PAIRS[:5]:
    add(PQK, {"prompt": p, "completion": c, "label": True}, note="valid KTO row")
add(PQK, {"prompt": "你好", "completion": "你好。", "label": None}, must=["V005"], note="null label in a bool column (missing)")
add(PQK, {"prompt": "你好呀", "completion": "你的身份证 " + ID1, "label": False}, must=["I003"], note="ID in completion (parquet)")

PQP = "pq_pairs.parquet"
for p, c, r in PAIRS[:5]:
    add(PQP, {"prompt": p, "chosen": c, "rejected": r}, note="valid pair row")
add(PQP, {"prompt": "今天做什么", "chosen": LONG, "rejected": LONG}, must=["V001"], note="identical (parquet)")
add(PQP, {"prompt": "今天如何", "chosen": LONG, "rejected": a2}, must=["V002"], note="near-identical (parquet)")
add(PQP, {"prompt": "今天呢", "chosen": LONG, "rejected": None}, must=["V004"], note="rejected null in parquet: missing")


# ================================================================ splits
TRAIN_A = "train/train_a.jsonl"
TRAIN_B = "train/train_b.parquet"
EVAL = "eval.jsonl"
EVAL_ALP = "eval_alpaca.jsonl"
TRAIN_QA = [
    ("怎么泡绿茶？", "用八十度左右的水，泡两三分钟就可以喝了。"),
    ("How far is the Moon?", "About 384,000 kilometres on average."),
    ("推荐一个周末活动", "可以去公园骑车，或者去博物馆看看展览。"),
    ("What is the boiling point of water?", "At sea level, water boils at 100 degrees Celsius."),
    ("为什么要多喝水？", "水帮助身体代谢和调节体温，缺水容易疲劳。"),
    ("Give me a synonym for happy", "Cheerful is a good synonym for happy."),
    ("怎么养绿萝？", "放在散射光的地方，土干了再浇水，别积水。"),
    ("What does CPU stand for?", "CPU stands for Central Processing Unit."),
    ("睡前玩手机好吗？", "睡前少看手机更容易入睡，屏幕的光会影响睡意。"),
    ("Name three primary colors", "Red, yellow and blue are the traditional primary colors."),
    ("如何保存香蕉？", "香蕉放在常温通风处，别放冰箱，不然皮会变黑。"),
    ("What is photosynthesis?", "It is how plants turn light, water and carbon dioxide into sugar and oxygen."),
    ("怎么做番茄炒蛋？", "先炒鸡蛋盛出，再炒番茄出汁，倒回鸡蛋加盐翻匀。"),
    ("Who wrote Hamlet?", "Hamlet was written by William Shakespeare."),
    ("冬天怎么保湿？", "洗完脸及时涂保湿霜，室内可以用加湿器。"),
    ("What is the capital of Japan?", "The capital of Japan is Tokyo."),
    ("怎么缓解眼睛疲劳？", "每看屏幕二十分钟，就看看二十英尺外的东西二十秒。"),
    ("How many legs does a spider have?", "A spider has eight legs."),
    ("跑步前要热身吗？", "要的，热身五到十分钟能减少受伤。"),
    ("What is H2O?", "H2O is the chemical formula for water."),
    ("怎么记单词更快？", "用间隔重复的方法，隔一段时间复习一次。"),
    ("Why is the sky blue?", "Air scatters blue light more than red light, so the sky looks blue."),
    ("猫能吃巧克力吗？", "不能，巧克力里的可可碱对猫有毒。"),
    ("What is 15 percent of 200?", "15 percent of 200 is 30."),
    ("怎么挑西瓜？", "拍一拍声音清脆、纹路清晰、瓜蒂弯曲的比较甜。"),
    ("What language is spoken in Brazil?", "Portuguese is the official language of Brazil."),
    ("感冒了吃什么好？", "多喝水，吃清淡好消化的东西，好好休息。"),
    ("How many days are in a leap year?", "A leap year has 366 days."),
    ("怎么快速入睡？", "固定作息，睡前放松，卧室保持暗和安静。"),
    ("What is the largest planet?", "Jupiter is the largest planet in our solar system."),
]
TRAIN_B_QA = [
    ("洗衣服用冷水还是热水？", "大多数衣服用冷水就行，省电也不容易缩水。"),
    ("What is the speed of light?", "About 299,792 kilometres per second in a vacuum."),
    ("怎么去除冰箱异味？", "放一盒小苏打或者一些咖啡渣，能吸走异味。"),
    ("What is the square root of 81?", "The square root of 81 is 9."),
    ("早餐吃什么健康？", "燕麦、鸡蛋和水果搭配，营养比较均衡。"),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci painted the Mona Lisa."),
    ("怎么清洗水壶水垢？", "加白醋或柠檬酸煮一会儿，再冲洗干净。"),
    ("What is the freezing point of water?", "Water freezes at 0 degrees Celsius at sea level."),
    ("多久换一次牙刷？", "一般三个月换一次，刷毛炸开就要提前换。"),
    ("How many continents are there?", "There are seven continents."),
]


def qa(q, a, system=SYS):
    return chat(q, a, system)


for q, a in TRAIN_QA:
    add(TRAIN_A, qa(q, a), note="train record")
for q, a in TRAIN_B_QA:
    add(TRAIN_B, qa(q, a), note="train record (parquet)")

# eval: exact, case/whitespace, near, other-system, parquet-origin, distinct, paraphrase
add(EVAL, qa(*TRAIN_QA[0]), must=["D004"], note="exact copy of train_a line 1")
add(EVAL, qa(*TRAIN_QA[3]), must=["D004"], note="exact copy of train_a line 4")
add(EVAL, qa(*TRAIN_QA[5], system="You are a concise assistant."), must=["D004"], may=["P002", "S004"],
    note="copy of train_a line 6 under another system prompt (user+assistant text equal)")
add(EVAL, qa(TRAIN_QA[7][0].upper(), TRAIN_QA[7][1].upper()), must=["D004"], note="copy of train_a line 8 in upper case (case ignored)")
add(EVAL, qa("What  does CPU   stand for?", "CPU stands for  Central Processing Unit."), must=["D004"], note="train_a line 8 with runs of spaces")
q, a = TRAIN_QA[9]
a_near = a.replace("colors", "colours")
add(EVAL, qa(q, a_near), must=["D004"], note="near copy of train_a line 10")
q, a = TRAIN_QA[12]
add(EVAL, qa(q, a.replace("加盐", "加点盐")), must=["D004"], note="near copy of train_a line 13 (one char added)")
add(EVAL, qa(*TRAIN_B_QA[1]), must=["D004"], note="exact copy of a parquet train row (row 2)")
add(EVAL, qa(TRAIN_B_QA[4][0], TRAIN_B_QA[4][1].replace("比较", "很")), must=["D004"], note="near copy of parquet train row 5")
add(EVAL, {"messages": [sysm(), u(TRAIN_QA[14][0]), asst(TRAIN_QA[14][1]), u("谢谢"), asst("不客气。")]}, may=["D004"],
    note="train_a line 15 extended by a second exchange (similarity depends on the text compared)")
# distinct eval records (look-alikes)
EVAL_DISTINCT = [
    ("怎么泡红茶？", "红茶用沸水冲泡，三到五分钟，可以加点牛奶。"),
    ("How far is the Sun?", "About 150 million kilometres from Earth."),
    ("What is the boiling point of ethanol?", "Ethanol boils at about 78 degrees Celsius."),
    ("怎么养多肉？", "多晒太阳少浇水，盆土要透气。"),
    ("What does GPU stand for?", "GPU means Graphics Processing Unit, a chip for parallel work."),
    ("Who wrote Macbeth?", "Macbeth is also by Shakespeare, written around 1606."),
    ("What is the capital of Korea?", "Seoul is the capital of South Korea."),
    ("狗能吃葡萄吗？", "不能，葡萄可能让狗肾衰竭。"),
    ("How many legs does an insect have?", "Insects have six legs."),
    ("怎么挑哈密瓜？", "闻起来香、网纹密、按着有点弹性的比较熟。"),
    ("Which is the smallest planet?", "Mercury is the smallest planet."),
    ("午睡多久合适？", "二十到三十分钟比较好，太久醒来会更困。"),
]
for q, a in EVAL_DISTINCT:
    for (tq, ta) in TRAIN_QA + TRAIN_B_QA:
        r = fuzz.ratio(q + a, tq + ta)
        assert r < 80, (q, tq, r)
    add(EVAL, qa(q, a), note="distinct eval record (same topic area, not a copy)")
for (q, a) in [(TRAIN_QA[0][0], "我更喜欢喝咖啡，不太懂茶，建议查查茶叶包装上的说明，比较靠谱也比较方便。")]:
    assert fuzz.ratio(q + a, TRAIN_QA[0][0] + TRAIN_QA[0][1]) < 70
    add(EVAL, qa(q, a), note="same user question as train_a line 1, different long answer (ratio < 70)")
# near-copy ratios
for ev, tr in [((TRAIN_QA[9][0], a_near), TRAIN_QA[9])]:
    assert fuzz.ratio(ev[0] + ev[1], tr[0] + tr[1]) >= 93

# alpaca eval
add(EVAL_ALP, alp(TRAIN_QA[1][0], TRAIN_QA[1][1]), must=["D004", "S004"], note="[KEY FIXED: S004 must: the splits folder is checked as one dataset and most of its records have a system message] alpaca copy of train_a line 2 (shape-independent)")
add(EVAL_ALP, alp(TRAIN_QA[20][0], TRAIN_QA[20][1]), must=["D004", "S004"], note="[KEY FIXED: S004 must: the splits folder is checked as one dataset and most of its records have a system message] alpaca copy of train_a line 21")
add(EVAL_ALP, alp(TRAIN_B_QA[6][0], TRAIN_B_QA[6][1]), must=["D004", "S004"], note="[KEY FIXED: S004 must: the splits folder is checked as one dataset and most of its records have a system message] alpaca copy of parquet row 7")
add(EVAL_ALP, alp("What is the capital of France?", "Paris is the capital of France."), must=["S004"], note="[KEY FIXED: S004 must, as above] distinct alpaca eval")
add(EVAL_ALP, alp("怎么煮米饭？", "米和水大约一比一点二，电饭煲煮好焖十分钟。"), must=["S004"], note="[KEY FIXED: S004 must, as above] distinct alpaca eval")
add(EVAL_ALP, alp("Who discovered penicillin?", "Alexander Fleming discovered penicillin in 1928."), must=["S004"], note="[KEY FIXED: S004 must, as above] distinct alpaca eval")


# ================================================================ write everything
def write_jsonl(path, recs):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_parquet(path, recs):
    pq.write_table(pa.Table.from_pylist(recs), path)


def main():
    for d in (CORPUS, SPLITS):
        if os.path.exists(d):
            shutil.rmtree(d)
    os.makedirs(os.path.join(CORPUS, "media"))
    os.makedirs(os.path.join(SPLITS, "train"))
    for name, data in MEDIA_FILES.items():
        with open(os.path.join(CORPUS, "media", name), "wb") as f:
            f.write(data)
    with open(os.path.join(ROOT, "outside.png"), "wb") as f:
        f.write(PNG)
    os.symlink(os.path.join(ROOT, "outside.png"), os.path.join(CORPUS, "media", "link.png"))

    split_files = {TRAIN_A, TRAIN_B, EVAL, EVAL_ALP}
    key = {"files": {}, "records": {}}
    for rel, recs in FILES.items():
        base = SPLITS if rel in split_files else CORPUS
        out = os.path.join(base, rel)
        relkey = os.path.relpath(out, ROOT)
        if rel.endswith(".parquet"):
            write_parquet(out, recs)
        else:
            write_jsonl(out, recs)
        key["files"][relkey] = {str(k): v for k, v in KEY[rel].items()}
        key["records"][relkey] = {str(i + 1): r for i, r in enumerate(recs)}

    with open(os.path.join(CORPUS, "sftlint.toml"), "w") as f:
        f.write("# planted corpus (v2 data kinds); no system prompt configured\n")
    with open(os.path.join(SPLITS, "sftlint.toml"), "w") as f:
        f.write('[splits]\ntrain = ["train"]\neval = ["eval.jsonl", "eval_alpaca.jsonl"]\n')
    with open(os.path.join(ROOT, "key.json"), "w", encoding="utf-8") as f:
        json.dump(key, f, ensure_ascii=False, indent=1)
    n = sum(len(v) for v in FILES.values())
    planted = sum(1 for rel in KEY for e in KEY[rel].values() if e["must"] or e["any"])
    print(f"{len(FILES)} files, {n} records, {planted} planted, {n - planted} clean/look-alike")


if __name__ == "__main__":
    main()
