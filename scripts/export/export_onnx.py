#!/usr/bin/env python3
"""Export a LLaVA-family checkpoint to the folder layout vlmbench's ONNX backend reads.

    python scripts/export/export_onnx.py --family llava-1.5 --model llava-hf/llava-1.5-7b-hf \
        --out models/llava-1.5-7b-onnx [--dtype fp32|fp16|int8|q4] [--source hf|repo] [--opset 17]

Writes onnx/vision_encoder{sfx}.onnx (pixel_values -> image_features [, image_newline]),
onnx/embed_tokens{sfx}.onnx (input_ids -> inputs_embeds) and onnx/decoder_model_merged{sfx}.onnx
(inputs_embeds, attention_mask, position_ids, past_key_values.{l}.key/value -> logits,
present.{l}.key/value), plus config.json, generation_config.json, tokenizer.json,
tokenizer_config.json and preprocessor_config.json. {sfx}: '' (fp32), '_fp16', '_quantized' (int8
weights, dynamic quantisation) or '_q4' (4-bit MatMulNBits) -- the transformers.js dtype suffixes
that `backend.dtype` selects.

Where the checkpoint comes from (`--source`):
  hf    transformers classes: llava-hf LLaVA-1.5 (LlavaForConditionalGeneration), llava-hf LLaVA-1.6
        (LlavaNextForConditionalGeneration), TinyLLaVA `-hf` checkpoints (trust_remote_code).
  repo  the family's own code on PYTHONPATH: haotian-liu/LLaVA for LLaVA v1 checkpoints,
        NVlabs/VILA for VILA1.5 (`llava.model.builder.load_pretrained_model` in both).
The vision graph does the family's feature selection and projector, so image_features has exactly the
family's token count (576 / 729 / 196 ...); `vlmbench models inspect <out>` prints what it expects.

Needs: torch, transformers, onnx, onnxruntime (fp16/int8/q4 conversion). Nothing is downloaded unless
--model is a Hugging Face id and the machine is online.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

FAMILIES = ("llava-v1", "llava-1.5", "llava-1.6", "tinyllava", "vila")
DTYPE_SUFFIX = {"fp32": "", "fp16": "_fp16", "int8": "_quantized", "q4": "_q4"}
DEFAULT_SOURCE = {"llava-v1": "repo", "llava-1.5": "hf", "llava-1.6": "hf", "tinyllava": "hf", "vila": "repo"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--family", required=True, choices=FAMILIES)
    p.add_argument("--model", required=True, help="Hugging Face id or local checkpoint folder")
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--dtype", default="fp32", choices=sorted(DTYPE_SUFFIX))
    p.add_argument("--source", choices=("hf", "repo"), help="default: repo for llava-v1 and vila, hf otherwise")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--trust-remote-code", action="store_true", help="needed for TinyLLaVA -hf checkpoints")
    return p.parse_args(argv)


class Parts:
    """The pieces of one checkpoint the three graphs are cut from."""

    def __init__(self, *, select, projector, newline, embed, lm, layers, kv_heads, head_dim, hidden,
                 config, merge, save_side_files):
        self.select = select            # pixel_values -> selected tower features [B, N, C]
        self.projector = projector      # [B, N, C] -> [B, N', D]
        self.newline = newline          # LLaVA-1.6 image_newline [D] or None
        self.embed = embed              # nn.Embedding
        self.lm = lm                    # causal LM taking inputs_embeds
        self.layers, self.kv_heads, self.head_dim, self.hidden = layers, kv_heads, head_dim, hidden
        self.config = config            # dict for config.json
        self.merge = merge              # 'repeat' (image token expanded) or 'splice' (-200 placeholder)
        self.save_side_files = save_side_files


def _text_sizes(cfg):
    heads = cfg.num_attention_heads
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // heads
    return cfg.num_hidden_layers, getattr(cfg, "num_key_value_heads", None) or heads, head_dim, cfg.hidden_size


def _hf_select(tower, layer: int, strategy: str):
    # transformers LlavaModel.get_image_features: hidden_states[vision_feature_layer], 'default' drops CLS.
    def select(pixel_values):
        hidden = tower(pixel_values, output_hidden_states=True).hidden_states[layer]
        return hidden[:, 1:] if strategy in ("default", "patch") else hidden
    return select


def load_hf(family: str, model_path: str, trust_remote_code: bool) -> Parts:
    import torch
    from transformers import AutoConfig, AutoProcessor, AutoTokenizer

    config = AutoConfig.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    kw = dict(torch_dtype=torch.float32, attn_implementation="eager")
    if family in ("llava-1.5", "llava-v1", "llava-1.6"):
        from transformers import LlavaForConditionalGeneration, LlavaNextForConditionalGeneration
        cls = LlavaNextForConditionalGeneration if family == "llava-1.6" else LlavaForConditionalGeneration
        model = cls.from_pretrained(model_path, **kw).eval()
        inner = getattr(model, "model", model)  # transformers >= 4.52 nests the parts under .model
        tower = getattr(inner, "vision_tower")
        projector = getattr(inner, "multi_modal_projector")
        newline = getattr(inner, "image_newline", None)
        sizes = _text_sizes(config.text_config)

        def save(out):
            AutoProcessor.from_pretrained(model_path).save_pretrained(out)
            AutoTokenizer.from_pretrained(model_path, use_fast=True).save_pretrained(out)
            model.generation_config.save_pretrained(out)
        return Parts(select=_hf_select(tower, config.vision_feature_layer, config.vision_feature_select_strategy),
                     projector=projector, newline=newline, embed=model.get_input_embeddings(), lm=model,
                     layers=sizes[0], kv_heads=sizes[1], head_dim=sizes[2], hidden=sizes[3],
                     config=config.to_dict(), merge="repeat", save_side_files=save)
    if family == "tinyllava":
        # TinyLLaVA_Factory `-hf` checkpoints (modeling_tinyllava_*.py): vision_tower._vision_tower,
        # connector, language_model; VisionTower.forward selects hidden_states[vision_feature_layer] and
        # drops index 0 for strategy 'patch'.
        from transformers import AutoModelForCausalLM
        if not trust_remote_code:
            sys.exit("tinyllava -hf checkpoints need --trust-remote-code (their modeling code ships with the weights)")
        model = AutoModelForCausalLM.from_pretrained(model_path, trust_remote_code=True, **kw).eval()
        tower = model.vision_tower._vision_tower
        layer = getattr(config, "vision_feature_layer", -2)
        strategy = getattr(config, "vision_feature_select_strategy", "patch")
        lm = model.language_model
        sizes = _text_sizes(lm.config)
        cfg = config.to_dict()
        cfg["text_config"] = lm.config.to_dict()
        cfg["vision_config"] = tower.config.to_dict()

        def save(out):
            AutoTokenizer.from_pretrained(model_path, use_fast=True, trust_remote_code=True).save_pretrained(out)
            model.vision_tower._image_processor.save_pretrained(out)  # the SigLIP processor it was built with
            lm.generation_config.save_pretrained(out)
        return Parts(select=_hf_select(tower, layer, strategy), projector=model.connector, newline=None,
                     embed=lm.get_input_embeddings(), lm=lm, layers=sizes[0], kv_heads=sizes[1], head_dim=sizes[2],
                     hidden=sizes[3], config=cfg, merge="splice", save_side_files=save)
    sys.exit(f"--source hf does not cover {family}: use --source repo with the family's own repository on PYTHONPATH")


def load_repo(family: str, model_path: str) -> Parts:
    """haotian-liu/LLaVA (LLaVA v1) or NVlabs/VILA: both expose llava.model.builder.load_pretrained_model."""
    try:
        from llava.mm_utils import get_model_name_from_path
        from llava.model.builder import load_pretrained_model
    except ImportError:
        repo = "haotian-liu/LLaVA" if family == "llava-v1" else "NVlabs/VILA"
        sys.exit(f"--source repo needs {repo} importable as `llava` (pip install -e <clone>)")
    # Keywords: LLaVA's signature is (model_path, model_base, model_name, ...), VILA's (model_path, model_name, model_base, ...).
    tokenizer, model, image_processor, _ = load_pretrained_model(
        model_path=model_path, model_base=None, model_name=get_model_name_from_path(model_path), device_map="cpu", device="cpu")
    model = model.float().eval()
    # VILA: get_llm() is the causal LM; LLaVA: the LlavaLlamaForCausalLM itself (images=None -> plain LM).
    lm = model.get_llm() if hasattr(model, "get_llm") else model
    vision = model.get_vision_tower()  # its forward already applies mm_vision_select_layer / _feature
    projector = model.get_mm_projector() if hasattr(model, "get_mm_projector") else model.get_model().mm_projector
    sizes = _text_sizes(lm.config)
    cfg = model.config.to_dict()
    cfg["text_config"] = lm.config.to_dict()
    cfg["vision_config"] = {"image_size": vision.config.image_size, "patch_size": vision.config.patch_size,
                            "model_type": vision.config.model_type}

    def save(out):
        # The ONNX backend reads tokenizer.json: the repos load slow SentencePiece tokenizers, so convert.
        from transformers import AutoTokenizer
        try:
            AutoTokenizer.from_pretrained(model_path, use_fast=True).save_pretrained(out)
        except (OSError, ValueError):
            tokenizer.save_pretrained(out)
        image_processor.save_pretrained(out)
        lm.generation_config.save_pretrained(out)
    return Parts(select=lambda px: vision(px), projector=projector, newline=None, embed=lm.get_input_embeddings(),
                 lm=lm, layers=sizes[0], kv_heads=sizes[1], head_dim=sizes[2], hidden=sizes[3], config=cfg,
                 merge="splice", save_side_files=save)


def _cache_layers(cache):
    """(key, value) per layer from any transformers cache generation (layers / key_cache / tuples)."""
    if hasattr(cache, "layers"):
        return [(layer.keys, layer.values) for layer in cache.layers]
    if hasattr(cache, "key_cache"):
        return list(zip(cache.key_cache, cache.value_cache))
    return [tuple(kv) for kv in cache]


def export_graphs(parts: Parts, onnx_dir: str, image_size: int, opset: int) -> None:
    import torch
    from transformers.cache_utils import DynamicCache

    import inspect
    export_kw = {"opset_version": opset, "do_constant_folding": True}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        export_kw["dynamo"] = False  # TorchScript exporter: stable names and dynamic axes

    class Vision(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.projector = parts.projector
            self.newline = parts.newline

        def forward(self, pixel_values):
            features = self.projector(parts.select(pixel_values))
            return (features, self.newline) if self.newline is not None else features

    class Embed(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = parts.embed

        def forward(self, input_ids):
            return self.embed(input_ids)

    class Decoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lm = parts.lm

        def forward(self, inputs_embeds, attention_mask, position_ids, *past):
            cache = DynamicCache()
            for layer in range(parts.layers):
                cache.update(past[2 * layer], past[2 * layer + 1], layer)
            out = self.lm(inputs_embeds=inputs_embeds, attention_mask=attention_mask, position_ids=position_ids,
                          past_key_values=cache, use_cache=True, return_dict=True)
            presents = [t for kv in _cache_layers(out.past_key_values) for t in kv]
            return (out.logits, *presents)

    pixel = torch.randn(1, 3, image_size, image_size)
    vision_out = ["image_features"] + (["image_newline"] if parts.newline is not None else [])
    with torch.no_grad():
        torch.onnx.export(Vision().eval(), (pixel,), os.path.join(onnx_dir, "vision_encoder.onnx"),
                          input_names=["pixel_values"], output_names=vision_out,
                          dynamic_axes={"pixel_values": {0: "batch_size"}, "image_features": {0: "batch_size"}}, **export_kw)
        ids = torch.tensor([[1, 2, 3]], dtype=torch.long)
        torch.onnx.export(Embed().eval(), (ids,), os.path.join(onnx_dir, "embed_tokens.onnx"),
                          input_names=["input_ids"], output_names=["inputs_embeds"],
                          dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                                        "inputs_embeds": {0: "batch_size", 1: "sequence_length"}}, **export_kw)
        # Traced with a non-empty past so the Concat paths exist; at run time the first step feeds
        # zero-length past tensors (as transformers.js does).
        seq, past_len = 3, 2
        embeds = torch.randn(1, seq, parts.hidden)
        mask = torch.ones(1, past_len + seq, dtype=torch.long)
        pos = torch.arange(past_len, past_len + seq, dtype=torch.long).unsqueeze(0)
        past = [torch.randn(1, parts.kv_heads, past_len, parts.head_dim) for _ in range(2 * parts.layers)]
        kv_names = [f"{l}.{kind}" for l in range(parts.layers) for kind in ("key", "value")]
        dyn = {"inputs_embeds": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
        for n in kv_names:
            dyn[f"past_key_values.{n}"] = {0: "batch_size", 2: "past_sequence_length"}
            dyn[f"present.{n}"] = {0: "batch_size", 2: "total_sequence_length"}
        torch.onnx.export(Decoder().eval(), (embeds, mask, pos, *past), os.path.join(onnx_dir, "decoder_model_merged.onnx"),
                          input_names=["inputs_embeds", "attention_mask", "position_ids", *[f"past_key_values.{n}" for n in kv_names]],
                          output_names=["logits", *[f"present.{n}" for n in kv_names]], dynamic_axes=dyn, **export_kw)


def convert_dtype(onnx_dir: str, dtype: str) -> None:
    """fp32 graphs -> the requested dtype, written under the transformers.js suffix; external data kept in one file."""
    import onnx
    for graph in ("vision_encoder", "embed_tokens", "decoder_model_merged"):
        src = os.path.join(onnx_dir, f"{graph}.onnx")
        dst = os.path.join(onnx_dir, f"{graph}{DTYPE_SUFFIX[dtype]}.onnx")
        if dtype == "fp16":
            from onnxruntime.transformers.float16 import convert_float_to_float16
            model = convert_float_to_float16(onnx.load(src), keep_io_types=False, disable_shape_infer=True)
            _save(model, dst)
        elif dtype == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic
            quantize_dynamic(src, dst, weight_type=QuantType.QInt8, use_external_data_format=True)
        elif dtype == "q4":
            try:
                from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer as Quantizer
            except ImportError:
                from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer as Quantizer
            q = Quantizer(onnx.load(src), block_size=32, is_symmetric=True)
            q.process()
            _save(q.model.model, dst)
        if dtype != "fp32":
            _remove(src)


def _save(model, path: str) -> None:
    import onnx
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=os.path.basename(path) + "_data", size_threshold=1024)


def _remove(path: str) -> None:
    for p in (path, path + "_data"):
        if os.path.exists(p):
            os.remove(p)


def write_config(parts: Parts, out: str, family: str, source: str) -> None:
    cfg = dict(parts.config)
    cfg.setdefault("text_config", {})
    cfg["vlmbench_export"] = {"family": family, "source": source, "merge": parts.merge,
                              "exporter": "scripts/export/export_onnx.py"}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, default=str)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    source = args.source or DEFAULT_SOURCE[args.family]
    try:
        import torch  # noqa: F401
        import onnx  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as err:
        print(f"export_onnx: {err.name} is not installed (pip install torch transformers onnx onnxruntime)", file=sys.stderr)
        return 2
    parts = load_hf(args.family, args.model, args.trust_remote_code) if source == "hf" else load_repo(args.family, args.model)
    vision_cfg = parts.config.get("vision_config") or {}
    image_size = int(vision_cfg.get("image_size", 336))
    onnx_dir = os.path.join(args.out, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    export_graphs(parts, onnx_dir, image_size, args.opset)
    convert_dtype(onnx_dir, args.dtype)
    parts.save_side_files(args.out)
    write_config(parts, args.out, args.family, source)
    merge = f"merge: {parts.merge}" + ("" if parts.merge == "repeat" else " (the family's own tokenizer_image_token)")
    print(f"wrote {args.out} ({args.dtype}); use backend: {{ type: onnx, dir: {args.out}, dtype: '{DTYPE_SUFFIX[args.dtype].lstrip('_')}', {merge} }}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
