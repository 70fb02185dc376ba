#!/usr/bin/python3
"""Golden values for src/scoring/ocrbench.ts, computed by the upstream scoring code itself.

Run (upstream checkouts outside this repository):
  /usr/bin/python3 scripts/golden/ocrbench.py \\
      <MultimodalOCR>/OCRBench/scripts/LLaVA1_5.py <lmms-eval>/lmms_eval/tasks/ocrbench/utils.py \\
      [<MultimodalOCR commit> <lmms-eval commit>] > test/scoring/golden/ocrbench.json

- 'ocrbench': the scoring loop of Yuliang-Liu/MultimodalOCR `OCRBench/scripts/LLaVA1_5.py` (the block
  from `if dataset_name == "HME100k":` to `save_json(`), executed as written for each case.
- 'lmms-eval': EvolvingLMMs-Lab/lmms-eval `lmms_eval/tasks/ocrbench/utils.py`
  `ocrbench_process_results`, with its two imports (loguru, lmms_eval file utils) stubbed.
Nothing from those files is copied here: they are read from the paths given.
"""
import json
import sys
import textwrap

original_path, lmms_path = sys.argv[1], sys.argv[2]
commits = sys.argv[3:5] if len(sys.argv) >= 5 else ["", ""]

# --- original OCRBench script: cut its scoring block out of the file and run it per case
lines = open(original_path, encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if l.strip() == 'if dataset_name == "HME100k":')
end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("save_json("))
block = textwrap.dedent("\n".join(lines[start:end]))
original_code = compile(block, original_path, "exec")


def original(prediction, answers, dataset_name):
    data = [{"predict": prediction}]
    env = {"data": data, "i": 0, "answers": answers, "dataset_name": dataset_name, "predict": prediction}
    data[0]["result"] = 0
    exec(original_code, env)
    return data[0]["result"]


# --- lmms-eval: load utils.py with its imports stubbed
src = open(lmms_path, encoding="utf-8").read()
src = src.replace("from loguru import logger", "logger = None")
src = src.replace("from lmms_eval.tasks._task_utils.file_utils import generate_submission_file", "generate_submission_file = None")
lmms_env = {}
exec(compile(src, lmms_path, "exec"), lmms_env)


def lmms(prediction, answers, dataset_name):
    doc = {"answer": answers, "dataset": dataset_name, "question_type": "Regular Text Recognition"}
    return lmms_env["ocrbench_process_results"](doc, [prediction])["ocrbench_accuracy"]["score"]


FW = "\uff21\uff22\uff23\uff11\uff12\uff13"  # ＡＢＣ１２３
cases = [
    ("The sign says STOP here", ["stop"], "IIIT5K"),
    ("The sign says STOP here", "stop", "IIIT5K"),
    ("sto p", "stop", "svt"),
    ("first\nsecond", "first second", "docVQA"),
    ("  Hello  ", "  hello ", "svt"),
    ("nothing", ["other", "NOTH"], "svt"),
    ("anything", "", "svt"),
    ("anything", [""], "svt"),
    ("x ^ { 2 } + 1", "x^{2}+1", "HME100k"),
    ("x^{2}+1", ["x ^ { 2 }\n+ 1"], "HME100k"),
    ("X^2", "x^2", "HME100k"),
    ("X^2", "X ^ 2", "HME100k"),
    ("X^2", ["X^2"], "HME100k"),
    ("x\t^2", "x^2", "HME100k"),
    ("\u3000x^2\u3000", "x^2", "HME100k"),
    ("\uff58^2", "x^2", "HME100k"),
    ("x ^ 2", "x^2", "svt"),
    ("X^2", "x^2", "svt"),
    (FW, "abc123", "svt"),
    (FW, ["abc123"], "ReCTS"),
    ("abc123", FW, "svt"),
    ("abc123", [FW, "zzz"], "ESTVQA_cn"),
    ("\u3000total\u3000", "total", "SROIE"),
    ("total\u3000amount", "total amount", "SROIE"),
    ("total\u3000amount", ["total amount"], "SROIE"),
    ("\uff01\uff1f", "!?", "textVQA"),
    ("\uff5e\uff5f", "~", "textVQA"),
    ("\u00a0CHINA\u00a0", "china", "IIIT5K"),
    ("\u0130stanbul", "i\u0307stanbul", "ctw"),
    ("STRASSE", "stra\u00dfe", "ctw"),
    ("Answer:\n  42", "42", "ORAND"),
    ("Answer: 4 2", ["42", "4 2"], "ORAND"),
    ("", "a", "svt"),
    ("", "", "HME100k"),
    ("\\frac { a } { b }", "\\frac{a}{b}", "HME100k"),
    ("\\FRAC{a}{b}", "\\frac{a}{b}", "HME100k"),
    ("line1\r\nline2", "line1 line2", "docVQA"),
    ("\u5317\u4eac\u5927\u5b66", "\u5317\u4eac", "ReCTS"),
]

out = []
for prediction, answers, dataset in cases:
    out.append({
        "prediction": prediction, "answers": answers, "dataset_name": dataset,
        "ocrbench": original(prediction, answers, dataset), "lmms-eval": lmms(prediction, answers, dataset),
    })
json.dump({
    "generator": "scripts/golden/ocrbench.py",
    "sources": {
        "ocrbench": f"Yuliang-Liu/MultimodalOCR OCRBench/scripts/LLaVA1_5.py {commits[0]}".strip(),
        "lmms-eval": f"EvolvingLMMs-Lab/lmms-eval lmms_eval/tasks/ocrbench/utils.py ocrbench_process_results {commits[1]}".strip(),
    },
    "cases": out,
}, sys.stdout, ensure_ascii=False, indent=1)
print()
