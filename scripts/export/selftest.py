#!/usr/bin/env python3
"""Self-test helpers for export_onnx.py on tiny random-init checkpoints (no downloads).

    python scripts/export/selftest.py make-tiny --family llava-1.5 --out /tmp/tiny-hf
    python scripts/export/selftest.py reference --model /tmp/tiny-hf --family llava-1.5 --inputs in.json --out ref.json

make-tiny writes a llava-hf checkpoint (LlavaForConditionalGeneration for llava-1.5,
LlavaNextForConditionalGeneration for llava-1.6) with a 2-layer CLIP tower and a 2-layer Llama, random
weights from torch.manual_seed(0), a byte-level BPE fast tokenizer with <s>, </s>, <image> and the
processor configs. reference reads {input_ids, pixel_values, pixel_shape, image_sizes?, max_new_tokens}
(the ids and pixels vlmbench's ONNX backend used) and writes PyTorch's greedy tokens, EOS ignored.
test/backends/onnx/export.test.ts drives both and compares the tokens with the ONNX backend's.
"""
from __future__ import annotations

import argparse
import json
import sys

SIZE, PATCH = 32, 8


def make_tiny(family: str, out: str) -> None:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import (CLIPImageProcessor, CLIPVisionConfig, LlamaConfig, LlavaConfig, LlavaForConditionalGeneration,
                              LlavaNextConfig, LlavaNextForConditionalGeneration, LlavaNextImageProcessor, LlavaNextProcessor,
                              LlavaProcessor, PreTrainedTokenizerFast)

    torch.manual_seed(0)
    # Byte-level BPE over the 256 byte symbols (no merges), then the specials.
    vocab = {c: i for i, c in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    specials = ["<s>", "</s>", "<image>", "<pad>"]
    for t in specials:
        vocab[t] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", vocab["<s>"])])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    fast.add_special_tokens({"additional_special_tokens": ["<image>"]})

    vision = CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                              image_size=SIZE, patch_size=PATCH, projection_dim=32)
    text = LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                       num_key_value_heads=2, vocab_size=len(vocab), max_position_embeddings=512,
                       bos_token_id=vocab["<s>"], eos_token_id=vocab["</s>"], pad_token_id=vocab["<pad>"])
    common = dict(vision_config=vision, text_config=text, image_token_index=vocab["<image>"],
                  vision_feature_layer=-2, vision_feature_select_strategy="default")
    clip = dict(size={"shortest_edge": SIZE}, crop_size={"height": SIZE, "width": SIZE})
    if family == "llava-1.6":
        pins = [[SIZE, 2 * SIZE], [2 * SIZE, SIZE], [2 * SIZE, 2 * SIZE]]
        model = LlavaNextForConditionalGeneration(LlavaNextConfig(**common, image_grid_pinpoints=pins))
        processor = LlavaNextProcessor(image_processor=LlavaNextImageProcessor(**clip, image_grid_pinpoints=pins),
                                       tokenizer=fast, patch_size=PATCH, vision_feature_select_strategy="default")
    else:
        model = LlavaForConditionalGeneration(LlavaConfig(**common))
        processor = LlavaProcessor(image_processor=CLIPImageProcessor(**clip), tokenizer=fast, patch_size=PATCH,
                                   vision_feature_select_strategy="default")
    model.eval().save_pretrained(out)
    processor.save_pretrained(out)
    fast.save_pretrained(out)


def reference(model_path: str, family: str, inputs_file: str, out: str) -> None:
    import torch
    from transformers import LlavaForConditionalGeneration, LlavaNextForConditionalGeneration

    cls = LlavaNextForConditionalGeneration if family == "llava-1.6" else LlavaForConditionalGeneration
    model = cls.from_pretrained(model_path, torch_dtype=torch.float32, attn_implementation="eager").eval()
    with open(inputs_file) as f:
        inp = json.load(f)
    ids = torch.tensor([inp["input_ids"]], dtype=torch.long)
    kw = dict(input_ids=ids, attention_mask=torch.ones_like(ids),
              pixel_values=torch.tensor(inp["pixel_values"], dtype=torch.float32).reshape(inp["pixel_shape"]))
    if family == "llava-1.6":
        kw["pixel_values"] = kw["pixel_values"].unsqueeze(0)  # [1, tiles, 3, H, W]
        kw["image_sizes"] = torch.tensor([inp["image_sizes"]], dtype=torch.long)  # [[height, width]]
    with torch.no_grad():
        gen = model.generate(**kw, max_new_tokens=inp["max_new_tokens"], min_new_tokens=inp["max_new_tokens"],
                             do_sample=False, num_beams=1)
    with open(out, "w") as f:
        json.dump({"tokens": gen[0, ids.shape[1]:].tolist()}, f)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-tiny")
    m.add_argument("--family", choices=("llava-1.5", "llava-1.6"), required=True)
    m.add_argument("--out", required=True)
    r = sub.add_parser("reference")
    r.add_argument("--family", choices=("llava-1.5", "llava-1.6"), required=True)
    r.add_argument("--model", required=True)
    r.add_argument("--inputs", required=True)
    r.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if a.cmd == "make-tiny":
        make_tiny(a.family, a.out)
    else:
        reference(a.model, a.family, a.inputs, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
