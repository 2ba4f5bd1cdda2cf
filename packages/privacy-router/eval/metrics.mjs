// Scoring helpers shared by the evaluation scripts.

/** F-beta from precision and recall (0 when both are 0). */
export function fScore(precision, recall, beta = 2) {
  const b2 = beta * beta;
  const denominator = b2 * precision + recall;
  return denominator === 0 ? 0 : ((1 + b2) * precision * recall) / denominator;
}

/** Adds true positives, false positives and false negatives into `counts[type]`. */
export function tally(counts, type, field, amount = 1) {
  const entry = counts.get(type) ?? { tp: 0, fp: 0, fn: 0 };
  entry[field] += amount;
  counts.set(type, entry);
}

/** Precision, recall, F2 of a {tp, fp, fn} entry. Precision is 1 when nothing was predicted. */
export function summarise({ tp, fp, fn }) {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { tp, fp, fn, precision, recall, f2: fScore(precision, recall) };
}

/** Markdown table rows for a Map of counts, sorted by type, plus a micro-averaged total. */
export function table(counts, totalLabel = '**all (micro)**') {
  const rows = [
    '| type | gold | predicted | TP | FP | FN | precision | recall | F2 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const type of [...counts.keys()].sort()) {
    const entry = counts.get(type);
    const s = summarise(entry);
    total.tp += entry.tp;
    total.fp += entry.fp;
    total.fn += entry.fn;
    rows.push(
      `| ${type} | ${s.tp + s.fn} | ${s.tp + s.fp} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f2.toFixed(3)} |`,
    );
  }
  const s = summarise(total);
  rows.push(
    `| ${totalLabel} | ${s.tp + s.fn} | ${s.tp + s.fp} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f2.toFixed(3)} |`,
  );
  return { markdown: rows.join('\n'), total: s };
}
