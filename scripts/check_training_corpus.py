"""Compares `netcost memory MODEL.onnx --training` with the PyTorch truths that
scripts/training_memory_corpus.py records (batch 1; the exports fix their batch).

    python3 scripts/check_training_corpus.py .build/release/netcost corpus_train/truth.json
"""
import json, subprocess, sys
binary = sys.argv[1]
d = json.load(open(sys.argv[2]))
exact = 0
for x in d:
    if not x.get('onnx'): continue
    got = {}
    for b in ('1',):
        r = subprocess.run([binary, 'memory', x['onnx'], '--training', '--batch', b, '--format', 'json'], capture_output=True, text=True)
        try:
            t = json.loads(r.stdout)['training']; got[b] = (t['saved_activation_bytes'], t['partial'])
        except Exception as e:
            got[b] = ('ERR', r.stderr.strip()[-150:])
    ok = all(got[b][0] == x['saved_bytes'][b] for b in got)
    exact += ok
    diff = [ (got[b][0] - x['saved_bytes'][b]) if isinstance(got[b][0], int) else got[b] for b in ('1',)]
    print(f"{'OK  ' if ok else 'DIFF'} {x['name']:24} truth1={x['saved_bytes']['1']:>11} diff={diff} partial={got['1'][1] if isinstance(got['1'][0], int) else ''}")
print(exact, 'of', len(d))
