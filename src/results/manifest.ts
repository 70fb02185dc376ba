import type { BackendCapabilities, ServerProbe } from '../core/backend.ts';
/** manifest.json: everything needed to tell whether two runs are comparable and reproducible. */
export interface ModelFileEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface HardwareFingerprint {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  gpus: string[];
  platform: string;
  /** Short stable hash of the fields above; performance gates compare it. */
  id: string;
}

export interface RunManifest {
  runId: string;
  createdAt: string;
  vlmbenchVersion: string;
  gitCommit?: string;
  node: string;
  packages: Record<string, string>;
  /** The resolved config with secrets redacted. */
  config: unknown;
  /** The config file and CLI overrides the run was started with (resume re-applies them). */
  configFile?: string;
  overrides?: Record<string, unknown>;
  configHash: string;
  /** The evaluation part of the config, by field (`suites.<id>`, `judge`, `run.seed`): must match to compare. */
  evaluationHashes?: Record<string, string>;
  /** The model part, by model id (backend settings): reported when it differs, never an error. */
  modelHashes?: Record<string, string>;
  /** Per model: backend, family, template, device, files with hashes. */
  models: Array<{
    id: string;
    family: string;
    template?: string;
    backend: string;
    device?: string;
    runtime?: string;
    runtimeCommit?: string;
    quantization?: string;
    warnings?: string[];
    /** Remote models: the endpoint checks made before the first sample. */
    servers?: ServerProbe[];
    /** What the loaded backend can do (images, streaming, parallel sequences). */
    capabilities?: BackendCapabilities;
    files: ModelFileEntry[];
  }>;
  /** Per suite id: dataset folder and a hash of its index files (resume and gates compare it). */
  datasets: Record<string, { path: string; hash: string }>;
  /** Hash of every prompt template in use, by model id (gates refuse to compare across a change). */
  templateHashes: Record<string, string>;
  hardware: HardwareFingerprint;
  shard?: { index: number; count: number };
}
