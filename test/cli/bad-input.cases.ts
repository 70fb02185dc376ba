/** The rows of test/cli/bad-input.test.ts: for each command, its help, bad flags, missing and malformed inputs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeRunFixture } from '../helpers/run-fixture.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';
export const STACK = /\n\s+at [\w.<]/;
/** Raw JavaScript failures that must never reach the user as the message. */
export const RAW = /TypeError|ReferenceError|Cannot read propert|is not a function|is not iterable|undefined \(reading/;

export const root = tempDir('vlmbench-bad-input-');
/** A well-formed run directory (manifest, summary, samples), written in beforeAll. */
export const good = path.join(root, 'runs', 'good');
export const p = (...s: string[]) => path.join(root, ...s);
export const nope = (name: string) => p('does-not-exist', name);
/** A path below a regular file: it can never be created. */
export const unwritable = (name: string) => p('a-file', name);

export function write(rel: string, text: string | Buffer): string {
  const file = p(rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A copy of the good run with one file replaced. */
export async function runWith(name: string, file: 'summary.json' | 'manifest.json' | 'samples.jsonl', text: string): Promise<string> {
  const dir = p('runs', name);
  await writeRunFixture({ dir, models: ['m1'], suites: ['scienceqa', 'pope'], samplesPerSuite: 6 });
  writeFileSync(path.join(dir, file), text);
  return dir;
}

export const MODEL = `models:
  - id: m
    family: llava-1.5
    backend: { type: llama-cpp, model: m.gguf, threads: 1 }
suites: [{ name: scienceqa }]
`;

export interface BadCase {
  label: string;
  /** Builds the inputs; returns argv and what the message must contain. */
  make(): Promise<{ argv: string[]; names: Array<string | RegExp> }> | { argv: string[]; names: Array<string | RegExp> };
}

export interface Row {
  command: string;
  help: string[];
  unknownFlag: string[];
  missing: BadCase[];
  malformed: BadCase[];
  /** An output path that cannot be created (below a regular file). */
  output?: BadCase[];
}

export const TABLE: Row[] = [
  {
    command: 'run',
    help: ['run', '--help'],
    unknownFlag: ['run', '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['run', writeEchoConfig(tempDir(), { count: 2, isolate: false }), '--out', unwritable('results'), '--no-report'], names: [unwritable('results')] }) }],
    missing: [
      { label: 'config file', make: () => ({ argv: ['run', nope('c.yaml')], names: [nope('c.yaml')] }) },
      { label: '--resume dir', make: () => ({ argv: ['run', '--resume', nope('run')], names: [nope('run')] }) },
    ],
    malformed: [
      {
        label: 'config with an unknown field',
        make: () => {
          const f = write('run/bad.yaml', MODEL.replace('threads: 1', 'threads: 1, colour: red'));
          return { argv: ['run', f], names: [`${f}:4:`, 'field models[0].backend.colour'] };
        },
      },
      {
        label: '--resume dir whose manifest.json is not JSON',
        make: async () => {
          const dir = await runWith('resume-bad-manifest', 'manifest.json', '{"runId": ');
          return { argv: ['run', '--resume', dir], names: [path.join(dir, 'manifest.json')] };
        },
      },
    ],
  },
  {
    command: 'summary',
    help: ['summary', '--help'],
    unknownFlag: ['summary', good, '--bogus'],
    missing: [{ label: 'run dir', make: () => ({ argv: ['summary', nope('run')], names: [nope('run')] }) }],
    malformed: [
      {
        label: 'summary.json that is not JSON',
        make: async () => {
          const dir = await runWith('summary-not-json', 'summary.json', '{"runId": "x", ');
          return { argv: ['summary', dir], names: [path.join(dir, 'summary.json')] };
        },
      },
      {
        label: 'summary.json that is JSON but not a summary',
        make: async () => {
          const dir = await runWith('summary-array', 'summary.json', '[1, 2]');
          return { argv: ['summary', dir], names: [path.join(dir, 'summary.json')] };
        },
      },
      {
        label: 'summary.json whose results are not results',
        make: async () => {
          const dir = await runWith('summary-bad-results', 'summary.json', '{"runId": "x", "results": [null]}');
          return { argv: ['summary', dir], names: [path.join(dir, 'summary.json'), 'field results[0]'] };
        },
      },
    ],
  },
  {
    command: 'score',
    help: ['score', '--help'],
    unknownFlag: ['score', '--metric', 'vqa', '--in', 'x.jsonl', '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['score', '--metric', 'vqa', '--in', write('score/ok.jsonl', '{"prediction": "a", "answers": ["a"]}\n'), '--out', unwritable('s.jsonl')], names: [unwritable('s.jsonl')] }) }],
    missing: [
      { label: '--in file', make: () => ({ argv: ['score', '--metric', 'vqa', '--in', nope('p.jsonl')], names: [nope('p.jsonl')] }) },
      {
        label: 'run dir to re-judge',
        make: () => {
          const judge = write('score/judge.yaml', 'provider: openai\nendpoint: http://127.0.0.1:9/v1\nmodel: gpt\n');
          return { argv: ['score', nope('run'), '--judge', judge], names: [nope('run')] };
        },
      },
      { label: '--judge config', make: () => ({ argv: ['score', good, '--judge', nope('judge.yaml')], names: [nope('judge.yaml')] }) },
    ],
    malformed: [
      {
        label: 'predictions line that is not JSON',
        make: () => {
          const f = write('score/p.jsonl', '{"prediction": "a", "answers": ["a"]}\n{"prediction": \n');
          return { argv: ['score', '--metric', 'vqa', '--in', f], names: [`${f}:2`] };
        },
      },
      {
        label: 'predictions line missing a field',
        make: () => {
          const f = write('score/q.jsonl', '{"prediction": "a", "answers": ["a"]}\n{"prediction": "a"}\n');
          return { argv: ['score', '--metric', 'vqa', '--in', f], names: [`${f}:2`, 'field answers'] };
        },
      },
      {
        label: 'judge config with an unknown field',
        make: () => {
          const f = write('score/judge-bad.yaml', 'provider: openai\nendpoint: http://127.0.0.1:9/v1\nmodel: gpt\ncolour: red\n');
          return { argv: ['score', good, '--judge', f], names: [f, 'field colour', "unknown field 'colour'"] };
        },
      },
    ],
  },
  {
    command: 'merge',
    help: ['merge', '--help'],
    unknownFlag: ['merge', '--bogus'],
    missing: [{ label: 'shard dir', make: () => ({ argv: ['merge', nope('shard0'), '--out', p('merged')], names: [nope('shard0')] }) }],
    malformed: [
      {
        label: 'shard whose samples.jsonl has a corrupt line',
        make: async () => {
          const dir = await runWith('merge-bad-samples', 'samples.jsonl', '{"key": "a"}\n{"key": \n{"key": "b"}\n');
          return { argv: ['merge', dir, '--out', p('merged')], names: [`${path.join(dir, 'samples.jsonl')}:2`] };
        },
      },
    ],
  },
  {
    command: 'gate',
    help: ['gate', '--help'],
    unknownFlag: ['gate', '--baseline', 'a', '--current', 'b', '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['gate', '--baseline', good, '--current', good, '--out', unwritable('gate')], names: [unwritable('gate')] }) }],
    missing: [
      { label: '--baseline', make: () => ({ argv: ['gate', '--baseline', nope('base'), '--current', good, '--out', p('gate-out')], names: [nope('base')] }) },
      { label: '--policy', make: () => ({ argv: ['gate', '--baseline', good, '--current', good, '--policy', nope('gate.yaml'), '--out', p('gate-out')], names: [nope('gate.yaml')] }) },
    ],
    malformed: [
      {
        label: 'policy with an unknown field',
        make: () => {
          const f = write('gate/policy.yaml', 'alpha: 0.05\naccuracy:\n  default: { max_drop: 0.01, colour: red }\n');
          return { argv: ['gate', '--baseline', good, '--current', good, '--policy', f, '--out', p('gate-out')], names: [`${f}:3:`, 'field accuracy.default.colour', "unknown field 'colour'"] };
        },
      },
      {
        label: 'policy that is not YAML',
        make: () => {
          const f = write('gate/policy-syntax.yaml', 'alpha: 0.05\nrequire_same: [dataset\n');
          return { argv: ['gate', '--baseline', good, '--current', good, '--policy', f, '--out', p('gate-out')], names: [new RegExp(`${f}:\\d+:\\d+: YAML syntax error`)] };
        },
      },
      {
        label: 'baseline summary.json that is not JSON',
        make: () => {
          const f = write('gate/base/summary.json', '{"results": [');
          return { argv: ['gate', '--baseline', f, '--current', good, '--out', p('gate-out')], names: [f] };
        },
      },
      {
        label: 'current run whose manifest.json is an empty object',
        make: async () => {
          const dir = await runWith('gate-empty-manifest', 'manifest.json', '{}');
          return { argv: ['gate', '--baseline', good, '--current', dir, '--out', p('gate-out')], names: [path.join(dir, 'manifest.json'), 'field runId'] };
        },
      },
      {
        label: 'baseline summary.json without results',
        make: () => {
          const f = write('gate/base2/summary.json', '{"runId": "x"}');
          return { argv: ['gate', '--baseline', f, '--current', good, '--out', p('gate-out')], names: [f] };
        },
      },
    ],
  },
  {
    command: 'baseline promote',
    help: ['baseline', 'promote', '--help'],
    unknownFlag: ['baseline', 'promote', '--bogus'],
    output: [{ label: '--to', make: () => ({ argv: ['baseline', 'promote', good, '--to', unwritable('baseline')], names: [unwritable('baseline')] }) }],
    missing: [{ label: 'run dir', make: () => ({ argv: ['baseline', 'promote', nope('run'), '--to', p('baseline')], names: [nope('run')] }) }],
    malformed: [
      {
        label: 'run whose summary.json is not JSON',
        make: async () => {
          const dir = await runWith('promote-bad-summary', 'summary.json', 'not json');
          return { argv: ['baseline', 'promote', dir, '--to', p('baseline')], names: [path.join(dir, 'summary.json')] };
        },
      },
      {
        label: 'run whose manifest.json has no models',
        make: async () => {
          const dir = await runWith('promote-no-models', 'manifest.json', '{"runId": "x", "datasets": {}, "templateHashes": {}, "hardware": {}}');
          return { argv: ['baseline', 'promote', dir, '--to', p('baseline')], names: [path.join(dir, 'manifest.json'), 'field models'] };
        },
      },
    ],
  },
  {
    command: 'baseline',
    help: ['baseline', '--help'],
    unknownFlag: ['baseline', '--bogus'],
    missing: [],
    malformed: [],
  },
  {
    command: 'doctor',
    help: ['doctor', '--help'],
    unknownFlag: ['doctor', '--bogus'],
    missing: [],
    malformed: [],
  },
  {
    command: 'models',
    help: ['models', '--help'],
    unknownFlag: ['models', '--bogus'],
    missing: [],
    malformed: [],
  },
  {
    command: 'models prompt',
    help: ['models', 'prompt', '--help'],
    unknownFlag: ['models', 'prompt', '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['models', 'prompt', '--in', write('prompt/ok.jsonl', '{"template": "vicuna_v1", "messages": [{"role": "user", "content": "hi"}]}\n'), '--out', unwritable('r.jsonl')], names: [unwritable('r.jsonl')] }) }],
    missing: [{ label: '--in file', make: () => ({ argv: ['models', 'prompt', '--in', nope('cases.jsonl')], names: [nope('cases.jsonl')] }) }],
    malformed: [
      {
        label: 'cases line that is not JSON',
        make: () => {
          const f = write('prompt/cases.jsonl', '{"template": "vicuna_v1", "messages": []}\n[oops\n');
          return { argv: ['models', 'prompt', '--in', f], names: [`${f}:2`] };
        },
      },
      {
        label: 'cases line with an unknown template',
        make: () => {
          const f = write('prompt/cases2.jsonl', '{"template": "no_such_template", "messages": [{"role": "user", "content": "hi"}]}\n');
          return { argv: ['models', 'prompt', '--in', f], names: [`${f}:1`, 'field template'] };
        },
      },
    ],
  },
  {
    command: 'models tokens',
    help: ['models', 'tokens', '--help'],
    unknownFlag: ['models', 'tokens', '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['models', 'tokens', '--in', write('tokens/ok.jsonl', '{"width": 10, "height": 10}\n'), '--out', unwritable('t.jsonl')], names: [unwritable('t.jsonl')] }) }],
    missing: [
      { label: '--in file', make: () => ({ argv: ['models', 'tokens', '--in', nope('sizes.jsonl')], names: [nope('sizes.jsonl')] }) },
      { label: '--image file', make: () => ({ argv: ['models', 'tokens', '--image', nope('cat.jpg')], names: [nope('cat.jpg')] }) },
    ],
    malformed: [
      {
        label: 'sizes line that is not JSON',
        make: () => {
          const f = write('tokens/sizes.jsonl', '{"width": 10, "height": 10}\n{width: 1}\n');
          return { argv: ['models', 'tokens', '--in', f], names: [`${f}:2`] };
        },
      },
      {
        label: 'sizes line with a bad width',
        make: () => {
          const f = write('tokens/sizes2.jsonl', '{"width": "wide", "height": 10}\n');
          return { argv: ['models', 'tokens', '--in', f], names: [`${f}:1`, 'field width'] };
        },
      },
      {
        label: 'image that is not an image',
        make: () => {
          const f = write('tokens/cat.jpg', 'not a jpeg');
          return { argv: ['models', 'tokens', '--image', f], names: [f] };
        },
      },
    ],
  },
  {
    command: 'models inspect',
    help: ['models', 'inspect', '--help'],
    unknownFlag: ['models', 'inspect', '--bogus'],
    missing: [{ label: 'model path', make: () => ({ argv: ['models', 'inspect', nope('m.gguf')], names: [nope('m.gguf')] }) }],
    malformed: [
      {
        label: 'truncated GGUF',
        make: () => {
          const f = write('inspect/m.gguf', Buffer.from('GGUF\x03\x00\x00\x00'));
          return { argv: ['models', 'inspect', f], names: [f] };
        },
      },
      {
        label: 'config.json that is not JSON',
        make: () => {
          const f = write('inspect/cfg/config.json', '{"model_type": ');
          return { argv: ['models', 'inspect', f], names: [f] };
        },
      },
    ],
  },
  {
    command: 'models make-fixtures',
    help: ['models', 'make-fixtures', '--help'],
    unknownFlag: ['models', 'make-fixtures', '--bogus'],
    missing: [],
    malformed: [],
    output: [{ label: '--dir', make: () => ({ argv: ['models', 'make-fixtures', '--dir', unwritable('fixtures')], names: [unwritable('fixtures')] }) }],
  },
  {
    command: 'report',
    help: ['report', '--help'],
    unknownFlag: ['report', good, '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['report', good, '--no-png', '--no-published', '--out', unwritable('r.html')], names: [unwritable('r.html')] }) }],
    missing: [
      { label: 'run dir', make: () => ({ argv: ['report', nope('run'), '--out', p('r.html')], names: [nope('run')] }) },
      { label: '--published file', make: () => ({ argv: ['report', good, '--published', nope('pub.yaml'), '--out', p('r.html'), '--no-png'], names: [nope('pub.yaml')] }) },
    ],
    malformed: [
      {
        label: 'run whose summary.json is not JSON',
        make: async () => {
          const dir = await runWith('report-bad-summary', 'summary.json', '{');
          return { argv: ['report', dir, '--out', p('r.html')], names: [path.join(dir, 'summary.json')] };
        },
      },
      {
        label: 'run whose summary results lack a model',
        make: async () => {
          const dir = await runWith('report-bad-results', 'summary.json', '{"runId": "x", "results": [{"suite": "pope", "metrics": {}}]}');
          return { argv: ['report', dir, '--out', p('r.html')], names: [path.join(dir, 'summary.json'), 'field results[0]'] };
        },
      },
      {
        label: 'run whose samples.jsonl has a corrupt line',
        make: async () => {
          const dir = await runWith('report-bad-samples', 'samples.jsonl', '{"key": "a"}\nnot json\n{"key": "b"}\n');
          return { argv: ['report', dir, '--out', p('r.html')], names: [`${path.join(dir, 'samples.jsonl')}:2`] };
        },
      },
      {
        label: 'published file with an unknown field',
        make: () => {
          const f = write('report/pub.yaml', 'axes: [A, B, C]\nsources: {}\nmodels: []\ncolour: red\n');
          return { argv: ['report', good, '--published', f, '--out', p('r.html'), '--no-png'], names: [f, 'field colour', "unknown field 'colour'"] };
        },
      },
    ],
  },
  {
    command: 'compare',
    help: ['compare', '--help'],
    unknownFlag: ['compare', 'a', 'b', '--bogus'],
    output: [{ label: '--out', make: () => ({ argv: ['compare', good, good, '--format', 'md', '--out', unwritable('c.md')], names: [unwritable('c.md')] }) }],
    missing: [{ label: 'run dir', make: () => ({ argv: ['compare', good, nope('run')], names: [nope('run')] }) }],
    malformed: [
      {
        label: 'run whose summary.json is not JSON',
        make: async () => {
          const dir = await runWith('compare-bad-summary', 'summary.json', '{"results": ');
          return { argv: ['compare', good, dir], names: [path.join(dir, 'summary.json')] };
        },
      },
      {
        label: 'run whose summary.json has no results',
        make: async () => {
          const dir = await runWith('compare-no-results', 'summary.json', '{"runId": "x"}');
          return { argv: ['compare', good, dir], names: [path.join(dir, 'summary.json')] };
        },
      },
      {
        label: 'run whose manifest.json is not JSON',
        make: async () => {
          const dir = await runWith('compare-bad-manifest', 'manifest.json', '');
          return { argv: ['compare', good, dir], names: [path.join(dir, 'manifest.json')] };
        },
      },
      {
        label: 'run whose manifest.json is an empty object',
        make: async () => {
          const dir = await runWith('compare-empty-manifest', 'manifest.json', '{}');
          return { argv: ['compare', good, dir], names: [path.join(dir, 'manifest.json'), 'field runId'] };
        },
      },
    ],
  },
  {
    command: 'serve',
    help: ['serve', '--help'],
    unknownFlag: ['serve', '--bogus'],
    missing: [{ label: 'config file', make: () => ({ argv: ['serve', nope('serve.yaml'), '--port', '0'], names: [nope('serve.yaml')] }) }],
    malformed: [],
  },
];

/** Writes the shared inputs the rows refer to (a file where a folder is expected, a good run). */
export async function prepareBadInputCases(): Promise<void> {
  write('a-file', 'not a folder');
  await writeRunFixture({ dir: good, models: ['m1'], suites: ['scienceqa', 'pope'], samplesPerSuite: 6 });
}
