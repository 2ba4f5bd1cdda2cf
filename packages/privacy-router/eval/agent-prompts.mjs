// Span-level evaluation on NemoClaw's labelled agent prompts (eval/agent-prompts.json). A
// prediction is a true positive when it has the gold entity's type and overlaps it by at least
// half of the longer of the two spans; each gold entity is matched once. Only the labelled types
// are scored (URL and LOCATION predictions are ignored on this set).
import { tally } from './metrics.mjs';

/** Resolves the `value` labels of the set to offsets (successive equal values take successive occurrences). */
export function resolveLabels(item) {
  const seen = new Map();
  return item.entities.map((entity) => {
    const from = seen.get(entity.value) ?? 0;
    const start = item.text.indexOf(entity.value, from);
    if (start < 0) throw new Error(`${item.id}: label ${JSON.stringify(entity.value)} is not in the text`);
    seen.set(entity.value, start + entity.value.length);
    return { type: entity.type, start, end: start + entity.value.length };
  });
}

function overlapEnough(left, right) {
  const overlap = Math.min(left.end, right.end) - Math.max(left.start, right.start);
  const longer = Math.max(left.end - left.start, right.end - right.start);
  return overlap > 0 && overlap * 2 >= longer;
}

/** Scores `predict(text) -> findings` on the set; returns per-type counts and the misses for the report. */
export function evaluateAgentPrompts(dataset, predict) {
  const scored = new Set(dataset.labelledTypes);
  const counts = new Map();
  const errors = [];
  for (const item of dataset.items) {
    const gold = resolveLabels(item);
    const predicted = predict(item.text).filter((finding) => scored.has(finding.type));
    const matched = new Set();
    for (const entity of gold) {
      const index = predicted.findIndex(
        (finding, position) =>
          !matched.has(position) && finding.type === entity.type && overlapEnough(finding, entity),
      );
      if (index >= 0) {
        matched.add(index);
        tally(counts, entity.type, 'tp');
      } else {
        tally(counts, entity.type, 'fn');
        errors.push({
          id: item.id,
          kind: 'missed',
          type: entity.type,
          text: item.text.slice(entity.start, entity.end),
        });
      }
    }
    predicted.forEach((finding, position) => {
      if (matched.has(position)) return;
      tally(counts, finding.type, 'fp');
      errors.push({
        id: item.id,
        kind: 'false positive',
        type: finding.type,
        subtype: finding.subtype,
        text: item.text.slice(finding.start, finding.end),
      });
    });
  }
  return { counts, errors };
}
