// Token-level evaluation on presidio-research's generated set, as presidio-research scores it:
// every token gets the gold label of the span it lies in (or O) and the predicted label of the
// finding it lies in (or O); precision, recall and F2 are computed per entity type over tokens.
import { fScore, summarise, tally } from './metrics.mjs';

/**
 * presidio-research label -> our entity type. `null`: the label is ignored (its tokens count
 * neither as gold nor as false positives), because we do not report that kind of entity.
 */
export const presidioLabelMap = {
  PERSON: 'PERSON',
  LOCATION: 'LOCATION',
  GPE: 'LOCATION',
  ADDRESS: 'LOCATION',
  STREET_ADDRESS: 'LOCATION',
  ORGANIZATION: 'ORGANIZATION',
  CREDIT_CARD: 'CREDIT_CARD',
  PHONE_NUMBER: 'PHONE',
  EMAIL_ADDRESS: 'EMAIL',
  US_SSN: 'US_SSN',
  IBAN_CODE: 'IBAN',
  IP_ADDRESS: 'IP_ADDRESS',
  DOMAIN_NAME: 'URL',
  US_DRIVER_LICENSE: 'US_DRIVER_LICENSE',
  DATE_TIME: null,
  TITLE: null,
  PREFIX: null,
  NRP: null,
};

/** Our types that the presidio set labels (predictions of other types, e.g. SECRET, are ignored). */
export const presidioScoredTypes = new Set(Object.values(presidioLabelMap).filter((type) => type !== null));

/** Whitespace/punctuation tokenisation with offsets. */
export function tokens(text) {
  const result = [];
  const pattern = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;
  for (const match of text.matchAll(pattern))
    result.push({ start: match.index, end: match.index + match[0].length });
  return result;
}

function labelAt(spans, token) {
  for (const span of spans) if (token.start < span.end && span.start < token.end) return span.type;
  return 'O';
}

/** Splits samples into the tuning half (even template ids) and the held-out half (odd ids). */
export function splitByTemplate(samples) {
  const tune = [];
  const heldOut = [];
  for (const sample of samples) (sample.template_id % 2 === 0 ? tune : heldOut).push(sample);
  return { tune, heldOut };
}

/** Scores `predict(text) -> [{type,start,end}]` on `samples`; returns per-type and overall counts. */
export function evaluatePresidio(samples, predict) {
  const counts = new Map();
  const overall = { tp: 0, fp: 0, fn: 0 };
  for (const sample of samples) {
    const gold = [];
    const ignored = [];
    for (const span of sample.spans) {
      const type = presidioLabelMap[span.entity_type];
      const entry = { type, start: span.start_position, end: span.end_position };
      if (type === null || type === undefined) ignored.push(entry);
      else gold.push(entry);
    }
    const predicted = predict(sample.full_text).filter((finding) => presidioScoredTypes.has(finding.type));
    for (const token of tokens(sample.full_text)) {
      if (ignored.some((span) => token.start < span.end && span.start < token.end)) continue;
      const goldLabel = labelAt(gold, token);
      const predictedLabel = labelAt(predicted, token);
      if (goldLabel === 'O' && predictedLabel === 'O') continue;
      if (goldLabel === predictedLabel) {
        tally(counts, goldLabel, 'tp');
        overall.tp += 1;
        continue;
      }
      if (predictedLabel !== 'O') {
        tally(counts, predictedLabel, 'fp');
        overall.fp += 1;
      }
      if (goldLabel !== 'O') {
        tally(counts, goldLabel, 'fn');
        overall.fn += 1;
      }
    }
  }
  return { counts, overall: summarise(overall), f2: fScore };
}
