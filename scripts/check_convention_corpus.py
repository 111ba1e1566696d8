"""Compares `netcost report FILE.onnx --convention NAME` with the counters' totals:
ONNX files from scripts/export_convention_corpus.py in ONNX_DIR, truths from
scripts/counter_truth.py in TRUTH_DIR (one MODEL.json each); with `--training`, also
FlopCounterMode's backward total.

    python3 scripts/check_convention_corpus.py .build/release/netcost ONNX_DIR TRUTH_DIR
"""
import json, subprocess, sys, os
binary, onnx_dir, truth_dir = sys.argv[1:4]
keys = {'ptflops':'ptflops_macs','ptflops-aten':'ptflops_aten_macs','fvcore':'fvcore_total','thop':'thop_ops','flopcounter':'flopcounter_forward','torchinfo':'torchinfo_mult_adds'}
ok = bad = 0
for f in sorted(os.listdir(onnx_dir)):
    name = f[:-5]
    try: m = json.load(open(f'{truth_dir}/{name}.json'))
    except Exception: continue
    flat = {'ptflops_macs': m.get('ptflops',{}).get('macs'), 'ptflops_aten_macs': m.get('ptflops_aten',{}).get('macs'), 'fvcore_total': m.get('fvcore',{}).get('total'),
            'thop_ops': m.get('thop',{}).get('ops'), 'flopcounter_forward': m.get('flopcounter',{}).get('forward'), 'torchinfo_mult_adds': m.get('torchinfo',{}).get('mult_adds')}
    line = []
    for conv, key in keys.items():
        truth = flat.get(key)
        if truth is None: continue
        r = subprocess.run([binary,'report',f'{onnx_dir}/{f}','--convention',conv,'--format','json'],capture_output=True,text=True)
        try: got = json.loads(r.stdout)['convention']['total']
        except Exception: got = 'ERR ' + r.stderr[-100:]
        if got == truth: ok += 1; line.append(f"{conv}=ok")
        else: bad += 1; line.append(f"{conv}:{(got-truth) if isinstance(got,int) else got}")
    # FlopCounterMode's backward pass, the image needing no gradient (as `--training` counts it).
    truth = m.get('flopcounter', {}).get('backward_input_no_grad')
    if truth is not None:
        r = subprocess.run([binary,'report',f'{onnx_dir}/{f}','--convention','flopcounter','--training','--format','json'],capture_output=True,text=True)
        try: got = json.loads(r.stdout)['training']['backward_flops']
        except Exception: got = 'ERR ' + r.stderr[-100:]
        if got == truth: ok += 1; line.append("flopcounter backward=ok")
        else: bad += 1; line.append(f"flopcounter backward:{(got-truth) if isinstance(got,int) else got}")
    print(name, ' | '.join(line))
print(ok, 'exact,', bad, 'differ')
