/**
 * Model families this backend serves: those whose vision tower + projector libmtmd loads from a GGUF
 * mmproj (projector type `mlp`, with AnyRes for 1.6). LLaVA v1 (linear projector), VILA1.5
 * (`mlp_downsample`) and TinyLLaVA have no projector type in libmtmd; serve them through ONNX or HTTP.
 */
export const LLAMA_CPP_FAMILIES = ['llava-1.5', 'llava-1.6'] as const;

export type LlamaCppFamily = (typeof LLAMA_CPP_FAMILIES)[number];

export function isLlamaCppFamily(family: string): family is LlamaCppFamily {
  return (LLAMA_CPP_FAMILIES as readonly string[]).includes(family);
}

/** The marker libmtmd replaces with image embeddings (llama.cpp `tools/mtmd/mtmd.h` `mtmd_default_marker`). */
export const LLAMA_CPP_MEDIA_MARKER = '<__media__>';
