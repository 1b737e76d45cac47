import json, collections, sys
key = json.load(open('key.json'))
main = json.load(open('out_main.json'))
p2 = json.load(open('out_p002.json'))
for f in p2:
    f['path'] = 'p002/' + f['path']
finds = main + p2
IGN = {'A001','A002','A003','U001','U002','U003','R002'}
found = collections.defaultdict(set)
dsfound = collections.defaultdict(set)
d003 = collections.defaultdict(list)
for f in finds:
    if f['code'] in IGN: continue
    if f['code'] == 'D003':
        d003[f['path']].append(f); continue
    if f['line'] is None:
        dsfound[f['path']].add(f['code'])
    else:
        found[f"{f['path']}:{f['line']}"].add(f['code'])
tp = collections.Counter(); fp = collections.Counter(); fn = collections.Counter()
fps, fns = [], []
for k, v in key['lines'].items():
    got = found.pop(k, set())
    must, opt = set(v['must']), set(v['optional'])
    for c in must & got: tp[c] += 1
    for c in must - got: fn[c] += 1; fns.append((k, c, v['note']))
    for c in got - must - opt: fp[c] += 1; fps.append((k, c, v['note']))
for k, got in found.items():
    for c in got: fp[c] += 1; fps.append((k, c, 'LINE NOT IN KEY'))
for p, v in key['dataset'].items():
    got = dsfound.pop(p, set())
    for c in set(v['must']) & got: tp[c] += 1
    for c in set(v['must']) - got: fn[c] += 1; fns.append((p, c, v['note']))
    for c in got - set(v['must']) - set(v['optional']): fp[c] += 1; fps.append((p, c, 'dataset'))
for p, got in dsfound.items():
    for c in got: fp[c] += 1; fps.append((p, c, 'dataset (unexpected path)'))
for p, groups in key['d003_groups'].items():
    fl = d003.pop(p, [])
    matched = set()
    for f in fl:
        gi = [i for i, g in enumerate(groups) if f['line'] in g]
        if gi and gi[0] not in matched: matched.add(gi[0]); tp['D003'] += 1
        else: fp['D003'] += 1; fps.append((f"{p}:{f['line']}", 'D003', f['message']))
    for i, g in enumerate(groups):
        if i not in matched: fn['D003'] += 1; fns.append((p, 'D003', str(g)))
for p, fl in d003.items():
    for f in fl: fp['D003'] += 1; fps.append((f"{p}:{f['line']}", 'D003', f['message']))
codes = sorted(set(tp) | set(fp) | set(fn))
rows = []
print('| rule | TP | FP | FN | precision | recall |'); print('|---|---|---|---|---|---|')
for c in codes:
    P = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float('nan')
    R = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else float('nan')
    print(f'| {c} | {tp[c]} | {fp[c]} | {fn[c]} | {P:.3f} | {R:.3f} |')
T = sum(tp.values()); F = sum(fp.values()); N = sum(fn.values())
print(f'| **all** | {T} | {F} | {N} | {T/(T+F):.3f} | {T/(T+N):.3f} |')
print('\nFALSE POSITIVES'); [print(' ', *x) for x in fps]
print('\nFALSE NEGATIVES'); [print(' ', *x) for x in fns]
