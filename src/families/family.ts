import type { ChatMessage, ImageSource } from '../core/request.ts';
import { chatToTurns } from './messages.ts';
import { preprocessFor } from './preprocess.ts';
import { TASK_DEFAULTS } from './specs.ts';
import { assertTemplate, renderTemplate, withOpenSlot } from './templates/index.ts';
import { imageTokensFor } from './tokens.ts';
import type { Family, FamilySpec, PreprocessOptions, RenderOptions, VisionOverrides } from './types.ts';

/** Build a Family from its data: every family renders through the shared upstream template table. */
export function makeFamily(spec: FamilySpec): Family {
  return {
    key: spec.key,
    description: spec.description,
    templateSource: spec.templateSource,
    defaultTemplate: spec.defaultTemplate,
    templates: spec.templates,
    vision: spec.vision,
    taskDefaults: TASK_DEFAULTS,
    imageTokens: (width: number, height: number, opts?: VisionOverrides) => imageTokensFor(spec.vision, width, height, opts),
    renderPrompt(messages: ChatMessage[], opts: RenderOptions = {}) {
      const key = opts.template ?? spec.defaultTemplate;
      assertTemplate(spec.templateSource, key);
      const { prompt, stop } = renderTemplate(spec.templateSource, key, withOpenSlot(chatToTurns(messages)));
      const marked = opts.imageMarker === undefined ? prompt : prompt.split('<image>').join(opts.imageMarker);
      return { prompt: marked, stop: stop === null ? [] : [stop] };
    },
    preprocess: (image: ImageSource, opts?: PreprocessOptions) => preprocessFor(spec.vision, image, opts),
  };
}
