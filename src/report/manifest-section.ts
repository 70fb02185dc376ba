import { stringify } from 'yaml';
import type { LoadedRun } from '../results/files.ts';
import { escapeHtml as e } from './escape.ts';
import { table } from './tables.ts';

function kib(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(2)} GiB` : bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The run manifest: models, backends, execution providers, file hashes, datasets, hardware. */
export function manifestSection(run: LoadedRun): string {
  const m = run.manifest;
  const hw = m.hardware;
  const facts: Array<[string, string | undefined]> = [
    ['run id', m.runId], ['created', m.createdAt], ['vlmbench', m.vlmbenchVersion], ['git commit', m.gitCommit],
    ['node', m.node], ['config hash', m.configHash],
    ['hardware', hw ? `${hw.cpuModel} · ${hw.cores} cores · ${hw.memoryGiB} GiB · GPUs: ${hw.gpus.length ? hw.gpus.join(', ') : 'none'} · ${hw.platform}` : undefined],
    ['hardware id', hw?.id], ['shard', m.shard ? `${m.shard.index + 1}/${m.shard.count}` : undefined],
  ];
  const models = table(
    ['model', 'family', 'template', 'backend', 'device', 'runtime / execution provider', 'template hash', 'files (sha256)', 'warnings'],
    (m.models ?? []).map((x) => [
      e(x.id), e(x.family), e(x.template ?? ''), e(x.backend), e(x.device ?? ''), e(x.runtime ?? ''),
      `<code>${e(m.templateHashes?.[x.id] ?? '')}</code>`,
      x.files.map((f) => `${e(f.path)} (${kib(f.size)})<br><code class="hash">${e(f.sha256)}</code>`).join('<br>'),
      (x.warnings ?? []).map((w) => `<span class="warn">${e(w)}</span>`).join('<br>'),
    ]),
  );
  const datasets = table(['suite', 'dataset', 'hash'], Object.entries(m.datasets ?? {}).map(([k, d]) => [e(k), e(d.path), `<code class="hash">${e(d.hash)}</code>`]));
  const packages = Object.entries(m.packages ?? {}).map(([k, v]) => `${e(k)} ${e(v)}`).join(' · ');
  return `<div class="manifest"><h3>Run ${e(m.runId)}</h3>` +
    `<dl>${facts.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>` +
    `<h4>Models</h4>${models}<h4>Datasets</h4>${datasets}` +
    (packages ? `<h4>Packages</h4><p class="small">${packages}</p>` : '') +
    `<details><summary>Resolved config (secrets redacted)</summary><pre class="yaml">${e(stringify(m.config))}</pre></details></div>`;
}
