/**
 * Raw survey answers in column-aligned form. Estimation from raw rows, bootstrap resampling and
 * respondent-level indices all walk rows by item position, so a matrix avoids a key lookup per cell.
 */
export type ItemValue = number | null;

export interface ResponseMatrix {
  /** Column ids; `rows[r][c]` answers item `itemIds[c]`. */
  readonly itemIds: readonly string[];
  /** One entry per respondent; null (or NaN) marks a missing answer. */
  readonly rows: ReadonlyArray<ArrayLike<ItemValue>>;
}

/** One respondent's answers keyed by item id, as stored with a response. */
export type ResponseRecord = Readonly<Record<string, ItemValue | undefined>>;

/** Builds a matrix from keyed answers; items absent from a record become null. */
export function responseMatrixFromRecords(
  records: ReadonlyArray<ResponseRecord>,
  itemIds: readonly string[],
): ResponseMatrix {
  const rows = records.map((record) =>
    itemIds.map((id) => {
      const value = record[id];
      return value === undefined ? null : value;
    }),
  );
  return { itemIds: [...itemIds], rows };
}

/** Returns the column positions of `wanted` in `matrix`, or the ids that are not columns. */
export function locateColumns(
  matrix: ResponseMatrix,
  wanted: readonly string[],
): { positions: number[]; missing: string[] } {
  const index = new Map<string, number>();
  matrix.itemIds.forEach((id, position) => index.set(id, position));
  const positions: number[] = [];
  const missing: string[] = [];
  for (const id of wanted) {
    const position = index.get(id);
    if (position === undefined) missing.push(id);
    else positions.push(position);
  }
  return { positions, missing };
}
