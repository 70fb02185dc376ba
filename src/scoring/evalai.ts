import { pyReplace, pySplit, pyStrip } from './pytext.ts';

/**
 * The EvalAI answer normaliser used by VQAv2, TextVQA and VizWiz (LLaVA `m4c_evaluator.py::
 * EvalAIAnswerProcessor`, from MMF), reproduced with its quirks (LLaVA `llava/eval/m4c_evaluator.py`):
 * commas and `?` vanish first; the punctuation rule looks at the pre-punctuation text; the period
 * pattern's `(?!<=\d)` is a lookahead that never fires; at most 32 periods go (`re.UNICODE` passed as
 * the count); contractions are looked up after lowercasing, so entries like `Im` can never apply.
 */

// The upstream table, verbatim (keys with capitals are unreachable after lowercasing, kept on purpose).
export const EVALAI_CONTRACTIONS: Readonly<Record<string, string>> = {
  aint: "ain't", arent: "aren't", cant: "can't", couldve: "could've", couldnt: "couldn't",
  "couldn'tve": "couldn't've", "couldnt've": "couldn't've", didnt: "didn't", doesnt: "doesn't",
  dont: "don't", hadnt: "hadn't", "hadnt've": "hadn't've", "hadn'tve": "hadn't've", hasnt: "hasn't",
  havent: "haven't", hed: "he'd", "hed've": "he'd've", "he'dve": "he'd've", hes: "he's", howd: "how'd",
  howll: "how'll", hows: "how's", "Id've": "I'd've", "I'dve": "I'd've", Im: "I'm", Ive: "I've",
  isnt: "isn't", itd: "it'd", "itd've": "it'd've", "it'dve": "it'd've", itll: "it'll", "let's": "let's",
  maam: "ma'am", mightnt: "mightn't", "mightnt've": "mightn't've", "mightn'tve": "mightn't've",
  mightve: "might've", mustnt: "mustn't", mustve: "must've", neednt: "needn't", notve: "not've",
  oclock: "o'clock", oughtnt: "oughtn't", "ow's'at": "'ow's'at", "'ows'at": "'ow's'at",
  "'ow'sat": "'ow's'at", shant: "shan't", "shed've": "she'd've", "she'dve": "she'd've",
  "she's": "she's", shouldve: "should've", shouldnt: "shouldn't", "shouldnt've": "shouldn't've",
  "shouldn'tve": "shouldn't've", "somebody'd": 'somebodyd', "somebodyd've": "somebody'd've",
  "somebody'dve": "somebody'd've", somebodyll: "somebody'll", somebodys: "somebody's",
  someoned: "someone'd", "someoned've": "someone'd've", "someone'dve": "someone'd've",
  someonell: "someone'll", someones: "someone's", somethingd: "something'd",
  "somethingd've": "something'd've", "something'dve": "something'd've", somethingll: "something'll",
  thats: "that's", thered: "there'd", "thered've": "there'd've", "there'dve": "there'd've",
  therere: "there're", theres: "there's", theyd: "they'd", "theyd've": "they'd've",
  "they'dve": "they'd've", theyll: "they'll", theyre: "they're", theyve: "they've", twas: "'twas",
  wasnt: "wasn't", "wed've": "we'd've", "we'dve": "we'd've", weve: "we've", werent: "weren't",
  whatll: "what'll", whatre: "what're", whats: "what's", whatve: "what've", whens: "when's",
  whered: "where'd", wheres: "where's", whereve: "where've", whod: "who'd", "whod've": "who'd've",
  "who'dve": "who'd've", wholl: "who'll", whos: "who's", whove: "who've", whyll: "why'll",
  whyre: "why're", whys: "why's", wont: "won't", wouldve: "would've", wouldnt: "wouldn't",
  "wouldnt've": "wouldn't've", "wouldn'tve": "wouldn't've", yall: "y'all", "yall'll": "y'all'll",
  "y'allll": "y'all'll", "yall'd've": "y'all'd've", "y'alld've": "y'all'd've", "y'all'dve": "y'all'd've",
  youd: "you'd", "youd've": "you'd've", "you'dve": "you'd've", youll: "you'll", youre: "you're",
  youve: "you've",
};

const NUMBER_MAP: Readonly<Record<string, string>> = {
  none: '0', zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7',
  eight: '8', nine: '9', ten: '10',
};

const ARTICLES = new Set(['a', 'an', 'the']);

// Upstream order matters only for the spacing decision; all 21 characters, backtick included.
const PUNCTUATIONS = [';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'];

const ANY_PUNCTUATION = /[;/[\]"{}()=+\\_\-><@`,?!]/;

/** COMMA_STRIP `(?<=\d)(\,)+(?=\d)` with Python's Unicode `\d`. */
const COMMA_STRIP = /(?<=\p{Nd}),+(?=\p{Nd})/u;
/** PERIOD_STRIP `(?!<=\d)(\.)(?!\d)`: the leading group is a lookahead for "<=digit", never true before a period. */
const PERIOD_STRIP = /(?!<=\p{Nd})\.(?!\p{Nd})/gu;
/** Upstream passes re.UNICODE (= 32) as the `count` argument of `sub`. */
const PERIOD_STRIP_MAX = 32;

const hasOwn = (table: Readonly<Record<string, string>>, key: string) => Object.prototype.hasOwnProperty.call(table, key);

/** `replace` that skips the split/join when there is nothing to replace (the common case). */
const replaceAll = (s: string, old: string, rep: string) => (s.includes(old) ? pyReplace(s, old, rep) : s);

function wordTokenize(word: string): string {
  return pyStrip(replaceAll(replaceAll(replaceAll(word.toLowerCase(), ',', ''), '?', ''), "'s", " 's"));
}

function processPunctuation(inText: string): string {
  let out = inText;
  if (ANY_PUNCTUATION.test(inText)) {
    const commaInNumber = COMMA_STRIP.test(inText);
    for (const p of PUNCTUATIONS) {
      // Replacing an absent character is a no-op, so only characters present are looked at.
      if (!out.includes(p)) continue;
      const touchesSpace = inText.includes(`${p} `) || inText.includes(` ${p}`);
      out = pyReplace(out, p, touchesSpace || commaInNumber ? '' : ' ');
    }
  }
  if (!out.includes('.')) return out;
  let removed = 0;
  return out.replace(PERIOD_STRIP, (m) => (removed++ < PERIOD_STRIP_MAX ? '' : m));
}

function processDigitArticle(inText: string): string {
  const words: string[] = [];
  for (const raw of pySplit(inText.toLowerCase())) {
    const word = hasOwn(NUMBER_MAP, raw) ? NUMBER_MAP[raw]! : raw;
    if (!ARTICLES.has(word)) words.push(word);
  }
  return words.map((w) => (hasOwn(EVALAI_CONTRACTIONS, w) ? EVALAI_CONTRACTIONS[w]! : w)).join(' ');
}

/** Normalise one answer exactly as EvalAI / m4c does. */
export function normalizeEvalAI(answer: string): string {
  let item = wordTokenize(answer);
  item = pyStrip(replaceAll(replaceAll(item, '\n', ' '), '\t', ' '));
  item = processPunctuation(item);
  return processDigitArticle(item);
}
